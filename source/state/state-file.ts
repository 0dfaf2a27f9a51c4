/**
 * The state file of `--state FILE`: the cluster's snapshot as JSON. Read at
 * start (a missing file is a fresh start; one that cannot be used stops the
 * program with what is wrong and what to do, and is left as it is), written
 * atomically (a temporary file in the same directory, written and flushed,
 * renamed over the old one, the directory flushed), so a crash at any moment
 * leaves either the old file or the new one, never a mix.
 */
import {closeSync, fsyncSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync, writevSync} from 'node:fs';
import {open, readFile, rename, stat, unlink} from 'node:fs/promises';
import path from 'node:path';
import {parseSnapshotJson, type FileLines, type ParsedState} from './snapshot-json.js';

/** A state file that cannot be used; the message has the path, the reason and what to do. */
export class StateFileError extends Error {
	readonly file: string;
	readonly reason: string;
	constructor(file: string, reason: string, advice = resetAdvice(file)) {
		super(`cannot use the state file ${file}: ${reason}. ${advice}`);
		this.name = 'StateFileError';
		this.file = file;
		this.reason = reason;
	}
}

function resetAdvice(file: string): string {
	return `The file was left as it is; to start a fresh cluster, run again with --reset-state, which moves it aside to ${file}.corrupt-<timestamp>`;
}

/** What a state file must say it is. */
export const stateKind = 'KubariumSnapshot';

/** Why a parse failed, in words: truncated (the JSON stops where it should go on) or not JSON at all. */
function parseFailure(text: string, error: Error): string {
	const position = /at position (\d+)/.exec(error.message);
	const atEnd = /Unexpected end of JSON input/.test(error.message) || (position !== null && Number(position[1]) >= text.trimEnd().length);
	if (atEnd && /^\s*[{[]/.test(text)) return `it is truncated: the JSON stops after ${Buffer.byteLength(text)} bytes`;
	return `it is not JSON (${error.message})`;
}

/** Nothing but JSON's whitespace (or nothing at all). */
function isBlank(bytes: Buffer): boolean {
	for (const byte of bytes) if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return false;
	return true;
}

/**
 * A state file's bytes read ahead of its open (the launcher starts the read
 * before the app's code loads, `source/start/read-ahead.ts`): the open takes
 * them when they are of the file it opens, else reads as usual.
 */
export type ReadAhead = {file: string; bytes: Promise<Buffer | undefined>};

/**
 * The snapshot of a state file, or undefined when there is none (a fresh
 * start), and whether its objects are as they were saved (`ParsedState`).
 * Throws StateFileError for a file that is empty, truncated, not JSON, or
 * not a Kubarium state file; the version and shape are the restore's to judge.
 */
export async function readStateFile(file: string, options: {sliceMs?: number; progress?: (done: number) => void; lines?: FileLines; readAhead?: ReadAhead} = {}): Promise<ParsedState | undefined> {
	// Read off the event loop (a state file of thousands of pods is tens of MB); the objects are parsed a few at a time, with the loop turning between.
	let bytes: Buffer;
	try {
		if ((await stat(file)).isDirectory()) throw new StateFileError(file, 'it is a directory', 'Name a file for --state');
		const readAhead = options.readAhead?.file === file ? await options.readAhead.bytes : undefined;
		bytes = readAhead ?? await readFile(file);
	} catch (error) {
		if (error instanceof StateFileError) throw error;
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return undefined;
		throw new StateFileError(file, `it cannot be read (${(error as Error).message})`, 'Check its permissions, or name another file for --state');
	}
	if (isBlank(bytes)) throw new StateFileError(file, 'it is empty');
	let parsed: ParsedState;
	try {
		parsed = await parseSnapshotJson(bytes, options.sliceMs ?? 50, () => new Promise(resolve => setImmediate(resolve)), options.progress, options.lines);
	} catch (error) {
		throw new StateFileError(file, parseFailure(bytes.toString('utf8'), error as Error));
	}
	const data = parsed.snapshot;
	if (typeof data !== 'object' || data === null || Array.isArray(data) || (data as {kind?: unknown}).kind !== stateKind) {
		throw new StateFileError(file, `it is not a Kubarium state file (it has no "kind": "${stateKind}")`);
	}
	return parsed;
}

/**
 * Check before the program starts that a state file can be written there
 * (its directory exists and is a directory), so a bad path stops the start
 * instead of failing at the first save.
 */
export function checkStateDirectory(file: string): void {
	const dir = path.dirname(file);
	let stat;
	try {
		stat = statSync(dir);
	} catch {
		throw new StateFileError(file, `its directory ${dir} does not exist`, 'Create the directory, or name another file for --state');
	}
	if (!stat.isDirectory()) throw new StateFileError(file, `${dir} is not a directory`, 'Name another file for --state');
}

let temporaries = 0;

/** The temporary file a write goes through: hidden, beside the state file, unique to this process. */
function temporaryPath(file: string): string {
	return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++temporaries}.tmp`);
}

/** Left-over temporary files of a state file (a write that a crash stopped before its rename). */
export function leftoverTemporaries(file: string): string[] {
	const prefix = `.${path.basename(file)}.`;
	let names: string[];
	try {
		names = readdirSync(path.dirname(file));
	} catch {
		return [];
	}
	return names.filter(name => name.startsWith(prefix) && /\.\d+\.\d+\.tmp$/.test(name)).map(name => path.join(path.dirname(file), name));
}

/** Remove what crashed writes left behind (never the state file itself). */
export function removeLeftovers(file: string): void {
	for (const leftover of leftoverTemporaries(file)) {
		try {
			unlinkSync(leftover);
		} catch {
			// Another process's, or gone already.
		}
	}
}

function syncDirectory(dir: string): void {
	let fd: number | undefined;
	try {
		fd = openSync(dir, 'r');
		fsyncSync(fd);
	} catch {
		// Some file systems cannot flush a directory; the rename is still atomic.
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
}

/** Test seams: run between the steps of a write (a crash there must leave the old file). */
export type WriteHooks = {
	beforeRename?: () => void;
	/** Told the temporary file's path once it is made, before anything is written to it. */
	temporary?: (path: string) => void;
};

/** What a state file is written from: a string, or chunks of bytes written one after another. */
export type StateData = string | readonly Buffer[];

/** Chunks this short are looked for in the bytes that follow the chunk before them (a comma and a line break between two lines). */
const shortChunk = 16;

/**
 * The chunks to write, neighbours joined: a chunk that goes on where the one
 * before it ends in the same memory (the lines a save took from the file the
 * cluster was opened from, which are views of its bytes), or a short one
 * equal to the bytes that follow there in memory of its own, becomes part
 * of it. The same bytes in far fewer pieces: a save of a 10,000-pod file
 * opened and saved again is about 3,700 pieces, not 68,000.
 */
export function joinedChunks(chunks: readonly Buffer[]): Buffer[] {
	const out: Buffer[] = [];
	let memory: ArrayBufferLike | undefined;
	/** The run's memory as bytes, made when a short chunk is compared with it. */
	let bytes: Uint8Array | undefined;
	let start = 0;
	let end = 0;
	/** The run's first chunk: written as it is when nothing joined it. */
	let first: Buffer | undefined;
	const close = () => {
		if (first) out.push(end - start === first.length ? first : Buffer.from(memory!, start, end - start));
	};
	for (const chunk of chunks) {
		const length = chunk.length;
		if (length === 0) continue;
		const chunkMemory = chunk.buffer;
		if (memory === chunkMemory && chunk.byteOffset === end) {
			end += length;
			continue;
		}
		// Only in memory of its own (a file's bytes), not in the small Buffers' shared pool, whose other bytes are other Buffers' to change.
		if (memory && length <= shortChunk && memory.byteLength > Buffer.poolSize && end + length <= memory.byteLength) {
			bytes ??= new Uint8Array(memory);
			let same = true;
			for (let i = 0; i < length && same; i++) same = bytes[end + i] === chunk[i];
			if (same) {
				end += length;
				continue;
			}
		}
		close();
		first = chunk;
		memory = chunkMemory;
		bytes = undefined;
		start = chunk.byteOffset;
		end = start + length;
	}
	close();
	return out;
}

function lengthOf(chunks: readonly Buffer[]): number {
	let total = 0;
	for (const chunk of chunks) total += chunk.length;
	return total;
}

/**
 * How many chunks a write joins and hands to the kernel at a time (the
 * most one writev takes, IOV_MAX). A save of 10,000 changing pods is about
 * 68,000 chunks: given to one writev, the call alone held the event loop
 * for about 26 ms, and joining them all 10-20 ms more; a batch takes well
 * under a millisecond of either, and the whole write is faster.
 */
export const chunksABatch = 1024;

/** The chunks in batches of `chunksABatch`, neighbours in each joined (`joinedChunks`). */
export function* batchesOf(chunks: readonly Buffer[]): Generator<Buffer[]> {
	for (let at = 0; at < chunks.length; at += chunksABatch) yield joinedChunks(chunks.slice(at, at + chunksABatch));
}

function shortWrite(written: number, total: number): Error {
	return new Error(`short write: ${written} of ${total} bytes`);
}

/** Write `data` to `file` atomically and durably; blocks until it is on disk. */
export function writeStateFileSync(file: string, data: StateData, hooks: WriteHooks = {}): void {
	const temporary = temporaryPath(file);
	try {
		const fd = openSync(temporary, 'wx', 0o600);
		try {
			if (typeof data === 'string') {
				writeSync(fd, data);
			} else {
				let before = 0;
				for (const batch of batchesOf(data)) {
					const written = writevSync(fd, batch);
					if (written !== lengthOf(batch)) throw shortWrite(before + written, lengthOf(data));
					before += written;
				}
			}
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
		hooks.beforeRename?.();
		renameSync(temporary, file);
	} catch (error) {
		try {
			unlinkSync(temporary);
		} catch {
			// Never made, or already renamed.
		}
		throw error;
	}
	syncDirectory(path.dirname(file));
}

/** The same write without blocking the event loop while the bytes go to disk. */
export async function writeStateFile(file: string, data: StateData, hooks: WriteHooks = {}): Promise<void> {
	const temporary = temporaryPath(file);
	hooks.temporary?.(temporary);
	try {
		const handle = await open(temporary, 'wx', 0o600);
		try {
			if (typeof data === 'string') {
				await handle.writeFile(data);
			} else {
				// A batch at a time, the event loop turning between two.
				let before = 0;
				for (const batch of batchesOf(data)) {
					const {bytesWritten} = await handle.writev(batch);
					if (bytesWritten !== lengthOf(batch)) throw shortWrite(before + bytesWritten, lengthOf(data));
					before += bytesWritten;
				}
			}
			await handle.sync();
		} finally {
			await handle.close();
		}
		hooks.beforeRename?.();
		await rename(temporary, file);
	} catch (error) {
		await unlink(temporary).catch(() => {});
		throw error;
	}
	let dir;
	try {
		dir = await open(path.dirname(file), 'r');
		await dir.sync();
	} catch {
		// As in the blocking write.
	} finally {
		await dir?.close();
	}
}

/** `2026-12-05T18-30-00-123Z`: a timestamp that is safe in a file name and sorts by time. */
export function fileTimestamp(date: Date): string {
	return date.toISOString().replace(/[:.]/g, '-');
}

/**
 * `--reset-state`: move the file aside to `FILE.corrupt-<timestamp>` (never
 * deleted). Returns where it went, or undefined when there was no file.
 */
export function moveAside(file: string, now: Date = new Date()): string | undefined {
	try {
		statSync(file);
	} catch {
		return undefined;
	}
	let target = `${file}.corrupt-${fileTimestamp(now)}`;
	for (let n = 2; exists(target); n++) target = `${file}.corrupt-${fileTimestamp(now)}-${n}`;
	try {
		renameSync(file, target);
	} catch (error) {
		throw new StateFileError(file, `it cannot be moved aside to ${target} (${(error as Error).message})`, 'Move or remove it yourself');
	}
	return target;
}

function exists(file: string): boolean {
	try {
		statSync(file);
		return true;
	} catch {
		return false;
	}
}
