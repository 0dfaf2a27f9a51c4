/**
 * Detail views: the pure work behind a keypress on a large cluster —
 * describe of a Deployment and of a node with 100 pods, xray of 100
 * Deployments (1,000 pods), a trace summary and filter over a full
 * container trace, and the sanitiser over 5,000 log lines.
 */
import type {BenchRow, BenchSection} from './run.js';
import {createCluster} from '../source/engine/cluster.js';
import {describe} from '../source/ui/details/describe/describe.js';
import {buildXray, flattenXray} from '../source/ui/xray/xray-tree.js';
import {initialTraceState, summarize, traceReducer, visibleEntries} from '../source/ui/trace/trace-model.js';
import {sanitize} from '../source/ui/sanitize.js';
import {formatMs, median, timeMs} from './measure.js';

const runs = (fn: () => void, n = 7) => median(Array.from({length: n}, () => timeMs(fn)));

export function runDetailsBench(): BenchRow[] {
	const rows: BenchRow[] = [];
	const cluster = createCluster({seed: 3, nodes: 10});
	cluster.apply(Array.from({length: 100}, (_, i) => ({
		apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: `app-${i}`},
		spec: {replicas: 10, selector: {matchLabels: {app: `app-${i}`}}, template: {metadata: {labels: {app: `app-${i}`}}, spec: {containers: [{name: 'web', image: 'nginx:1.25'}]}}},
	})));
	cluster.advance(120_000);
	const pods = cluster.list('Pod').length;
	const deployment = cluster.get('Deployment', 'app-0')!;
	rows.push({name: `describe deployment (cluster of ${pods} pods)`, value: formatMs(runs(() => describe(deployment, cluster)))});
	const node = cluster.get('Node', 'kubarium-worker')!;
	rows.push({name: 'describe node with its ~100 pods', value: formatMs(runs(() => describe(node, cluster)))});
	rows.push({name: `:xray deploy, 100 Deployments / ${pods} pods, build + flatten`, value: formatMs(runs(() => flattenXray(buildXray(cluster, 'Deployment', 'default'))))});
	const pod = cluster.list('Pod')[0]!;
	for (let i = 0; i < 40; i++) cluster.exec(pod.metadata.name, ['sh', '-c', 'ls /etc; cat /etc/hostname']);
	const trace = cluster.syscalls(pod.metadata.name);
	let state = initialTraceState();
	state = traceReducer(state, {type: 'filter-set', text: 'open|read'});
	rows.push({name: `trace summary over ${trace.length} calls`, value: formatMs(runs(() => summarize(trace)))});
	rows.push({name: `trace call filter over ${trace.length} calls`, value: formatMs(runs(() => visibleEntries(trace, state)))});
	const lines = Array.from({length: 5000}, (_, i) => `2026-01-01T09:00:${String(i % 60).padStart(2, '0')}Z 10.0.0.1 - - "GET /item/${i} HTTP/1.1" 200 615${i % 100 === 0 ? ' \x1b]0;x\x07\x1b[2J' : ''}`).join('\n');
	rows.push({name: 'sanitise 5,000 log lines (1% with escape sequences)', value: formatMs(runs(() => sanitize(lines)))});
	return rows;
}

export const section: BenchSection = {title: 'detail views', run: runDetailsBench};
