/**
 * The simulated image registry: which images and tags exist, how big they
 * are, and what their main process does. Data first (KWOK-style): add an
 * image by adding a row; its behaviour is a row of `behaviours`.
 */

import {editDistance, ruleTag, type TagRules} from './tag-rules.js';

const Mi = 2 ** 20;

/** What the main process of an image does when it runs its default command. */
export type Behaviour =
	| {
		kind: 'server';
		/** Ports the process listens on (TCP). */
		ports: number[];
		/** From start until the ports accept connections. */
		readyAfterMs: number;
		/** Log lines written at start; `at` is ms after start. Placeholders: see `renderLine`. */
		startup: Array<{at: number; line: string; stream?: 'stdout' | 'stderr'}>;
		/** The image's STOPSIGNAL. */
		stopSignal: 'SIGTERM' | 'SIGQUIT' | 'SIGINT';
		/** What the stop signal does; absent: the process ignores it (PID 1 without a handler). */
		shutdown?: {afterMs: number; exitCode: number; lines: string[]};
		/** How it answers HTTP (see `serverResponse` in http-server.ts). */
		http?: 'static' | 'echo' | 'hello-app' | 'ok' | 'liveness' | 'netexec' | 'hostname' | 'whoami';
		/** Access-log format of each request. */
		accessLog?: 'nginx' | 'httpd';
		/** Directory `static` serves from. */
		docroot?: string;
		/** Refuses to start unless one of these variables is set. */
		requires?: {anyEnv: string[]; lines: string[]; exitCode: number};
		/** Reads a configuration file at start and stops (exit 1) when it cannot: CoreDNS's Corefile (corefile.ts). */
		config?: 'corefile';
	}
	/** Runs for a while and exits (hello-world, unknown scripts). */
	| {kind: 'run'; durationMs: [number, number]; exitCode: number; lines: string[]}
	/** The sandbox's pause process: sleeps until killed. */
	| {kind: 'pause'};

export type ImageSpec = {
	/** Fully qualified repository, e.g. `docker.io/library/nginx`. */
	repository: string;
	/** Tag → compressed size in bytes and the application version it carries. */
	tags: Record<string, {size: number; version?: string}>;
	/** ENTRYPOINT and CMD. */
	entrypoint?: string[];
	cmd?: string[];
	/** Programs that start the image's own behaviour (besides the entrypoint). */
	serves?: string[];
	/** Interpreters for scripts the simulation does not follow (they run a while and exit 0). */
	interpreters?: string[];
	behaviour: Behaviour;
	/** Has /bin/sh and coreutils. */
	shell: boolean;
	/** `ID` in /etc/os-release. */
	os: 'debian' | 'alpine' | 'busybox' | 'ubuntu' | 'scratch' | 'distroless';
	/** Resident memory and idle CPU of the main process. */
	memoryBytes: number;
	cpuMilli: number;
	/** CPU one request per second costs, in milli-cores (0.4 when unset: a static answer). */
	cpuMilliPerRequest?: number;
	env?: Record<string, string>;
	workingDir?: string;
	/** Extra files in the image (the OS files come from `os`). */
	files?: Record<string, string>;
	/** Tags beyond `tags`, by rule (every release up to the newest, variants, named tags); see tag-rules.ts. */
	releases?: TagRules;
	/** Not an image the simulator knows: a generic container (see `genericImage`). */
	generic?: boolean;
	/**
	 * When the image was built, by the application version its tag carries
	 * or a release line of it (`1.27.3`, else `1.27`, else `1`; ISO 8601,
	 * UTC): its files' modification time. Plausible build dates (a release's
	 * last rebuild before the next one), not registry records; a version
	 * without one gets `imageCreated`'s fixed fallback.
	 */
	created?: Record<string, string>;
};

const nginxIndex = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

const nginxConf = `server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
`;

const nginxBehaviour: Behaviour = {
	kind: 'server',
	ports: [80],
	readyAfterMs: 40,
	startup: [
		{at: 0, line: '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration'},
		{at: 1, line: '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/'},
		{at: 2, line: '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh'},
		{at: 5, line: '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf'},
		{at: 8, line: '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf'},
		{at: 9, line: '/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh'},
		{at: 10, line: '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh'},
		{at: 12, line: '/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh'},
		{at: 14, line: '/docker-entrypoint.sh: Configuration complete; ready for start up'},
		{at: 30, line: '{ts:nginx} [notice] 1#1: using the "epoll" event method', stream: 'stderr'},
		{at: 30, line: '{ts:nginx} [notice] 1#1: nginx/{version}', stream: 'stderr'},
		{at: 30, line: '{ts:nginx} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14)', stream: 'stderr'},
		{at: 30, line: '{ts:nginx} [notice] 1#1: OS: Linux 6.8.0-kubarium', stream: 'stderr'},
		{at: 30, line: '{ts:nginx} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576', stream: 'stderr'},
		{at: 31, line: '{ts:nginx} [notice] 1#1: start worker processes', stream: 'stderr'},
		{at: 31, line: '{ts:nginx} [notice] 1#1: start worker process 29', stream: 'stderr'},
	],
	stopSignal: 'SIGQUIT',
	shutdown: {afterMs: 120, exitCode: 0, lines: [
		'{ts:nginx} [notice] 1#1: signal 3 (SIGQUIT) received, shutting down',
		'{ts:nginx} [notice] 29#29: gracefully shutting down',
		'{ts:nginx} [notice] 29#29: exiting',
		'{ts:nginx} [notice] 29#29: exit',
		'{ts:nginx} [notice] 1#1: signal 17 (SIGCHLD) received from 29',
		'{ts:nginx} [notice] 1#1: worker process 29 exited with code 0',
		'{ts:nginx} [notice] 1#1: exit',
	]},
	http: 'static',
	accessLog: 'nginx',
	docroot: '/usr/share/nginx/html',
};

/** Old nginx images (before 1.19) had no entrypoint scripts and log nothing at start. */
const oldNginxBehaviour: Behaviour = {...nginxBehaviour, startup: []};

const httpdBehaviour: Behaviour = {
	kind: 'server',
	ports: [80],
	readyAfterMs: 60,
	startup: [
		{at: 40, line: 'AH00558: httpd: Could not reliably determine the server\'s fully qualified domain name, using {podIP}. Set the \'ServerName\' directive globally to suppress this message', stream: 'stderr'},
		{at: 41, line: 'AH00558: httpd: Could not reliably determine the server\'s fully qualified domain name, using {podIP}. Set the \'ServerName\' directive globally to suppress this message', stream: 'stderr'},
		{at: 50, line: '[{ts:httpd}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/{version} (Unix) configured -- resuming normal operations', stream: 'stderr'},
		{at: 50, line: '[{ts:httpd}] [core:notice] [pid 1:tid 1] AH00094: Command line: \'httpd -D FOREGROUND\'', stream: 'stderr'},
	],
	stopSignal: 'SIGTERM',
	shutdown: {afterMs: 300, exitCode: 0, lines: ['[{ts:httpd}] [mpm_event:notice] [pid 1:tid 1] AH00491: caught SIGTERM, shutting down']},
	http: 'static',
	accessLog: 'httpd',
	docroot: '/usr/local/apache2/htdocs',
};

const redisBehaviour: Behaviour = {
	kind: 'server',
	ports: [6379],
	readyAfterMs: 10,
	startup: [
		{at: 0, line: '1:C {ts:redis} # WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail under low memory condition. To fix this issue add \'vm.overcommit_memory = 1\' to /etc/sysctl.conf and then reboot or run the command \'sysctl vm.overcommit_memory=1\' for this to take effect.'},
		{at: 0, line: '1:C {ts:redis} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo'},
		{at: 0, line: '1:C {ts:redis} * Redis version={version}, bits=64, commit=00000000, modified=0, pid=1, just started'},
		{at: 0, line: '1:C {ts:redis} # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf'},
		{at: 1, line: '1:M {ts:redis} * monotonic clock: POSIX clock_gettime'},
		{at: 2, line: '1:M {ts:redis} * Running mode=standalone, port=6379.'},
		{at: 3, line: '1:M {ts:redis} * Server initialized'},
		{at: 4, line: '1:M {ts:redis} * Ready to accept connections tcp'},
	],
	stopSignal: 'SIGTERM',
	shutdown: {afterMs: 200, exitCode: 0, lines: [
		'1:signal-handler ({unix}) Received SIGTERM scheduling shutdown...',
		'1:M {ts:redis} * User requested shutdown...',
		'1:M {ts:redis} * Saving the final RDB snapshot before exiting.',
		'1:M {ts:redis} * DB saved on disk',
		'1:M {ts:redis} # Redis is now ready to exit, bye bye...',
	]},
};

const postgresBehaviour: Behaviour = {
	kind: 'server',
	ports: [5432],
	readyAfterMs: 2500,
	startup: [
		{at: 0, line: 'The files belonging to this database system will be owned by user "postgres".'},
		{at: 0, line: 'This user must also own the server process.'},
		{at: 1, line: ''},
		{at: 1, line: 'The database cluster will be initialized with locale "en_US.utf8".'},
		{at: 2, line: 'The default database encoding has accordingly been set to "UTF8".'},
		{at: 3, line: 'fixing permissions on existing directory /var/lib/postgresql/data ... ok'},
		{at: 300, line: 'creating subdirectories ... ok'},
		{at: 900, line: 'Success. You can now start the database server using:'},
		{at: 2000, line: 'PostgreSQL init process complete; ready for start up.'},
		{at: 2400, line: '{ts:pg} UTC [1] LOG:  starting PostgreSQL {version} (Debian {version}-1.pgdg120+2) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit', stream: 'stderr'},
		{at: 2400, line: '{ts:pg} UTC [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432', stream: 'stderr'},
		{at: 2400, line: '{ts:pg} UTC [1] LOG:  listening on IPv6 address "::", port 5432', stream: 'stderr'},
		{at: 2401, line: '{ts:pg} UTC [1] LOG:  listening on Unix socket "/var/run/postgresql/.s.PGSQL.5432"', stream: 'stderr'},
		{at: 2450, line: '{ts:pg} UTC [1] LOG:  database system is ready to accept connections', stream: 'stderr'},
	],
	stopSignal: 'SIGINT',
	shutdown: {afterMs: 600, exitCode: 0, lines: [
		'{ts:pg} UTC [1] LOG:  received fast shutdown request',
		'{ts:pg} UTC [1] LOG:  aborting any active transactions',
		'{ts:pg} UTC [1] LOG:  background worker "logical replication launcher" (PID 68) exited with exit code 1',
		'{ts:pg} UTC [63] LOG:  shutting down',
		'{ts:pg} UTC [1] LOG:  database system is shut down',
	]},
	requires: {anyEnv: ['POSTGRES_PASSWORD', 'POSTGRES_HOST_AUTH_METHOD'], exitCode: 1, lines: [
		'Error: Database is uninitialized and superuser password is not specified.',
		'       You must specify POSTGRES_PASSWORD to a non-empty value for the',
		'       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".',
		'',
		'       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all',
		'       connections without a password. This is *not* recommended.',
	]},
};

const mysqlBehaviour: Behaviour = {
	kind: 'server',
	ports: [3306],
	readyAfterMs: 9000,
	startup: [
		{at: 0, line: '{ts:mysqlEntry} [Note] [Entrypoint]: Entrypoint script for MySQL Server {version}-1.el8 started.'},
		{at: 200, line: '{ts:mysqlEntry} [Note] [Entrypoint]: Switching to dedicated user \'mysql\''},
		{at: 400, line: '{ts:mysqlEntry} [Note] [Entrypoint]: Entrypoint script for MySQL Server {version}-1.el8 started.'},
		{at: 600, line: '{ts:mysqlEntry} [Note] [Entrypoint]: Initializing database files'},
		{at: 5000, line: '{ts:mysqlEntry} [Note] [Entrypoint]: Database files initialized'},
		{at: 8000, line: '{ts:mysqlEntry} [Note] [Entrypoint]: MySQL init process done. Ready for start up.'},
		{at: 8900, line: '{ts:iso6} 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld {version}) starting as process 1'},
		{at: 9000, line: '{ts:iso6} 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: \'{version}\'  socket: \'/var/run/mysqld/mysqld.sock\'  port: 3306  MySQL Community Server - GPL.'},
	],
	stopSignal: 'SIGTERM',
	shutdown: {afterMs: 1800, exitCode: 0, lines: [
		'{ts:iso6} 0 [System] [MY-013172] [Server] Received SHUTDOWN from user <via user signal>. Shutting down mysqld (Version: {version}).',
		'{ts:iso6} 0 [System] [MY-010910] [Server] /usr/sbin/mysqld: Shutdown complete (mysqld {version})  MySQL Community Server - GPL.',
	]},
	requires: {anyEnv: ['MYSQL_ROOT_PASSWORD', 'MYSQL_ALLOW_EMPTY_PASSWORD', 'MYSQL_RANDOM_ROOT_PASSWORD'], exitCode: 1, lines: [
		'{ts:mysqlEntry} [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified',
		'    You need to specify one of the following as an environment variable:',
		'    - MYSQL_ROOT_PASSWORD',
		'    - MYSQL_ALLOW_EMPTY_PASSWORD',
		'    - MYSQL_RANDOM_ROOT_PASSWORD',
	]},
};

/** A plain HTTP server: listens, logs nothing, exits on TERM. */
function httpServer(port: number, http: NonNullable<Extract<Behaviour, {kind: 'server'}>['http']>, startup: string[] = [], shutdownMs = 50): Behaviour {
	return {kind: 'server', ports: [port], readyAfterMs: 20, startup: startup.map((line, at) => ({at, line})), stopSignal: 'SIGTERM', shutdown: {afterMs: shutdownMs, exitCode: 0, lines: []}, http, accessLog: 'nginx'};
}

/** Shell images: the main process is whatever the pod's command says. */
const shellBehaviour: Behaviour = {kind: 'run', durationMs: [0, 0], exitCode: 0, lines: []};

function tags(list: Array<[string, number, string?]>): ImageSpec['tags'] {
	return Object.fromEntries(list.map(([tag, size, version]) => [tag, {size, version: version ?? tag}]));
}

/** The guestbook's PHP frontend (Apache): its page and the script that talks to Redis. */
const guestbookFrontend: Omit<ImageSpec, 'repository'> = {
	tags: tags([['v5', 110_000_000, '5']]), cmd: ['apache2-foreground'], serves: ['apache2-foreground'], behaviour: {...httpdBehaviour, docroot: '/var/www/html'}, shell: true, os: 'debian', memoryBytes: 12 * Mi, cpuMilli: 1,
	workingDir: '/var/www/html',
	files: {'/var/www/html/index.html': '<html ng-app="redis">\n  <head>\n    <title>Guestbook</title>\n  </head>\n  <body>\n    <h2>Guestbook</h2>\n  </body>\n</html>\n', '/var/www/html/guestbook.php': '<?php\n// Reads and writes the guestbook in Redis (redis-leader, redis-follower).\n'},
};

export const imageCatalog: ImageSpec[] = [
	{repository: 'docker.io/library/nginx', tags: {...tags([['1.14.2', 44_712_010], ['1.16.1', 51_030_575], ['1.19', 53_598_224, '1.19.10'], ['1.21', 56_726_140, '1.21.6'], ['1.23', 57_002_000, '1.23.4'], ['1.25', 70_544_520, '1.25.5'], ['1.25.3', 70_480_000], ['1.27', 72_099_410, '1.27.3'], ['alpine', 20_508_311, '1.27.3'], ['latest', 72_956_214, '1.27.3'], ['stable', 70_544_520, '1.26.2'], ['mainline', 72_956_214, '1.27.3']])},
		entrypoint: ['/docker-entrypoint.sh'], cmd: ['nginx', '-g', 'daemon off;'], serves: ['nginx', 'docker-entrypoint.sh'], behaviour: nginxBehaviour, shell: true, os: 'debian',
		memoryBytes: 7 * Mi, cpuMilli: 1, env: {NGINX_VERSION: '{version}', NJS_VERSION: '0.8.4', PKG_RELEASE: '1~bookworm'},
		created: {
			'1.25.3': '2024-02-13T17:06:09Z', '1.26.2': '2025-01-21T22:41:57Z', '1.27.3': '2025-01-21T22:41:57Z',
			'1.9': '2016-04-26T19:48:12Z', '1.10': '2017-01-31T20:55:01Z', '1.11': '2017-04-05T01:03:40Z', '1.12': '2018-04-10T18:42:15Z', '1.13': '2018-04-10T18:39:22Z',
			'1.14': '2019-03-26T23:14:51Z', '1.15': '2019-04-16T20:37:48Z', '1.16': '2020-04-23T12:58:36Z', '1.17': '2020-04-14T17:34:04Z', '1.18': '2021-05-25T12:06:20Z',
			'1.19': '2021-05-12T09:21:49Z', '1.20': '2022-05-24T07:28:39Z', '1.21': '2022-05-28T05:42:17Z', '1.22': '2023-05-23T04:49:21Z', '1.23': '2023-04-12T01:51:43Z',
			'1.24': '2024-04-23T17:16:33Z', '1.25': '2024-05-29T21:08:03Z', '1.26': '2025-02-05T21:27:16Z', '1.27': '2025-04-16T20:07:59Z', '1.28': '2025-10-08T21:47:32Z',
			'1.29': '2025-10-08T21:51:05Z',
		},
		files: {'/usr/share/nginx/html/index.html': nginxIndex, '/usr/share/nginx/html/50x.html': '<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n</head>\n<body>\n<h1>An error occurred.</h1>\n</body>\n</html>\n', '/etc/nginx/conf.d/default.conf': nginxConf, '/etc/nginx/nginx.conf': 'user  nginx;\nworker_processes  auto;\n\nerror_log  /var/log/nginx/error.log notice;\npid        /var/run/nginx.pid;\n\nevents {\n    worker_connections  1024;\n}\n\nhttp {\n    include       /etc/nginx/mime.types;\n    access_log  /var/log/nginx/access.log  main;\n    sendfile        on;\n    keepalive_timeout  65;\n    include /etc/nginx/conf.d/*.conf;\n}\n'}},
	{repository: 'registry.k8s.io/nginx-slim', tags: tags([['0.8', 21_260_000, '1.11.1'], ['0.21', 40_540_000, '1.21.6'], ['0.24', 41_000_000, '1.23.2'], ['0.27', 41_500_000, '1.25.3']]),
		cmd: ['nginx', '-g', 'daemon off;'], serves: ['nginx'], behaviour: oldNginxBehaviour, shell: true, os: 'debian', memoryBytes: 5 * Mi, cpuMilli: 1,
		created: {'1.11.1': '2016-06-14T20:03:11Z', '1.21.6': '2022-03-09T18:22:40Z', '1.23.2': '2022-11-02T15:47:05Z', '1.25.3': '2023-12-05T10:19:32Z'},
		files: {'/usr/share/nginx/html/index.html': nginxIndex}},
	{repository: 'docker.io/library/httpd', tags: tags([['2.4', 58_200_000, '2.4.62'], ['2.4.62', 58_200_000], ['alpine', 22_400_000, '2.4.62'], ['latest', 58_200_000, '2.4.62']]),
		cmd: ['httpd-foreground'], serves: ['httpd-foreground', 'httpd'], behaviour: httpdBehaviour, shell: true, os: 'debian', memoryBytes: 11 * Mi, cpuMilli: 1,
		env: {HTTPD_VERSION: '{version}', HTTPD_PREFIX: '/usr/local/apache2'}, workingDir: '/usr/local/apache2', created: {'2.4.62': '2025-01-14T02:37:25Z'},
		files: {'/usr/local/apache2/htdocs/index.html': '<html><body><h1>It works!</h1></body></html>\n'}},
	{repository: 'docker.io/library/busybox', tags: tags([['1.28', 727_869, '1.28.4'], ['1.35', 2_155_000, '1.35.0'], ['1.36', 2_160_000, '1.36.1'], ['1.36.1', 2_160_000], ['stable', 2_160_000, '1.36.1'], ['latest', 2_160_000, '1.37.0']]),
		cmd: ['sh'], behaviour: shellBehaviour, shell: true, os: 'busybox', memoryBytes: 0.4 * Mi, cpuMilli: 0,
		created: {'1.28.4': '2018-12-06T19:21:22Z', '1.35.0': '2022-12-27T21:19:45Z', '1.36.1': '2023-05-18T22:34:17Z', '1.37.0': '2024-09-26T21:31:42Z'}},
	{repository: 'registry.k8s.io/busybox', tags: tags([['latest', 1_144_547, '1.24'], ['1.27.2', 1_144_547]]), cmd: ['sh'], behaviour: shellBehaviour, shell: true, os: 'busybox', memoryBytes: 0.4 * Mi, cpuMilli: 0,
		created: {'1.24': '2016-03-15T19:23:07Z', '1.27.2': '2017-11-03T22:39:17Z'}},
	{repository: 'docker.io/library/alpine', tags: tags([['3.18', 3_400_000, '3.18.9'], ['3.19', 3_420_000, '3.19.4'], ['3.20', 3_630_000, '3.20.3'], ['3.21', 3_640_000, '3.21.0'], ['latest', 3_640_000, '3.21.0']]),
		cmd: ['/bin/sh'], behaviour: shellBehaviour, shell: true, os: 'alpine', memoryBytes: 0.5 * Mi, cpuMilli: 0},
	{repository: 'docker.io/library/ubuntu', tags: tags([['20.04', 27_510_000], ['focal', 27_510_000, '20.04'], ['22.04', 29_540_000], ['jammy', 29_540_000, '22.04'], ['24.04', 29_750_000], ['noble', 29_750_000, '24.04'], ['24.10', 30_100_000], ['oracular', 30_100_000, '24.10'], ['25.04', 30_300_000], ['plucky', 30_300_000, '25.04'], ['25.10', 30_500_000], ['questing', 30_500_000, '25.10'], ['26.04', 30_600_000], ['resolute', 30_600_000, '26.04'], ['26.10', 30_700_000], ['stonking', 30_700_000, '26.10'], ['devel', 30_700_000, '26.10'], ['rolling', 30_600_000, '26.04'], ['latest', 30_600_000, '26.04']]), cmd: ['/bin/bash'], behaviour: shellBehaviour, shell: true, os: 'ubuntu', memoryBytes: 1 * Mi, cpuMilli: 0},
	{repository: 'docker.io/library/debian', tags: tags([['bookworm', 48_490_000, '12'], ['bookworm-slim', 28_230_000, '12'], ['12', 48_490_000], ['latest', 48_490_000, '12']]), cmd: ['bash'], behaviour: shellBehaviour, shell: true, os: 'debian', memoryBytes: 1 * Mi, cpuMilli: 0},
	{repository: 'docker.io/curlimages/curl', tags: tags([['8.5.0', 7_400_000], ['latest', 7_900_000, '8.11.0']]), entrypoint: ['/entrypoint.sh'], cmd: ['curl'], interpreters: ['curl', '/entrypoint.sh'], behaviour: {kind: 'run', durationMs: [100, 400], exitCode: 2, lines: ['curl: try \'curl --help\' or \'curl --manual\' for more information']}, shell: true, os: 'alpine', memoryBytes: 2 * Mi, cpuMilli: 0},
	{repository: 'docker.io/library/redis', tags: tags([['6.0.5', 38_200_000], ['6.2', 40_100_000, '6.2.16'], ['7.0', 43_900_000, '7.0.15'], ['7.2', 45_100_000, '7.2.6'], ['7.4', 45_500_000, '7.4.1'], ['alpine', 17_200_000, '7.4.1'], ['latest', 45_500_000, '7.4.1']]),
		entrypoint: ['docker-entrypoint.sh'], cmd: ['redis-server'], serves: ['redis-server', 'docker-entrypoint.sh'], behaviour: redisBehaviour, shell: true, os: 'debian', memoryBytes: 3.5 * Mi, cpuMilli: 2,
		env: {REDIS_VERSION: '{version}'}, workingDir: '/data'},
	{repository: 'docker.io/library/postgres', tags: tags([['13', 134_000_000, '13.16'], ['14', 150_000_000, '14.13'], ['15', 150_400_000, '15.8'], ['16', 151_700_000, '16.4'], ['16.2', 151_600_000], ['17', 153_100_000, '17.0'], ['alpine', 90_000_000, '17.0'], ['latest', 153_100_000, '17.0']]),
		entrypoint: ['docker-entrypoint.sh'], cmd: ['postgres'], serves: ['postgres', 'docker-entrypoint.sh'], behaviour: postgresBehaviour, shell: true, os: 'debian', memoryBytes: 28 * Mi, cpuMilli: 3,
		env: {PG_MAJOR: '{major}', PG_VERSION: '{version}', PGDATA: '/var/lib/postgresql/data'}},
	{repository: 'docker.io/library/mysql', tags: tags([['5.6', 103_000_000, '5.6.51'], ['5.7', 137_000_000, '5.7.44'], ['8.0', 165_000_000, '8.0.40'], ['8.0.36', 165_000_000], ['8.4', 170_000_000, '8.4.3'], ['9.1', 172_000_000, '9.1.0'], ['latest', 172_000_000, '9.1.0']]),
		entrypoint: ['docker-entrypoint.sh'], cmd: ['mysqld'], serves: ['mysqld', 'docker-entrypoint.sh'], behaviour: mysqlBehaviour, shell: true, os: 'debian', memoryBytes: 370 * Mi, cpuMilli: 8,
		env: {MYSQL_MAJOR: '{major}', MYSQL_VERSION: '{version}-1.el8'}},
	{repository: 'gcr.io/google-samples/xtrabackup', tags: tags([['1.0', 96_700_000, '2.4']]), cmd: ['bash'], interpreters: ['xtrabackup', 'ncat', 'mysql'], behaviour: shellBehaviour, shell: true, os: 'debian', memoryBytes: 4 * Mi, cpuMilli: 0},
	{repository: 'docker.io/library/perl', tags: tags([['5.34.0', 335_000_000], ['5.38', 344_000_000, '5.38.2'], ['5.40', 346_000_000, '5.40.0'], ['slim', 54_000_000, '5.40.0'], ['latest', 346_000_000, '5.40.0']]),
		cmd: ['perl5.40.0', '-de0'], interpreters: ['perl'], behaviour: {kind: 'run', durationMs: [3000, 9000], exitCode: 0, lines: []}, shell: true, os: 'debian', memoryBytes: 9 * Mi, cpuMilli: 950},
	{repository: 'docker.io/library/python', tags: tags([['3.11', 370_000_000, '3.11.10'], ['3.12', 372_000_000, '3.12.7'], ['3.12-slim', 45_000_000, '3.12.7'], ['3.13', 375_000_000, '3.13.0'], ['latest', 375_000_000, '3.13.0']]),
		cmd: ['python3'], interpreters: ['python', 'python3'], behaviour: {kind: 'run', durationMs: [1000, 6000], exitCode: 0, lines: []}, shell: true, os: 'debian', memoryBytes: 12 * Mi, cpuMilli: 300, env: {PYTHON_VERSION: '{version}', LANG: 'C.UTF-8'}},
	{repository: 'docker.io/library/node', tags: tags([['18', 385_000_000, '18.20.4'], ['20', 390_000_000, '20.18.0'], ['22', 395_000_000, '22.11.0'], ['20-alpine', 48_000_000, '20.18.0'], ['latest', 395_000_000, '23.1.0']]),
		entrypoint: ['docker-entrypoint.sh'], cmd: ['node'], interpreters: ['node', 'npm', 'docker-entrypoint.sh'], behaviour: {kind: 'run', durationMs: [1000, 6000], exitCode: 0, lines: []}, shell: true, os: 'debian', memoryBytes: 40 * Mi, cpuMilli: 200, env: {NODE_VERSION: '{version}', YARN_VERSION: '1.22.22'}},
	{repository: 'docker.io/library/hello-world', tags: tags([['latest', 3_000, 'linux'], ['linux', 3_000]]), cmd: ['/hello'], serves: ['/hello', 'hello'],
		behaviour: {kind: 'run', durationMs: [5, 20], exitCode: 0, lines: ['', 'Hello from Docker!', 'This message shows that your installation appears to be working correctly.', '',
			'To generate this message, Docker took the following steps:', ' 1. The Docker client contacted the Docker daemon.', ' 2. The Docker daemon pulled the "hello-world" image from the Docker Hub.', '    (amd64)',
			' 3. The Docker daemon created a new container from that image which runs the', '    executable that produces the output you are currently reading.', ' 4. The Docker daemon streamed that output to the Docker client, which sent it', '    to your terminal.', '',
			'For more examples and ideas, visit:', ' https://docs.docker.com/get-started/']},
		shell: false, os: 'scratch', memoryBytes: 0.1 * Mi, cpuMilli: 0},
	{repository: 'registry.k8s.io/ingress-nginx/controller', tags: tags([['v1.11.3', 105_000_000, '1.11.3'], ['v1.12.0', 107_000_000, '1.12.0']]), entrypoint: ['/usr/bin/dumb-init', '--'], cmd: ['/nginx-ingress-controller'], serves: ['/usr/bin/dumb-init', '/nginx-ingress-controller', 'nginx-ingress-controller'],
		behaviour: {...httpServer(80, 'static', [
			'-------------------------------------------------------------------------------',
			'NGINX Ingress controller',
			'  Release:       v{version}',
			'  Build:         git-0000000',
			'  Repository:    https://github.com/kubernetes/ingress-nginx',
			'  nginx version: nginx/1.25.5',
			'',
			'-------------------------------------------------------------------------------',
			'',
			'{ts:klog} main.go:205] "Creating API client" host="https://10.96.0.1:443"',
			'{ts:klog} main.go:248] "Running in Kubernetes cluster" major="1" minor="32" git="v1.32.0" state="clean" commit="0000000000000000000000000000000000000000" platform="linux/amd64"',
			'{ts:klog} controller.go:193] "Configuration changes detected, backend reload required"',
			'{ts:klog} controller.go:213] "Backend successfully reloaded"',
		]), ports: [80, 443]} as Behaviour, shell: true, os: 'alpine', memoryBytes: 92 * Mi, cpuMilli: 3, cpuMilliPerRequest: 0.2},
	{repository: 'registry.k8s.io/pause', tags: tags([['3.0', 252_000], ['3.1', 317_000], ['3.2', 299_513], ['3.3', 299_000], ['3.4.1', 301_000], ['3.5', 301_000], ['3.6', 301_773], ['3.7', 311_278], ['3.8', 311_286], ['3.9', 321_520], ['3.10', 320_368], ['3.10.1', 320_400], ['3.10.2', 320_400]]), entrypoint: ['/pause'], serves: ['/pause', 'pause'], behaviour: {kind: 'pause'}, shell: false, os: 'scratch', memoryBytes: 0.3 * Mi, cpuMilli: 0},
	{repository: 'k8s.gcr.io/echoserver', tags: tags([['1.4', 46_100_000, '1.10.0'], ['1.10', 46_200_000, '1.13.3']]), cmd: ['/usr/sbin/nginx', '-g', 'daemon off;'], serves: ['nginx', '/usr/sbin/nginx', 'run.sh'],
		behaviour: httpServer(8080, 'echo'), shell: true, os: 'ubuntu', memoryBytes: 4 * Mi, cpuMilli: 1},
	{repository: 'registry.k8s.io/echoserver', tags: tags([['1.4', 46_100_000, '1.10.0'], ['1.10', 46_200_000, '1.13.3']]), cmd: ['/usr/sbin/nginx', '-g', 'daemon off;'], serves: ['nginx', '/usr/sbin/nginx', 'run.sh'],
		behaviour: httpServer(8080, 'echo'), shell: true, os: 'ubuntu', memoryBytes: 4 * Mi, cpuMilli: 1},
	{repository: 'docker.io/kicbase/echo-server', tags: tags([['1.0', 2_700_000]]), entrypoint: ['/echo-server'], serves: ['/echo-server', 'echo-server'], behaviour: httpServer(8080, 'echo', ['Echo server listening on port 8080.']), shell: false, os: 'scratch', memoryBytes: 3 * Mi, cpuMilli: 1},
	{repository: 'registry.k8s.io/e2e-test-images/agnhost', tags: tags([['2.39', 51_000_000], ['2.40', 51_200_000], ['2.53', 52_000_000], ['2.62.0', 53_000_000], ['2.63.0', 53_000_000], ['2.64.0', 53_100_000], ['2.65.0', 53_100_000], ['2.66.0', 54_000_000], ['2.66.1', 54_000_000]]), entrypoint: ['/agnhost'], serves: ['/agnhost', 'agnhost'],
		behaviour: httpServer(8080, 'netexec', ['I1127 17:40:31.000000       1 log.go:195] Started HTTP server on port 8080', 'I1127 17:40:31.000000       1 log.go:195] Started UDP server on port  8081']), shell: true, os: 'alpine', memoryBytes: 8 * Mi, cpuMilli: 1},
	{repository: 'gcr.io/google-samples/hello-app', tags: tags([['1.0', 4_300_000, '1.0.0'], ['2.0', 4_300_000, '2.0.0']]), entrypoint: ['/hello-app'], serves: ['/hello-app', 'hello-app'], behaviour: httpServer(8080, 'hello-app', ['{ts:golog} Server listening on port 8080']), shell: false, os: 'distroless', memoryBytes: 4 * Mi, cpuMilli: 1},
	{repository: 'us-docker.pkg.dev/google-samples/containers/gke/hello-app', tags: tags([['1.0', 4_300_000, '1.0.0'], ['2.0', 4_300_000, '2.0.0']]), entrypoint: ['/hello-app'], serves: ['/hello-app', 'hello-app'], behaviour: httpServer(8080, 'hello-app', ['{ts:golog} Server listening on port 8080']), shell: false, os: 'distroless', memoryBytes: 4 * Mi, cpuMilli: 1},
	{repository: 'registry.k8s.io/hpa-example', tags: tags([['latest', 172_000_000, '1']]), cmd: ['apache2-foreground'], serves: ['apache2-foreground'], behaviour: {...httpdBehaviour, http: 'ok'}, shell: true, os: 'debian', memoryBytes: 9 * Mi, cpuMilli: 1, cpuMilliPerRequest: 7},
	{repository: 'registry.k8s.io/liveness', tags: tags([['latest', 2_000_000, '1']]), entrypoint: ['/server'], serves: ['/server', 'server'], behaviour: httpServer(8080, 'liveness'), shell: false, os: 'scratch', memoryBytes: 2 * Mi, cpuMilli: 0},
	{repository: 'registry.k8s.io/goproxy', tags: tags([['0.1', 2_500_000]]), entrypoint: ['/goproxy'], serves: ['/goproxy', 'goproxy'], behaviour: httpServer(8080, 'ok'), shell: false, os: 'scratch', memoryBytes: 3 * Mi, cpuMilli: 0},
	{repository: 'registry.k8s.io/serve_hostname', tags: tags([['1.1', 1_800_000], ['latest', 1_800_000, '1.1']]), entrypoint: ['/serve_hostname'], serves: ['/serve_hostname'], behaviour: httpServer(9376, 'hostname'), shell: false, os: 'scratch', memoryBytes: 1 * Mi, cpuMilli: 0},
	{repository: 'docker.io/traefik/whoami', tags: tags([['v1.10', 3_500_000, '1.10.3'], ['latest', 3_500_000, '1.10.3']]), entrypoint: ['/whoami'], serves: ['/whoami'], behaviour: httpServer(80, 'whoami', ['{ts:golog} Starting up on port 80']), shell: false, os: 'scratch', memoryBytes: 3 * Mi, cpuMilli: 0},
	{repository: 'docker.io/polinux/stress', tags: tags([['latest', 4_200_000, '1.0.4']]), cmd: ['stress', '--help'], interpreters: [], behaviour: shellBehaviour, shell: true, os: 'alpine', memoryBytes: 0.7 * Mi, cpuMilli: 0},
	{repository: 'docker.io/library/wordpress', tags: tags([['4.8-apache', 152_000_000, '4.8.3'], ['6.6-apache', 250_000_000, '6.6.2'], ['latest', 250_000_000, '6.6.2']]), entrypoint: ['docker-entrypoint.sh'], cmd: ['apache2-foreground'], serves: ['apache2-foreground', 'docker-entrypoint.sh'],
		behaviour: httpdBehaviour, shell: true, os: 'debian', memoryBytes: 24 * Mi, cpuMilli: 2},
	{repository: 'gcr.io/google-samples/gb-frontend', ...guestbookFrontend},
	{repository: 'us-docker.pkg.dev/google-samples/containers/gke/gb-frontend', ...guestbookFrontend},
	{repository: 'quay.io/fluentd_elasticsearch/fluentd', tags: tags([['v5.0.1', 92_000_000, '1.16.5']]), entrypoint: ['/entrypoint.sh'], serves: ['/entrypoint.sh', 'entrypoint.sh', 'fluentd', '/usr/local/bin/fluentd'],
		behaviour: {kind: 'server', ports: [24231], readyAfterMs: 1500, startup: [
			{at: 0, line: '{ts:fluentd} [info]: init supervisor logger path=nil rotate_age=nil rotate_size=nil'},
			{at: 5, line: '{ts:fluentd} [info]: parsing config file is succeeded path="/etc/fluent/fluent.conf"'},
			{at: 900, line: '{ts:fluentd} [info]: using configuration file: <ROOT>'},
			{at: 1200, line: '{ts:fluentd} [info]: starting fluentd-{version} pid=7 ruby="3.1.4"'},
			{at: 1500, line: '{ts:fluentd} [info]: #0 fluentd worker is now running worker=0'},
		], stopSignal: 'SIGTERM', shutdown: {afterMs: 400, exitCode: 0, lines: ['{ts:fluentd} [info]: Received graceful stop', '{ts:fluentd} [info]: Worker 0 finished with status 0']}},
		shell: true, os: 'debian', memoryBytes: 90 * Mi, cpuMilli: 5},
	{repository: 'gcr.io/google_samples/gb-redis-follower', tags: tags([['v2', 40_000_000, '6.0.5']]), cmd: ['/run.sh'], serves: ['/run.sh', 'redis-server'], behaviour: redisBehaviour, shell: true, os: 'debian', memoryBytes: 3.5 * Mi, cpuMilli: 2},
	{repository: 'registry.k8s.io/etcd', tags: tags([['3.5.15-0', 56_900_000, '3.5.15'], ['3.5.1-0', 98_900_000, '3.5.1']]), cmd: ['/usr/local/bin/etcd'], serves: ['etcd', '/usr/local/bin/etcd'],
		behaviour: {kind: 'server', ports: [2379, 2380], readyAfterMs: 500, startup: [{at: 0, line: '{"level":"info","ts":"{ts:iso}","caller":"etcdmain/etcd.go:73","msg":"Running: ","args":["etcd"]}', stream: 'stderr'}, {at: 500, line: '{"level":"info","ts":"{ts:iso}","caller":"embed/serve.go:187","msg":"serving client traffic insecurely; this is strongly discouraged!","address":"127.0.0.1:2379"}', stream: 'stderr'}],
			stopSignal: 'SIGTERM', shutdown: {afterMs: 100, exitCode: 0, lines: ['{"level":"info","ts":"{ts:iso}","caller":"osutil/interrupt_unix.go:64","msg":"received signal; shutting down","signal":"terminated"}']}}, shell: false, os: 'distroless', memoryBytes: 30 * Mi, cpuMilli: 10},
	{repository: 'registry.k8s.io/coredns/coredns', tags: tags([['v1.11.1', 16_190_137, '1.11.1'], ['v1.11.3', 18_562_039, '1.11.3']]), entrypoint: ['/coredns'], serves: ['/coredns', 'coredns'],
		behaviour: {kind: 'server', config: 'corefile', ports: [53, 8080, 8181, 9153], readyAfterMs: 400, startup: [{at: 0, line: '.:53'}, {at: 0, line: '[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908'}, {at: 1, line: 'CoreDNS-{version}'}, {at: 2, line: 'linux/amd64, go1.21.11, a6338e9'}],
			stopSignal: 'SIGTERM', shutdown: {afterMs: 50, exitCode: 0, lines: ['[INFO] SIGTERM: Shutting down servers then terminating']}, http: 'ok'}, shell: false, os: 'distroless', memoryBytes: 14 * Mi, cpuMilli: 2},
	{repository: 'registry.k8s.io/kubernetes-zookeeper', tags: tags([['1.0-3.4.10', 120_000_000, '3.4.10']]), cmd: ['sh'], behaviour: shellBehaviour, interpreters: ['start-zookeeper'], shell: true, os: 'ubuntu', memoryBytes: 60 * Mi, cpuMilli: 5},
];

/**
 * The releases each repository publishes, as tag rules (tag-rules.ts): the
 * newest release of each series, the variants, the named tags. A snapshot
 * of the registries; keeping up means editing a series' newest release.
 * Rows in `tags` add sizes and tags the rules do not cover (registry.k8s.io/pause,
 * whose numbers skip 3.4 and grow a third part, is all rows).
 *
 * Checked on 2026-12-05 against: Docker Hub's official-images library files
 * (docker-library/official-images at its 2026-08-21 commit, and their history:
 * every tag, variant and named tag published); for releases since, the projects
 * and their packagers: nginx's release tags, 1.30.7 (2026-11-19) and 1.31.10
 * (by 2026-11-24); httpd 2.4.69 (Alpine's package, 2026-10); Alpine 3.24.2 and
 * 3.23.6 (2026-09); Debian 13.8 and Redis 8.12.0 (images built on them,
 * 2026-11-27); Redis 8.10.2 (its release notes); MySQL 26.10.0, 9.7.4, 8.4.13
 * (2026-10 release notes); WordPress 7.1.4 (2026-10-28); PostgreSQL 19.0, 18.7,
 * 17.12; Python 3.15.0 and 3.14.8 (2026-10); Node.js 26.13.0 'Lithium' LTS
 * (2026-10-28) and 26.13.1; curl's changelog (8.23.0, 2026-10-14);
 * kubernetes.io's release pages and kubermatic's patch-release pull requests
 * (kube-proxy); kubernetes/kubernetes and kubernetes/k8s.io pull requests
 * (pause 3.10.1 and 3.10.2, CoreDNS 1.13.2, agnhost 2.61, 2.62, 2.62.0 to
 * 2.66.1). A release no source named is left out, even when a project's habits
 * make it likely.
 */
const debianVariants = ['bookworm', 'bullseye', 'trixie'];
const alpineVariants = ['alpine', 'alpine3.21', 'alpine3.22', 'alpine3.23', 'alpine3.24'];
export const releaseTable: Record<string, TagRules> = {
	'docker.io/library/nginx': {
		series: '1.9.15 1.10.3 1.11.13 1.12.2 1.13.12 1.14.2 1.15.12 1.16.1 1.17.10 1.18.0 1.19.10 1.20.2 1.21.6 1.22.1 1.23.4 1.24.0 1.25.5 1.26.3 1.27.5 1.28.3 1.29.8 1.30.7 1.31.10',
		variants: [
			'alpine', 'alpine-slim', 'alpine-perl', 'alpine-otel', 'perl', 'otel', 'bookworm', 'bookworm-perl', 'bookworm-otel', 'trixie', 'trixie-perl', 'trixie-otel',
			...['alpine3.21', 'alpine3.22', 'alpine3.23', 'alpine3.24'].flatMap(a => [a, `${a}-slim`, `${a}-perl`, `${a}-otel`]),
		],
		named: {stable: '1.30', mainline: '1.31'},
	},
	'docker.io/library/httpd': {series: '2.2.34 2.4.69', variants: [...alpineVariants, ...debianVariants]},
	'docker.io/library/busybox': {series: '1.24.2 1.25.1 1.26.2 1.27.2 1.28.4 1.29.3 1.30.1 1.31.1 1.32.1 1.33.1 1.34.1 1.35.0 1.36.1 1.37.0 1.38.0', variants: ['glibc', 'musl', 'uclibc'], named: {stable: '1.36', unstable: '1.38'}},
	'docker.io/library/alpine': {series: '3.12.12 3.13.12 3.14.10 3.15.11 3.16.9 3.17.10 3.18.12 3.19.9 3.20.10 3.21.7 3.22.5 3.23.6 3.24.2', named: {edge: '3.24'}},
	'docker.io/library/debian': {series: '9.13 10.13 11.11 12.15 13.8', variants: ['slim'], named: {stretch: '9', buster: '10', bullseye: '11', bookworm: '12', trixie: '13', stable: '13', oldstable: '12', oldoldstable: '11'}},
	'docker.io/library/redis': {series: '3.2.12 4.0.14 5.0.14 6.0.20 6.2.24 7.0.15 7.2.16 7.4.11 8.0.6 8.2.9 8.4.6 8.6.6 8.8.2 8.10.2 8.12.0', variants: [...alpineVariants, ...debianVariants]},
	'docker.io/library/postgres': {series: '10.23 11.22 12.22 13.23 14.24 15.19 16.15 17.12 18.7 19.0', variants: [...alpineVariants, ...debianVariants]},
	'docker.io/library/mysql': {
		series: '5.5.62 5.6.51 5.7.44 8.0.46 8.1.0 8.2.0 8.3.0 8.4.13 9.0.1 9.1.0 9.2.0 9.3.0 9.4.0 9.5.0 9.6.0 9.7.4 26.7.0 26.10.0',
		variants: ['oracle', 'oraclelinux8', 'oraclelinux9', 'debian'],
		named: {lts: '9.7', innovation: '26.10'},
	},
	'docker.io/library/perl': {
		series: '5.30.3 5.32.1 5.34.3 5.36.3 5.38.5 5.40.5 5.42.3 5.44.0',
		variants: ['slim', 'threaded', 'slim-threaded', ...['', 'slim-', 'threaded-', 'slim-threaded-'].flatMap(kind => debianVariants.map(d => `${kind}${d}`))],
		named: {stable: '5.44'},
	},
	'docker.io/library/python': {
		series: '2.7.18 3.6.15 3.7.17 3.8.20 3.9.25 3.10.21 3.11.16 3.12.14 3.13.15 3.14.8 3.15.0',
		variants: ['slim', ...alpineVariants, ...debianVariants, ...debianVariants.map(d => `slim-${d}`)],
	},
	'docker.io/library/node': {
		series: '14.21.3 16.20.2 18.20.8 19.9.0 20.20.2 21.7.3 22.23.2 23.11.1 24.19.0 25.9.0 26.13.1',
		variants: [...alpineVariants, 'slim', ...debianVariants, ...debianVariants.map(d => `${d}-slim`)],
		named: {lts: '26', current: '26', hydrogen: '18', iron: '20', jod: '22', krypton: '24', lithium: '26'},
	},
	'docker.io/library/wordpress': {series: '4.8.3 4.9.8 5.0.3 5.1.1 5.2.3 5.3.2 5.4.2 5.5.1 5.6.2 5.7.2 5.8.3 5.9.3 6.0.3 6.1.1 6.2.2 6.3.2 6.4.3 6.5.5 6.6.2 6.7.2 6.8.3 6.9.4 7.0.4 7.1.4', variants: ['apache', 'fpm', 'fpm-alpine', ...['8.1', '8.2', '8.3', '8.4', '8.5'].flatMap(php => [`php${php}`, `php${php}-apache`, `php${php}-fpm`, `php${php}-fpm-alpine`])]},
	'docker.io/curlimages/curl': {series: '7.88.1 8.0.1 8.1.2 8.2.1 8.3.0 8.4.0 8.5.0 8.6.0 8.7.1 8.8.0 8.9.1 8.10.1 8.11.1 8.12.1 8.13.0 8.14.1 8.15.0 8.16.0 8.17.0 8.18.0 8.19.0 8.20.0 8.21.0 8.22.0 8.23.0', shortForms: false},
	'registry.k8s.io/coredns/coredns': {series: '1.8.6 1.9.4 1.10.1 1.11.4 1.12.3 1.13.2', prefix: 'v', shortForms: false},
	'registry.k8s.io/kube-proxy': {series: '1.28.15 1.29.15 1.30.14 1.31.14 1.32.13 1.33.13 1.34.11 1.35.9 1.36.4 1.37.1', prefix: 'v', shortForms: false},
	'registry.k8s.io/e2e-test-images/agnhost': {series: '2.62', shortForms: false},
};
for (const spec of imageCatalog) spec.releases ??= releaseTable[spec.repository];

// ----- references ---------------------------------------------------------------

export type ImageReference = {
	/** `docker.io`, `registry.k8s.io`, ... */
	domain: string;
	/** Repository path inside the registry, `library/nginx`. */
	path: string;
	tag: string;
	digest?: string;
	/** Fully qualified repository, `docker.io/library/nginx`. */
	repository: string;
	/** `docker.io/library/nginx:1.25` (or `...@sha256:...`). */
	normalized: string;
};

const componentPattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;

/** A registry host: DNS labels or an IPv6 address in brackets, with an optional port. */
const domainPattern = /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;

/**
 * Parse and normalise an image reference as Docker and containerd do
 * (distribution/reference): `[host[:port]/]path[:tag][@digest]`; no host is
 * Docker Hub, a one-part path there is `library/`, no tag and no digest is
 * `latest`. A string error when invalid.
 */
export function parseImageReference(image: string): ImageReference | string {
	const invalid = (why: string) => `couldn't parse image reference "${image}": invalid reference format${why ? `: ${why}` : ''}`;
	if (!image || /\s/.test(image)) return invalid('');
	let rest = image;
	let digest: string | undefined;
	const at = rest.indexOf('@');
	if (at >= 0) {
		digest = rest.slice(at + 1);
		rest = rest.slice(0, at);
		if (!/^sha256:[a-f0-9]{64}$/.test(digest)) return invalid('');
	}
	let tag: string | undefined;
	const lastSlash = rest.lastIndexOf('/');
	const colon = rest.lastIndexOf(':');
	if (colon > lastSlash) {
		tag = rest.slice(colon + 1);
		rest = rest.slice(0, colon);
		if (!tagPattern.test(tag)) return invalid('');
	}
	const parts = rest.split('/');
	let domain = 'docker.io';
	// The first part is a host when it has a dot or a port, is localhost, or has capitals (which a path may not).
	if (parts.length > 1 && (/[.:]/.test(parts[0]!) || parts[0] === 'localhost' || parts[0] !== parts[0]!.toLowerCase())) {
		domain = parts.shift()!;
		if (!domainPattern.test(domain)) return invalid('');
	}
	if (domain === 'index.docker.io') domain = 'docker.io';
	if (parts.some(p => p !== p.toLowerCase())) return invalid('repository name must be lowercase');
	if (parts.length === 0 || parts.some(p => !componentPattern.test(p))) return invalid('');
	if (domain === 'docker.io' && parts.length === 1) parts.unshift('library');
	const path = parts.join('/');
	const repository = `${domain}/${path}`;
	if (repository.length > 255) return invalid('repository name must not be more than 255 characters');
	const finalTag = tag ?? (digest ? '' : 'latest');
	return {domain, path, tag: finalTag, digest, repository, normalized: digest ? `${repository}${tag ? `:${tag}` : ''}@${digest}` : `${repository}:${finalTag}`};
}

const byRepository = new Map(imageCatalog.map(spec => [spec.repository, spec]));

/** Add or replace a catalog row (plugins, tests). */
export function registerImage(spec: ImageSpec): void {
	spec.releases ??= releaseTable[spec.repository];
	const index = imageCatalog.findIndex(s => s.repository === spec.repository);
	if (index >= 0) imageCatalog[index] = spec;
	else imageCatalog.push(spec);
	byRepository.set(spec.repository, spec);
	resolved.clear();
}

export type ResolvedImage = {reference: ImageReference; spec: ImageSpec; tag: string; size: number; version: string; digest: string};

const dayMs = 86_400_000;
/** The fallback build dates lie in these 670 days: before the simulation's default start (2026-01-01). */
const fallbackFrom = Date.UTC(2024, 0, 1);

/**
 * When an image was built (ms since the Unix epoch): the catalog's date for
 * its version or the version's release line, else a fixed date drawn from
 * its digest within 2024-01-01 to 2025-10-31, so every image has a date of
 * its own that never changes.
 */
export function imageCreated(image: ResolvedImage): number {
	const created = image.spec.created;
	for (let version = image.version; created && version; version = version.includes('.') ? version.slice(0, version.lastIndexOf('.')) : '') {
		const listed = created[version];
		if (listed) return Date.parse(listed);
	}
	const bits = parseInt(image.digest.slice(0, 8), 16) || 0;
	return fallbackFrom + (bits % 670) * dayMs + ((bits >>> 10) % dayMs);
}

export type Resolution = {ok: true; image: ResolvedImage} | {ok: false; reason: 'InvalidImageName' | 'ErrImagePull'; message: string};

export type RegistryOptions = {
	/** Repositories the simulator does not know fail as the registry would, instead of running as generic containers. */
	strict?: boolean;
};

/** Answers by image string (and strictness); cleared when the catalog changes. */
const resolved = new Map<string, Resolution>();

/**
 * Look an image up in the simulated registry: a repository of the catalog
 * (its tags by its rows and release rules), a generic container for any
 * other repository, or the registry's error text (an unknown tag; a name an
 * edit or two from a known repository; any unknown repository when strict).
 */
export function resolveImage(image: string, options: RegistryOptions = {}): Resolution {
	const key = options.strict ? `strict ${image}` : image;
	let answer = resolved.get(key);
	if (!answer) {
		answer = lookup(image, options.strict ?? false);
		if (resolved.size > 10_000) resolved.clear();
		resolved.set(key, answer);
	}
	return answer;
}

function lookup(image: string, strict: boolean): Resolution {
	const reference = parseImageReference(image);
	if (typeof reference === 'string') return {ok: false, reason: 'InvalidImageName', message: `Failed to apply default image tag "${image}": ${reference}`};
	// k8s.gcr.io is frozen and redirects to registry.k8s.io, which has every image it had.
	const spec = byRepository.get(reference.repository) ?? (reference.domain === 'k8s.gcr.io' ? byRepository.get(`registry.k8s.io/${reference.path}`) : undefined);
	if (spec) return fromCatalog(spec, reference);
	const unreachable = unreachableRegistry(reference);
	if (unreachable) return pullError(reference, 'Unknown', unreachable);
	if (strict || nearMiss(reference.repository)) return pullError(reference, 'Unknown', accessDenied(reference));
	const generic = genericImage(reference.repository);
	const tag = reference.tag || 'latest';
	const digest = reference.digest?.slice(7) ?? digestOf(reference.repository, tag);
	return {ok: true, image: {reference, spec: generic, tag, size: 20_000_000 + (parseInt(digest.slice(0, 8), 16) % 180_000_000), version: tag, digest}};
}

/** A repository of the catalog: the tag by its rows and rules, or the registry's not-found error. */
function fromCatalog(spec: ImageSpec, reference: ImageReference): Resolution {
	let tag = reference.tag;
	let digest: string | undefined;
	if (reference.digest) {
		// A digest names one manifest: one of ours when it matches a tag, else a real one the simulator cannot tell apart (it runs as the tag, or latest).
		digest = reference.digest.slice(7);
		tag = Object.keys(spec.tags).find(t => digestOf(spec.repository, t) === digest) ?? (tag || 'latest');
	}
	const found = tagOf(spec, tag);
	if (!found) return pullError(reference, 'NotFound', `${reference.normalized}: not found`);
	return {ok: true, image: {reference, spec, tag, size: found.size, version: found.version, digest: digest ?? digestOf(spec.repository, tag)}};
}

/** A tag of a catalog repository: by its release rules (the version they name), else its own row. */
function tagOf(spec: ImageSpec, tag: string): {size: number; version: string} | undefined {
	const row = spec.tags[tag];
	const rule = spec.releases ? ruleTag(spec.releases, tag) : undefined;
	if (rule) return {size: row?.size ?? sizeOfVariant(spec, rule.variant), version: rule.version};
	return row && {size: row.size, version: row.version ?? tag};
}

/** A tag without a row weighs what the row of its variant (`alpine`), or `latest`, weighs. */
function sizeOfVariant(spec: ImageSpec, variant: string | undefined): number {
	const rows = Object.values(spec.tags);
	return (variant && spec.tags[variant]?.size) || spec.tags['latest']?.size || rows[rows.length - 1]?.size || 50_000_000;
}

/** containerd's words for a failed pull: `failed to pull and unpack image "...": failed to resolve reference "...": <detail>`. */
function pullError(reference: ImageReference, code: 'NotFound' | 'Unknown', detail: string): Resolution {
	const name = reference.normalized;
	return {ok: false, reason: 'ErrImagePull', message: `rpc error: code = ${code} desc = failed to pull and unpack image "${name}": failed to resolve reference "${name}": ${detail}`};
}

/** What a registry answers for a repository it does not have (or will not show without credentials). */
function accessDenied(reference: ImageReference): string {
	const {domain, path} = reference;
	if (domain === 'ghcr.io') return `failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=${encodeURIComponent(`repository:${path}:pull`)}&service=ghcr.io: 401 Unauthorized`;
	if (domain === 'quay.io') return `pulling from host quay.io failed with status code [manifests ${reference.tag || reference.digest}]: 401 UNAUTHORIZED`;
	if (isPublicRegistry(domain)) return 'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed';
	const host = hostOf(domain);
	if (host === 'localhost' || host === '127.0.0.1' || host === '[::1]') return `failed to do request: Head "https://${domain}/v2/${path}/manifests/${reference.tag || reference.digest}": dial tcp ${host === '[::1]' ? '[::1]' : '127.0.0.1'}:${domain.slice(host.length + 1) || '443'}: connect: connection refused`;
	return `failed to do request: Head "https://${domain}/v2/${path}/manifests/${reference.tag || reference.digest}": dial tcp: lookup ${hostOf(domain)}: no such host`;
}

/** Registries the simulator stands in for: every repository there either is in the catalog or pulls as a generic one. */
function isPublicRegistry(domain: string): boolean {
	return domain === 'docker.io' || domain === 'gcr.io' || domain.endsWith('.gcr.io') || domain === 'registry.k8s.io' || domain === 'ghcr.io' || domain === 'quay.io' || domain.endsWith('.pkg.dev')
		|| domain === 'public.ecr.aws' || domain === 'mcr.microsoft.com' || domain === 'registry.gitlab.com' || domain === 'nvcr.io';
}

function hostOf(domain: string): string {
	return domain.startsWith('[') ? domain.slice(0, domain.indexOf(']') + 1) : domain.split(':')[0]!;
}

/** Hosts no registry can be at: reserved names that never resolve (RFC 2606, RFC 6761). */
function unreachableRegistry(reference: ImageReference): string | undefined {
	const {domain, path} = reference;
	const host = hostOf(domain);
	if (/(^|\.)(invalid|test|example|local)$/.test(host)) return `failed to do request: Head "https://${domain}/v2/${path}/manifests/${reference.tag || reference.digest}": dial tcp: lookup ${host}: no such host`;
	return undefined;
}

/** A name one or two edits from a catalog repository (`ngnix`, `reddis`): a typo, which no registry has. */
function nearMiss(repository: string): boolean {
	const name = repository.slice(repository.lastIndexOf('/') + 1);
	for (const known of byRepository.keys()) {
		const knownName = known.slice(known.lastIndexOf('/') + 1);
		// Short names allow one edit, longer ones two.
		const limit = Math.min(name.length, knownName.length) < 5 ? 1 : 2;
		if (editDistance(repository, known, limit) <= limit) return true;
	}
	return false;
}

const genericImages = new Map<string, ImageSpec>();

/**
 * The image of a repository the simulator does not know: a generic
 * container. Its program listens on the container's declared ports and
 * answers HTTP 200; a shell command or a userland program runs as written.
 */
export function genericImage(repository: string): ImageSpec {
	let spec = genericImages.get(repository);
	if (!spec) {
		const program = `/usr/local/bin/${repository.slice(repository.lastIndexOf('/') + 1)}`;
		spec = {
			repository, tags: {}, entrypoint: [program], serves: [program],
			behaviour: {kind: 'server', ports: [], readyAfterMs: 200, startup: [], stopSignal: 'SIGTERM', shutdown: {afterMs: 100, exitCode: 0, lines: []}, http: 'ok'},
			shell: true, os: 'debian', memoryBytes: 24 * Mi, cpuMilli: 2, generic: true,
		};
		genericImages.set(repository, spec);
	}
	return spec;
}

/** A stable sha256-looking digest for a repository and tag (FNV-based, not a real hash of content). */
export function digestOf(repository: string, tag: string): string {
	let out = '';
	let h = 0x811c9dc5;
	const text = `${repository}:${tag}`;
	for (let round = 0; out.length < 64; round++) {
		for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
		h = Math.imul(h ^ round, 0x01000193) >>> 0;
		out += h.toString(16).padStart(8, '0');
	}
	return out.slice(0, 64);
}

/** The image's OS files (/etc/os-release, passwd, ...). */
export function osFiles(os: ImageSpec['os']): Record<string, string> {
	const release: Record<string, string> = {
		debian: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL="https://www.debian.org/"\n',
		ubuntu: 'PRETTY_NAME="Ubuntu 24.04.1 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nVERSION="24.04.1 LTS (Noble Numbat)"\nID=ubuntu\nID_LIKE=debian\n',
		alpine: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.21.0\nPRETTY_NAME="Alpine Linux v3.21"\nHOME_URL="https://alpinelinux.org/"\n',
		busybox: '',
		scratch: '',
		distroless: 'PRETTY_NAME="Distroless"\nNAME="Debian GNU/Linux"\nID="debian"\nVERSION_ID="12"\n',
	};
	if (os === 'scratch') return {};
	const files: Record<string, string> = {
		'/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
		'/etc/group': 'root:x:0:\ndaemon:x:1:\nnogroup:x:65534:\n',
		'/tmp/.keep': '',
		'/root/.keep': '',
		'/var/log/.keep': '',
		'/proc/.keep': '',
		'/dev/.keep': '',
		'/bin/sh': '',
	};
	if (release[os]) files['/etc/os-release'] = release[os];
	if (os === 'distroless') delete files['/bin/sh'];
	return files;
}
