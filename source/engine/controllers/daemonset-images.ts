/**
 * Registry rows for the images of kind's kube-system DaemonSets (kube-proxy
 * and the kindnet CNI agent), so their pods pull and run like the real ones:
 * long-running node agents listening on the host network.
 */
import {registerImage} from '../runtime/workloads/images.js';

const Mi = 2 ** 20;

registerImage({
	repository: 'registry.k8s.io/kube-proxy',
	tags: {
		'v1.31.2': {size: 30_200_000, version: '1.31.2'},
		'v1.31.3': {size: 30_210_000, version: '1.31.3'},
		'v1.32.0': {size: 30_900_000, version: '1.32.0'},
	},
	cmd: ['/usr/local/bin/kube-proxy'],
	serves: ['/usr/local/bin/kube-proxy', 'kube-proxy'],
	behaviour: {
		kind: 'server',
		// Metrics and health.
		ports: [10249, 10256],
		readyAfterMs: 300,
		startup: [],
		stopSignal: 'SIGTERM',
		shutdown: {afterMs: 50, exitCode: 0, lines: []},
		http: 'ok',
	},
	shell: false,
	os: 'distroless',
	memoryBytes: 18 * Mi,
	cpuMilli: 1,
});

registerImage({
	repository: 'docker.io/kindest/kindnetd',
	tags: {'v20241007-36f62932': {size: 38_600_000, version: '20241007'}},
	cmd: ['/bin/kindnetd'],
	serves: ['/bin/kindnetd', 'kindnetd'],
	behaviour: {
		kind: 'server',
		// Metrics.
		ports: [19080],
		readyAfterMs: 200,
		startup: [],
		stopSignal: 'SIGTERM',
		shutdown: {afterMs: 50, exitCode: 0, lines: []},
	},
	shell: false,
	os: 'distroless',
	memoryBytes: 12 * Mi,
	cpuMilli: 1,
});
