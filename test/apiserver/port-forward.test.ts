import {execFile} from 'node:child_process';
import {request} from 'node:http';
import test from 'ava';
import {kubectlSuite, type Running, until} from './harness.js';

/**
 * kubectl port-forward to a simulated pod: kubectl 1.32 asks for the
 * WebSocket tunnel, is refused and falls back to SPDY/3.1, as it does against
 * an API server without the tunnel. Expected texts: kubectl's own lines
 * ("Forwarding from 127.0.0.1:PORT -> 80", "Handling connection for PORT",
 * pkg/cmd/portforward and client-go/tools/portforward), the nginx 1.25
 * welcome page and 404 page with nginx's headers, and for a port nobody
 * listens on containerd's forwarder error, which kubectl prints before it
 * stops with "error: lost connection to pod".
 */

const fixture = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: "nginx:1.25", ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 8000, targetPort: 80}]
`;

const {run, served} = kubectlSuite(cluster => {
	cluster.apply(fixture);
	cluster.advance(30_000);
}, {what: 'the kubectl port-forward tests'});

/** Start kubectl port-forward on a local port of its choosing; the port it took. */
async function forward(args: string[]): Promise<{running: Running; port: number}> {
	const running = served().start(['port-forward', ...args]);
	await until(() => /Forwarding from 127\.0\.0\.1:\d+/.test(running.output()) || running.output() === 'exited', 'kubectl listens');
	return {running, port: Number(/127\.0\.0\.1:(\d+)/.exec(running.output())![1])};
}

/** One GET to the forwarded port: status, headers and body. */
function get(port: number, path: string): Promise<{status: number; headers: Record<string, unknown>; body: string}> {
	return new Promise((resolve, reject) => {
		const req = request({host: '127.0.0.1', port, path, agent: false, headers: {'User-Agent': 'curl/8.5.0'}}, response => {
			let body = '';
			response.on('data', chunk => (body += chunk));
			response.on('end', () => resolve({status: response.statusCode ?? 0, headers: response.headers, body}));
		});
		req.on('error', reject);
		req.end();
	});
}

function podName(): string {
	return served().cluster.list('Pod', {namespace: 'default'})[0]!.metadata.name;
}

run('port-forward to a pod: the local port answers with the container\'s server, reached from 127.0.0.1', async t => {
	const pod = podName();
	const {running, port} = await forward([`pod/${pod}`, ':80']);
	const page = await get(port, '/');
	t.is(page.status, 200);
	t.is(page.headers['server'], 'nginx/1.25.5');
	t.is(page.headers['content-length'], '615');
	t.true(page.body.includes('<title>Welcome to nginx!</title>'));
	const missing = await get(port, '/nope');
	t.is(missing.status, 404);
	t.is(missing.body, '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.25.5</center>\r\n</body>\r\n</html>\r\n');
	running.stop();
	const done = await running.done;
	t.is(done.stdout, [
		`Forwarding from 127.0.0.1:${port} -> 80`,
		`Forwarding from [::1]:${port} -> 80`,
		`Handling connection for ${port}`,
		`Handling connection for ${port}`,
		'',
	].join('\n'));
	// nginx logs each request as it arrived: from the pod's own loopback.
	const access = served().cluster.logs(pod).filter(line => line.startsWith('127.0.0.1 '));
	t.deepEqual(access.map(line => line.replace(/\[[^\]]+\]/, '[time]')), [
		'127.0.0.1 - - [time] "GET / HTTP/1.1" 200 615 "-" "curl/8.5.0" "-"',
		'127.0.0.1 - - [time] "GET /nope HTTP/1.1" 404 153 "-" "curl/8.5.0" "-"',
	]);
});

run('port-forward to svc/ and deploy/ picks a pod, and a Service port becomes its target port', async t => {
	for (const [target, remote] of [['svc/web', '8000'], ['deploy/web', '80']] as const) {
		const {running, port} = await forward([target, `:${remote}`]);
		t.true(running.output().startsWith(`Forwarding from 127.0.0.1:${port} -> 80\n`), target);
		const page = await get(port, '/');
		t.is(page.status, 200, target);
		t.true(page.body.includes('Welcome to nginx!'), target);
		running.stop();
		await running.done;
	}
	if (await hasCurl()) {
		const {running, port} = await forward([`pod/${podName()}`, ':80']);
		const curl = await new Promise<string>(resolve => execFile('curl', ['-s', `http://localhost:${port}/`], (_error, stdout) => resolve(stdout)));
		t.true(curl.includes('<h1>Welcome to nginx!</h1>'));
		running.stop();
		await running.done;
	}
});

run('a port nobody listens on: kubectl prints the forwarder\'s error and stops', async t => {
	const {running, port} = await forward([`pod/${podName()}`, ':81']);
	await t.throwsAsync(get(port, '/'));
	const done = await running.done;
	t.is(done.code, 1);
	t.regex(done.stderr, /an error occurred forwarding \d+ -> 81: error forwarding port 81 to pod [0-9a-f]{64}, uid : failed to execute portforward in network namespace \\"\/var\/run\/netns\/cni-[0-9a-f-]{36}\\": failed to connect to localhost:81 inside namespace \\"[0-9a-f]{64}\\", IPv4: dial tcp4 127\.0\.0\.1:81: connect: connection refused IPv6 dial tcp6 \[::1\]:81: connect: connection refused /);
	t.true(done.stderr.endsWith('error: lost connection to pod\n'));
});

run('port-forward to a missing pod is the API server\'s NotFound', async t => {
	const result = await served().kubectl(['port-forward', 'pod/nope', ':80']);
	t.is(result.code, 1);
	t.is(result.stderr, 'Error from server (NotFound): pods "nope" not found\n');
});

function hasCurl(): Promise<boolean> {
	return new Promise(resolve => execFile('curl', ['--version'], error => resolve(!error)));
}
