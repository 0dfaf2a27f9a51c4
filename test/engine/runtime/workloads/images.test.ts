import test from 'ava';
import {imageCatalog, parseImageReference, resolveImage} from '../../../../source/engine/runtime/workloads/images.js';

const references: Array<[string, string]> = [
	['nginx', 'docker.io/library/nginx:latest'],
	['nginx:1.25', 'docker.io/library/nginx:1.25'],
	['docker.io/library/nginx:1.25', 'docker.io/library/nginx:1.25'],
	['index.docker.io/library/redis:7.2', 'docker.io/library/redis:7.2'],
	['polinux/stress', 'docker.io/polinux/stress:latest'],
	['registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.9'],
	['localhost:5000/app', 'localhost:5000/app:latest'],
	['gcr.io/google-samples/xtrabackup:1.0', 'gcr.io/google-samples/xtrabackup:1.0'],
];

for (const [image, normalized] of references) {
	test(`${image} normalises to ${normalized}`, t => {
		const reference = parseImageReference(image);
		t.is(typeof reference === 'string' ? reference : reference.normalized, normalized);
	});
}

test('invalid references are refused with containerd\'s words', t => {
	t.is(parseImageReference('Nginx'), 'couldn\'t parse image reference "Nginx": invalid reference format: repository name must be lowercase');
	t.is(parseImageReference('nginx:bad tag'), 'couldn\'t parse image reference "nginx:bad tag": invalid reference format');
	t.is(parseImageReference(''), 'couldn\'t parse image reference "": invalid reference format');
});

test('the catalog knows the images the Kubernetes docs use, with several tags each', t => {
	for (const image of ['nginx:1.14.2', 'nginx:latest', 'httpd:2.4', 'busybox:1.28', 'alpine:3.20', 'redis:7.2', 'postgres:16', 'mysql:5.7', 'mysql:8.0',
		'registry.k8s.io/nginx-slim:0.8', 'perl:5.34.0', 'gcr.io/google-samples/xtrabackup:1.0', 'registry.k8s.io/pause:3.9', 'k8s.gcr.io/echoserver:1.4',
		'hello-world', 'node:20', 'python:3.12', 'registry.k8s.io/e2e-test-images/agnhost:2.39', 'registry.k8s.io/liveness', 'registry.k8s.io/busybox']) {
		const resolved = resolveImage(image);
		t.true(resolved.ok, image);
		if (resolved.ok) t.true(resolved.image.size > 0 && /^[0-9a-f]{64}$/.test(resolved.image.digest), image);
	}
	for (const name of ['nginx', 'httpd', 'busybox', 'alpine', 'redis', 'postgres', 'mysql']) {
		const spec = imageCatalog.find(s => s.repository === `docker.io/library/${name}`);
		t.true(Object.keys(spec?.tags ?? {}).length >= 3, name);
	}
	t.deepEqual(resolveImage('nginx:doesnotexist'), {ok: false, reason: 'ErrImagePull',
		message: 'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:doesnotexist": failed to resolve reference "docker.io/library/nginx:doesnotexist": docker.io/library/nginx:doesnotexist: not found'});
});
