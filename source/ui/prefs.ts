/**
 * User preferences (conf 15): theme, simulation speed, namespace favourites,
 * sort per view, last view, key overrides by action name. Stored as
 * `<config dir>/preferences.json`. A corrupt file is reported once and
 * replaced by the defaults; the app still starts. Values are read once and
 * kept in memory (conf reads the disk on every get).
 */
import path from 'node:path';
import Conf from 'conf';
import {isValidKeyName, type KeyOverrides} from './app/keymap.js';

export {resolveConfigDir} from './config-dir.js';

export type SortPreference = {column: string; ascending: boolean};

/** A learner's record of one practice scenario. */
export type PracticeRecord = {
	status: 'attempted' | 'solved';
	/** Fastest solve, simulated ms. */
	bestMs?: number;
	/** Hints used in that fastest solve. */
	hints?: number;
};

export type PreferencesData = {
	theme: string;
	speed: number;
	favorites: string[];
	sort: Record<string, SortPreference>;
	lastView: string;
	keys: KeyOverrides;
	/** Practice results by scenario id. */
	practice: Record<string, PracticeRecord>;
};

export const defaultPreferences: PreferencesData = {
	theme: 'default',
	speed: 1,
	favorites: ['default', 'kube-system'],
	sort: {},
	lastView: 'home',
	keys: {},
	practice: {},
};

/** Most favourites k9s keeps (keys 1-9). */
export const maxFavorites = 9;

/**
 * What a saved file must look like, checked by hand: conf's JSON-schema
 * validator compiles its schema with ajv at every start (about 80 ms, a tenth
 * of the time to the first frame). Returns the first problem, or undefined.
 */
function problemIn(data: Record<string, unknown>): string | undefined {
	const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
	if (data['theme'] !== undefined && typeof data['theme'] !== 'string') return '`theme` must be a string';
	if (data['speed'] !== undefined && ![0, 1, 10, 60].includes(data['speed'] as number)) return '`speed` must be one of 0, 1, 10, 60';
	const favorites = data['favorites'];
	if (favorites !== undefined && (!Array.isArray(favorites) || favorites.some(name => typeof name !== 'string'))) return '`favorites` must be a list of namespace names';
	if (Array.isArray(favorites) && favorites.length > maxFavorites) return `\`favorites\` must have at most ${maxFavorites} names`;
	const sort = data['sort'];
	if (sort !== undefined) {
		if (!isRecord(sort)) return '`sort` must be an object';
		for (const [view, entry] of Object.entries(sort)) {
			if (!isRecord(entry) || typeof entry['column'] !== 'string' || typeof entry['ascending'] !== 'boolean') return `\`sort.${view}\` must be {column: string, ascending: boolean}`;
		}
	}
	if (data['lastView'] !== undefined && typeof data['lastView'] !== 'string') return '`lastView` must be a string';
	const keys = data['keys'];
	if (keys !== undefined && (!isRecord(keys) || Object.values(keys).some(key => typeof key !== 'string'))) return '`keys` must map action names to key names';
	const practice = data['practice'];
	if (practice !== undefined) {
		if (!isRecord(practice)) return '`practice` must map scenario ids to results';
		for (const [id, entry] of Object.entries(practice)) {
			if (!isRecord(entry) || !['attempted', 'solved'].includes(entry['status'] as string)) return `\`practice.${id}\` must be {status: attempted | solved, bestMs?, hints?}`;
			if (entry['bestMs'] !== undefined && (typeof entry['bestMs'] !== 'number' || entry['bestMs'] < 0)) return `\`practice.${id}.bestMs\` must be a number of milliseconds`;
		}
	}
	return undefined;
}

export class Preferences {
	readonly file: string;
	/** Problems found while loading (shown once as a flash). */
	readonly warnings: string[] = [];
	private readonly store: Conf<PreferencesData>;
	private data: PreferencesData;

	constructor(configDir: string) {
		const options = {cwd: configDir, configName: 'preferences', defaults: defaultPreferences, projectName: 'kubarium'};
		let store: Conf<PreferencesData>;
		try {
			store = new Conf<PreferencesData>({...options, clearInvalidConfig: false});
			const problem = problemIn(store.store as unknown as Record<string, unknown>);
			if (problem) throw new Error(`Config schema violation: ${problem}`);
		} catch (error) {
			this.warnings.push(`Preferences file ${path.join(configDir, 'preferences.json')} was unreadable (${firstLine((error as Error).message)}); replaced by defaults`);
			store = new Conf<PreferencesData>({...options, clearInvalidConfig: true});
			store.store = defaultPreferences;
		}
		this.store = store;
		this.file = store.path;
		this.data = {...defaultPreferences, ...store.store};
		const keys: KeyOverrides = {};
		for (const [action, key] of Object.entries(this.data.keys)) {
			if (key === '' || isValidKeyName(key)) keys[action] = key;
			else this.warnings.push(`Preferences: key "${key}" for action ${action} is not a key (use e.g. "d", "shift-j", "ctrl-d", "enter"); ignored`);
		}
		// Scrolling was once named per view (table.down, text.page-up, ...); it is one set of actions now.
		for (const [action, key] of Object.entries(keys)) {
			const old = /^(?:table|text|trace|xray|pulse|history)\.(down|up|page-down|page-up|top|bottom)$/.exec(action);
			if (!old) continue;
			const current = `scroll.${old[1]}`;
			delete keys[action];
			if (keys[current] === undefined) {
				keys[current] = key;
				this.warnings.push(`Preferences: key override ${action} is now ${current} (one name for scrolling in every view); applied as ${current}`);
			} else {
				this.warnings.push(`Preferences: key override ${action} is now ${current}, which is set already; ${action} ignored`);
			}
		}
		this.data.keys = keys;
	}

	get(): Readonly<PreferencesData> {
		return this.data;
	}

	/** Change some preferences and write them (atomically). */
	set(change: Partial<PreferencesData>): void {
		this.data = {...this.data, ...change};
		try {
			for (const [key, value] of Object.entries(change)) this.store.set(key as keyof PreferencesData, value as never);
		} catch (error) {
			this.warnings.push(`Could not save preferences: ${firstLine((error as Error).message)}`);
		}
	}

	/** Record a practice run: attempted, or solved in `elapsedMs` with `hints` (the best solve is kept). */
	recordPractice(id: string, result: {solved: false} | {solved: true; elapsedMs: number; hints: number}): PracticeRecord {
		const previous = this.data.practice[id];
		let next: PracticeRecord;
		if (!result.solved) next = previous ?? {status: 'attempted'};
		else if (previous?.bestMs !== undefined && previous.bestMs <= result.elapsedMs) next = {...previous, status: 'solved'};
		else next = {status: 'solved', bestMs: result.elapsedMs, hints: result.hints};
		this.set({practice: {...this.data.practice, [id]: next}});
		return next;
	}

	/** Remember a namespace as most recently used favourite (k9s' MRU order). */
	useNamespace(namespace: string): void {
		if (namespace === 'all') return;
		const favorites = [namespace, ...this.data.favorites.filter(n => n !== namespace)].slice(0, maxFavorites);
		this.set({favorites});
	}
}

function firstLine(text: string): string {
	return text.split('\n')[0] ?? text;
}
