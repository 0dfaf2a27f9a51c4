import type {ExecContext, ExecHandler, ExecOutput} from './commands.js';
import {FsError, normalizePath} from './filetree.js';
import {nslookup} from './dns.js';

/**
 * Client programs the Kubernetes docs' probes and scripts call: database
 * pings (`mysqladmin ping`, `mysql -e "SELECT 1"`, `pg_isready`,
 * `redis-cli ping`), and the file copies and streams of the replicated MySQL
 * tutorial (`cp`, `ncat`, `xbstream`, `xtrabackup`). They answer from what
 * the pod really runs: a server is reachable when something in the pod listens.
 */

function option(argv: readonly string[], names: string[], fallback?: string): string | undefined {
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		for (const name of names) {
			if (arg === name) return argv[i + 1];
			if (name.startsWith('--') && arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
			if (!name.startsWith('--') && arg.startsWith(name) && arg.length > name.length) return arg.slice(name.length);
		}
	}
	return fallback;
}

function local(host: string | undefined): boolean {
	return host === undefined || host === 'localhost' || host === '127.0.0.1' || host === '::1';
}

const mysqladmin: ExecHandler = ({argv, listening}) => {
	const host = option(argv, ['-h', '--host']);
	const port = Number(option(argv, ['-P', '--port'], '3306'));
	if (!local(host) || !listening(port)) {
		return {stderr: `mysqladmin: connect to server at '${host ?? 'localhost'}' failed\nerror: 'Can't connect to ${local(host) ? 'local MySQL server through socket \'/var/run/mysqld/mysqld.sock\' (2)' : `MySQL server on '${host}:${port}' (111)`}'\nCheck that mysqld is running and that the socket: '/var/run/mysqld/mysqld.sock' exists!\n`, exitCode: 1};
	}
	return argv.includes('ping') ? {stdout: 'mysqld is alive\n'} : {stdout: ''};
};

const mysql: ExecHandler = ({argv, listening}) => {
	const host = option(argv, ['-h', '--host']);
	const port = Number(option(argv, ['-P', '--port'], '3306'));
	if (!local(host) || !listening(port)) {
		return {stderr: `ERROR 2002 (HY000): Can't connect to ${local(host) ? "local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)" : `MySQL server on '${host}:${port}' (115)`}\n`, exitCode: 1};
	}
	const query = option(argv, ['-e', '--execute']);
	if (query && /^\s*select\s+1\s*;?\s*$/i.test(query)) return {stdout: '1\n1\n'};
	return {stdout: ''};
};

const pgIsReady: ExecHandler = ({argv, listening}) => {
	const host = option(argv, ['-h', '--host']);
	const port = Number(option(argv, ['-p', '--port'], '5432'));
	const where = local(host) ? `/var/run/postgresql:${port}` : `${host}:${port}`;
	return local(host) && listening(port) ? {stdout: `${where} - accepting connections\n`} : {stdout: `${where} - no response\n`, exitCode: 2};
};

const redisCli: ExecHandler = ({argv, listening}) => {
	const host = option(argv, ['-h']);
	const port = Number(option(argv, ['-p'], '6379'));
	const words = argv.slice(1).filter((arg, i, all) => !arg.startsWith('-') && !['-h', '-p', '-a'].includes(all[i - 1] ?? ''));
	if (!local(host) || !listening(port)) return {stdout: `Could not connect to Redis at ${host ?? '127.0.0.1'}:${port}: Connection refused\n`, exitCode: 1};
	if ((words[0] ?? '').toLowerCase() === 'ping') return {stdout: 'PONG\n'};
	return {stdout: words.length === 0 ? '' : `(error) ERR unknown command '${words[0]}'\n`};
};

function copy(context: ExecContext, move: boolean): ExecOutput {
	const program = move ? 'mv' : 'cp';
	const operands = context.argv.slice(1).filter(a => !a.startsWith('-'));
	if (operands.length < 2) return {stderr: `${program}: missing destination file operand after '${operands[0] ?? ''}'\n`, exitCode: 1};
	const target = normalizePath(operands[operands.length - 1]!, context.cwd);
	const toDir = context.fs.stat(target)?.type === 'dir';
	let stderr = '';
	for (const source of operands.slice(0, -1)) {
		const from = normalizePath(source, context.cwd);
		const content = context.fs.read(from);
		if (content === undefined) {
			stderr += `${program}: cannot stat '${source}': No such file or directory\n`;
			continue;
		}
		const to = toDir ? `${target}/${from.slice(from.lastIndexOf('/') + 1)}` : target;
		try {
			context.fs.write(to, content);
			context.trace('openat', `AT_FDCWD, "${to}", O_WRONLY|O_CREAT|O_TRUNC, 0644`, 4);
			if (move) context.fs.remove(from);
		} catch (error) {
			if (!(error instanceof FsError)) throw error;
			stderr += `${program}: cannot create regular file '${to}': ${error.reason}\n`;
		}
	}
	return {stderr, exitCode: stderr ? 1 : 0};
}

/** Registered with the builtins (see commands.ts). */
export const clientCommands: Readonly<Record<string, ExecHandler>> = {
	mysqladmin,
	mysql,
	pg_isready: pgIsReady,
	nslookup,
	'redis-cli': redisCli,
	cp: context => copy(context, false),
	mv: context => copy(context, true),
	// Streams between replicas carry no bytes here: the storage layer clones the data itself.
	ncat: () => ({stdout: ''}),
	xbstream: () => ({stdout: ''}),
	xtrabackup: ({argv}) => ({stderr: argv.includes('--prepare') ? 'xtrabackup: completed OK!\n' : 'xtrabackup: recognized server arguments\n'}),
};
