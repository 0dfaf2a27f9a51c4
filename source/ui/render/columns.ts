/**
 * Pure row renderers: how one object becomes one table row (k9s'
 * render/*.go). No Ink here, so columns are tested without a terminal.
 */
import type {KubeObject} from '../../engine/index.js';
import type {MetricsSnapshot} from '../model/cluster-model.js';

/** How a row is coloured (k9s frame.status keys). */
export type RowStatus = 'normal' | 'added' | 'modified' | 'error' | 'pending' | 'terminating' | 'completed' | 'highlight';

export type Column = {
	name: string;
	/** Shown only with wide columns on (ctrl-w). */
	wide?: boolean;
	/** Right-aligned (numbers). */
	align?: 'left' | 'right';
	/**
	 * Where a cut cell loses its text: at the end (default) or in the middle,
	 * for names that differ at the end (`kubari…worker2`).
	 */
	ellipsis?: 'end' | 'middle';
	/**
	 * Left out when the row does not fit: 1 before names are cut in the
	 * middle, the others (2, 3...) after that and before a value is cut at
	 * its end (an IP, then CPU; never a wide column asked for with ctrl-w).
	 */
	drop?: number;
	/** Takes the width the other columns leave (an event's MESSAGE); shrunk first, down to a readable share. */
	flex?: boolean;
	/** Sort key letter for shift-<letter> (k9s: n name, a age, s status...). */
	sortKey?: string;
	/** The sort key's first press puts the largest first (k9s: CPU, MEM). */
	sortDescending?: boolean;
	/** Sort numerically by this value rather than by the cell text. */
	numeric?: boolean;
	/**
	 * A cell that depends on the clock or on other objects (AGE, RESTARTS'
	 * "ago", a node's PODS): computed only for the visible rows at draw
	 * time, so a clock tick does not re-render every row. The row's own
	 * cell for it is only used by the filter; its sort value must not
	 * depend on the clock.
	 */
	live?: (object: KubeObject, context: RenderContext) => string;
	/**
	 * The sort value of a live column whose value comes from the metrics
	 * (CPU, MEM): when the table is sorted by it, the order is taken again
	 * whenever the metrics change.
	 */
	liveSort?: (object: KubeObject, context: RenderContext) => number | undefined;
};

/** What a renderer needs besides the object. */
export type RenderContext = {
	/** Virtual time now, ms. */
	now: number;
	/** Pods bound to a node (nodes view); absent where not needed. */
	podsOnNode?: (node: string) => number;
	/** Usage of pods and nodes, when the engine reports it (CPU/MEM columns). */
	metrics?: MetricsSnapshot;
};

/** CPU in millicores as k9s prints it. */
export function cpuText(milli: number | undefined): string {
	return milli === undefined ? 'n/a' : `${Math.round(milli)}m`;
}

/** Memory in MiB as k9s prints it. */
export function memText(bytes: number | undefined): string {
	return bytes === undefined ? 'n/a' : `${Math.round(bytes / 2 ** 20)}Mi`;
}

/** One rendered row. */
export type Row = {
	/** Stable identity (uid, or pod uid + container name). */
	id: string;
	cells: string[];
	/** Values for numeric columns (same index as cells); undefined where the text sorts. */
	sort?: Array<number | undefined>;
	status: RowStatus;
	/** The object behind the row. */
	object: KubeObject;
	/** For container rows. */
	container?: string;
};

/** A kind's renderer: header, row and health, as in k9s. */
export type ColumnSet = {
	kind: string;
	columns: Column[];
	/** Cells and numeric sort values for one object. */
	row(object: KubeObject, context: RenderContext): {cells: string[]; sort?: Array<number | undefined>};
	/** Row colour from the object's health. */
	health(object: KubeObject, context: RenderContext): RowStatus;
	/** Default sort column name and direction. */
	defaultSort?: {column: string; ascending: boolean};
	/**
	 * The NAME cell is the object's `metadata.name`: the default order
	 * (namespace, name) is taken from the metadata, without rendering a row.
	 */
	nameFromMetadata?: boolean;
};

/** Parse an RFC 3339 timestamp into ms, or undefined. */
export function timeOf(value: string | undefined): number | undefined {
	if (!value) return undefined;
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? undefined : ms;
}

/**
 * apimachinery's duration.HumanDuration: `45s`, `3m20s`, `12m`, `5h30m`,
 * `20h`, `3d4h`, `40d`, `2y5d`.
 */
export function humanDuration(ms: number): string {
	const seconds = Math.floor(ms / 1000);
	if (seconds < -1) return '<invalid>';
	if (seconds < 0) return '0s';
	if (seconds < 60 * 2) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 10) {
		const s = seconds % 60;
		return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
	}
	if (minutes < 60 * 3) return `${minutes}m`;
	const hours = Math.floor(minutes / 60);
	if (hours < 8) {
		const m = minutes % 60;
		return m === 0 ? `${hours}h` : `${hours}h${m}m`;
	}
	if (hours < 48) return `${hours}h`;
	if (hours < 24 * 8) {
		const h = hours % 24;
		return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
	}
	if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
	if (hours < 24 * 365 * 8) {
		const days = Math.floor(hours / 24) % 365;
		const years = Math.floor(hours / 24 / 365);
		return days === 0 ? `${years}y` : `${years}y${days}d`;
	}
	return `${Math.floor(hours / 24 / 365)}y`;
}

/** AGE text for an object. */
export function ageText(object: KubeObject, now: number): string {
	const created = timeOf(object.metadata.creationTimestamp);
	return created === undefined ? '<unknown>' : humanDuration(now - created);
}

/**
 * AGE cell and its sort value for an object. The sort value is the negative
 * creation time (ascending = youngest first), so it does not change with the clock.
 */
export function age(object: KubeObject, now: number): [string, number] {
	const created = timeOf(object.metadata.creationTimestamp);
	if (created === undefined) return ['<unknown>', 0];
	return [humanDuration(now - created), -created];
}

/** The AGE column, shared by every kind. */
export const ageColumn: Column = {name: 'AGE', sortKey: 'a', numeric: true, align: 'left', live: (object, {now}) => ageText(object, now)};
export const nameColumn: Column = {name: 'NAME', sortKey: 'n', ellipsis: 'middle'};

/** `<none>` for empty values, as kubectl prints them. */
export function orNone(value: string | undefined | null): string {
	return value === undefined || value === null || value === '' ? '<none>' : value;
}

/** Labels as `k=v,k2=v2`. */
export function labelsText(labels: Record<string, string> | undefined): string {
	if (!labels) return '<none>';
	const parts = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
	return parts.length ? parts.join(',') : '<none>';
}

/** Access modes as kubectl abbreviates them. */
export function accessModes(modes: string[] | undefined): string {
	const short: Record<string, string> = {ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP'};
	return (modes ?? []).map(m => short[m] ?? m).join(',');
}

/** Terminating rows first, then the kind's own health. */
export function terminating(object: KubeObject): boolean {
	return Boolean(object.metadata.deletionTimestamp);
}
