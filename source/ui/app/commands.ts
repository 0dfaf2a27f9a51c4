/**
 * The `:` command line: k9s aliases for the resource views, a namespace
 * argument, simulation commands, registered commands (xray, pulse...), and
 * suggestions. Pure: parsing returns what to do; the app does it.
 */
import {resolveResource} from '../../engine/index.js';
import {registeredCommands, type CommandSpec} from './contract.js';

/** Kinds with a table view, in the order help lists them. */
export const viewKinds = [
	'Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob',
	'Service', 'Endpoints', 'ConfigMap', 'Secret', 'PersistentVolume', 'PersistentVolumeClaim',
	'StorageClass', 'Node', 'Namespace', 'Event',
	'ResourceQuota', 'LimitRange', 'PodDisruptionBudget',
	'HorizontalPodAutoscaler', 'Ingress', 'IngressClass', 'NetworkPolicy',
	'ServiceAccount', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'CustomResourceDefinition',
	'CertificateSigningRequest',
] as const;

/** Aliases k9s adds to kubectl's short names. */
const k9sAliases: Record<string, string[]> = {
	Job: ['jo'], Secret: ['sec'],
	Role: ['ro'], ClusterRole: ['cr'], RoleBinding: ['rb'], ClusterRoleBinding: ['crb'],
};

/**
 * Aliases per kind: the engine registry's plural, singular and kubectl
 * short names, plus k9s' extra ones.
 */
export const kindAliases: Record<string, string[]> = Object.fromEntries(viewKinds.map(kind => {
	const type = resolveResource(kind);
	return [kind, [...new Set([type.plural, type.singular, ...type.shortNames, ...(k9sAliases[kind] ?? [])])]];
}));

const aliasToKind = new Map<string, string>();
for (const [kind, aliases] of Object.entries(kindAliases)) for (const alias of aliases) aliasToKind.set(alias, kind);

/** The kind for an alias ('po', 'deploy', 'pods'...), case-insensitive. */
export function kindForAlias(alias: string): string | undefined {
	return aliasToKind.get(alias.toLowerCase());
}

export type ParsedCommand =
	| {type: 'view'; kind: string; namespace?: string}
	| {type: 'quit'}
	| {type: 'home'}
	| {type: 'help'}
	| {type: 'pause'}
	| {type: 'resume'}
	| {type: 'speed'; speed: number}
	| {type: 'theme'; name: string}
	| {type: 'registered'; spec: CommandSpec; args: string[]}
	| {type: 'error'; message: string};

/** Built-in command words (besides the kind aliases), for suggestions and help. */
export const builtinCommands: Array<{names: string[]; description: string; arguments?: string[]}> = [
	{names: ['quit', 'q', 'q!', 'qa', 'Q', 'exit'], description: 'Quit'},
	{names: ['home', 'overview'], description: 'Overview of live panels'},
	{names: ['help', 'h', '?'], description: 'Help'},
	{names: ['pause'], description: 'Pause the simulation'},
	{names: ['resume'], description: 'Resume the simulation'},
	{names: ['speed'], description: 'Simulation speed: 0 (pause), 1, 10 or 60', arguments: ['1', '10', '60']},
	{names: ['theme'], description: 'Switch theme by name'},
];

/** Speeds the simulation offers (0 = paused). */
export const speeds = [0, 1, 10, 60] as const;

/**
 * Parse a command line (without the leading ':'). `customKind` names the
 * kind a word stands for among those the cluster's CustomResourceDefinitions
 * define (`:crontabs`, `:ct`), as k9s takes any resource the server lists.
 */
export function parseCommand(line: string, customKind?: (name: string) => string | undefined): ParsedCommand {
	const words = line.trim().split(/\s+/).filter(Boolean);
	const [head, ...args] = words;
	if (!head) return {type: 'error', message: 'Empty command: type a resource (:po, :deploy...) or :help'};
	const name = head === 'Q' ? 'q' : head.toLowerCase();
	if (['q', 'q!', 'qa', 'quit', 'exit'].includes(name)) return {type: 'quit'};
	if (name === 'home' || name === 'overview') return {type: 'home'};
	if (name === 'help' || name === 'h' || name === '?') return {type: 'help'};
	if (name === 'pause') return {type: 'pause'};
	if (name === 'resume') return {type: 'resume'};
	if (name === 'speed') {
		const value = args[0];
		const speed = value === undefined ? NaN : Number(value.replace(/^x/i, ''));
		if (!speeds.includes(speed as (typeof speeds)[number])) {
			return {type: 'error', message: `Invalid speed "${value ?? ''}": use 0 (pause), 1, 10 or 60`};
		}
		return {type: 'speed', speed};
	}
	if (name === 'theme') {
		if (!args[0]) return {type: 'error', message: 'Missing theme name: :theme NAME (e.g. :theme light)'};
		return {type: 'theme', name: args[0]};
	}
	const kind = kindForAlias(name) ?? customKind?.(head);
	if (kind) {
		if (args.length > 1) return {type: 'error', message: `Too many arguments for :${head}: expected at most a namespace`};
		return {type: 'view', kind, namespace: args[0]};
	}
	const spec = registeredCommands().find(c => c.names.some(n => n.toLowerCase() === name));
	if (spec) return {type: 'registered', spec, args};
	return {type: 'error', message: `Unknown command "${head}": try :po, :deploy, :svc, :no, :help`};
}

/** Every word the first position accepts. */
function commandWords(): string[] {
	const words = new Set<string>();
	for (const aliases of Object.values(kindAliases)) for (const a of aliases) words.add(a);
	for (const c of builtinCommands) for (const n of c.names) if (/^[a-z]/.test(n)) words.add(n);
	for (const c of registeredCommands()) for (const n of c.names) words.add(n);
	return [...words];
}

/**
 * Completions for a partial command line, best first: commands for the first
 * word, then namespaces (views), registered arguments, speeds or themes.
 * Each suggestion is the whole line as it would read once accepted.
 */
export function suggest(line: string, context: {namespaces: readonly string[]; themes: readonly string[]; history: readonly string[]}): string[] {
	const out: string[] = [];
	const add = (s: string) => {
		if (s !== line && !out.includes(s)) out.push(s);
	};
	if (line.length > 0) for (const h of context.history) if (h.startsWith(line)) add(h);
	const words = line.split(' ');
	if (words.length <= 1) {
		const prefix = (words[0] ?? '').toLowerCase();
		if (prefix === '') return out;
		const matches = commandWords().filter(w => w.startsWith(prefix)).sort((a, b) => a.length - b.length || a.localeCompare(b));
		for (const m of matches) add(m);
		return out;
	}
	const head = words[0]!.toLowerCase();
	const partial = words[words.length - 1]!;
	const stem = words.slice(0, -1).join(' ');
	let candidates: readonly string[] = [];
	if (kindForAlias(head)) candidates = ['all', ...context.namespaces];
	else if (head === 'speed') candidates = ['1', '10', '60', '0'];
	else if (head === 'theme') candidates = context.themes;
	else {
		const spec = registeredCommands().find(c => c.names.includes(head));
		candidates = spec?.complete ? spec.complete(partial) : spec?.arguments ?? [];
	}
	for (const c of candidates) if (c.startsWith(partial)) add(`${stem} ${c}`);
	return out;
}
