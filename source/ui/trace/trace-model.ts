/**
 * The system-call trace view's model, without Ink: filtering by category and
 * call name, pause/follow, scrolling, and an `strace -c` style summary.
 */

/** The five categories, in the order the view lists them (keys 1-5 show only one of them). */
export const traceCategories = ['process control', 'file management', 'device management', 'information maintenance', 'communications'] as const;
export type TraceCategory = (typeof traceCategories)[number];

/** Short labels for the filter bar and the summary. */
export const categoryLabels: Record<TraceCategory, string> = {
	'process control': 'process',
	'file management': 'file',
	'device management': 'device',
	'information maintenance': 'info',
	communications: 'comms',
};

/** One traced call, as the runtime records it (structurally the engine's `Syscall`). */
export type TraceEntry = {
	/** Virtual time, ms since the epoch (fractions order calls within a burst). */
	at: number;
	pid: number;
	name: string;
	args: string;
	ret: number | string;
	category: TraceCategory | string;
};

/** True when a call failed: strace prints failures as `-1 ERRNO (text)`. */
export function isError(entry: TraceEntry): boolean {
	return typeof entry.ret === 'number' ? entry.ret < 0 : /^-\d/.test(entry.ret);
}

export type TraceState = {
	/** Categories shown; all five at the start. */
	categories: ReadonlySet<string>;
	/** Call-name filter as typed (comma-separated names or a regex); '' shows every call. */
	callFilter: string;
	/** Set while the call filter is being typed. */
	editingFilter: boolean;
	/** Error of the call filter (a bad regex), shown instead of applying it. */
	filterError?: string;
	/** Paused: the view keeps the entries it had (`frozen`) while the runtime goes on. */
	paused: boolean;
	frozen?: readonly TraceEntry[];
	/** Follow: keep the newest call in view. Scrolling up turns it off, `G` or `f` turns it back on. */
	follow: boolean;
	/** Index of the first visible row when not following. */
	top: number;
	mode: 'stream' | 'summary';
	/** Only failed calls. */
	errorsOnly: boolean;
};

export function initialTraceState(): TraceState {
	return {categories: new Set(traceCategories), callFilter: '', editingFilter: false, paused: false, follow: true, top: 0, mode: 'stream', errorsOnly: false};
}

export type TraceAction =
	| {type: 'only-category'; index: number}
	| {type: 'all-categories'}
	| {type: 'start-filter'}
	| {type: 'filter-set'; text: string}
	| {type: 'filter-done'}
	| {type: 'filter-cancel'}
	| {type: 'toggle-pause'; entries: readonly TraceEntry[]}
	| {type: 'toggle-follow'}
	| {type: 'toggle-summary'}
	| {type: 'toggle-errors'}
	| {type: 'scroll'; by: number; total: number; height: number}
	| {type: 'bottom'}
	| {type: 'top'};

export function traceReducer(state: TraceState, action: TraceAction): TraceState {
	switch (action.type) {
		case 'only-category': {
			const category = traceCategories[action.index];
			if (!category) return state;
			// The key of the one category shown brings every category back.
			const alone = state.categories.size === 1 && state.categories.has(category);
			return {...state, categories: alone ? new Set(traceCategories) : new Set([category])};
		}
		case 'all-categories':
			return {...state, categories: new Set(traceCategories)};
		case 'start-filter':
			return {...state, editingFilter: true};
		case 'filter-set':
			return withFilter(state, action.text);
		case 'filter-done':
			return {...state, editingFilter: false};
		case 'filter-cancel':
			return {...state, editingFilter: false, callFilter: '', filterError: undefined};
		case 'toggle-pause':
			return state.paused ? {...state, paused: false, frozen: undefined} : {...state, paused: true, frozen: action.entries};
		case 'toggle-follow':
			return {...state, follow: !state.follow};
		case 'toggle-summary':
			return {...state, mode: state.mode === 'stream' ? 'summary' : 'stream'};
		case 'toggle-errors':
			return {...state, errorsOnly: !state.errorsOnly};
		case 'scroll': {
			const max = Math.max(0, action.total - action.height);
			const from = state.follow ? max : state.top;
			const top = Math.min(max, Math.max(0, from + action.by));
			return {...state, top, follow: top >= max && action.by > 0};
		}
		case 'bottom':
			return {...state, follow: true};
		case 'top':
			return {...state, follow: false, top: 0};
	}
}

function withFilter(state: TraceState, callFilter: string): TraceState {
	return {...state, callFilter, filterError: compileCallFilter(callFilter).error};
}

/**
 * The call-name filter: `open,read,write` matches the names that start with
 * one of them (`accept` finds accept and accept4, `open` openat); anything
 * with regex characters is a case-insensitive regex over the name; `!x`
 * inverts. Returns a predicate, or the regex error.
 */
export function compileCallFilter(text: string): {match: (name: string) => boolean; error?: string} {
	const trimmed = text.trim();
	if (trimmed === '') return {match: () => true};
	const invert = trimmed.startsWith('!');
	const body = invert ? trimmed.slice(1) : trimmed;
	let test: (name: string) => boolean;
	if (/^[a-z0-9_]+(,[a-z0-9_]+)*,?$/i.test(body)) {
		const prefixes = body.toLowerCase().split(',').filter(Boolean);
		test = name => {
			const lower = name.toLowerCase();
			return prefixes.some(prefix => lower.startsWith(prefix));
		};
	} else {
		try {
			const pattern = new RegExp(body, 'i');
			test = name => pattern.test(name);
		} catch (error) {
			return {match: () => true, error: `Invalid call filter "${body}": ${(error as Error).message}`};
		}
	}
	return {match: invert ? name => !test(name) : test};
}

/** The entries the stream shows for a state (categories, call filter, errors only). */
export function visibleEntries(entries: readonly TraceEntry[], state: TraceState): TraceEntry[] {
	const source = state.paused && state.frozen ? state.frozen : entries;
	const filter = compileCallFilter(state.callFilter);
	const out: TraceEntry[] = [];
	for (const entry of source) {
		if (!state.categories.has(entry.category)) continue;
		if (!filter.error && !filter.match(entry.name)) continue;
		if (state.errorsOnly && !isError(entry)) continue;
		out.push(entry);
	}
	return out;
}

/** The window of rows to draw: the last `height` when following, else from `top`. */
export function windowOf<T>(rows: readonly T[], state: TraceState, height: number): {rows: T[]; top: number} {
	const max = Math.max(0, rows.length - height);
	const top = state.follow ? max : Math.min(state.top, max);
	return {rows: rows.slice(top, top + height), top};
}

export type SummaryRow = {name: string; category: string; calls: number; errors: number; share: number};
export type CategoryTotal = {category: string; calls: number; errors: number; share: number};
export type TraceSummary = {rows: SummaryRow[]; categories: CategoryTotal[]; calls: number; errors: number};

/**
 * `strace -c`: one row per call name with calls, errors and its share of all
 * calls (the mock runtime records no durations, so the share is by count, not
 * time), most frequent first; plus totals per category and overall.
 */
export function summarize(entries: readonly TraceEntry[]): TraceSummary {
	const byName = new Map<string, SummaryRow>();
	const byCategory = new Map<string, CategoryTotal>();
	let errors = 0;
	for (const entry of entries) {
		let row = byName.get(entry.name);
		if (!row) byName.set(entry.name, (row = {name: entry.name, category: entry.category, calls: 0, errors: 0, share: 0}));
		let total = byCategory.get(entry.category);
		if (!total) byCategory.set(entry.category, (total = {category: entry.category, calls: 0, errors: 0, share: 0}));
		row.calls++;
		total.calls++;
		if (isError(entry)) {
			row.errors++;
			total.errors++;
			errors++;
		}
	}
	const calls = entries.length;
	const share = (n: number) => (calls === 0 ? 0 : (n * 100) / calls);
	const rows = [...byName.values()].map(r => ({...r, share: share(r.calls)})).sort((a, b) => b.calls - a.calls || a.name.localeCompare(b.name));
	const categories = traceCategories
		.map(c => byCategory.get(c) ?? {category: c, calls: 0, errors: 0, share: 0})
		.concat([...byCategory.values()].filter(t => !(traceCategories as readonly string[]).includes(t.category)))
		.map(t => ({...t, share: share(t.calls)}));
	return {rows, categories, calls, errors};
}

/**
 * The summary as `strace -c` lays it out (`% calls  calls  errors  syscall`),
 * after a block of per-category totals (shown first so a short screen keeps them).
 */
export function summaryLines(summary: TraceSummary): string[] {
	const line = (share: string, calls: string, errors: string, name: string, category = '') =>
		`${share.padStart(7)} ${calls.padStart(9)} ${errors.padStart(9)} ${name.padEnd(23)} ${category}`.trimEnd();
	const rule = `${'-'.repeat(7)} ${'-'.repeat(9)} ${'-'.repeat(9)} ${'-'.repeat(23)} ${'-'.repeat(23)}`;
	const out = [line('% calls', 'calls', 'errors', 'category'), rule];
	for (const total of summary.categories) out.push(line(total.share.toFixed(2), String(total.calls), total.errors ? String(total.errors) : '', total.category));
	out.push(line('100.00', String(summary.calls), summary.errors ? String(summary.errors) : '', 'total'));
	out.push('');
	out.push(line('% calls', 'calls', 'errors', 'syscall', 'category'));
	out.push(rule);
	for (const row of summary.rows) out.push(line(row.share.toFixed(2), String(row.calls), row.errors ? String(row.errors) : '', row.name, row.category));
	return out;
}
