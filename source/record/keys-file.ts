/**
 * The keys file written beside a live recording (`session.cast` →
 * `session.keys`): everything a re-render needs to boot the same dashboard
 * and feed it the same input at the same virtual times.
 *
 * NDJSON. Line 1 is the header, every value the boot used:
 *   {"kubarium":"keys","version":1,"seed":1,"nodes":3,"speed":1,"theme":"default",
 *    "namespace":"all","readonly":false,"cols":120,"rows":40,"keys":{}}
 * then one line per event, `[wallMs, virtualMs, code, data]`, integer times:
 *   "k"  an input chunk, exactly as stdin delivered it
 *   "r"  a resize, data "COLSxROWS"
 *   "x"  the app exited (data ""); absent when the process was killed
 * wallMs counts from the start of the recording (the cast's time 0);
 * virtualMs is the cluster's clock (`cluster.now()`) when the event happened.
 */

import {readJsonLines} from './json-lines.js';

export type KeysHeader = {
	kubarium: 'keys';
	version: 1;
	/** The cluster's seed. */
	seed: number;
	/** Worker nodes the cluster started with. */
	nodes: number;
	/** Simulation speed at start: 0, 1, 10 or 60. */
	speed: number;
	/** Name of the theme the dashboard drew with. */
	theme: string;
	/** Namespace the dashboard opened in, or "all". */
	namespace: string;
	readonly: boolean;
	/** Terminal size at start. */
	cols: number;
	rows: number;
	/** Key overrides from the preferences, by action name (as the keymap applied them). */
	keys: Record<string, string>;
	/** The view the dashboard opened on (the preferences' last view; "home" when absent). */
	view?: string;
	/** The favourite namespaces behind keys 1-9 (the preferences' defaults when absent). */
	favorites?: string[];
	/** Unknown image repositories fail to pull (--strict-images); absent means false. */
	strictImages?: boolean;
};

export type KeysCode = 'k' | 'r' | 'x';
export type KeysEvent = [wallMs: number, virtualMs: number, code: KeysCode, data: string];

export type KeysFile = {
	header: KeysHeader;
	events: KeysEvent[];
	/** The file ends with an "x" event: the app exited, rather than being killed. */
	exited: boolean;
};

export class KeysFormatError extends Error {}

/** The header line, keys in the fixed order above. */
export function formatKeysHeader(header: KeysHeader): string {
	const {seed, nodes, speed, theme, namespace, readonly, cols, rows, keys, view, favorites, strictImages} = header;
	return JSON.stringify({kubarium: 'keys', version: 1, seed, nodes, speed, theme, namespace, readonly, cols, rows, keys, view, favorites, strictImages});
}

export function formatKeysEvent(event: KeysEvent): string {
	return JSON.stringify([event[0], event[1], event[2], event[3]]);
}

/** `session.cast` → `session.keys`: the same path with the extension replaced (or added). */
export function keysPathFor(castPath: string): string {
	const slash = Math.max(castPath.lastIndexOf('/'), castPath.lastIndexOf('\\'));
	const dot = castPath.lastIndexOf('.');
	const base = dot > slash + 1 ? castPath.slice(0, dot) : castPath;
	return `${base}.keys`;
}

function isNonNegativeInteger(value: unknown): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isPositiveInteger(value: unknown): value is number {
	return isNonNegativeInteger(value) && value > 0;
}

function checkHeader(value: unknown): KeysHeader {
	const fail = (what: string): never => {
		throw new KeysFormatError(`line 1: ${what}`);
	};
	if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('the header is not a JSON object');
	const h = value as Record<string, unknown>;
	if (h['kubarium'] !== 'keys') fail('not a Kubarium keys file (the header needs "kubarium":"keys")');
	if (h['version'] !== 1) fail(`version ${JSON.stringify(h['version'])} is not supported, expected 1`);
	if (!isNonNegativeInteger(h['seed']) || h['seed'] > 2 ** 31 - 1) fail(`seed ${JSON.stringify(h['seed'])} is not an integer 0-${2 ** 31 - 1}`);
	if (!isPositiveInteger(h['nodes']) || h['nodes'] > 1000) fail(`nodes ${JSON.stringify(h['nodes'])} is not an integer 1-1000`);
	if (![0, 1, 10, 60].includes(h['speed'] as number)) fail(`speed ${JSON.stringify(h['speed'])} is not 0, 1, 10 or 60`);
	if (typeof h['theme'] !== 'string' || h['theme'] === '') fail('theme must be a theme name');
	if (typeof h['namespace'] !== 'string' || h['namespace'] === '') fail('namespace must be a namespace name or "all"');
	if (typeof h['readonly'] !== 'boolean') fail('readonly must be true or false');
	if (!isPositiveInteger(h['cols']) || !isPositiveInteger(h['rows'])) fail('cols and rows must be positive integers');
	const keys = h['keys'];
	if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) fail('keys must be an object of action → key name');
	for (const [action, key] of Object.entries(keys as object)) {
		if (typeof key !== 'string') fail(`keys.${action} must be a key name (a string), got ${JSON.stringify(key)}`);
	}
	if (h['view'] !== undefined && (typeof h['view'] !== 'string' || h['view'] === '')) fail('view must be a view name');
	const favorites = h['favorites'];
	if (favorites !== undefined && (!Array.isArray(favorites) || favorites.some(name => typeof name !== 'string'))) fail('favorites must be a list of namespace names');
	if (h['strictImages'] !== undefined && typeof h['strictImages'] !== 'boolean') fail('strictImages must be true or false');
	return {
		kubarium: 'keys',
		version: 1,
		...(h['strictImages'] === true ? {strictImages: true} : {}),
		...(h['view'] === undefined ? {} : {view: h['view'] as string}),
		...(favorites === undefined ? {} : {favorites: [...(favorites as string[])]}),
		seed: h['seed'] as number,
		nodes: h['nodes'] as number,
		speed: h['speed'] as number,
		theme: h['theme'] as string,
		namespace: h['namespace'] as string,
		readonly: h['readonly'] as boolean,
		cols: h['cols'] as number,
		rows: h['rows'] as number,
		keys: {...(keys as Record<string, string>)},
	};
}

/**
 * Reads a keys file. Throws KeysFormatError naming the line: a header that is
 * not a version 1 keys header, an event that is not `[wallMs, virtualMs,
 * code, data]` with integer times, a time that goes backwards, a resize that
 * is not COLSxROWS, anything after the exit event. A last line cut short (the
 * recorder was killed mid-write) is dropped, as a killed recording is still a
 * recording up to its last whole event.
 */
export function parseKeys(text: string): KeysFile {
	const lines = readJsonLines(text, 'a keys header', message => {
		throw new KeysFormatError(message);
	});
	const header = checkHeader(lines.header);
	const events: KeysEvent[] = [];
	let exited = false;
	let lastWall = 0;
	let lastVirtual = Number.NEGATIVE_INFINITY;
	for (const {at, value} of lines.rows) {
		if (!Array.isArray(value) || value.length !== 4 || typeof value[2] !== 'string' || typeof value[3] !== 'string') {
			throw new KeysFormatError(`${at}: an event is [wallMs, virtualMs, code, data]`);
		}
		const [wall, virtual, code, data] = value as [unknown, unknown, string, string];
		if (!isNonNegativeInteger(wall)) throw new KeysFormatError(`${at}: wallMs ${JSON.stringify(wall)} is not a whole number of milliseconds`);
		if (!isNonNegativeInteger(virtual)) throw new KeysFormatError(`${at}: virtualMs ${JSON.stringify(virtual)} is not a whole number of milliseconds`);
		if (wall < lastWall) throw new KeysFormatError(`${at}: wallMs ${wall} comes before the previous event's ${lastWall}`);
		if (virtual < lastVirtual) throw new KeysFormatError(`${at}: virtualMs ${virtual} comes before the previous event's ${lastVirtual}`);
		if (exited) throw new KeysFormatError(`${at}: an event after the exit event`);
		if (code === 'r') {
			if (!/^[1-9]\d*x[1-9]\d*$/.test(data)) throw new KeysFormatError(`${at}: a resize is "COLSxROWS", got ${JSON.stringify(data)}`);
		} else if (code === 'x') {
			if (data !== '') throw new KeysFormatError(`${at}: the exit event has empty data, got ${JSON.stringify(data)}`);
			exited = true;
		} else if (code === 'k') {
			if (data === '') throw new KeysFormatError(`${at}: an input event with no input`);
		} else {
			throw new KeysFormatError(`${at}: unknown event code ${JSON.stringify(code)} (expected "k", "r" or "x")`);
		}
		lastWall = wall;
		lastVirtual = virtual;
		events.push([wall, virtual, code, data]);
	}
	return {header, events, exited};
}
