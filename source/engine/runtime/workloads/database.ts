import type {Controller, ControllerContext} from '../../controller.js';
import type {Container, Pod} from '../../api/types.js';
import type {StatefulSet} from '../../api/statefulset-objects.js';
import {FileTree, registerTreeCompanion, type FileSystem, type Mount} from '../filetree.js';
import {registerExecCommand, type ExecContext, type ExecOutput} from '../commands.js';
import {quoteBuffer} from '../syscalls.js';
import {keyOf, objectKey} from '../../store.js';
import {volumeData} from '../../storage/volume-data.js';

/**
 * Replicated databases, as the mock workloads model them (the Kubernetes
 * tutorial "Run a Replicated Stateful Application"): in a StatefulSet running
 * a mysql or postgres image, ordinal 0 is the primary and the only writer;
 * every other ordinal is a read-only replica. A replica that starts with an
 * empty volume first clones the previous ordinal's data (xtrabackup,
 * pg_basebackup), then follows the primary's change log with a lag drawn from
 * the seeded generator, on the virtual clock.
 *
 * Rows live with the data directory's filesystem tree, so they are as durable
 * as the volume: a PersistentVolume's tree outlives pods and nodes; a data
 * directory without a claim dies with its container.
 *
 * `kv set K V`, `kv get K` and `kv keys` (an exec command) read and write them.
 */

export type DatabaseEngine = 'mysql' | 'postgres';
export type ServerRole = 'primary' | 'replica';

/** One change in the primary's log (binlog event, WAL record). */
export type LogEntry = {position: number; key: string; value: string; at: number};

/** A database's state in its data directory. */
export type Database = {
	engine: DatabaseEngine;
	role: ServerRole;
	/** Where in its tree the data directory is (`` when the tree is the data directory). */
	dir: string;
	/** `cloning` while a replica copies its predecessor; `ready` after. */
	state: 'cloning' | 'ready';
	rows: Map<string, string>;
	/** Position of the last change applied here (GTID sequence / LSN). */
	position: number;
	/** Changes written here as primary, oldest first. */
	log: LogEntry[];
	clonedFrom?: string;
	/** The replicated set this database is the primary of: what `onCommit` wakes up. */
	replicates?: CommitHook;
	/** Called after each commit on a primary (replication wakes up): made from `replicates`. */
	onCommit?: () => void;
};

/**
 * A primary's commit hook as data: its StatefulSet's key, the set's first
 * ordinal, and which of the set's server tables it was made for (a table
 * dropped with the set's last server wakes nothing any more).
 */
export type CommitHook = {set: string; start: number; servers: number};

/** A database as saved: rows in their order, the log as `[position, key, value, at]`. */
export type SavedDatabase = {
	engine: DatabaseEngine;
	role: ServerRole;
	dir: string;
	state: Database['state'];
	rows: Array<[string, string]>;
	position: number;
	log: Array<[position: number, key: string, value: string, at: number]>;
	clonedFrom: string | null;
	replicates: [set: string, start: number, servers: number] | null;
};

/** What a tree holds of a database as saved: the database, or rows restored for one not started yet. */
export type SavedTreeDatabase = {database: SavedDatabase} | {rows: Array<[string, string]>};

/** The database of `tree` (or the rows waiting for one) as data; null when it has neither. */
export function saveTreeDatabase(tree: FileTree): SavedTreeDatabase | null {
	const database = databases.get(tree);
	if (database) {
		return {database: {
			engine: database.engine, role: database.role, dir: database.dir, state: database.state, rows: [...database.rows], position: database.position,
			log: database.log.map(e => [e.position, e.key, e.value, e.at]), clonedFrom: database.clonedFrom ?? null,
			replicates: database.replicates ? [database.replicates.set, database.replicates.start, database.replicates.servers] : null,
		}};
	}
	const rows = savedRows.get(tree);
	return rows ? {rows: [...rows]} : null;
}

// A database on a container's own files (no claim) is saved and loaded with the runtime that holds the tree; one on a volume, with its replication (below).
registerTreeCompanion('database', {
	save: tree => saveTreeDatabase(tree),
	load(tree, saved) {
		loadTreeDatabase(tree, saved as SavedTreeDatabase | null, () => () => {});
	},
});

/**
 * `tree` with the saved database (or waiting rows) and nothing else; the
 * database's commit hook is made by `hook` from its data. Returns the database.
 */
export function loadTreeDatabase(tree: FileTree, saved: SavedTreeDatabase | null, hook: (replicates: CommitHook) => () => void): Database | undefined {
	databases.delete(tree);
	savedRows.delete(tree);
	if (!saved) return undefined;
	if ('rows' in saved) {
		savedRows.set(tree, saved.rows);
		return undefined;
	}
	const s = saved.database;
	const database: Database = {
		engine: s.engine, role: s.role, dir: s.dir, state: s.state, rows: new Map(s.rows), position: s.position,
		log: s.log.map(([position, key, value, at]) => ({position, key, value, at})),
	};
	if (s.clonedFrom !== null) database.clonedFrom = s.clonedFrom;
	if (s.replicates) {
		const [set, start, servers] = s.replicates;
		database.replicates = {set, start, servers};
		database.onCommit = hook(database.replicates);
	}
	databases.set(tree, database);
	return database;
}

type EngineInfo = {
	dataDir: string;
	/** Files a fresh data directory holds (relative to it). */
	initialFiles: Record<string, string>;
	/** The log file each change is appended to. */
	logFile: string;
	/** The table file reads come from. */
	tableFile: string;
	readOnlyError: string;
	notRunningError: string;
	writeOk: string;
};

export const engines: Record<DatabaseEngine, EngineInfo> = {
	mysql: {
		dataDir: '/var/lib/mysql',
		initialFiles: {
			'auto.cnf': '[auto]\nserver-uuid=00000000-0000-0000-0000-000000000000\n',
			'ibdata1': '',
			'mysql.ibd': '',
			'binlog.index': './binlog.000001\n',
			'binlog.000001': '',
			'kubarium/kv.ibd': '',
		},
		logFile: 'binlog.000001',
		tableFile: 'kubarium/kv.ibd',
		readOnlyError: 'ERROR 1290 (HY000): The MySQL server is running with the --super-read-only option so it cannot execute this statement',
		notRunningError: "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)",
		writeOk: 'Query OK, 1 row affected (0.01 sec)',
	},
	postgres: {
		dataDir: '/var/lib/postgresql/data',
		initialFiles: {
			'PG_VERSION': '16\n',
			'postgresql.conf': "listen_addresses = '*'\nwal_level = replica\n",
			'pg_wal/000000010000000000000001': '',
			'base/16384/16385': '',
		},
		logFile: 'pg_wal/000000010000000000000001',
		tableFile: 'base/16384/16385',
		readOnlyError: 'ERROR:  cannot execute INSERT in a read-only transaction',
		notRunningError: 'psql: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: No such file or directory\n\tIs the server running locally and accepting connections on that socket?',
		writeOk: 'INSERT 0 1',
	},
};

/** The database engine an image runs, if any. */
export function engineOf(image: string | undefined): DatabaseEngine | undefined {
	if (!image) return undefined;
	const name = image.slice(image.lastIndexOf('/') + 1).split(/[:@]/)[0]!;
	if (name === 'mysql' || name === 'mariadb' || name === 'percona' || name === 'percona-server') return 'mysql';
	if (name === 'postgres' || name === 'postgresql' || name.startsWith('postgis')) return 'postgres';
	return undefined;
}

const databases = new WeakMap<FileTree, Database>();
/** Rows saved with a volume whose database has not started since it was restored: the database takes them when it starts. */
const savedRows = new WeakMap<FileTree, Array<[string, string]>>();

/** A restored volume's rows, for the database that starts on it next. */
export function restoreRows(tree: FileTree, rows: ReadonlyArray<[string, string]>): void {
	savedRows.set(tree, [...rows]);
}

/** The rows a volume holds: its database's, or those restored for a database not started yet. */
export function rowsOf(tree: FileTree): Array<[string, string]> | undefined {
	const database = databases.get(tree);
	if (database) return [...database.rows.entries()];
	const saved = savedRows.get(tree);
	return saved ? [...saved] : undefined;
}

/** The database kept in a data-directory tree, if one was initialised there. */
export function databaseOf(tree: FileSystem | undefined): Database | undefined {
	return tree instanceof FileTree ? databases.get(tree) : undefined;
}

/** `/var/lib/mysql` under a mount at `/var/lib` is `/mysql` in the mount's tree; `` when the mount is the data directory. */
export function dirInMount(mountPath: string, dataDir: string): string {
	const base = mountPath.replace(/\/+$/, '');
	return dataDir === base ? '' : dataDir.slice(base.length);
}

/** Start a database in `tree` (its data directory at `dir`): its files, no rows. */
export function initDatabase(tree: FileTree, engine: DatabaseEngine, role: ServerRole, state: Database['state'] = 'ready', dir = ''): Database {
	const existing = databases.get(tree);
	if (existing) return existing;
	const saved = savedRows.get(tree);
	savedRows.delete(tree);
	const database: Database = {engine, role, dir, state, rows: new Map(saved), position: saved?.length ?? 0, log: []};
	if (!tree.readOnly) {
		for (const [path, content] of Object.entries(engines[engine].initialFiles)) {
			const full = `${dir}/${path}`;
			const parent = full.slice(0, full.lastIndexOf('/')) || '/';
			tree.mkdir(parent, {parents: true});
			if (!tree.exists(full)) tree.write(full, content);
		}
	}
	databases.set(tree, database);
	return database;
}

/** Apply one logged change to a database and its files. */
export function applyChange(tree: FileTree, database: Database, entry: LogEntry): void {
	database.rows.set(entry.key, entry.value);
	database.position = entry.position;
	const info = engines[database.engine];
	if (!tree.readOnly) {
		tree.write(`${database.dir}/${info.logFile}`, `${entry.position}\tSET\t${JSON.stringify(entry.key)}\t${JSON.stringify(entry.value)}\n`, {append: true});
		tree.write(`${database.dir}/${info.tableFile}`, serializeRows(database.rows));
	}
}

function serializeRows(rows: Map<string, string>): string {
	let out = '';
	for (const [key, value] of rows) out += `${JSON.stringify(key)}\t${JSON.stringify(value)}\n`;
	return out;
}

/** Copy a database (a clone): rows, position, files. */
export function cloneDatabase(source: Database, sourceTree: FileTree, target: FileTree, sourceName: string, dir = ''): Database {
	const database = databases.get(target) ?? initDatabase(target, source.engine, 'replica', 'cloning', dir);
	database.rows = new Map(source.rows);
	database.position = source.position;
	database.clonedFrom = sourceName;
	database.state = 'ready';
	database.role = 'replica';
	const info = engines[source.engine];
	if (!target.readOnly) {
		target.write(`${database.dir}/${info.tableFile}`, sourceTree.read(`${source.dir}/${info.tableFile}`) ?? serializeRows(database.rows));
		if (source.engine === 'mysql') target.write(`${database.dir}/xtrabackup_binlog_info`, `binlog.000001\t${source.position}\n`);
		else target.write(`${database.dir}/backup_label`, `START WAL LOCATION: 0/${source.position.toString(16).toUpperCase()} (file 000000010000000000000001)\n`);
	}
	return database;
}

// ----- the kv command ---------------------------------------------------------------

/**
 * The data directory of a container: in the tree of the volume mounted at (or
 * above) it, or in the container's own root, which dies with the container.
 */
function dataDirTree(fs: FileSystem, engine: DatabaseEngine): {tree: FileTree | undefined; dir: string} {
	const dataDir = engines[engine].dataDir;
	const resolver = fs as FileSystem & {resolve?: (path: string) => {fs: FileSystem; inner: string; mount?: Mount}};
	const {fs: inner, mount} = typeof resolver.resolve === 'function' ? resolver.resolve(dataDir) : {fs, mount: undefined};
	if (!(inner instanceof FileTree)) return {tree: undefined, dir: dataDir};
	const dir = mount ? dirInMount(mount.path, dataDir) : dataDir;
	if (dir && !inner.readOnly) inner.mkdir(dir, {parents: true});
	return {tree: inner, dir};
}

function ordinalOf(pod: Pod): number | undefined {
	const index = pod.metadata.labels?.['apps.kubernetes.io/pod-index'];
	if (index !== undefined && /^\d+$/.test(index)) return Number(index);
	const match = /-(\d+)$/.exec(pod.metadata.name);
	return pod.metadata.ownerReferences?.some(ref => ref.kind === 'StatefulSet') && match ? Number(match[1]) : undefined;
}

const usage = 'usage: kv set KEY VALUE | kv get KEY | kv keys';

export function kvCommand(context: ExecContext): ExecOutput {
	const [, verb, ...args] = context.argv;
	const container: Container = context.container;
	const engine = engineOf(container.image);
	if (!engine) return {stderr: `kv: no database server in this container (image "${container.image}"); kv talks to mysql or postgres\n`, exitCode: 1};
	if (!['set', 'get', 'keys'].includes(verb ?? '') || (verb === 'set' && args.length !== 2) || (verb === 'get' && args.length !== 1) || (verb === 'keys' && args.length !== 0)) {
		return {stderr: `${usage}\n`, exitCode: 2};
	}
	const info = engines[engine];
	const {tree, dir} = dataDirTree(context.fs, engine);
	if (!tree) return {stderr: `${info.notRunningError}\n`, exitCode: 1};
	let database = databases.get(tree);
	if (!database) {
		const ordinal = ordinalOf(context.pod);
		database = initDatabase(tree, engine, ordinal === undefined || ordinal === 0 ? 'primary' : 'replica', 'ready', dir);
	}
	if (database.state !== 'ready') return {stderr: `${info.notRunningError}\n`, exitCode: 1};
	const dataDir = info.dataDir;
	const tableFile = `${dataDir}/${info.tableFile}`;
	const logFile = `${dataDir}/${info.logFile}`;
	if (verb === 'set') {
		const [key, value] = args as [string, string];
		if (database.role !== 'primary') {
			const statement = engine === 'mysql' ? `REPLACE INTO kv VALUES (${JSON.stringify(key)}, ${JSON.stringify(value)})` : `INSERT INTO kv VALUES ('${key}', '${value}')`;
			context.trace('read', `3, ${quoteBuffer(statement)}, 16384`, statement.length);
			return {stderr: `${info.readOnlyError}\n`, exitCode: 1};
		}
		const entry: LogEntry = {position: database.position + 1, key, value, at: context.now};
		const line = `${entry.position}\tSET\t${JSON.stringify(key)}\t${JSON.stringify(value)}\n`;
		const row = `${JSON.stringify(key)}\t${JSON.stringify(value)}\n`;
		context.trace('openat', `AT_FDCWD, "${logFile}", O_WRONLY|O_APPEND|O_CLOEXEC`, 23);
		context.trace('write', `23, ${quoteBuffer(line)}, ${line.length}`, line.length);
		context.trace('fsync', '23', 0);
		context.trace('close', '23', 0);
		context.trace('openat', `AT_FDCWD, "${tableFile}", O_RDWR|O_CLOEXEC`, 24);
		context.trace('pwrite64', `24, ${quoteBuffer(row)}, ${row.length}, 16384`, row.length);
		context.trace('fsync', '24', 0);
		context.trace('close', '24', 0);
		database.log.push(entry);
		applyChange(tree, database, entry);
		database.onCommit?.();
		return {stdout: `${info.writeOk}\n`};
	}
	context.trace('openat', `AT_FDCWD, "${tableFile}", O_RDONLY|O_CLOEXEC`, 24);
	const table = tree.read(`${database.dir}/${info.tableFile}`) ?? '';
	context.trace('read', `24, ${quoteBuffer(table)}, 16384`, Math.min(table.length, 16384));
	context.trace('close', '24', 0);
	if (verb === 'keys') {
		const keys = [...database.rows.keys()].sort();
		return {stdout: keys.map(k => `${k}\n`).join('')};
	}
	const value = database.rows.get(args[0]!);
	if (value === undefined) return {stderr: `kv: key ${JSON.stringify(args[0])} not found\n`, exitCode: 1};
	return {stdout: `${value}\n`};
}

registerExecCommand('kv', kvCommand, {replace: true});

// ----- replication -------------------------------------------------------------------

/** One server of a replicated StatefulSet, as the dashboard shows it. */
export type ReplicaStatus = {
	pod: string;
	ordinal: number;
	role: ServerRole;
	/** `primary`, `cloning`, `following`, `connecting` (source down), `stopped` (pod not running), `empty`. */
	state: 'primary' | 'cloning' | 'following' | 'connecting' | 'stopped' | 'empty';
	/** Position applied here. */
	position: number;
	/** Primary's position (what a replica is behind). */
	sourcePosition: number;
	/** Changes not yet applied. */
	behind: number;
	/** Seconds since the oldest change not yet applied was committed. */
	secondsBehind: number;
	clonedFrom?: string;
};

type Server = {
	podKey: string;
	podUid: string;
	ordinal: number;
	engine: DatabaseEngine;
	claimName?: string;
	/** The data directory inside the claim's volume. */
	dir: string;
	running: boolean;
	/** This replica's apply delay (seeded). */
	delayMs: number;
	cloning: boolean;
	/** "ready for connections" logged since the last start. */
	announced: boolean;
	/** Replication from the primary running since the last start. */
	following: boolean;
	lines: string[];
};

/** A replica's clone in progress: its server (StatefulSet key, ordinal, pod uid and key, engine), the claims copied into and from, and where. */
type CloneArg = {
	set: string;
	ordinal: number;
	pod: string;
	podKey: string;
	engine: DatabaseEngine;
	claim: string;
	dir: string;
	sourceClaim: string;
	sourceName: string;
};

export type ReplicationService = {
	/** Servers of a StatefulSet, by ordinal. */
	status(namespace: string, statefulSet: string): ReplicaStatus[];
	/** Server log lines of a pod (startup, clone, replication). */
	logOf(namespace: string, pod: string): string[];
};

const component = 'database-replication';

/**
 * Replication as saved: the databases on volumes (by volume name: its tree's
 * and its read-only view's), the servers of each set with its table's
 * number, and the servers' log lines by pod (a server's lines are its pod's).
 */
type SavedReplication = {
	databases: Array<[volume: string, tree: SavedTreeDatabase | null, readOnlyView: SavedTreeDatabase | null]>;
	sets: Array<[key: string, table: number, servers: Array<[
		ordinal: number, podKey: string, podUid: string, engine: DatabaseEngine, claimName: string | null, dir: string,
		running: boolean, delayMs: number, cloning: boolean, announced: boolean, following: boolean,
	]>]>;
	tablesMade: number;
	logs: Array<[podKey: string, lines: string[]]>;
};

/** The pod's data-directory claim: the PVC volume mounted at (or above) the engine's data directory. */
function dataClaimOf(pod: Pod, container: Container, engine: DatabaseEngine): {claim: string; dir: string} | undefined {
	const dataDir = engines[engine].dataDir;
	let best: {path: string; claim: string} | undefined;
	for (const mount of container.volumeMounts ?? []) {
		const volume = pod.spec?.volumes?.find(v => v.name === mount.name);
		const claim = volume?.persistentVolumeClaim?.claimName;
		if (!claim) continue;
		if (dataDir === mount.mountPath.replace(/\/+$/, '') || dataDir.startsWith(`${mount.mountPath.replace(/\/+$/, '')}/`)) {
			if (!best || mount.mountPath.length > best.path.length) best = {path: mount.mountPath, claim};
		}
	}
	return best && {claim: best.claim, dir: dirInMount(best.path, dataDir)};
}

/**
 * Watches StatefulSet pods running database images and plays the database
 * side: initialises the primary, clones a new replica from its predecessor,
 * ships the primary's changes to running replicas after each one's lag.
 */
export function createDatabaseReplication(context: ControllerContext): Controller {
	const {store, clock, random} = context;
	const data = volumeData(context);
	/** `ns/sts` → ordinal → server. */
	const sets = new Map<string, Map<number, Server>>();
	/** `ns/sts` → the number of its server table (one is made when the set's first server is seen, dropped with its last). */
	const tables = new Map<string, number>();
	let tablesMade = 0;
	const logs = new Map<string, string[]>();

	const queue = () => context.queue(component);

	/** A replica's time to look at the primary's log again: the StatefulSet's key. */
	const replicate = clock.kind<string>('database.replicate', key => queue()?.add(key));

	/**
	 * A replica's clone done. Identified by its StatefulSet, ordinal and pod,
	 * with the claims it copies from and into: the pod's server may have been
	 * replaced meanwhile, and the copy completes all the same.
	 */
	const cloned = clock.kind<CloneArg>('database.cloned', arg => {
		const namespace = arg.set.slice(0, arg.set.indexOf('/'));
		const current = sets.get(arg.set)?.get(arg.ordinal);
		const server = current?.podUid === arg.pod ? current : undefined;
		if (server) server.cloning = false;
		const tree = data.forClaim(namespace, arg.claim)?.tree;
		const sourceTree = data.forClaim(namespace, arg.sourceClaim)?.tree;
		const sourceDb = databaseOf(sourceTree);
		if (tree && sourceTree && sourceDb) {
			const db = cloneDatabase(sourceDb, sourceTree, tree, arg.sourceName, arg.dir);
			log(server ?? {podKey: arg.podKey, podUid: arg.pod, lines: logs.get(arg.podKey)!}, arg.engine === 'mysql'
				? `xtrabackup: completed OK! cloned ${db.rows.size} rows at binlog position ${db.position}`
				: `pg_basebackup: base backup completed, ${db.rows.size} rows at LSN 0/${db.position.toString(16).toUpperCase()}`);
		}
		queue()?.add(arg.set);
	});

	function log(server: Pick<Server, 'podKey' | 'podUid' | 'lines'>, line: string): void {
		const text = `${new Date(clock.now()).toISOString()} ${line}`;
		server.lines.push(text);
		if (server.lines.length > 200) server.lines.shift();
		writeToContainer(server, text);
	}

	/** The server writes its log to stderr, so `kubectl logs` shows it with the container's own output. */
	function writeToContainer(server: Pick<Server, 'podKey' | 'podUid'>, text: string): void {
		const slash = server.podKey.indexOf('/');
		const pod = store.get('Pod', server.podKey.slice(0, slash), server.podKey.slice(slash + 1)) as Pod | undefined;
		if (!pod || pod.metadata.uid !== server.podUid || !pod.spec?.nodeName) return;
		const container = dbContainer(pod);
		const id = pod.status?.containerStatuses?.find(c => c.name === container?.name)?.containerID?.replace(/^containerd:\/\//, '');
		if (!id) return;
		context.services.kubelet?.runtimeFor(pod.spec.nodeName)?.writeLog(id, 'stderr', `${text}\n`);
	}

	function treeOf(namespace: string, server: Server): FileTree | undefined {
		return server.claimName ? data.forClaim(namespace, server.claimName)?.tree : undefined;
	}

	function statefulSetOf(pod: Pod): string | undefined {
		const ref = pod.metadata.ownerReferences?.find(r => r.controller && r.kind === 'StatefulSet');
		return ref ? objectKey(pod.metadata.namespace, ref.name) : undefined;
	}

	function dbContainer(pod: Pod): Container | undefined {
		return pod.spec?.containers.find(c => engineOf(c.image));
	}

	function isRunning(pod: Pod, container: Container): boolean {
		if (pod.metadata.deletionTimestamp) return false;
		// A machine that went down stops its servers at once, before the API notices.
		const kubelet = context.services.kubelet;
		if (pod.spec?.nodeName && kubelet?.isHalted(pod.spec.nodeName)) return false;
		return Boolean(pod.status?.containerStatuses?.find(s => s.name === container.name)?.state.running);
	}

	function sync(key: string): void {
		const slash = key.indexOf('/');
		const namespace = key.slice(0, slash);
		const name = key.slice(slash + 1);
		const set = store.get('StatefulSet', namespace, name) as StatefulSet | undefined;
		const start = set?.spec?.ordinals?.start ?? 0;
		let servers = sets.get(key);
		if (!servers) {
			sets.set(key, (servers = new Map()));
			tables.set(key, ++tablesMade);
		}
		const seen = new Set<number>();
		const candidates = (set ? store.dependentsOf(set.metadata.uid, 'Pod') : store.list('Pod', namespace)) as Pod[];
		for (const pod of candidates) {
			if (statefulSetOf(pod) !== key) continue;
			const container = dbContainer(pod);
			const ordinal = ordinalOf(pod);
			if (!container || ordinal === undefined) continue;
			seen.add(ordinal);
			const engine = engineOf(container.image)!;
			let server = servers.get(ordinal);
			const podKey = keyOf(pod);
			if (!server || server.podUid !== pod.metadata.uid) {
				const dataClaim = dataClaimOf(pod, container, engine);
				const lines = logs.get(podKey) ?? [];
				logs.set(podKey, lines);
				server = {
					podKey, podUid: pod.metadata.uid, ordinal, engine, running: false, cloning: false, announced: false, following: false, lines,
					claimName: dataClaim?.claim,
					dir: dataClaim?.dir ?? '',
					delayMs: server?.delayMs ?? random.int(300, 1500),
				};
				servers.set(ordinal, server);
			}
			const running = isRunning(pod, container);
			if (running && !server.running) {
				server.running = true;
			} else if (!running && server.running) {
				server.running = false;
				if (server.announced) log(server, engine === 'mysql' ? '[System] [MY-010910] [Server] /usr/sbin/mysqld: Shutdown complete' : 'LOG:  database system is shut down');
				server.announced = false;
				server.following = false;
			}
		}
		for (const ordinal of [...servers.keys()]) if (!seen.has(ordinal)) servers.delete(ordinal);
		if (servers.size === 0) {
			sets.delete(key);
			tables.delete(key);
			return;
		}
		const primary = servers.get(start);
		const primaryTree = primary ? treeOf(namespace, primary) : undefined;
		let primaryDb = primaryTree ? databaseOf(primaryTree) : undefined;
		if (primary?.running && primaryTree && !primaryDb) primaryDb = initDatabase(primaryTree, primary.engine, 'primary', 'ready', primary.dir);
		if (primary?.running && primaryDb) announce(primary);
		if (primaryDb) {
			primaryDb.role = 'primary';
			primaryDb.replicates = {set: key, start, servers: tables.get(key)!};
			primaryDb.onCommit = commitHook(primaryDb.replicates);
		}
		for (const server of [...servers.values()].sort((a, b) => a.ordinal - b.ordinal)) {
			if (server.ordinal === start || !server.running) continue;
			const tree = treeOf(namespace, server);
			if (!tree) continue;
			let db = databaseOf(tree);
			if (!db || db.state === 'cloning') {
				startClone(key, namespace, servers, server, tree);
				continue;
			}
			db.role = 'replica';
			announce(server);
			if (!primary?.running || !primaryDb) continue;
			if (!server.following) {
				server.following = true;
				const source = `${primary.podKey.slice(primary.podKey.indexOf('/') + 1)}.${namespaceService(namespace, key)}`;
				log(server, server.engine === 'mysql'
					? `[System] [MY-010562] [Repl] Replica I/O thread for channel '': connected to source 'root@${source}:3306',replication started in log 'binlog.000001' at position ${db.position}`
					: `LOG:  started streaming WAL from primary at 0/${db.position.toString(16).toUpperCase()} on timeline 1`);
			}
			catchUp(key, tree, db, primaryDb, server);
		}
	}

	/** After a commit on a primary: each running replica of its set looks at the log again after its lag. */
	function commitHook({set, start, servers: table}: CommitHook): () => void {
		return () => {
			// A table dropped (its set lost every server) had none left to wake.
			if (tables.get(set) !== table) return;
			for (const server of sets.get(set)!.values()) {
				if (server.ordinal !== start && server.running) clock.after(server.delayMs, replicate, set);
			}
		};
	}

	function announce(server: Server): void {
		if (server.announced) return;
		server.announced = true;
		log(server, server.engine === 'mysql' ? '[System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. port: 3306' : 'LOG:  database system is ready to accept connections');
	}

	function startClone(key: string, namespace: string, servers: Map<number, Server>, server: Server, tree: FileTree): void {
		if (server.cloning) return;
		const source = servers.get(server.ordinal - 1);
		const sourceTree = source ? treeOf(namespace, source) : undefined;
		const sourceDb = sourceTree ? databaseOf(sourceTree) : undefined;
		const sourceName = source ? source.podKey.slice(source.podKey.indexOf('/') + 1) : `ordinal ${server.ordinal - 1}`;
		if (!source?.running || !sourceTree || !sourceDb || sourceDb.state !== 'ready') {
			log(server, `clone: waiting for ${sourceName} to serve a backup`);
			queue()?.addAfter(key, 2000);
			return;
		}
		server.cloning = true;
		initDatabase(tree, server.engine, 'replica', 'cloning', server.dir);
		log(server, server.engine === 'mysql'
			? `xtrabackup: cloning from ${sourceName}.${namespaceService(namespace, key)}:3307`
			: `pg_basebackup: initiating base backup from ${sourceName}, waiting for checkpoint to complete`);
		const duration = random.jitter(800 + sourceDb.rows.size * 2, 0.3);
		clock.after(duration, cloned, {
			set: key, ordinal: server.ordinal, pod: server.podUid, podKey: server.podKey, engine: server.engine,
			claim: server.claimName!, dir: server.dir, sourceClaim: source.claimName!, sourceName,
		});
	}

	function namespaceService(namespace: string, key: string): string {
		const set = store.get('StatefulSet', namespace, key.slice(key.indexOf('/') + 1)) as StatefulSet | undefined;
		return set?.spec?.serviceName ?? key.slice(key.indexOf('/') + 1);
	}

	/** Apply every primary change older than this replica's delay; come back for the rest. */
	function catchUp(key: string, tree: FileTree, db: Database, primaryDb: Database, server: Server): void {
		if (db.position >= primaryDb.position) return;
		const now = clock.now();
		let next: LogEntry | undefined;
		for (const entry of primaryDb.log) {
			if (entry.position <= db.position) continue;
			if (entry.at + server.delayMs > now) {
				next = entry;
				break;
			}
			applyChange(tree, db, entry);
		}
		if (next) clock.after(next.at + server.delayMs - now, replicate, key);
		else if (db.position < primaryDb.position) queue()?.addAfter(key, server.delayMs);
	}

	const service: ReplicationService = {
		status(namespace, statefulSet) {
			const key = objectKey(namespace, statefulSet);
			const servers = sets.get(key);
			if (!servers) return [];
			const set = store.get('StatefulSet', namespace, statefulSet) as StatefulSet | undefined;
			const start = set?.spec?.ordinals?.start ?? 0;
			const primary = servers.get(start);
			const primaryDb = primary ? databaseOf(treeOf(namespace, primary)) : undefined;
			const out: ReplicaStatus[] = [];
			for (const server of [...servers.values()].sort((a, b) => a.ordinal - b.ordinal)) {
				const db = databaseOf(treeOf(namespace, server));
				const position = db?.position ?? 0;
				const sourcePosition = primaryDb?.position ?? 0;
				const isPrimary = server.ordinal === start;
				const oldest = primaryDb?.log.find(e => e.position > position);
				let state: ReplicaStatus['state'];
				if (!server.running) state = 'stopped';
				else if (isPrimary) state = db ? 'primary' : 'empty';
				else if (server.cloning || db?.state === 'cloning') state = 'cloning';
				else if (!db) state = 'empty';
				else state = primary?.running ? 'following' : 'connecting';
				out.push({
					pod: server.podKey.slice(server.podKey.indexOf('/') + 1),
					ordinal: server.ordinal,
					role: isPrimary ? 'primary' : 'replica',
					state,
					position,
					sourcePosition: isPrimary ? position : sourcePosition,
					behind: isPrimary ? 0 : Math.max(0, sourcePosition - position),
					secondsBehind: isPrimary || !oldest ? 0 : Math.max(0, Math.round((clock.now() - oldest.at) / 1000)),
					...(db?.clonedFrom ? {clonedFrom: db.clonedFrom} : {}),
				});
			}
			return out;
		},
		logOf(namespace, pod) {
			return [...(logs.get(objectKey(namespace, pod)) ?? [])];
		},
	};
	context.services.replication = service;

	context.state.register<SavedReplication>(component, {
		save: () => ({
			databases: data.names().flatMap(name => {
				const {tree, readOnlyView} = data.peek(name)!;
				const own = saveTreeDatabase(tree);
				const view = readOnlyView ? saveTreeDatabase(readOnlyView) : null;
				return own || view ? [[name, own, view] as SavedReplication['databases'][number]] : [];
			}),
			sets: [...sets].map(([key, servers]) => [key, tables.get(key)!, [...servers.values()].map(s => [
				s.ordinal, s.podKey, s.podUid, s.engine, s.claimName ?? null, s.dir, s.running, s.delayMs, s.cloning, s.announced, s.following,
			])]),
			tablesMade,
			logs: [...logs].map(([podKey, lines]) => [podKey, [...lines]]),
		}),
		// After the volumes: each volume's databases go with its tree.
		load(saved) {
			for (const name of data.names()) {
				const {tree, readOnlyView} = data.peek(name)!;
				loadTreeDatabase(tree, null, commitHook);
				if (readOnlyView) loadTreeDatabase(readOnlyView, null, commitHook);
			}
			for (const [name, own, view] of saved.databases) {
				const contents = data.peek(name);
				if (!contents) throw new Error(`load: the databases of volume ${name} have no volume`);
				loadTreeDatabase(contents.tree, own, commitHook);
				if (view) loadTreeDatabase(contents.readOnlyView!, view, commitHook);
			}
			sets.clear();
			tables.clear();
			logs.clear();
			for (const [podKey, lines] of saved.logs) logs.set(podKey, [...lines]);
			for (const [key, table, servers] of saved.sets) {
				tables.set(key, table);
				sets.set(key, new Map(servers.map(([ordinal, podKey, podUid, engine, claimName, dir, running, delayMs, cloning, announced, following]) => {
					const server: Server = {podKey, podUid, ordinal, engine, dir, running, delayMs, cloning, announced, following, lines: logs.get(podKey)!};
					if (claimName !== null) server.claimName = claimName;
					return [ordinal, server];
				})));
			}
			tablesMade = saved.tablesMade;
		},
	});

	return {
		name: component,
		watches: {
			Pod: ({object}) => {
				const pod = object as Pod;
				// The owner first: a look at the owner references is cheaper than parsing every image name.
				const set = statefulSetOf(pod);
				return set && dbContainer(pod) ? set : undefined;
			},
			StatefulSet: ({object}) => keyOf(object),
			Node: () => [...sets.keys()],
		},
		sync,
	};
}
