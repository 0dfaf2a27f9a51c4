/**
 * Grading: each check of a scenario evaluated against the cluster as it is
 * now, through the engine's facade only. A check says what it observed, so
 * a failed one tells the learner where things stand.
 */
import type {Cluster, KubeObject} from '../engine/index.js';
import {readPath} from './field-path.js';
import type {CheckSpec, Comparator, ObjectRef} from './types.js';

export type CheckResult = {name: string; passed: boolean; detail: string};
export type GradeResult = {passed: boolean; checks: CheckResult[]};

/** Traffic seconds a traffic check looks back over, unless it says. */
export const defaultTrafficSeconds = 5;

/** The objects a reference names, in the scenario's namespace unless it names one. */
export function selectObjects(cluster: Cluster, ref: ObjectRef, namespace: string): KubeObject[] {
	const ns = ref.namespace ?? namespace;
	if (ref.name !== undefined) {
		const object = cluster.get(ref.kind, ref.name, ns);
		return object ? [object] : [];
	}
	return cluster.list(ref.kind, {namespace: ns, labelSelector: ref.selector}).filter(o => !o.metadata.deletionTimestamp || ref.kind === 'Namespace');
}

function label(ref: ObjectRef, object?: KubeObject): string {
	return `${ref.kind.toLowerCase()}/${object?.metadata.name ?? ref.name ?? `-l ${ref.selector}`}`;
}

function show(value: unknown): string {
	if (value === undefined) return '<none>';
	if (Array.isArray(value)) return value.length === 1 ? '1 entry' : `${value.length} entries`;
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

export function compare(actual: unknown, op: Comparator, expected: unknown): boolean {
	switch (op) {
		case 'exists':
			return actual !== undefined && actual !== null;
		case 'absent':
			return actual === undefined || actual === null;
		case 'eq':
			return actual !== undefined && String(actual) === String(expected);
		case 'ne':
			return String(actual) !== String(expected);
		case 'contains':
			return actual !== undefined && (Array.isArray(actual) ? actual.some(a => String(a) === String(expected)) : show(actual).includes(String(expected)));
		case 'matches':
			return actual !== undefined && new RegExp(String(expected)).test(show(actual));
		case 'gte':
			return typeof actual === 'number' ? actual >= Number(expected) : actual !== undefined && Number(actual) >= Number(expected);
	}
}

/** Evaluate one check now. */
export function runCheck(cluster: Cluster, check: CheckSpec, namespace: string): CheckResult {
	const name = check.check;
	try {
		if ('traffic' in check) {
			const seconds = check.traffic.seconds ?? defaultTrafficSeconds;
			let stats;
			try {
				stats = cluster.trafficStats(check.traffic.service, {namespace: check.traffic.namespace ?? namespace});
			} catch {
				return {name, passed: false, detail: `no requests have been sent to service ${check.traffic.service}`};
			}
			const recent = stats.recent.slice(-seconds);
			const requests = recent.reduce((sum, s) => sum + s.requests, 0);
			const failed = recent.reduce((sum, s) => sum + s.failed, 0);
			const passed = recent.length >= seconds && requests > 0 && failed === 0 && Boolean(cluster.get('Service', check.traffic.service, check.traffic.namespace ?? namespace));
			return {name, passed, detail: `last ${recent.length}s through service ${check.traffic.service}: ${requests - failed} of ${requests} requests succeeded`};
		}
		if ('exec' in check) {
			const exec = check.exec;
			const ns = exec.namespace ?? namespace;
			let pod = exec.pod;
			if (pod === undefined) {
				const running = cluster.list('Pod', {namespace: ns, labelSelector: exec.selector}).filter(p => !p.metadata.deletionTimestamp && p.status?.['phase'] === 'Running');
				if (running.length === 0) return {name, passed: false, detail: `no Running pod matches -l ${exec.selector}`};
				pod = running[0]!.metadata.name;
			}
			const result = cluster.exec(pod, exec.command, {namespace: ns, container: exec.container});
			const output = `${result.stdout}${result.stderr}`.trim();
			const codeOk = result.exitCode === (exec.exitCode ?? 0);
			const textOk = exec.contains === undefined || output.includes(exec.contains);
			const shown = output.length > 80 ? `${output.slice(0, 77)}...` : output;
			return {name, passed: codeOk && textOk, detail: `pod/${pod}: ${exec.command.join(' ')} exited ${result.exitCode}${shown ? `: ${shown.replace(/\s*\n\s*/g, ' | ')}` : ''}`};
		}
		if ('access' in check) {
			const {user, groups = [], verb, resource, group = '', allowed = true} = check.access;
			const ns = check.access.namespace ?? namespace;
			const decision = cluster.authorize({user, groups}, {verb, group, resource, namespace: ns});
			const asked = `kubectl auth can-i ${verb} ${group ? `${resource}.${group}` : resource} -n ${ns} --as ${user}${groups.map(g => ` --as-group ${g}`).join('')}`;
			return {name, passed: decision.allowed === allowed, detail: `${asked}: ${decision.allowed ? 'yes' : 'no'}`};
		}
		if ('drain' in check) {
			const {node, line, done} = check.drain;
			const report = cluster.drainStatus(node);
			if (!report) return {name, passed: false, detail: `node/${node} has not been drained`};
			const last = report.lines[report.lines.length - 1] ?? '';
			const lineOk = line === undefined || report.lines.some(l => l.includes(line));
			const doneOk = done === undefined || report.done === done;
			const shown = line !== undefined ? report.lines.filter(l => l.includes(line)).at(-1) ?? last : last;
			return {name, passed: lineOk && doneOk, detail: `drain of node/${node}${report.done ? ' done' : ', still running'}: ${shown}`};
		}
		if ('gone' in check) {
			const found = selectObjects(cluster, check.gone, namespace)[0];
			if (!found) return {name, passed: true, detail: `${label(check.gone)} is gone`};
			const phase = readPath(found, 'status.phase');
			return {name, passed: false, detail: `${label(check.gone)} still exists${phase ? ` (${show(phase)})` : ''}${found.metadata.deletionTimestamp ? ', terminating' : ''}`};
		}
		if ('event' in check) {
			const objects = selectObjects(cluster, check, namespace);
			if (objects.length === 0) return {name, passed: false, detail: `${label(check)} not found`};
			const want = check.event;
			for (const object of objects) {
				for (const event of [...cluster.eventsFor(object)].reverse()) {
					const e = event as KubeObject & {reason?: string; message?: string; type?: string};
					if (e.reason !== want.reason || (want.type && e.type !== want.type)) continue;
					if (want.message !== undefined && !(e.message ?? '').includes(want.message)) continue;
					if (want.matches !== undefined && !new RegExp(want.matches).test(e.message ?? '')) continue;
					return {name, passed: true, detail: `${label(check, object)}: ${e.type} ${e.reason}: ${e.message}`};
				}
			}
			return {name, passed: false, detail: `${label(check, objects[0])}: no ${want.reason} event${want.message ? ` saying "${want.message}"` : ''}`};
		}
		const objects = selectObjects(cluster, check, namespace);
		const needed = check.count ?? 1;
		if (objects.length === 0) return {name, passed: false, detail: `${label(check)} not found`};
		const passing = objects.filter(o => compare(readPath(o, check.field), check.op, check.value));
		const failing = objects.find(o => !passing.includes(o));
		const example = check.some ? passing[0] ?? objects[0]! : failing ?? objects[0]!;
		const observed = `${label(check, example)} ${check.field} = ${show(readPath(example, check.field))}`;
		if (check.selector === undefined) return {name, passed: !failing, detail: observed};
		const passed = check.some ? passing.length >= needed : !failing && objects.length >= needed;
		return {name, passed, detail: `${passing.length} of ${objects.length} pass (${check.some ? `${needed} needed` : `all, at least ${needed}`}); ${observed}`};
	} catch (error) {
		return {name, passed: false, detail: (error as Error).message};
	}
}

/** Evaluate every check now. */
export function gradeChecks(cluster: Cluster, checks: readonly CheckSpec[], namespace: string): GradeResult {
	const results = checks.map(check => runCheck(cluster, check, namespace));
	return {passed: results.every(r => r.passed), checks: results};
}
