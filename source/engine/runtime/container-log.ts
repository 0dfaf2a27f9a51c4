import {Ring, type SavedRing} from './ring.js';
import {renderLine, type LineContext} from './workloads/log-templates.js';
import type {LogLine} from './cri.js';

/** A catalog line of an image's start-up output: when after the start it is printed, and on which stream. */
export type StartupLine = {at: number; line: string; stream?: 'stdout' | 'stderr'};

/** A line as the log keeps it: its text, or a catalog line rendered for `renderAt` (else `at`) when read. */
export type StoredLine = LogLine | {at: number; stream: 'stdout' | 'stderr'; template: string; context: LineContext; renderAt?: number};

/**
 * One container's log: at most `capacity` lines, the oldest dropped first.
 * The start-up lines every container of an image prints are kept as one
 * reference to the image's catalog (an array shared by all its containers)
 * instead of an object per line: a hundred thousand pods print them.
 * Reads see the same lines, in the same order, as if each had been pushed.
 */
export class ContainerLog {
	private ring: Ring<StoredLine>;
	private startup: {from: number; lines: readonly StartupLine[]; context: LineContext} | undefined;

	constructor(readonly capacity: number) {
		this.ring = new Ring(capacity);
	}

	/**
	 * The start-up lines, printed from `from` on. Only as the first output:
	 * they come before anything pushed later.
	 */
	begin(from: number, lines: readonly StartupLine[], context: LineContext): void {
		if (this.ring.total > 0 || this.startup) throw new Error('a container log begins with its start-up lines');
		if (lines.length > 0) this.startup = {from, lines, context};
	}

	push(line: StoredLine): void {
		this.ring.push(line);
	}

	/**
	 * The log as data. Lines stay in the form they are kept in (text, or
	 * catalog template with its context and time), so the saved log is as
	 * small as the live one and renders the same when read. Contexts of the
	 * same values (a container's lines share one) are saved once, in a
	 * table the lines point into by index, and are shared again when
	 * loaded. The start-up lines are a reference to a catalog the log does
	 * not own: `startupKey` names them (for example by the image whose
	 * behaviour they belong to) and the loader finds them again by that
	 * name; their count is kept to tell a catalog that changed since.
	 */
	save(startupKey?: (lines: readonly StartupLine[]) => string): SavedContainerLog {
		const contexts: LineContext[] = [];
		const index = new Map<string, number>();
		const indexOf = (context: LineContext): number => {
			const key = `${context.version}\u0000${context.podIP}\u0000${context.hostname}`;
			let at = index.get(key);
			if (at === undefined) {
				index.set(key, (at = contexts.length));
				contexts.push({version: context.version, podIP: context.podIP, hostname: context.hostname});
			}
			return at;
		};
		let startup: SavedContainerLog['startup'];
		if (this.startup) {
			if (!startupKey) throw new Error('a container log with start-up lines is saved with a key for them');
			startup = {key: startupKey(this.startup.lines), count: this.startup.lines.length, from: this.startup.from, context: indexOf(this.startup.context)};
		}
		const ring = this.ring.save((line): SavedLine => 'text' in line
			? {at: line.at, stream: line.stream, text: line.text}
			: {at: line.at, stream: line.stream, template: line.template, context: indexOf(line.context), ...(line.renderAt === undefined ? {} : {renderAt: line.renderAt})});
		return {contexts, ...(startup ? {startup} : {}), ring};
	}

	/**
	 * A log that reads and goes on as the one `data` was saved from.
	 * `startupLines` gives the catalog lines by the key `save` was given;
	 * a catalog that no longer has as many lines is refused.
	 */
	static fromSaved(data: SavedContainerLog, startupLines?: (key: string) => readonly StartupLine[]): ContainerLog {
		const log = new ContainerLog(data.ring.capacity);
		const contexts = data.contexts.map(context => ({version: context.version, podIP: context.podIP, hostname: context.hostname}));
		const contextAt = (at: number): LineContext => {
			const context = contexts[at];
			if (!context) throw new Error(`a saved container log line points at context ${at} of ${contexts.length}`);
			return context;
		};
		if (data.startup) {
			const {key, count, from} = data.startup;
			if (!startupLines) throw new Error(`a saved container log's start-up lines (${key}) are loaded with a way to find them`);
			const lines = startupLines(key);
			if (lines.length !== count) throw new Error(`the start-up lines of ${key} are ${lines.length}, the saved log had ${count}`);
			log.startup = {from, lines, context: contextAt(data.startup.context)};
		}
		log.ring = Ring.fromSaved(data.ring, (line): StoredLine => 'text' in line
			? {at: line.at, stream: line.stream, text: line.text}
			: {at: line.at, stream: line.stream, template: line.template, context: contextAt(line.context), ...(line.renderAt === undefined ? {} : {renderAt: line.renderAt})});
		return log;
	}

	/** Every line kept, oldest first, rendered. */
	lines(): LogLine[] {
		const out: LogLine[] = [];
		const {startup} = this;
		if (startup) {
			// The ring drops the oldest first: what is left of the start-up is its last lines.
			const kept = Math.min(startup.lines.length, Math.max(0, this.capacity - this.ring.total));
			for (let i = startup.lines.length - kept; i < startup.lines.length; i++) {
				const {at, line, stream} = startup.lines[i]!;
				const when = startup.from + at;
				out.push({at: when, stream: stream ?? 'stdout', text: renderLine(line, startup.context, when)});
			}
		}
		for (const line of this.ring.toArray()) out.push(rendered(line));
		return out;
	}
}

/** A stored line as data: a template line's context is an index into the saved log's `contexts`. */
export type SavedLine = LogLine | {at: number; stream: 'stdout' | 'stderr'; template: string; context: number; renderAt?: number};

/**
 * A container log as data (`ContainerLog.save`): the contexts its template
 * lines share, its start-up lines by key, and its ring (capacity, lines
 * pushed over its life, lines kept oldest first).
 */
export type SavedContainerLog = {
	contexts: LineContext[];
	startup?: {key: string; count: number; from: number; context: number};
	ring: SavedRing<SavedLine>;
};

function rendered(line: StoredLine): LogLine {
	return 'text' in line ? line : {at: line.at, stream: line.stream, text: renderLine(line.template, line.context, line.renderAt ?? line.at)};
}
