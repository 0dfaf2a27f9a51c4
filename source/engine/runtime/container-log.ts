import {Ring} from './ring.js';
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
	private readonly ring: Ring<StoredLine>;
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

function rendered(line: StoredLine): LogLine {
	return 'text' in line ? line : {at: line.at, stream: line.stream, text: renderLine(line.template, line.context, line.renderAt ?? line.at)};
}
