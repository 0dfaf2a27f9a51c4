import test from 'ava';
import {imageCatalog, parseImageReference, releaseTable, resolveImage} from '../../../../source/engine/runtime/workloads/images.js';
import {newestRelease} from '../../../../source/engine/runtime/workloads/tag-rules.js';
// The engine registers kube-proxy's row (kind's DaemonSet image) here.
import '../../../../source/engine/controllers/daemonset-images.js';

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

const notFound = (name: string) => `rpc error: code = NotFound desc = failed to pull and unpack image "${name}": failed to resolve reference "${name}": ${name}: not found`;
const dockerHubDenied = (name: string) => `rpc error: code = Unknown desc = failed to pull and unpack image "${name}": failed to resolve reference "${name}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`;

test('every released tag of a known repository pulls, with the release it carries', t => {
	const cases: Array<[string, string]> = [
		// The tags the issue found failing.
		['nginx:1.26', '1.26.3'], ['nginx:1.24', '1.24.0'], ['nginx:1.25.5', '1.25.5'], ['nginx:1.26.2', '1.26.2'], ['nginx:1.27.3', '1.27.3'],
		['redis:7', '7.4.11'], ['redis:6', '6.2.24'], ['redis:7.2.4', '7.2.4'],
		// Short forms name the newest release they lead to; variants, alone or after a version or a named tag.
		['nginx:1', '1.31.10'], ['nginx:1.29', '1.29.8'], ['nginx:latest', '1.31.10'], ['nginx:stable', '1.30.7'], ['nginx:mainline', '1.31.10'],
		['nginx:alpine', '1.31.10'], ['nginx:1.27-alpine', '1.27.5'], ['nginx:1.25.3-alpine-slim', '1.25.3'], ['nginx:stable-alpine', '1.30.7'], ['nginx:bookworm', '1.31.10'], ['nginx:1.28-perl', '1.28.3'],
		['redis:7.2-alpine', '7.2.16'], ['redis:7.4-bookworm', '7.4.11'], ['postgres:17', '17.12'], ['postgres:16.2', '16.2'], ['postgres:16-alpine', '16.15'],
		['python:3.12-slim', '3.12.14'], ['python:3.11.4-slim-bookworm', '3.11.4'], ['node:20-alpine', '20.20.2'], ['node:lts', '26.13.1'], ['node:iron-slim', '20.20.2'],
		['mysql:8.0', '8.0.46'], ['mysql:lts', '9.7.4'], ['busybox:1.36.1-glibc', '1.36.1'], ['busybox:musl', '1.38.0'], ['alpine:3', '3.24.2'], ['httpd:2.4-alpine', '2.4.69'],
		['debian:bookworm-slim', '12.15'], ['debian:12.5', '12.5'], ['ubuntu:jammy', '22.04'],
		['registry.k8s.io/coredns/coredns:v1.11.1', '1.11.1'], ['registry.k8s.io/e2e-test-images/agnhost:2.47', '2.47'], ['registry.k8s.io/pause:3.7', '3.7'],
	];
	// Every row of the table is well formed, and its newest release is a tag.
	for (const [repository, rules] of Object.entries(releaseTable)) t.true(resolveImage(`${repository}:${rules.prefix ?? ''}${newestRelease(rules)}`).ok, repository);
	for (const [image, version] of cases) {
		const resolved = resolveImage(image);
		t.true(resolved.ok, image);
		if (resolved.ok) t.is(resolved.image.version, version, image);
	}
});

test('tags past the newest release, series that never were, and misspelt variants are not found', t => {
	for (const image of ['nginx:1.32', 'nginx:1.29.9', 'nginx:2', 'nginx:1.26.9', 'nginx:1.8', 'nginx:1.027', 'nginx:alpne', 'nginx:1.27-alpne', 'nginx:1.27-slim', 'nginx:latest-alpine', 'nginx:v1.27.3',
		'redis:7.9-typo', 'redis:7.9', 'redis:9', 'redis:7.2.99', 'postgres:20', 'postgres:17.2.1', 'node:27', 'python:3.16', 'mysql:9.9', 'registry.k8s.io/coredns/coredns:1.11.1', 'registry.k8s.io/coredns/coredns:v1.11',
		'registry.k8s.io/pause:3.11']) {
		const resolved = resolveImage(image);
		const name = typeof parseImageReference(image) === 'string' ? image : (parseImageReference(image) as {normalized: string}).normalized;
		t.deepEqual(resolved, {ok: false, reason: 'ErrImagePull', message: notFound(name)}, image);
	}
});

test('the table reaches each repository\'s newest releases as of 2026-12-05, and nothing past them', t => {
	const pulls: Array<[string, string]> = [
		// nginx: the 1.30 stable branch (April 2026) up to its security releases, the 1.31 mainline.
		['nginx:1.30.1', '1.30.1'], ['nginx:1.30', '1.30.7'], ['nginx:1.30.7', '1.30.7'], ['nginx:stable', '1.30.7'], ['nginx:stable-alpine3.24-perl', '1.30.7'],
		['nginx:1.31.10', '1.31.10'], ['nginx:mainline', '1.31.10'], ['nginx:1.31-alpine3.24-slim', '1.31.10'], ['nginx:trixie-otel', '1.31.10'], ['nginx:1.28.2', '1.28.2'], ['nginx:1.29.8', '1.29.8'],
		['httpd:2.4.69', '2.4.69'], ['httpd:alpine3.24', '2.4.69'], ['busybox:1.38', '1.38.0'], ['busybox:unstable-uclibc', '1.38.0'], ['busybox:stable', '1.36.1'],
		['alpine:3.24', '3.24.2'], ['alpine:3.23', '3.23.6'], ['alpine:latest', '3.24.2'], ['debian:trixie', '13.8'], ['debian:oldoldstable-slim', '11.11'], ['debian:bookworm', '12.15'],
		['redis:8', '8.12.0'], ['redis:8.10', '8.10.2'], ['redis:8.8-alpine3.23', '8.8.2'], ['redis:6', '6.2.24'], ['postgres:19', '19.0'], ['postgres:latest', '19.0'], ['postgres:18-alpine3.24', '18.7'], ['postgres:17.12-trixie', '17.12'],
		['mysql:innovation', '26.10.0'], ['mysql:26.7', '26.7.0'], ['mysql:9', '9.7.4'], ['mysql:lts-oraclelinux9', '9.7.4'], ['mysql:8', '8.4.13'], ['perl:stable-slim-threaded-trixie', '5.44.0'], ['perl:5.42', '5.42.3'],
		['python:3', '3.15.0'], ['python:3.14-alpine3.24', '3.14.8'], ['python:3.13', '3.13.15'], ['node:lithium', '26.13.1'], ['node:current-alpine3.24', '26.13.1'], ['node:krypton', '24.19.0'], ['node:25', '25.9.0'],
		['wordpress:7', '7.1.4'], ['ubuntu:latest', '26.04'], ['ubuntu:resolute', '26.04'], ['ubuntu:stonking', '26.10'], ['wordpress:7.0-php8.4-fpm-alpine', '7.0.4'], ['wordpress:6.9', '6.9.4'], ['curlimages/curl:8.23.0', '8.23.0'], ['curlimages/curl:8.20.0', '8.20.0'],
		['registry.k8s.io/kube-proxy:v1.37.1', '1.37.1'], ['registry.k8s.io/kube-proxy:v1.36.4', '1.36.4'], ['registry.k8s.io/kube-proxy:v1.33.13', '1.33.13'], ['registry.k8s.io/kube-proxy:v1.34.11', '1.34.11'],
		['registry.k8s.io/coredns/coredns:v1.13.2', '1.13.2'], ['registry.k8s.io/pause:3.10.2', '3.10.2'], ['registry.k8s.io/pause:3.4.1', '3.4.1'], ['registry.k8s.io/e2e-test-images/agnhost:2.66.1', '2.66.1'], ['registry.k8s.io/e2e-test-images/agnhost:2.62', '2.62'],
	];
	for (const [image, version] of pulls) {
		const resolved = resolveImage(image);
		t.true(resolved.ok, image);
		if (resolved.ok) t.is(resolved.image.version, version, image);
	}
	// One past the newest release of every series, in every repository of the table, is not a tag.
	const past: string[] = [];
	for (const [repository, rules] of Object.entries(releaseTable)) {
		for (const newest of rules.series.trim().split(/\s+/)) {
			const parts = newest.split('.').map(Number);
			parts[parts.length - 1]!++;
			past.push(`${repository}:${rules.prefix ?? ''}${parts.join('.')}`);
		}
	}
	t.true(past.includes('docker.io/library/nginx:1.30.8') && past.includes('docker.io/library/nginx:1.31.11'));
	for (const image of [...past, 'nginx:1.32', 'nginx:1.32.0', 'nginx:1.30.8-alpine', 'nginx:stable-alpine3.25', 'httpd:2.4.70', 'busybox:1.39', 'alpine:3.25', 'debian:14', 'redis:8.14', 'postgres:19.1', 'postgres:20',
		'mysql:26.8', 'perl:5.46', 'python:3.15.1', 'python:3.16', 'node:27', 'node:26.14', 'wordpress:7.2', 'curlimages/curl:8.24.0', 'registry.k8s.io/kube-proxy:v1.38.0', 'registry.k8s.io/kube-proxy:v1.37.2',
		'ubuntu:27.04', 'registry.k8s.io/pause:3.4', 'registry.k8s.io/pause:3.10.3', 'registry.k8s.io/pause:3.11', 'registry.k8s.io/e2e-test-images/agnhost:2.66.2', 'registry.k8s.io/coredns/coredns:v1.14.0']) {
		const reference = parseImageReference(image);
		const name = typeof reference === 'string' ? image : reference.normalized;
		t.deepEqual(resolveImage(image), {ok: false, reason: 'ErrImagePull', message: notFound(name)}, image);
	}
});

test('a repository an edit or two from a known one is denied as a registry denies a repository that does not exist', t => {
	t.deepEqual(resolveImage('ngnix'), {ok: false, reason: 'ErrImagePull', message: dockerHubDenied('docker.io/library/ngnix:latest')});
	t.deepEqual(resolveImage('reddis:7'), {ok: false, reason: 'ErrImagePull', message: dockerHubDenied('docker.io/library/reddis:7')});
	for (const image of ['nginxx:1.25', 'ngimx', 'bussybox', 'postgress:16', 'mysq:8.0', 'registry.k8s.io/pasue:3.9', 'gcr.io/google-samples/hello-ap:1.0']) {
		const resolved = resolveImage(image);
		t.false(resolved.ok, image);
		if (!resolved.ok) t.regex(resolved.message, /(pull access denied, repository does not exist or may require authorization)/, image);
	}
});

test('real repositories close to known names are not taken for typos', t => {
	for (const image of ['mongo:7', 'mariadb:11', 'php:8.3-apache', 'pypy:3', 'nats:2', 'rust:1', 'bash:5', 'caddy:2', 'golang:1.23', 'haproxy:3.0', 'memcached:1.6', 'rabbitmq:3-management', 'traefik:v3.1', 'redmine:6', 'docker:27-dind', 'gcc:14', 'ruby:3.3', 'postgis/postgis:16-3.4', 'bitnami/redis:7.2', 'nginxinc/nginx-unprivileged:1.27', 'redis/redis-stack:latest', 'registry.k8s.io/kube-apiserver:v1.31.2', 'registry.k8s.io/e2e-test-images/busybox:1.29-4', 'grafana/grafana:11.3.0', 'prom/prometheus:v2.55.0']) {
		const resolved = resolveImage(image);
		t.true(resolved.ok && resolved.image.spec.generic === true, image);
	}
});

test('any other repository resolves to a generic image, unless strict, when it fails as its registry would', t => {
	for (const image of ['acme/shop-api:2.3', 'ghcr.io/team/app:1.0', 'mongo:7', 'registry.example.com/team/app:2', 'localhost:5000/app', 'myregistry.io:8443/a/b/c@sha256:' + 'ab'.repeat(32)]) {
		const resolved = resolveImage(image);
		t.true(resolved.ok && resolved.image.spec.generic === true, image);
	}
	const shop = resolveImage('acme/shop-api:2.3');
	t.true(shop.ok && shop.image.tag === '2.3' && shop.image.reference.repository === 'docker.io/acme/shop-api' && shop.image.size > 0);
	t.deepEqual(resolveImage('acme/shop-api:2.3', {strict: true}), {ok: false, reason: 'ErrImagePull', message: dockerHubDenied('docker.io/acme/shop-api:2.3')});
	t.deepEqual(resolveImage('ghcr.io/team/app:1.0', {strict: true}), {ok: false, reason: 'ErrImagePull',
		message: 'rpc error: code = Unknown desc = failed to pull and unpack image "ghcr.io/team/app:1.0": failed to resolve reference "ghcr.io/team/app:1.0": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%3Ateam%2Fapp%3Apull&service=ghcr.io: 401 Unauthorized'});
	t.deepEqual(resolveImage('quay.io/team/app:1.0', {strict: true}), {ok: false, reason: 'ErrImagePull',
		message: 'rpc error: code = Unknown desc = failed to pull and unpack image "quay.io/team/app:1.0": failed to resolve reference "quay.io/team/app:1.0": pulling from host quay.io failed with status code [manifests 1.0]: 401 UNAUTHORIZED'});
	t.deepEqual(resolveImage('registry.example.com/team/app:2', {strict: true}), {ok: false, reason: 'ErrImagePull',
		message: 'rpc error: code = Unknown desc = failed to pull and unpack image "registry.example.com/team/app:2": failed to resolve reference "registry.example.com/team/app:2": failed to do request: Head "https://registry.example.com/v2/team/app/manifests/2": dial tcp: lookup registry.example.com: no such host'});
	t.deepEqual(resolveImage('localhost:5000/app', {strict: true}), {ok: false, reason: 'ErrImagePull',
		message: 'rpc error: code = Unknown desc = failed to pull and unpack image "localhost:5000/app:latest": failed to resolve reference "localhost:5000/app:latest": failed to do request: Head "https://localhost:5000/v2/app/manifests/latest": dial tcp 127.0.0.1:5000: connect: connection refused'});
	// k8s.gcr.io redirects to registry.k8s.io.
	const pause = resolveImage('k8s.gcr.io/pause:3.9', {strict: true});
	t.true(pause.ok && pause.image.spec.repository === 'registry.k8s.io/pause' && pause.image.reference.normalized === 'k8s.gcr.io/pause:3.9');
	// Known repositories stay known when strict.
	t.true(resolveImage('nginx:1.26', {strict: true}).ok);
	// Reserved names never resolve, strict or not.
	t.deepEqual(resolveImage('no-such-registry.invalid/nope:1'), {ok: false, reason: 'ErrImagePull',
		message: 'rpc error: code = Unknown desc = failed to pull and unpack image "no-such-registry.invalid/nope:1": failed to resolve reference "no-such-registry.invalid/nope:1": failed to do request: Head "https://no-such-registry.invalid/v2/nope/manifests/1": dial tcp: lookup no-such-registry.invalid: no such host'});
});

test('references parse as Docker parses them: host, port, path, tag, digest', t => {
	const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
	const cases: Array<[string, {domain: string; path: string; tag: string; digest?: string; normalized: string}]> = [
		['registry.k8s.io/serve_hostname', {domain: 'registry.k8s.io', path: 'serve_hostname', tag: 'latest', normalized: 'registry.k8s.io/serve_hostname:latest'}],
		['us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5', {domain: 'us-docker.pkg.dev', path: 'google-samples/containers/gke/gb-frontend', tag: 'v5', normalized: 'us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5'}],
		['quay.io/fluentd_elasticsearch/fluentd:v5.0.1', {domain: 'quay.io', path: 'fluentd_elasticsearch/fluentd', tag: 'v5.0.1', normalized: 'quay.io/fluentd_elasticsearch/fluentd:v5.0.1'}],
		['myregistry.io:8443/team/app:1.0', {domain: 'myregistry.io:8443', path: 'team/app', tag: '1.0', normalized: 'myregistry.io:8443/team/app:1.0'}],
		[`nginx@${digest}`, {domain: 'docker.io', path: 'library/nginx', tag: '', digest, normalized: `docker.io/library/nginx@${digest}`}],
		[`nginx:1.25@${digest}`, {domain: 'docker.io', path: 'library/nginx', tag: '1.25', digest, normalized: `docker.io/library/nginx:1.25@${digest}`}],
		['docker.io/nginx', {domain: 'docker.io', path: 'library/nginx', tag: 'latest', normalized: 'docker.io/library/nginx:latest'}],
		['library/nginx:1.25', {domain: 'docker.io', path: 'library/nginx', tag: '1.25', normalized: 'docker.io/library/nginx:1.25'}],
		['[::1]:5000/app:2', {domain: '[::1]:5000', path: 'app', tag: '2', normalized: '[::1]:5000/app:2'}],
	];
	for (const [image, expected] of cases) t.like(parseImageReference(image), expected, image);
	for (const image of ['nginx:', 'nginx@sha256:abc', 'nginx::1', '-nginx', 'nginx/', 'a..b/c', `${'a'.repeat(256)}:1`]) t.is(typeof parseImageReference(image), 'string', image);
	// A digest the simulator did not make is a real manifest it cannot tell apart: it runs as the tag it names, or latest.
	const pinned = resolveImage(`nginx:1.25@${digest}`);
	t.true(pinned.ok && pinned.image.version === '1.25.5' && pinned.image.digest === digest.slice(7));
});
