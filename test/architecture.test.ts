/**
 * The charter's layers as a check: dependency-cruiser reads every import
 * under source/ and reports what breaks the rules in .dependency-cruiser.cjs
 * (engine never imports ui, ui only through the engine's entry, nothing
 * below the facade imports it, no cycles).
 */
import {createRequire} from 'node:module';
import {resolve} from 'node:path';
import test from 'ava';
import {cruise} from 'dependency-cruiser';

const root = resolve(import.meta.dirname, '..');
const rules = createRequire(import.meta.url)(resolve(root, '.dependency-cruiser.cjs'));

test('imports follow the layers: no rule of .dependency-cruiser.cjs is broken', async t => {
	const previous = process.cwd();
	process.chdir(root);
	try {
		const result = await cruise(['source'], {validate: true, ruleSet: rules, ...rules.options});
		if (typeof result.output === 'string') throw new Error(result.output);
		const violations = result.output.summary.violations.map(v =>
			`${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle: ${v.cycle.map(step => step.name).join(' → ')})` : ''}`);
		t.true(result.output.summary.totalCruised > 100, 'every source module was read');
		t.deepEqual(violations, []);
	} finally {
		process.chdir(previous);
	}
});
