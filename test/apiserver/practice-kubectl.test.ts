/**
 * Practice with the real kubectl: a scenario's broken cluster served by the
 * API server, fixed with the kubectl command of its reference solution, and
 * graded through the facade, as the dashboard grades it.
 */
import {spawn} from 'node:child_process';
import {join} from 'node:path';
import test from 'ava';
import type {ApiServer} from '../../source/apiserver/server.js';
import type {Cluster} from '../../source/engine/index.js';
import {findScenario} from '../../source/practice/index.js';
import {hasKubectl, serve} from './harness.js';

/** Run one step's kubectl text (commands, heredocs) in a shell against the served cluster, while virtual time moves. */
function shell(script: string, env: NodeJS.ProcessEnv, cluster: Cluster, server: ApiServer): Promise<{code: number; output: string}> {
	return new Promise(resolve => {
		// kubectl delete waits for finalizers (a claim's protection until its pod is gone): time must move meanwhile.
		// After a delete, kubectl reads the object, lists it and watches from the list; on a real cluster those
		// few milliseconds are nothing next to the kubelet's work, but here a second passes every 20 ms. A pod
		// replaced under its own name between the read and the list would leave kubectl watching the new one for
		// ever (as it would on a real cluster), so the clock holds still from a delete until kubectl's watch is open.
		const remove = cluster.delete.bind(cluster);
		let hold: {until: number; watchers: number} | undefined;
		cluster.delete = (...args) => {
			hold = {until: Date.now() + 2000, watchers: server.watchers()};
			return remove(...args);
		};
		const ticker = setInterval(() => {
			if (hold && Date.now() < hold.until && server.watchers() <= hold.watchers) return;
			hold = undefined;
			cluster.advance(1000);
		}, 20);
		// Its own process group, so the kill below reaches kubectl too: killing only sh leaves kubectl holding the output open.
		const child = spawn('sh', ['-c', script], {env, detached: true});
		let output = '';
		// A command that has not finished in 60 s fails the test with what it printed instead of hanging it.
		const limit = setTimeout(() => {
			output += '\n(killed after 60 s)';
			process.kill(-child.pid!, 'SIGKILL');
		}, 60_000);
		child.stdout.on('data', chunk => (output += chunk));
		child.stderr.on('data', chunk => (output += chunk));
		child.on('close', code => {
			clearInterval(ticker);
			Reflect.deleteProperty(cluster, 'delete');
			clearTimeout(limit);
			resolve({code: code ?? -1, output});
		});
	});
}

const solvedWithKubectl = [
	'image-tag-typo', 'service-selector-mismatch', 'service-targetport-wrong', 'namespace-stuck-terminating', 'rollout-progress-deadline',
	'secret-missing', 'readiness-probe-wrong-port', 'crashloop-bad-command', 'untolerated-taint', 'configmap-key-missing', 'job-backoff-limit',
	'pvc-wrong-storageclass', 'pvc-access-mode-mismatch', 'pvc-no-storageclass', 'statefulset-stuck-ordinal', 'init-container-waiting',
	'liveness-probe-wrong-path', 'cronjob-forbid-stuck', 'rwo-multi-attach', 'volume-pinned-to-lost-node', 'node-selector-no-match',
	'oom-killed', 'insufficient-cpu', 'quota-exceeded', 'pdb-blocks-drain',
];

for (const id of solvedWithKubectl) {
	(hasKubectl ? test.serial : test.serial.skip)(`${id}: fixed with kubectl against the served cluster, graded as solved`, async t => {
		const scenario = findScenario(id);
		const cluster = scenario.create({seed: 7});
		const served = await serve(() => {}, {}, cluster);
		try {
			t.false(scenario.grade(cluster).passed);
			const env = {...process.env, KUBECONFIG: served.kubeconfig, HOME: served.dir, KUBECACHEDIR: join(served.dir, 'cache')};
			for (const step of scenario.solution) {
				t.regex(step.kubectl!, /^kubectl /, 'each step gives a kubectl command');
				const result = await shell(step.kubectl!, env, cluster, served.server);
				t.is(result.code, 0, `${step.kubectl}\n${result.output}`);
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
