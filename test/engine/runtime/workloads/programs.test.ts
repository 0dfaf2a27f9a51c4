import test from 'ava';
import {interpreterOutput, planProcess, resolveExecutable} from '../../../../source/engine/runtime/workloads/programs.js';
import {resolveImage} from '../../../../source/engine/runtime/workloads/images.js';

function image(reference: string) {
	const resolved = resolveImage(reference);
	if (!resolved.ok) throw new Error(resolved.message);
	return resolved.image;
}

const plans: Array<[image: string, argv: string[], mode: string, found: boolean]> = [
	['nginx:1.27', ['/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;'], 'server', true],
	['nginx:1.27', ['sh', '-c', 'echo hi'], 'shell', true],
	['nginx:1.27', ['sleep', '3600'], 'program', true],
	['nginx:1.27', ['/bin/cat', '/etc/hostname'], 'program', true],
	['nginx:1.27', ['nosuchprogram'], 'program', false],
	['nginx:1.27', [], 'program', false],
	['perl:5.40', ['perl', '-Mbignum=bpi', '-wle', 'print bpi(20)'], 'run', true],
	['registry.k8s.io/pause:3.10', ['/pause'], 'pause', true],
	['hello-world', ['/hello'], 'run', true],
	['gcr.io/google-samples/hello-app:1.0', ['sh', '-c', 'echo hi'], 'shell', false],
];

for (const [reference, argv, mode, found] of plans) {
	test(`${reference} runs ${JSON.stringify(argv)} as ${mode}${found ? '' : ', not found'}`, t => {
		t.deepEqual(planProcess(image(reference), argv), {mode, found});
	});
}

test('executables resolve to the userland paths execve is called with', t => {
	t.is(resolveExecutable('sh'), '/bin/sh');
	t.is(resolveExecutable('curl'), '/usr/bin/curl');
	t.is(resolveExecutable('/docker-entrypoint.sh'), '/docker-entrypoint.sh');
});

test('bignum\'s bpi prints π to the digits asked for; other scripts print nothing the simulation knows', t => {
	t.deepEqual(interpreterOutput(['perl', '-Mbignum=bpi', '-wle', 'print bpi(9)']), ['3.14159265']);
	t.deepEqual(interpreterOutput(['perl', '-Mbignum=bpi', '-wle', 'print bpi(3)']), ['3.14']);
	t.deepEqual(interpreterOutput(['perl', '-Mbignum=bpi', '-wle', 'print bpi(1)']), ['3']);
	t.is(interpreterOutput(['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'])[0]!.length, 2001);
	t.deepEqual(interpreterOutput(['python3', '-c', 'print(1)']), []);
});
