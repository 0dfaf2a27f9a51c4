import {readFileSync, writeFileSync} from 'node:fs';
import test from 'ava';
import {createCluster, type Cluster} from '../../source/engine/index.js';
import {stateFormat, savingFrom, type SavedParts} from '../../source/engine/state.js';
import {richCluster, shop} from './history-calls.js';

/**
 * A snapshot names the form its parts' state is saved in (`stateFormat`),
 * and a restore loads only its own form: another build's state is restored
 * from its objects instead. So any change to what a part saves must change
 * the form's number. This test records the shape of the parts' saved state
 * (every path to a value, with the value's type) for the current form, and
 * fails when the shape changes while the number did not.
 *
 * After changing what a part saves: raise `stateFormat` in
 * source/engine/state.ts, then write the new shape with
 * `UPDATE_STATE_SHAPE=1 npx ava test/engine/state-shape.test.ts`.
 */

const fixture = new URL('fixtures/state-shape.txt', import.meta.url);

/** Every path to a value in `value`, with the value's type; array items share one path, and a Kubernetes object or manifest is one value. */
function paths(value: unknown, path: string, out: Set<string>): void {
	if (typeof value === 'object' && value !== null && !Array.isArray(value) && ('apiVersion' in value || 'metadata' in value)) {
		out.add(`${path}: object`);
	} else if (value === null) {
		out.add(`${path}: null`);
	} else if (Array.isArray(value)) {
		if (value.length === 0) out.add(`${path}[]: empty`);
		for (const item of value) paths(item, `${path}[]`, out);
	} else if (typeof value === 'object') {
		for (const [key, item] of Object.entries(value)) paths(item, `${path}.${/^[A-Za-z_$][\w$]*$/.test(key) ? key : '*'}`, out);
	} else {
		out.add(`${path}: ${typeof value}`);
	}
}

function shapeOf(clusters: readonly Cluster[]): string[] {
	const out = new Set<string>();
	for (const cluster of clusters) {
		const parts = JSON.parse(JSON.stringify(cluster.context.state.save(savingFrom(cluster.context.store)))) as SavedParts;
		for (const [name, state] of parts) paths(state, name, out);
	}
	// An empty array's path is known from a cluster where it is not empty.
	const lines = [...out];
	const emptyKnown = (line: string) => {
		const path = line.slice(0, -': empty'.length);
		return lines.some(other => other !== line && other.startsWith(path));
	};
	return lines.filter(line => !line.endsWith('[]: empty') || !emptyKnown(line)).sort();
}

/** Clusters that reach most of what the parts save: the demo with rows, a writer, a drain, traffic and an open shell; a node killed; a failing rollout. */
function clusters(): Cluster[] {
	const rich = richCluster(5);
	const shell = rich.openShell('writer', ['sh'], shop).session!;
	shell.run('cd /data && export X=1');
	rich.advance(5000);
	const killed = createCluster({seed: 3, nodes: 3});
	killed.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {replicas: 6, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.25', readinessProbe: {httpGet: {path: '/', port: 80}}}]}}}});
	killed.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'db', namespace: 'default'}, spec: {replicas: 1, selector: {matchLabels: {app: 'db'}}, template: {metadata: {labels: {app: 'db'}}, spec: {containers: [{name: 'db', image: 'mysql:8.0', env: [{name: 'MYSQL_ROOT_PASSWORD', value: 'x'}]}]}}}});
	killed.advance(30_000);
	const db = killed.list('pods').find(p => p.metadata.name.startsWith('db-'));
	if (db) killed.exec(db.metadata.name, ['kv', 'set', 'k', 'v']);
	killed.killNode(killed.list('nodes')[1]!.metadata.name);
	killed.setImage('deploy', 'web', 'web', 'nginx:missing');
	killed.advance(60_000);
	return [rich, killed];
}

test('the parts\' saved state has the shape recorded for its form; a new shape needs a new form', t => {
	const shape = shapeOf(clusters());
	const text = `form ${stateFormat}\n${shape.join('\n')}\n`;
	const recorded = readFileSync(fixture, 'utf8');
	const [first = '', ...lines] = recorded.trimEnd().split('\n');
	const recordedForm = Number(first.replace('form ', ''));
	if (process.env['UPDATE_STATE_SHAPE']) {
		if (JSON.stringify(lines) !== JSON.stringify(shape) && stateFormat <= recordedForm) {
			t.fail(`the shape changed: raise stateFormat (now ${stateFormat}) in source/engine/state.ts first`);
			return;
		}
		writeFileSync(fixture, text);
		t.pass();
		return;
	}
	const added = shape.filter(line => !lines.includes(line));
	const removed = lines.filter(line => !shape.includes(line));
	t.deepEqual({added, removed}, {added: [], removed: []}, `the parts' saved state changed shape: raise stateFormat (now ${stateFormat}) in source/engine/state.ts and write the new shape with UPDATE_STATE_SHAPE=1 npx ava test/engine/state-shape.test.ts`);
	t.is(recordedForm, stateFormat, 'the recorded shape is of this form');
});
