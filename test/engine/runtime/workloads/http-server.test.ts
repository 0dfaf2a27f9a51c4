import test from 'ava';
import {createCluster} from '../../../../source/engine/cluster.js';
import type {Pod} from '../../../../source/engine/api/types.js';
import type {Syscall} from '../../../../source/engine/runtime/syscalls.js';

/** A running pod with one web server, and a way to send it a request and read that request's calls. */
function server(image: string) {
	const cluster = createCluster({seed: 21, nodes: 1});
	cluster.apply({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'web'}, spec: {containers: [{name: 'web', image}]}});
	cluster.advance(10_000);
	const object = cluster.get('Pod', 'web') as Pod;
	const kubelet = cluster.context.services.kubelet as {runtimeFor(n: string): any; containerIdOf(u: string, c: string): string};
	const runtime = kubelet.runtimeFor(object.spec!.nodeName!);
	const id = kubelet.containerIdOf(object.metadata.uid, 'web');
	return {
		request(path: string, method = 'GET'): {response: {status: number; bytes: number}; calls: Syscall[]} {
			const before = cluster.syscalls('web').length;
			const response = runtime.handleRequest(id, {path, method, from: '10.244.0.1'});
			const calls = cluster.syscalls('web').slice(before);
			return {response, calls};
		},
	};
}

/** The sum of a writev's iov_len values. */
function iovSum(call: Syscall): number {
	return [...call.args.matchAll(/iov_len=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

test('nginx serves a static file as strace shows it: accept4, recvfrom, openat, fstat, writev of the headers, sendfile of the body, the access log, close of the file and of the connection', t => {
	const web = server('nginx:1.25');
	const {response, calls} = web.request('/');
	t.is(response.status, 200);
	t.deepEqual(calls.map(c => c.name), ['accept4', 'recvfrom', 'openat', 'fstat', 'writev', 'sendfile', 'write', 'close', 'close']);
	const [accept, recv, open, fstat, writev, sendfile, log, closeFile, closeConn] = calls;
	const conn = accept!.ret as number;
	t.true(recv!.args.startsWith(`${conn}, "GET / HTTP/1.1\\r\\nHost: `));
	t.regex(open!.args, /^AT_FDCWD, "\/usr\/share\/nginx\/html\/index\.html", O_RDONLY\|O_NONBLOCK$/);
	const file = open!.ret as number;
	t.true(typeof file === 'number' && file !== conn);
	t.is(fstat!.args, `${file}, {st_mode=S_IFREG|0644, st_size=${response.bytes}, ...}`);
	t.regex(writev!.args, new RegExp(`^${conn}, \\[\\{iov_base="HTTP/1\\.1 200 OK\\\\r\\\\nServer: nginx/`));
	t.is(writev!.ret, iovSum(writev!), 'writev returns what its buffers hold');
	t.is(sendfile!.args, `${conn}, ${file}, [0] => [${response.bytes}], ${response.bytes}`);
	t.is(sendfile!.ret, response.bytes);
	t.true(log!.args.startsWith('1, "10.244.0.1 - - ['));
	t.deepEqual([closeFile!.args, closeConn!.args], [String(file), String(conn)]);
	t.true(calls.every((c, i) => i === 0 || c.at > calls[i - 1]!.at), 'in time order');
});

test('a missing file: openat fails, no fstat or sendfile, the error page goes out in one writev whose return is the sum of its buffers', t => {
	const web = server('nginx:1.25');
	const {response, calls} = web.request('/missing');
	t.is(response.status, 404);
	t.deepEqual(calls.map(c => c.name), ['accept4', 'recvfrom', 'openat', 'writev', 'write', 'close']);
	t.is(calls[2]!.ret, '-1 ENOENT (No such file or directory)');
	const writev = calls[3]!;
	t.regex(writev.args, /HTTP\/1\.1 404 Not Found.*iov_len=\d+\}, \{iov_base="<html>.*\], 2$/);
	t.is(writev.ret, iovSum(writev));
	t.true(iovSum(writev) > response.bytes);
});

test('HEAD sends only the headers; a POST to a static file is refused before any file is opened', t => {
	const web = server('nginx:1.25');
	const head = web.request('/', 'HEAD').calls;
	t.deepEqual(head.map(c => c.name), ['accept4', 'recvfrom', 'openat', 'fstat', 'writev', 'write', 'close', 'close']);
	t.is(head[4]!.ret, iovSum(head[4]!));
	const post = web.request('/', 'POST');
	t.is(post.response.status, 405);
	t.false(post.calls.some(c => c.name === 'openat'));
});

test('a program that answers from memory writes headers and body in one writev', t => {
	const web = server('gcr.io/google-samples/hello-app:1.0');
	const {response, calls} = web.request('/');
	t.is(response.status, 200);
	const writev = calls.find(c => c.name === 'writev')!;
	t.is(writev.ret, iovSum(writev));
	t.regex(writev.args, new RegExp(`iov_len=${response.bytes}\\}\\], 2$`));
	t.deepEqual(calls.map(c => c.name).filter(n => n !== 'write'), ['accept4', 'recvfrom', 'writev', 'close']);
});
