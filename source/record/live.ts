/**
 * Live recording, as `asciinema rec` does it: every byte the app writes to
 * the terminal becomes an "o" event at its wall time, a resize an "r" event.
 * Beside the cast, the keys file (keys-file.ts) keeps the input and the
 * cluster's clock, so a re-render can replay the same session.
 *
 * Both files are written one line per event with `fs.writeSync` on an open
 * descriptor: nothing is buffered in the process, so a recording killed with
 * SIGKILL is still a valid file up to its last event.
 */
import {closeSync, openSync, statSync, writeSync} from 'node:fs';
import path from 'node:path';
import {StringDecoder} from 'node:string_decoder';
import {castTime, formatEvent, formatHeader, type CastHeader} from './cast.js';
import {formatKeysEvent, formatKeysHeader, keysPathFor, type KeysEvent, type KeysHeader} from './keys-file.js';
import {tapReads} from './tap-reads.js';

export {tapReads};

export class RecordError extends Error {}

/** Milliseconds on a clock that never goes back (performance.now in the app, a fake in tests). */
export type Clock = () => number;

/**
 * Opens (creates or truncates) a file to record into. Throws RecordError with
 * what is wrong: the directory is missing, the path is a directory, no permission.
 */
export function openRecordingFile(file: string): number {
	try {
		return openSync(file, 'w');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const dir = path.dirname(path.resolve(file));
		switch (code) {
			case 'ENOENT':
			case 'ENOTDIR': {
				let dirExists = false;
				try {
					dirExists = statSync(dir).isDirectory();
				} catch {
					// Reported below.
				}
				throw new RecordError(dirExists ? `cannot record to ${file}: no such file or directory` : `cannot record to ${file}: directory ${dir} does not exist`);
			}
			case 'EISDIR':
				throw new RecordError(`cannot record to ${file}: it is a directory`);
			case 'EACCES':
			case 'EPERM':
				throw new RecordError(`cannot record to ${file}: permission denied`);
			case 'EROFS':
				throw new RecordError(`cannot record to ${file}: read-only file system`);
			default:
				throw new RecordError(`cannot record to ${file}: ${(error as Error).message}`);
		}
	}
}

/** One file written a line at a time, each line with one writeSync. A failed write closes it and is reported once. */
class LineFile {
	private fd: number | undefined;
	private readonly onError: (error: Error) => void;

	constructor(fd: number, onError: (error: Error) => void = () => {}) {
		this.fd = fd;
		this.onError = onError;
	}

	get open(): boolean {
		return this.fd !== undefined;
	}

	writeLine(line: string): void {
		if (this.fd === undefined) return;
		const bytes = Buffer.from(`${line}\n`, 'utf8');
		try {
			let written = 0;
			while (written < bytes.length) written += writeSync(this.fd, bytes, written);
		} catch (error) {
			this.close();
			this.onError(error as Error);
		}
	}

	close(): void {
		if (this.fd === undefined) return;
		const fd = this.fd;
		this.fd = undefined;
		try {
			closeSync(fd);
		} catch {
			// Nothing left to save.
		}
	}
}

export type WriterOptions = {
	/** The clock times are read from (default performance.now). */
	now?: Clock;
	/** The clock's reading at time 0 (default: when the writer is made). */
	start?: number;
	/** Called once if a write fails (disk full...); the writer stops writing. */
	onError?: (error: Error) => void;
};

/**
 * An asciicast v2 file written as it happens: the header at once, then one
 * line per event, times in seconds since the start that never go back.
 */
export class CastWriter {
	private readonly file: LineFile;
	private readonly now: Clock;
	private readonly start: number;
	private last = 0;

	/** Opens `file` (see openRecordingFile for the errors) and writes the header. */
	static open(file: string, header: CastHeader, options: WriterOptions = {}): CastWriter {
		return new CastWriter(openRecordingFile(file), header, options);
	}

	/** Writes to an open descriptor, which the writer then owns and closes. */
	constructor(fd: number, header: CastHeader, options: WriterOptions = {}) {
		this.file = new LineFile(fd, options.onError);
		this.now = options.now ?? (() => performance.now());
		this.start = options.start ?? this.now();
		this.file.writeLine(formatHeader(header));
	}

	get open(): boolean {
		return this.file.open;
	}

	/** Seconds since the start, as the cast writes them; never less than the last event's. */
	private time(): number {
		this.last = Math.max(this.last, castTime(this.now() - this.start));
		return this.last;
	}

	/** Bytes written to the terminal. */
	output(data: string): void {
		if (data !== '') this.file.writeLine(formatEvent([this.time(), 'o', data]));
	}

	/** The terminal was resized. */
	resize(cols: number, rows: number): void {
		this.file.writeLine(formatEvent([this.time(), 'r', `${cols}x${rows}`]));
	}

	/** A chapter mark (players may pause or list them). */
	marker(label: string): void {
		this.file.writeLine(formatEvent([this.time(), 'm', label]));
	}

	close(): void {
		this.file.close();
	}
}

export type KeysWriterOptions = WriterOptions & {
	/** The cluster's virtual clock (`cluster.now()`). */
	virtualNow: () => number;
};

/** The keys file of a live recording (keys-file.ts), written as it happens. */
export class KeysWriter {
	private readonly file: LineFile;
	private readonly now: Clock;
	private readonly virtualNow: () => number;
	private readonly start: number;
	private lastWall = 0;
	private lastVirtual = 0;

	static open(file: string, header: KeysHeader, options: KeysWriterOptions): KeysWriter {
		return new KeysWriter(openRecordingFile(file), header, options);
	}

	constructor(fd: number, header: KeysHeader, options: KeysWriterOptions) {
		this.file = new LineFile(fd, options.onError);
		this.now = options.now ?? (() => performance.now());
		this.virtualNow = options.virtualNow;
		this.start = options.start ?? this.now();
		this.file.writeLine(formatKeysHeader(header));
	}

	get open(): boolean {
		return this.file.open;
	}

	private event(code: KeysEvent[2], data: string): void {
		this.lastWall = Math.max(this.lastWall, Math.round(this.now() - this.start));
		this.lastVirtual = Math.max(this.lastVirtual, Math.round(this.virtualNow()));
		this.file.writeLine(formatKeysEvent([this.lastWall, this.lastVirtual, code, data]));
	}

	/** One chunk of input, as stdin delivered it. */
	input(data: string): void {
		if (data !== '') this.event('k', data);
	}

	resize(cols: number, rows: number): void {
		this.event('r', `${cols}x${rows}`);
	}

	/** The app exits: the last line, then the file is closed. */
	exit(): void {
		if (!this.file.open) return;
		this.event('x', '');
		this.close();
	}

	close(): void {
		this.file.close();
	}
}

/**
 * Calls `onWrite` with the text of every write to `stream` (strings as they
 * are, bytes decoded as UTF-8 across writes), then writes as before.
 * Returns the function that puts the stream's own write back.
 */
export function teeWrites(stream: NodeJS.WritableStream, onWrite: (data: string) => void): () => void {
	const original = stream.write;
	const decoder = new StringDecoder('utf8');
	const tee = function (this: NodeJS.WritableStream, chunk: unknown, ...rest: unknown[]): boolean {
		try {
			let text = '';
			if (typeof chunk === 'string') {
				const encoding = typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : 'utf8';
				text = encoding === 'utf8' || encoding === 'utf-8' ? chunk : Buffer.from(chunk, encoding).toString('utf8');
			} else if (chunk instanceof Uint8Array) {
				text = decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
			}
			if (text !== '') onWrite(text);
		} catch {
			// Recording never stands in the way of the screen.
		}
		return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
	};
	stream.write = tee as typeof stream.write;
	return () => {
		if (stream.write === tee) stream.write = original;
	};
}

/** The terminal a live recording watches: stdout to tee and to take sizes from, stdin to tap. */
export type Terminal = {
	stdout: NodeJS.WritableStream & {columns?: number; rows?: number; on(event: 'resize', listener: () => void): unknown; off(event: 'resize', listener: () => void): unknown};
	stdin: NodeJS.ReadableStream;
};

export type LiveRecordingOptions = {
	/** Where the cast goes; the keys file is the same path with `.keys`. */
	castPath: string;
	/** The keys header: what the boot used, and the terminal size. */
	keys: KeysHeader;
	/** Extra header fields for the cast (env, title...); width and height come from `keys`. */
	cast?: Omit<CastHeader, 'version' | 'width' | 'height'>;
	virtualNow: () => number;
	now?: Clock;
	onError?: (error: Error) => void;
};

/**
 * `kubarium --record FILE`: a cast and its keys file, started together (one
 * time 0) and fed from the terminal once attached. Both files are opened by
 * `start`, so a bad path is an error before anything is drawn.
 */
export class LiveRecording {
	readonly castPath: string;
	readonly keysPath: string;
	private readonly cast: CastWriter;
	private readonly keys: KeysWriter;
	private readonly detachers: Array<() => void> = [];

	static start(options: LiveRecordingOptions): LiveRecording {
		return new LiveRecording(options);
	}

	private constructor(options: LiveRecordingOptions) {
		const {castPath, keys: keysHeader} = options;
		this.castPath = castPath;
		this.keysPath = keysPathFor(castPath);
		if (path.resolve(this.keysPath) === path.resolve(castPath)) {
			throw new RecordError(`cannot record to ${castPath}: the keys file would have the same name (use a .cast file name)`);
		}
		const now = options.now ?? (() => performance.now());
		const start = now();
		const castFd = openRecordingFile(castPath);
		let keysFd: number;
		try {
			keysFd = openRecordingFile(this.keysPath);
		} catch (error) {
			closeSync(castFd);
			throw error;
		}
		const header: CastHeader = {...options.cast, version: 2, width: keysHeader.cols, height: keysHeader.rows};
		this.cast = new CastWriter(castFd, header, {now, start, onError: options.onError});
		this.keys = new KeysWriter(keysFd, keysHeader, {now, start, virtualNow: options.virtualNow, onError: options.onError});
	}

	/** Output from now on goes to the cast; input and resizes to both files. */
	attach(terminal: Terminal): void {
		const {stdout, stdin} = terminal;
		const onResize = () => {
			const cols = stdout.columns ?? 80;
			const rows = stdout.rows ?? 24;
			this.cast.resize(cols, rows);
			this.keys.resize(cols, rows);
		};
		stdout.on('resize', onResize);
		this.detachers.push(() => stdout.off('resize', onResize));
		this.detachers.push(teeWrites(stdout, data => this.cast.output(data)));
		this.detachers.push(tapReads(stdin, data => this.keys.input(data)));
	}

	/** A chapter mark in the cast. */
	marker(label: string): void {
		this.cast.marker(label);
	}

	/** The app exits: the keys file's "x" line, both files closed, the terminal's streams as they were. */
	stop(): void {
		for (const detach of this.detachers.splice(0)) detach();
		this.keys.exit();
		this.cast.close();
	}
}
