/**
 * V8's code cache for the bundled app, kept in the user's config dir
 * (`<config dir>/cache/`). One file per bundle, Node version and
 * architecture: a bundle built anew, or another Node, reads no stale code.
 * The file holds V8's data behind a small header with its length and CRC-32,
 * since V8 (in release builds) checks a cache's versions and length but not
 * its bytes: a torn or corrupted file is read as no cache. Nothing here
 * throws: a cache that cannot be read or written only costs the start-up it
 * would have saved.
 */
import {mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {crc32} from 'node:zlib';

const magic = 'KUBARIUM-V8-CACHE-1\n';
const header = Buffer.byteLength(magic) + 8;
const prefix = 'start-';
const suffix = '.v8cache';

/** `start-<bundle hash>-<node version>-<arch>.v8cache`: the name changes with whatever makes V8's data unusable. */
export function codeCacheName(bundleHash: string, nodeVersion = process.version, arch = process.arch): string {
	return `${prefix}${bundleHash}-${nodeVersion}-${arch}${suffix}`;
}

/** The cache folder of a config dir. */
export function codeCacheDir(configDir: string): string {
	return join(configDir, 'cache');
}

/** V8's data from `file`, or undefined when it is missing, torn or corrupt. */
export function readCodeCache(file: string): Buffer | undefined {
	let bytes: Buffer;
	try {
		bytes = readFileSync(file);
	} catch {
		return undefined;
	}
	if (bytes.length < header || bytes.toString('latin1', 0, magic.length) !== magic) return undefined;
	const length = bytes.readUInt32LE(magic.length);
	const checksum = bytes.readUInt32LE(magic.length + 4);
	const data = bytes.subarray(header);
	if (data.length !== length || crc32(data) !== checksum) return undefined;
	return data;
}

/**
 * Writes V8's data to `file` through a temporary file and a rename, so a
 * reader never sees half of it, then removes the other start caches beside
 * it (older bundles or Node versions). Returns the error, if any.
 */
export function writeCodeCache(file: string, data: Buffer, dir: string): Error | undefined {
	const temporary = `${file}.${process.pid}.tmp`;
	try {
		mkdirSync(dir, {recursive: true});
		const head = Buffer.alloc(header);
		head.write(magic, 0, 'latin1');
		head.writeUInt32LE(data.length, magic.length);
		head.writeUInt32LE(crc32(data), magic.length + 4);
		writeFileSync(temporary, Buffer.concat([head, data]));
		renameSync(temporary, file);
	} catch (error) {
		try {
			rmSync(temporary, {force: true});
		} catch {
			// The folder itself is not there.
		}
		return error as Error;
	}
	const keep = file.slice(dir.length + 1);
	try {
		for (const name of readdirSync(dir)) {
			if (name !== keep && name.startsWith(prefix) && name.endsWith(suffix)) rmSync(join(dir, name), {force: true});
		}
	} catch {
		// Another start may be cleaning the same folder.
	}
	return undefined;
}
