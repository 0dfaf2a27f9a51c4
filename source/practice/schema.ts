/**
 * The scenario file's schema, checked by hand: every problem is reported
 * with the file, the field (as a path, `checks[2].op`) and what is allowed.
 * A file with any problem is refused whole.
 */
import {parse as parseYaml} from 'yaml';
import {categories, comparators, difficulties, type CheckSpec, type ScenarioSpec, type SolutionStep, type Step} from './types.js';
import {parsePath} from './field-path.js';
import {parseDuration} from './duration.js';

export class ScenarioError extends Error {
	constructor(readonly file: string, readonly problems: string[]) {
		super(`${file}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  ${problems.join('\n  ')}`}`);
		this.name = 'ScenarioError';
	}
}

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const idPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const stepKinds = ['apply', 'advance', 'killNode', 'restoreNode', 'deleteNode', 'cordon', 'uncordon', 'drain', 'traffic', 'delete', 'scale', 'setImage', 'edit', 'rollback', 'trigger', 'expose', 'approve', 'exec'] as const;
const checkKinds = ['field', 'event', 'traffic', 'exec', 'gone', 'drain', 'access'] as const;

class Checker {
	readonly problems: string[] = [];

	problem(field: string, message: string): void {
		this.problems.push(`${field}: ${message}`);
	}

	string(value: unknown, field: string, options: {required?: boolean; pattern?: RegExp; allowed?: string} = {}): string | undefined {
		if (value === undefined || value === null) {
			if (options.required !== false) this.problem(field, `is required: ${options.allowed ?? 'a string'}`);
			return undefined;
		}
		if (typeof value !== 'string' || value.trim() === '') {
			this.problem(field, `must be ${options.allowed ?? 'a non-empty string'}, got ${describe(value)}`);
			return undefined;
		}
		if (options.pattern && !options.pattern.test(value)) {
			this.problem(field, `must be ${options.allowed ?? `a string matching ${options.pattern}`}, got "${value}"`);
			return undefined;
		}
		return value;
	}

	oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T | undefined {
		if (typeof value !== 'string' || !allowed.includes(value as T)) {
			this.problem(field, `must be one of ${allowed.join(', ')}, got ${describe(value)}`);
			return undefined;
		}
		return value as T;
	}

	int(value: unknown, field: string, min: number): number | undefined {
		if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
			this.problem(field, `must be an integer of at least ${min}, got ${describe(value)}`);
			return undefined;
		}
		return value;
	}

	keys(value: Json, field: string, allowed: readonly string[]): void {
		for (const key of Object.keys(value)) if (!allowed.includes(key)) this.problem(`${field ? `${field}.` : ''}${key}`, `is not a field here; allowed: ${allowed.join(', ')}`);
	}

	list(value: unknown, field: string, required = true): unknown[] {
		if (value === undefined || value === null) {
			if (required) this.problem(field, 'is required: a list');
			return [];
		}
		if (!Array.isArray(value)) {
			this.problem(field, `must be a list, got ${describe(value)}`);
			return [];
		}
		return value;
	}
}

function describe(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (Array.isArray(value)) return 'a list';
	if (value === null) return 'null';
	if (typeof value === 'object') return 'an object';
	return typeof value === 'string' ? `"${value}"` : `${typeof value} ${String(value)}`;
}

/** A command to run, as exec steps and checks name it: its argv. */
function checkArgv(c: Checker, command: unknown, field: string): void {
	if (!Array.isArray(command) || command.length === 0 || command.some(a => typeof a !== 'string')) c.problem(field, 'must be a non-empty list of strings (argv)');
}

function checkRef(c: Checker, value: Json, field: string, options: {name: 'required' | 'optional' | 'or-selector'}): void {
	c.string(value['kind'], `${field}.kind`, {allowed: 'a kind such as Pod, Deployment, PersistentVolumeClaim'});
	if (value['namespace'] !== undefined) c.string(value['namespace'], `${field}.namespace`, {pattern: idPattern, allowed: 'a namespace name'});
	if (value['name'] !== undefined || options.name === 'required') c.string(value['name'], `${field}.name`, {allowed: 'an object name'});
	if (value['selector'] !== undefined) c.string(value['selector'], `${field}.selector`, {allowed: 'a label selector such as app=web'});
	if (options.name === 'or-selector' && (value['name'] === undefined) === (value['selector'] === undefined)) {
		c.problem(field, 'needs exactly one of name or selector');
	}
}

function checkStep(c: Checker, raw: unknown, field: string): Step | undefined {
	if (!isRecord(raw) || Object.keys(raw).length !== 1) {
		c.problem(field, `must be an object with one key, one of ${stepKinds.join(', ')}`);
		return undefined;
	}
	const [key, value] = Object.entries(raw)[0]!;
	const at = `${field}.${key}`;
	switch (key) {
		case 'apply':
			c.string(value, at, {allowed: 'YAML manifests (a block scalar: apply: |)'});
			break;
		case 'advance':
			if (parseDuration(value) === undefined) c.problem(at, `must be a duration such as 30s, 5m or 1m30s, got ${describe(value)}`);
			break;
		case 'killNode': case 'restoreNode': case 'deleteNode': case 'cordon': case 'uncordon':
			c.string(value, at, {allowed: 'a node name'});
			break;
		case 'approve':
			c.string(value, at, {allowed: 'a CertificateSigningRequest name'});
			break;
		case 'exec':
			if (!isRecord(value)) c.problem(at, 'must be an object: {pod, namespace?, container?, command}');
			else {
				c.keys(value, at, ['pod', 'namespace', 'container', 'command']);
				c.string(value['pod'], `${at}.pod`, {allowed: 'a pod name'});
				checkArgv(c, value['command'], `${at}.command`);
			}
			break;
		case 'drain':
			if (!isRecord(value)) c.problem(at, 'must be an object: {node, ignoreDaemonSets?, force?, deleteEmptyDirData?}');
			else {
				c.keys(value, at, ['node', 'ignoreDaemonSets', 'force', 'deleteEmptyDirData']);
				c.string(value['node'], `${at}.node`, {allowed: 'a node name'});
			}
			break;
		case 'traffic':
			if (!isRecord(value)) c.problem(at, 'must be an object: {service, namespace?, rps?}');
			else {
				c.keys(value, at, ['service', 'namespace', 'rps']);
				c.string(value['service'], `${at}.service`, {allowed: 'a Service name'});
				if (value['rps'] !== undefined) c.int(value['rps'], `${at}.rps`, 1);
			}
			break;
		case 'delete': case 'scale': case 'setImage': case 'edit': {
			if (!isRecord(value)) {
				c.problem(at, 'must be an object naming the object: {kind, name, namespace?, ...}');
				break;
			}
			const extra = {delete: ['selector'], scale: ['replicas'], setImage: ['container', 'image'], edit: ['set']}[key];
			c.keys(value, at, ['kind', 'name', 'namespace', ...extra]);
			checkRef(c, value, at, {name: key === 'delete' ? 'or-selector' : 'required'});
			if (key === 'scale') c.int(value['replicas'], `${at}.replicas`, 0);
			if (key === 'setImage') {
				c.string(value['container'], `${at}.container`, {allowed: 'a container name'});
				c.string(value['image'], `${at}.image`, {allowed: 'an image reference such as nginx:1.27'});
			}
			if (key === 'edit') {
				if (!isRecord(value['set']) || Object.keys(value['set']).length === 0) c.problem(`${at}.set`, 'must map field paths to new values (null removes the field)');
				else for (const path of Object.keys(value['set'])) pathProblem(c, path, `${at}.set`);
			}
			break;
		}
		case 'expose':
			if (!isRecord(value)) c.problem(at, 'must be an object: {kind, name, namespace?, port?, targetPort?, serviceName?}');
			else {
				c.keys(value, at, ['kind', 'name', 'namespace', 'port', 'targetPort', 'serviceName']);
				checkRef(c, value, at, {name: 'required'});
				if (value['port'] !== undefined) c.int(value['port'], `${at}.port`, 1);
			}
			break;
		case 'rollback':
			if (!isRecord(value)) c.problem(at, 'must be an object: {name, namespace?}');
			else c.string(value['name'], `${at}.name`, {allowed: 'a Deployment name'});
			break;
		case 'trigger':
			if (!isRecord(value)) c.problem(at, 'must be an object: {cronJob, namespace?, jobName?}');
			else c.string(value['cronJob'], `${at}.cronJob`, {allowed: 'a CronJob name'});
			break;
		default:
			c.problem(field, `"${key}" is not a step; allowed: ${stepKinds.join(', ')}`);
			return undefined;
	}
	return raw as Step;
}

function pathProblem(c: Checker, path: unknown, field: string): void {
	try {
		parsePath(path as string);
	} catch (error) {
		c.problem(field, `field path ${(error as Error).message}`);
	}
}

function checkCheck(c: Checker, raw: unknown, field: string): CheckSpec | undefined {
	if (!isRecord(raw)) {
		c.problem(field, 'must be an object with a check (what is checked, in words) and one of: a field check {kind, name|selector, field, op, value}, event, traffic, exec, gone, drain, access');
		return undefined;
	}
	c.string(raw['check'], `${field}.check`, {allowed: 'a short sentence saying what is checked'});
	const kind = raw['event'] !== undefined ? 'event' : raw['traffic'] !== undefined ? 'traffic' : raw['exec'] !== undefined ? 'exec' : raw['gone'] !== undefined ? 'gone' : raw['drain'] !== undefined ? 'drain' : raw['access'] !== undefined ? 'access' : 'field';
	switch (kind as (typeof checkKinds)[number]) {
		case 'field': {
			c.keys(raw, field, ['check', 'kind', 'namespace', 'name', 'selector', 'field', 'op', 'value', 'count', 'some']);
			checkRef(c, raw, field, {name: 'or-selector'});
			c.string(raw['field'], `${field}.field`, {allowed: 'a field path such as status.phase'});
			if (typeof raw['field'] === 'string') pathProblem(c, raw['field'], `${field}.field`);
			const op = c.oneOf(raw['op'], `${field}.op`, comparators);
			if (op && op !== 'exists' && op !== 'absent') {
				const value = raw['value'];
				if (!['string', 'number', 'boolean'].includes(typeof value)) c.problem(`${field}.value`, `is required with op ${op}: a string, number or boolean`);
				if (op === 'gte' && typeof value !== 'number') c.problem(`${field}.value`, `must be a number with op gte, got ${describe(value)}`);
				if (op === 'matches' && typeof value === 'string') {
					try {
						new RegExp(value);
					} catch (error) {
						c.problem(`${field}.value`, `must be a regular expression: ${(error as Error).message}`);
					}
				}
			}
			if (raw['count'] !== undefined) c.int(raw['count'], `${field}.count`, 1);
			if (raw['some'] !== undefined && typeof raw['some'] !== 'boolean') c.problem(`${field}.some`, `must be true or false, got ${describe(raw['some'])}`);
			break;
		}
		case 'event': {
			c.keys(raw, field, ['check', 'kind', 'namespace', 'name', 'selector', 'event']);
			checkRef(c, raw, field, {name: 'or-selector'});
			const event = raw['event'];
			if (!isRecord(event)) c.problem(`${field}.event`, 'must be an object: {reason, type?, message?, matches?}');
			else {
				c.keys(event, `${field}.event`, ['reason', 'type', 'message', 'matches']);
				c.string(event['reason'], `${field}.event.reason`, {allowed: 'an event reason such as FailedScheduling'});
				if (event['type'] !== undefined) c.oneOf(event['type'], `${field}.event.type`, ['Normal', 'Warning']);
			}
			break;
		}
		case 'traffic': {
			c.keys(raw, field, ['check', 'traffic']);
			const traffic = raw['traffic'];
			if (!isRecord(traffic)) c.problem(`${field}.traffic`, 'must be an object: {service, namespace?, seconds?}');
			else {
				c.keys(traffic, `${field}.traffic`, ['service', 'namespace', 'seconds']);
				c.string(traffic['service'], `${field}.traffic.service`, {allowed: 'a Service name'});
				if (traffic['seconds'] !== undefined) c.int(traffic['seconds'], `${field}.traffic.seconds`, 1);
			}
			break;
		}
		case 'exec': {
			c.keys(raw, field, ['check', 'exec']);
			const exec = raw['exec'];
			if (!isRecord(exec)) c.problem(`${field}.exec`, 'must be an object: {pod | selector, command, exitCode?, contains?}');
			else {
				c.keys(exec, `${field}.exec`, ['pod', 'selector', 'namespace', 'container', 'command', 'exitCode', 'contains']);
				if ((exec['pod'] === undefined) === (exec['selector'] === undefined)) c.problem(`${field}.exec`, 'needs exactly one of pod or selector');
				checkArgv(c, exec['command'], `${field}.exec.command`);
				if (exec['exitCode'] !== undefined) c.int(exec['exitCode'], `${field}.exec.exitCode`, 0);
			}
			break;
		}
		case 'drain': {
			c.keys(raw, field, ['check', 'drain']);
			const drain = raw['drain'];
			if (!isRecord(drain)) c.problem(`${field}.drain`, 'must be an object: {node, line?, done?}');
			else {
				c.keys(drain, `${field}.drain`, ['node', 'line', 'done']);
				c.string(drain['node'], `${field}.drain.node`, {allowed: 'a node name'});
				if (drain['line'] !== undefined) c.string(drain['line'], `${field}.drain.line`, {allowed: 'text a line of the drain contains'});
				if (drain['done'] !== undefined && typeof drain['done'] !== 'boolean') c.problem(`${field}.drain.done`, `must be true or false, got ${describe(drain['done'])}`);
			}
			break;
		}
		case 'access': {
			c.keys(raw, field, ['check', 'access']);
			const access = raw['access'];
			if (!isRecord(access)) c.problem(`${field}.access`, 'must be an object: {user, groups?, verb, resource, group?, namespace?, allowed?}');
			else {
				c.keys(access, `${field}.access`, ['user', 'groups', 'verb', 'resource', 'group', 'namespace', 'allowed']);
				c.string(access['user'], `${field}.access.user`, {allowed: 'a user name'});
				c.string(access['verb'], `${field}.access.verb`, {allowed: 'a verb such as list'});
				c.string(access['resource'], `${field}.access.resource`, {allowed: 'a resource such as pods'});
				const groups = access['groups'];
				if (groups !== undefined && (!Array.isArray(groups) || groups.some(g => typeof g !== 'string'))) c.problem(`${field}.access.groups`, 'must be a list of group names');
				if (access['allowed'] !== undefined && typeof access['allowed'] !== 'boolean') c.problem(`${field}.access.allowed`, `must be true or false, got ${describe(access['allowed'])}`);
			}
			break;
		}
		case 'gone': {
			c.keys(raw, field, ['check', 'gone']);
			if (!isRecord(raw['gone'])) c.problem(`${field}.gone`, 'must be an object: {kind, name, namespace?}');
			else checkRef(c, raw['gone'], `${field}.gone`, {name: 'required'});
			break;
		}
	}
	return raw as CheckSpec;
}

function checkSolution(c: Checker, raw: unknown, field: string): SolutionStep | undefined {
	if (!isRecord(raw)) {
		c.problem(field, 'must be an object: {text, kubectl?, keys?, do?}');
		return undefined;
	}
	c.keys(raw, field, ['text', 'kubectl', 'keys', 'do']);
	c.string(raw['text'], `${field}.text`, {allowed: 'what to do, in a sentence'});
	if (raw['kubectl'] !== undefined) c.string(raw['kubectl'], `${field}.kubectl`, {allowed: 'the kubectl command line'});
	if (raw['keys'] !== undefined) c.string(raw['keys'], `${field}.keys`, {allowed: 'the dashboard keys, e.g. ":deploy⏎ i"'});
	c.list(raw['do'], `${field}.do`, false).forEach((step, i) => checkStep(c, step, `${field}.do[${i}]`));
	return raw as SolutionStep;
}

const topLevel = ['id', 'title', 'category', 'difficulty', 'goal', 'namespace', 'cluster', 'manifests', 'setup', 'symptom', 'hints', 'checks', 'solution', 'wrongFix'];

/** Check a parsed scenario document; throws ScenarioError listing every problem. */
export function validateScenario(raw: unknown, file: string): ScenarioSpec {
	const c = new Checker();
	if (!isRecord(raw)) throw new ScenarioError(file, [`the file must hold one YAML mapping with the fields ${topLevel.join(', ')}, got ${describe(raw)}`]);
	c.keys(raw, '', topLevel);
	c.string(raw['id'], 'id', {pattern: idPattern, allowed: 'lower-case letters, digits and dashes (e.g. image-tag-typo)'});
	c.string(raw['title'], 'title');
	c.oneOf(raw['category'], 'category', categories);
	c.oneOf(raw['difficulty'], 'difficulty', difficulties);
	c.string(raw['goal'], 'goal', {allowed: 'one or two sentences: the symptom as a user would report it'});
	if (raw['namespace'] !== undefined) c.string(raw['namespace'], 'namespace', {pattern: idPattern, allowed: 'a namespace name'});
	const cluster = raw['cluster'] ?? {};
	if (!isRecord(cluster)) c.problem('cluster', 'must be an object: {nodes?, strictImages?, systemDaemonSets?}');
	else {
		c.keys(cluster, 'cluster', ['nodes', 'strictImages', 'systemDaemonSets']);
		if (cluster['nodes'] !== undefined) c.int(cluster['nodes'], 'cluster.nodes', 1);
		for (const flag of ['strictImages', 'systemDaemonSets']) if (cluster[flag] !== undefined && typeof cluster[flag] !== 'boolean') c.problem(`cluster.${flag}`, `must be true or false, got ${describe(cluster[flag])}`);
	}
	if (raw['manifests'] !== undefined) c.string(raw['manifests'], 'manifests', {allowed: 'YAML manifests (a block scalar: manifests: |)'});
	const setup = c.list(raw['setup'], 'setup', false).map((s, i) => checkStep(c, s, `setup[${i}]`));
	const symptom = c.list(raw['symptom'], 'symptom').map((s, i) => checkCheck(c, s, `symptom[${i}]`));
	const hints = c.list(raw['hints'], 'hints');
	if (hints.length === 0 || hints.length > 3) c.problem('hints', `must hold one to three hints, got ${hints.length}`);
	hints.forEach((h, i) => c.string(h, `hints[${i}]`, {allowed: 'a hint sentence'}));
	const checks = c.list(raw['checks'], 'checks').map((s, i) => checkCheck(c, s, `checks[${i}]`));
	if (Array.isArray(raw['checks']) && checks.length === 0) c.problem('checks', 'must hold at least one check');
	const solution = c.list(raw['solution'], 'solution').map((s, i) => checkSolution(c, s, `solution[${i}]`));
	const wrongFix = c.list(raw['wrongFix'], 'wrongFix', false).map((s, i) => checkStep(c, s, `wrongFix[${i}]`));
	if (c.problems.length > 0) throw new ScenarioError(file, c.problems);
	return {
		id: raw['id'] as string,
		title: raw['title'] as string,
		category: raw['category'] as ScenarioSpec['category'],
		difficulty: raw['difficulty'] as ScenarioSpec['difficulty'],
		goal: (raw['goal'] as string).trim(),
		namespace: (raw['namespace'] as string | undefined) ?? 'default',
		cluster: cluster as ScenarioSpec['cluster'],
		manifests: raw['manifests'] as string | undefined,
		setup: setup as Step[],
		symptom: symptom as CheckSpec[],
		hints: hints as string[],
		checks: checks as CheckSpec[],
		solution: solution as SolutionStep[],
		wrongFix: wrongFix as Step[],
		file,
	};
}

/** Parse and check one scenario file's text. */
export function parseScenario(text: string, file: string): ScenarioSpec {
	let raw: unknown;
	try {
		raw = parseYaml(text);
	} catch (error) {
		throw new ScenarioError(file, [`not valid YAML: ${(error as Error).message.split('\n')[0]}`]);
	}
	return validateScenario(raw, file);
}
