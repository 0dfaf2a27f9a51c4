import type {ExecContext, ExecHandler, ExecOutput} from './commands.js';
import {FsError, normalizePath, type FileSystem} from './filetree.js';
import {quoteBuffer} from './syscalls.js';

/**
 * `tar`, as `kubectl cp` runs it in a container: `tar cf - PATH` to copy
 * out, `tar -xmf - -C DIR` with the archive on standard input to copy in,
 * and `tar tf -` to list. Archives are POSIX ustar (GNU tar's default
 * blocking: records of 20 blocks), their members as GNU tar names them (no
 * leading `/`, directories with a trailing one). Reading also takes the PAX
 * `path` records Go's archive/tar writes for long names. Standard input and
 * output are text here, so a member's content is its UTF-8 text.
 */

const block = 512;
const record = 20 * block;

type Member = {name: string; type: 'file' | 'dir'; mode: number; mtime: number; content: string};

function octal(value: number, width: number): string {
	return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(member: Member, size: number): Buffer {
	const out = Buffer.alloc(block);
	let name = member.name;
	let prefix = '';
	// ustar splits a long name at a slash: up to 155 bytes of prefix, 100 of name.
	if (Buffer.byteLength(name) > 100) {
		const cut = name.lastIndexOf('/', name.length - 2);
		prefix = name.slice(0, cut);
		name = name.slice(cut + 1);
	}
	out.write(name, 0, 100, 'utf8');
	out.write(octal(member.mode & 0o7777, 8), 100, 'latin1');
	out.write(octal(0, 8), 108, 'latin1');
	out.write(octal(0, 8), 116, 'latin1');
	out.write(octal(size, 12), 124, 'latin1');
	out.write(octal(Math.floor(member.mtime / 1000), 12), 136, 'latin1');
	out.write('        ', 148, 'latin1');
	out.write(member.type === 'dir' ? '5' : '0', 156, 'latin1');
	out.write('ustar\0' + '00', 257, 'latin1');
	out.write('root', 265, 'latin1');
	out.write('root', 297, 'latin1');
	out.write(prefix, 345, 155, 'utf8');
	let sum = 0;
	for (const byte of out) sum += byte;
	out.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
	return out;
}

/** The archive of `members`, ended by two zero blocks and padded to a whole record. */
export function packTar(members: readonly Member[]): Buffer {
	const parts: Buffer[] = [];
	for (const member of members) {
		const data = member.type === 'file' ? Buffer.from(member.content, 'utf8') : Buffer.alloc(0);
		parts.push(header(member, data.length), data, Buffer.alloc((block - (data.length % block)) % block));
	}
	parts.push(Buffer.alloc(2 * block));
	const body = Buffer.concat(parts);
	return Buffer.concat([body, Buffer.alloc((record - (body.length % record)) % record)]);
}

function field(bytes: Buffer, offset: number, length: number): string {
	const raw = bytes.subarray(offset, offset + length);
	const end = raw.indexOf(0);
	return raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
}

function number(bytes: Buffer, offset: number, length: number): number {
	const text = field(bytes, offset, length).trim();
	return text === '' ? 0 : Number.parseInt(text, 8);
}

/** The members of an archive; throws a text tar would print when it is not one. */
export function unpackTar(archive: Buffer): Member[] {
	const members: Member[] = [];
	let offset = 0;
	let longName: string | undefined;
	while (offset + block <= archive.length) {
		const head = archive.subarray(offset, offset + block);
		if (head.every(byte => byte === 0)) break;
		let sum = 0;
		for (let i = 0; i < block; i++) sum += i >= 148 && i < 156 ? 32 : head[i]!;
		if (sum !== number(head, 148, 8)) throw new Error(offset === 0 ? 'This does not look like a tar archive' : 'Skipping to next header');
		const size = number(head, 124, 12);
		const type = String.fromCharCode(head[156]!);
		const data = archive.subarray(offset + block, offset + block + size);
		if (data.length < size) throw new Error('Unexpected EOF in archive');
		offset += block + Math.ceil(size / block) * block;
		if (type === 'x' || type === 'L') {
			// A PAX header (its path record) or a GNU long name: the name of the next member.
			longName = type === 'L' ? field(data, 0, data.length) : /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1] ?? longName;
			continue;
		}
		if (type === 'g') continue;
		const prefix = field(head, 345, 155);
		const name = longName ?? (prefix ? `${prefix}/${field(head, 0, 100)}` : field(head, 0, 100));
		longName = undefined;
		if (type !== '0' && type !== '\0' && type !== '5') continue; // links and devices are not kept
		members.push({name, type: type === '5' ? 'dir' : 'file', mode: number(head, 100, 8), mtime: number(head, 136, 12) * 1000, content: type === '5' ? '' : data.toString('utf8')});
	}
	return members;
}

/** What `tar c` puts in for one operand: the path and, for a directory, everything under it, parents first. */
function collect(fs: FileSystem, path: string, name: string, out: Member[]): void {
	const stat = fs.stat(path);
	if (!stat) return;
	if (stat.type === 'file') {
		out.push({name, type: 'file', mode: stat.mode, mtime: stat.mtime, content: fs.read(path) ?? ''});
		return;
	}
	out.push({name: `${name}/`, type: 'dir', mode: stat.mode, mtime: stat.mtime, content: ''});
	for (const child of fs.list(path) ?? []) collect(fs, path === '/' ? `/${child}` : `${path}/${child}`, `${name}/${child}`, out);
}

type Options = {mode?: 'c' | 'x' | 't'; file?: string; directory?: string; verbose: boolean; gzip: boolean; operands: string[]};

/** GNU tar's arguments: a first word of bundled letters without a dash, `-xmf`, `-C DIR`, long options. */
function parseTar(args: readonly string[]): Options | string {
	const options: Options = {verbose: false, gzip: false, operands: []};
	const words = [...args];
	if (words[0] !== undefined && !words[0].startsWith('-')) words[0] = `-${words[0]}`;
	for (let i = 0; i < words.length; i++) {
		const word = words[i]!;
		if (word === '--') {
			options.operands.push(...words.slice(i + 1));
			break;
		}
		if (word.startsWith('--')) {
			const [name, value] = word.slice(2).split('=', 2) as [string, string | undefined];
			if (name === 'directory') options.directory = value ?? words[++i];
			else if (name === 'file') options.file = value ?? words[++i];
			else if (['create', 'extract', 'list'].includes(name)) options.mode = name === 'create' ? 'c' : name === 'extract' ? 'x' : 't';
			else if (!['no-same-owner', 'no-same-permissions', 'touch', 'verbose', 'preserve-permissions'].includes(name)) return `unrecognized option '${word}'`;
			continue;
		}
		if (!word.startsWith('-') || word === '-') {
			options.operands.push(word);
			continue;
		}
		for (let j = 1; j < word.length; j++) {
			const letter = word[j]!;
			if (letter === 'c' || letter === 'x' || letter === 't') {
				if (options.mode && options.mode !== letter) return 'You may not specify more than one \'-Acdtrux\', \'--delete\' or  \'--test-label\' option';
				options.mode = letter;
			} else if (letter === 'f' || letter === 'C') {
				const value = word.slice(j + 1) || words[++i];
				if (value === undefined) return `option requires an argument -- '${letter}'`;
				if (letter === 'f') options.file = value;
				else options.directory = value;
				break;
			} else if (letter === 'v') options.verbose = true;
			else if (letter === 'z') options.gzip = true;
			else if (!'mpoh'.includes(letter)) return `invalid option -- '${letter}'`;
		}
	}
	return options;
}

const usage = (message: string): ExecOutput => ({stderr: `tar: ${message}\nTry 'tar --help' or 'tar --usage' for more information.\n`, exitCode: 2});

export const tar: ExecHandler = (context: ExecContext): ExecOutput => {
	const options = parseTar(context.argv.slice(1));
	if (typeof options === 'string') return usage(options);
	if (!options.mode) return usage('You must specify one of the \'-Acdtrux\', \'--delete\' or \'--test-label\' options');
	if (options.gzip) return {stderr: 'tar: gzip: Cannot exec: No such file or directory\ntar: Error is not recoverable: exiting now\n', exitCode: 2};
	const toStdout = options.file === undefined || options.file === '-';
	const cwd = options.directory === undefined ? context.cwd : normalizePath(options.directory, context.cwd);
	if (options.directory !== undefined && context.fs.stat(cwd)?.type !== 'dir') {
		return {stderr: `tar: ${options.directory}: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n`, exitCode: 2};
	}
	if (options.mode === 'c') {
		if (options.operands.length === 0) return {stderr: 'tar: Cowardly refusing to create an empty archive\nTry \'tar --help\' or \'tar --usage\' for more information.\n', exitCode: 2};
		const members: Member[] = [];
		let stderr = '';
		let exitCode = 0;
		for (const operand of options.operands) {
			const path = normalizePath(operand, cwd);
			if (!context.fs.stat(path)) {
				stderr += `tar: ${operand}: Cannot stat: No such file or directory\n`;
				exitCode = 2;
				continue;
			}
			const name = operand.replace(/^\/+/, '').replace(/\/+$/, '') || '.';
			if (operand.startsWith('/') && !stderr.includes('Removing leading')) stderr += 'tar: Removing leading `/\' from member names\n';
			collect(context.fs, path, name, members);
		}
		if (exitCode !== 0) stderr += 'tar: Exiting with failure status due to previous errors\n';
		const archive = packTar(members);
		if (toStdout) {
			const stdout = archive.toString('utf8');
			context.trace('write', `1, ${quoteBuffer(stdout)}, ${archive.length}`, archive.length);
			return {stdout, stderr, exitCode};
		}
		try {
			context.fs.write(normalizePath(options.file!, context.cwd), archive.toString('utf8'));
		} catch (error) {
			if (!(error instanceof FsError)) throw error;
			return {stderr: `tar: ${options.file}: Cannot open: ${error.reason}\ntar: Error is not recoverable: exiting now\n`, exitCode: 2};
		}
		return {stderr, exitCode};
	}
	const input = toStdout ? context.stdin : context.fs.read(normalizePath(options.file!, context.cwd));
	if (input === undefined) return {stderr: `tar: ${options.file}: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n`, exitCode: 2};
	let members: Member[];
	try {
		members = unpackTar(Buffer.from(input, 'utf8'));
	} catch (error) {
		return {stderr: `tar: ${(error as Error).message}\ntar: Exiting with failure status due to previous errors\n`, exitCode: 2};
	}
	if (options.mode === 't') {
		const stdout = members.map(m => `${m.name}\n`).join('');
		return {stdout, exitCode: 0};
	}
	let stdout = '';
	for (const member of members) {
		const name = member.name.replace(/^\/+/, '');
		if (name.split('/').includes('..')) {
			return {stderr: `tar: ${member.name}: Member name contains '..'\ntar: Exiting with failure status due to previous errors\n`, exitCode: 2};
		}
		const path = normalizePath(name, cwd);
		try {
			if (member.type === 'dir') context.fs.mkdir(path, {parents: true});
			else {
				const parent = path.slice(0, path.lastIndexOf('/')) || '/';
				if (!context.fs.exists(parent)) context.fs.mkdir(parent, {parents: true});
				context.fs.write(path, member.content, {mode: member.mode});
			}
			context.trace('openat', `AT_FDCWD, ${quoteBuffer(name, 64)}, O_WRONLY|O_CREAT|O_EXCL|O_NOCTTY|O_NONBLOCK|O_CLOEXEC, 0${member.mode.toString(8)}`, 4);
		} catch (error) {
			if (!(error instanceof FsError)) throw error;
			return {stdout, stderr: `tar: ${name}: Cannot open: ${error.reason}\ntar: Exiting with failure status due to previous errors\n`, exitCode: 2};
		}
		if (options.verbose) stdout += `${member.name}\n`;
	}
	return {stdout, exitCode: 0};
};
