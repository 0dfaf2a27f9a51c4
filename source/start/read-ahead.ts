/**
 * The state file read ahead: the launcher starts reading the `--state` file
 * before it compiles and runs the app, so the read goes on in the
 * threadpool while the app's code loads (about 300 ms), and the open finds
 * the bytes there. One read of the whole file, issued at once: a read in
 * pieces (`readFile`) needs the main thread between its pieces, and makes
 * no progress while the app loads. Anything but a regular file that opens
 * is left to the app's own read, which says what is wrong with it.
 */
import {closeSync, fstatSync, openSync, read, statSync} from 'node:fs';
import {resolve} from 'node:path';
import type {ReadAhead} from '../state/state-file.js';
import {flagArgument} from '../ui/config-dir.js';

/** Files larger than this are read by the app as usual (one read of the whole file would need its size in memory at once anyway). */
const largestReadAhead = 1024 * 1024 * 1024;

/** The `--state FILE` (or `--state=FILE`) the command line names, last one winning; the app's own flags decide what it means. */
export function stateArgument(argv: readonly string[]): string | undefined {
	return flagArgument(argv, 'state');
}

/** Start reading `file` whole, or undefined when it is not a regular file that opens (a missing file, a directory, a pipe). */
export function readAhead(file: string): ReadAhead | undefined {
	const path = resolve(file);
	let fd: number | undefined;
	try {
		// A pipe would block the open itself: only a regular file is opened.
		if (!statSync(path).isFile()) return undefined;
		fd = openSync(path, 'r');
		const {size} = fstatSync(fd);
		if (size === 0 || size > largestReadAhead) {
			closeSync(fd);
			return undefined;
		}
		const buffer = Buffer.allocUnsafe(size);
		const opened = fd;
		const bytes = new Promise<Buffer | undefined>(done => {
			read(opened, buffer, 0, size, 0, (error, bytesRead) => {
				try {
					closeSync(opened);
				} catch {
					// Closed or gone: the bytes read are what counts.
				}
				done(error || bytesRead !== size ? undefined : buffer);
			});
		});
		return {file: path, bytes};
	} catch {
		if (fd !== undefined) {
			try {
				closeSync(fd);
			} catch {
				// Nothing more to do.
			}
		}
		return undefined;
	}
}
