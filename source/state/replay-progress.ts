/**
 * What a terminal shows while a state file's cluster is restored: at
 * 10,000 pods the parse and the load of its state take seconds, and the
 * replay of an older file's history more, so one line on stderr says how
 * far it is, redrawn in place and cleared when it ends. Nothing is written
 * when stderr is not a terminal (a pipe or a log keeps only the lines that
 * stay).
 */
import {humanDuration} from '../ui/render/columns.js';

export type ReplayProgress = {
	/** For `createCluster({onReplay})`; undefined when nothing is shown. */
	onReplay?: (replayedMs: number, totalMs: number) => void;
	/** How much of the file is read into the cluster (parsed, then loaded), from 0 to 1; undefined when nothing is shown. */
	onLoad?: (done: number) => void;
	/** Clear the line, if one was drawn. */
	done(): void;
};

/** Where the line goes: stderr, or a stand-in in tests. */
export type ProgressStream = {isTTY?: boolean; write(text: string): unknown};

/** The line is redrawn at most this often (wall ms); the replay reports after every timer. */
const redrawMs = 100;

export function replayProgress(file: string, stream: ProgressStream, wallNow: () => number = () => performance.now()): ReplayProgress {
	if (!stream.isTTY) return {done() {}};
	let drawn = false;
	let drawnAt = wallNow();
	const draw = (text: string) => {
		const wall = wallNow();
		if (wall - drawnAt < redrawMs) return;
		drawnAt = wall;
		stream.write(`\r\u001B[Kkubarium: restoring the cluster saved in ${file}: ${text}`);
		drawn = true;
	};
	return {
		onReplay(replayedMs, totalMs) {
			const percent = totalMs > 0 ? Math.floor((100 * replayedMs) / totalMs) : 100;
			draw(`${humanDuration(replayedMs)} of its ${humanDuration(totalMs)} replayed (${percent} %)`);
		},
		onLoad(done) {
			draw(`${Math.floor(100 * Math.min(1, Math.max(0, done)))} %`);
		},
		done() {
			if (drawn) stream.write('\r\u001B[K');
			drawn = false;
		},
	};
}
