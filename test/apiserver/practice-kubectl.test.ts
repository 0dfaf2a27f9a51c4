/**
 * Practice with the real kubectl: a scenario's broken cluster served by the
 * API server, fixed with the kubectl command of its reference solution, and
 * graded through the facade, as the dashboard grades it.
 */
import test from 'ava';
import {findScenario} from '../../source/practice/index.js';
import {hasKubectl, serve} from './harness.js';

/** Words of a shell command line (single and double quotes, backslash escapes in double quotes). */
function words(line: string): string[] {
	const out: string[] = [];
	let word = '';
	let quote: string | undefined;
	let started = false;
	for (let i = 0; i < line.length; i++) {
		const char = line[i]!;
		if (quote) {
			if (char === quote) quote = undefined;
			else if (quote === '"' && char === '\\' && i + 1 < line.length) word += line[++i];
			else word += char;
		} else if (char === '\'' || char === '"') {
			quote = char;
			started = true;
		} else if (/\s/.test(char)) {
			if (started) out.push(word);
			word = '';
			started = false;
		} else {
			word += char;
			started = true;
		}
	}
	if (started) out.push(word);
	return out;
}

const solvedWithKubectl = ['image-tag-typo', 'service-selector-mismatch', 'service-targetport-wrong', 'namespace-stuck-terminating', 'rollout-progress-deadline', 'secret-missing', 'readiness-probe-wrong-port', 'crashloop-bad-command', 'untolerated-taint'];

for (const id of solvedWithKubectl) {
	(hasKubectl ? test.serial : test.serial.skip)(`${id}: fixed with kubectl against the served cluster, graded as solved`, async t => {
		const scenario = findScenario(id);
		const cluster = scenario.create({seed: 7});
		const served = await serve(() => {}, {}, cluster);
		try {
			t.false(scenario.grade(cluster).passed);
			for (const step of scenario.solution) {
				const command = step.kubectl!.replace(/\s+#.*$/, '');
				const argv = words(command);
				t.is(argv[0], 'kubectl', command);
				const result = await served.kubectl(argv.slice(1));
				t.is(result.code, 0, `${command}\n${result.stderr}`);
			}
			let waited = 0;
			while (!scenario.grade(cluster).passed && waited < 10 * 60_000) {
				cluster.advance(5000);
				waited += 5000;
			}
			const grade = scenario.grade(cluster);
			t.true(grade.passed, grade.checks.map(c => `${c.name}: ${c.detail}`).join('; '));
		} finally {
			await served.close();
		}
	});
}
