/**
 * Files in containers carry real modification times: the image's files its
 * build date, what the container writes the virtual time of the write. `ls -l`
 * prints them as coreutils (Debian, Ubuntu) or BusyBox (busybox, Alpine) does,
 * and nginx's Last-Modified and ETag follow them.
 */
import test from 'ava';
import {createCluster} from '../../../source/engine/index.js';
import {lsTime} from '../../../source/engine/runtime/builtins.js';

const pod = (name: string, image: string, command?: string[]) => ({
	apiVersion: 'v1', kind: 'Pod', metadata: {name},
	spec: {containers: [{name: 'main', image, ...(command ? {command} : {})}]},
});

/** `Wed, 16 Apr 2025 20:07:59 GMT`, as nginx writes a date. */
const httpDate = (ms: number) => new Date(ms).toUTCString();

test('lsTime: HH:MM within the last half year, the year before that or in the future (coreutils); BusyBox allows 15 minutes ahead', t => {
	const now = Date.UTC(2026, 0, 1, 9, 0, 0);
	t.is(lsTime(Date.UTC(2026, 0, 1, 9, 0, 0), now), 'Jan  1 09:00');
	t.is(lsTime(Date.UTC(2025, 11, 24, 7, 5), now), 'Dec 24 07:05');
	t.is(lsTime(now - 15_778_476_000 + 1000, now), 'Jul  2 18:05');
	t.is(lsTime(now - 15_778_476_000, now), 'Jul  2  2025');
	t.is(lsTime(Date.UTC(2025, 0, 21, 22, 41, 57), now), 'Jan 21  2025');
	t.is(lsTime(now + 60_000, now), 'Jan  1  2026', 'coreutils: a time ahead of now shows its year');
	t.is(lsTime(now + 60_000, now, 'busybox'), 'Jan  1 09:01', 'busybox: up to 15 minutes ahead is recent');
	t.is(lsTime(now + 16 * 60_000, now, 'busybox'), 'Jan  1  2026');
	t.is(lsTime(now - 182 * 86_400_000, now, 'busybox'), 'Jul  3 09:00');
	t.is(lsTime(now - 183 * 86_400_000, now, 'busybox'), 'Jul  2  2025');
});

test('nginx serves its image files with the image\'s build time as Last-Modified and in the ETag; ls -l shows that date, old, with its year', t => {
	const cluster = createCluster({seed: 11, nodes: 1});
	cluster.apply(pod('web', 'nginx:1.27'));
	cluster.advance(30_000);
	const built = Date.parse('2025-04-16T20:07:59Z'); // nginx:1.27 is 1.27.5, of the 1.27 line
	const reply = cluster.portForward('web', 80, {method: 'GET', path: '/'});
	if (!reply.ok) throw new Error(reply.error);
	t.is(reply.status, 200);
	const size = Buffer.byteLength(reply.body);
	t.regex(reply.head, new RegExp(`^Last-Modified: ${httpDate(built)}\\r?$`, 'm'));
	t.regex(reply.head, new RegExp(`^ETag: "${Math.floor(built / 1000).toString(16)}-${size.toString(16)}"\\r?$`, 'm'));
	t.false(reply.head.includes('1970'));
	const listing = cluster.exec('web', ['ls', '-l', '/usr/share/nginx/html']).stdout;
	t.regex(listing, new RegExp(`^-rw-r--r-- 1 root root\\s+${size} Apr 16  2025 index\\.html$`, 'm'));
	t.regex(listing, /^-rw-r--r-- 1 root root\s+\d+ Apr 16 {2}2025 50x\.html$/m);
});

test('a file the container writes is dated at the write, in ls -l and in Last-Modified; six months on, ls shows its year; the kubelet\'s files date from the pod\'s start', t => {
	const cluster = createCluster({seed: 12, nodes: 1});
	cluster.apply(pod('web', 'nginx:1.27'));
	cluster.advance(30_000);
	const started = Date.parse(cluster.get('Pod', 'web')!.status.startTime);
	cluster.advance(7 * 60_000 + 12_000);
	const written = cluster.now();
	t.is(cluster.exec('web', ['sh', '-c', 'echo fresh > /usr/share/nginx/html/new.html']).exitCode, 0);
	cluster.advance(5 * 60_000);
	const reply = cluster.portForward('web', 80, {method: 'GET', path: '/new.html'});
	if (!reply.ok) throw new Error(reply.error);
	t.is(reply.body, 'fresh\n');
	t.regex(reply.head, new RegExp(`^Last-Modified: ${httpDate(Math.floor(written / 1000) * 1000)}\\r?$`, 'm'));
	const at = new Date(written);
	const hhmm = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
	const listing = cluster.exec('web', ['ls', '-l', '/usr/share/nginx/html']).stdout;
	t.regex(listing, new RegExp(`^-rw-r--r-- 1 root root\\s+6 Jan  1 ${hhmm} new\\.html$`, 'm'));
	t.regex(listing, /^-rw-r--r-- 1 root root\s+\d+ Apr 16 {2}2025 index\.html$/m, 'the image\'s files keep their date');
	const etc = cluster.exec('web', ['ls', '-l', '/etc/hosts']).stdout;
	const start = new Date(started);
	t.regex(etc, new RegExp(`Jan  1 ${String(start.getUTCHours()).padStart(2, '0')}:${String(start.getUTCMinutes()).padStart(2, '0')} /etc/hosts`));
	cluster.advance(200 * 86_400_000);
	t.regex(cluster.exec('web', ['ls', '-l', '/usr/share/nginx/html/new.html']).stdout, /Jan {2}1 {2}2026 \/usr\/share\/nginx\/html\/new\.html/);
});

test('busybox: ls -l dates files written into an emptyDir at the write, and the image\'s own files at its build', t => {
	const cluster = createCluster({seed: 13, nodes: 1});
	cluster.apply({
		apiVersion: 'v1', kind: 'Pod', metadata: {name: 'box'},
		spec: {
			containers: [{name: 'main', image: 'busybox:1.36', command: ['sleep', '3600'], volumeMounts: [{name: 'scratch', mountPath: '/scratch'}]}],
			volumes: [{name: 'scratch', emptyDir: {}}],
		},
	});
	cluster.advance(20_000);
	cluster.advance(3 * 3_600_000);
	t.is(cluster.exec('box', ['sh', '-c', 'echo a > /scratch/a.txt']).exitCode, 0);
	const at = new Date(cluster.now());
	const hhmm = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
	t.regex(cluster.exec('box', ['ls', '-l', '/scratch']).stdout, new RegExp(`Jan  1 ${hhmm} a\\.txt`));
	const root = cluster.exec('box', ['ls', '-l', '/']).stdout;
	t.regex(root, /^d\S+ 1 root root\s+\d+ May 18 {2}2023 bin$/m, 'busybox 1.36.1 was built on 2023-05-18');
	t.false(root.includes('1970'));
});
