import test from 'ava';
import fc from 'fast-check';
import {createCluster, Cluster, snapshotVersion, SnapshotError, type ClusterSnapshot} from '../../source/engine/index.js';
import {journaledCalls} from '../../source/engine/cluster.js';
import {sameJsonText} from '../../source/engine/snapshot.js';

function saved(): ClusterSnapshot {
	const cluster = createCluster({seed: 4, nodes: 2});
	cluster.apply({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {replicas: 2, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.25'}]}}}});
	cluster.advance(20_000);
	return JSON.parse(JSON.stringify(cluster.snapshot())) as ClusterSnapshot;
}

/** `createCluster({snapshot})` with one change to good data (`restore` as given). */
function restoreWith(change: (data: any) => unknown, restore?: 'replay'): () => unknown {
	const data = saved() as any;
	const changed = change(data);
	return () => createCluster({snapshot: changed === undefined ? data : changed, restore});
}

test('a snapshot is JSON-safe data that names itself and its format version', t => {
	const snapshot = saved();
	t.is(snapshot.kind, 'KubariumSnapshot');
	t.is(snapshot.version, snapshotVersion);
	t.is(snapshotVersion, 4);
	t.deepEqual(JSON.parse(JSON.stringify(snapshot)), snapshot);
	t.true(snapshot.store.objects.some(o => o.kind === 'Deployment' && o.metadata.name === 'web'));
	t.is(snapshot.clock.now, Date.UTC(2026, 0, 1, 9, 0, 20));
	t.true(snapshot.clock.timers.length > 0, 'pending timers are listed');
	t.is(snapshot.random.state.length, 4);
});

test('a newer format version is refused with both versions named', t => {
	const error = t.throws(restoreWith(data => {
		data.version = 7;
	}), {instanceOf: SnapshotError});
	t.is(error?.message, 'snapshot version 7 is newer than this build reads (4)');
});

test('version 0, a missing version and a missing kind are refused', t => {
	t.is(t.throws(restoreWith(data => {
		data.version = 0;
	}), {instanceOf: SnapshotError})?.message, 'snapshot.version: expected a format version (a whole number from 1), got number 0');
	t.is(t.throws(restoreWith(data => {
		delete data.version;
	}), {instanceOf: SnapshotError})?.message, 'snapshot.version: expected a format version (a whole number from 1), got nothing');
	t.is(t.throws(restoreWith(data => {
		delete data.kind;
	}), {instanceOf: SnapshotError})?.message, 'snapshot.kind: expected "KubariumSnapshot", got nothing: this is not a Kubarium snapshot');
	t.is(t.throws(restoreWith(data => {
		data.kind = 'Deployment';
	}), {instanceOf: SnapshotError})?.message, 'snapshot.kind: expected "KubariumSnapshot", got the string "Deployment": this is not a Kubarium snapshot');
});

test('data that is not an object is refused', t => {
	for (const [value, got] of [[null, 'null'], [[], 'an array'], ['{}', 'the string "{}"'], [42, 'number 42']] as const) {
		t.is(t.throws(() => createCluster({snapshot: value}), {instanceOf: SnapshotError})?.message, `snapshot: expected an object, got ${got}`);
	}
});

test('the wrong shape is refused with its path', t => {
	const cases: Array<[string, (data: any) => unknown]> = [
		['snapshot.store.objects: expected an array, got null', data => {
			data.store.objects = null;
		}],
		['snapshot.store: expected an object, got nothing', data => {
			delete data.store;
		}],
		['snapshot.store.objects[3].metadata: expected an object, got the string "x"', data => {
			data.store.objects[3].metadata = 'x';
		}],
		['snapshot.journal[0].call: expected a string, got number 3', data => {
			data.journal[0].call = 3;
		}],
		['snapshot.journal[1].args: expected an array, got an object', data => {
			data.journal[1].args = {};
		}],
		['snapshot.clock.now: expected a finite number, got the string "soon"', data => {
			data.clock.now = 'soon';
		}],
		['snapshot.clock.timers[0].seq: expected a non-negative integer, got number -1', data => {
			data.clock.timers[0].seq = -1;
		}],
		['snapshot.options.nodes: expected a non-negative integer, got the string "3"', data => {
			data.options.nodes = '3';
		}],
		['snapshot.options.demo: expected a boolean, got the string "yes"', data => {
			data.options.demo = 'yes';
		}],
		['snapshot.random.state[2]: expected a finite number, got null', data => {
			data.random.state[2] = null;
		}],
		['snapshot.volumes: expected an array, got an object', data => {
			data.volumes = {};
		}],
		['snapshot.applied[0][1]: expected an object, got number 3', data => {
			data.applied[0][1] = 3;
		}],
	];
	for (const [message, change] of cases) {
		t.is(t.throws(restoreWith(change), {instanceOf: SnapshotError})?.message, message);
	}
});

test('a replayed snapshot whose saved state the journal does not reach is refused, not restored into another cluster', t => {
	const edited = t.throws(restoreWith(data => {
		const deployment = data.store.objects.find((o: any) => o.kind === 'Deployment');
		deployment.spec.replicas = 5;
	}, 'replay'), {instanceOf: SnapshotError});
	t.regex(edited?.message ?? '', /^snapshot\.store\.objects: Deployment default\/web differs after the replay; the snapshot was saved by a build whose engine behaves differently/);
	const later = t.throws(restoreWith(data => {
		data.clock.now += 1000;
	}, 'replay'), {instanceOf: SnapshotError});
	t.is(later?.message, 'snapshot.clock.now: differs after the replay; the snapshot was saved by a build whose engine behaves differently, and cannot be restored by this one');
	const unknown = t.throws(restoreWith(data => {
		data.journal.push({call: 'format', args: []});
	}, 'replay'), {instanceOf: SnapshotError});
	t.is(unknown?.message, 'snapshot.journal: unknown call "format"');
	const flipped = t.throws(restoreWith(data => {
		data.journal[0].threw = true;
	}, 'replay'), {instanceOf: SnapshotError});
	t.regex(flipped?.message ?? '', /^snapshot\.journal\[0\]: apply succeeds on replay where it failed; /);
	const part = t.throws(restoreWith(data => {
		const [, heartbeat] = data.state.parts.find(([name]: [string]) => name === 'heartbeat');
		heartbeat.faults = [['x', 'network']];
	}, 'replay'), {instanceOf: SnapshotError});
	t.is(part?.message, 'snapshot.state.parts: part heartbeat differs after the replay; the snapshot was saved by a build whose engine behaves differently, and cannot be restored by this one');
});

test('pending timers are saved as what they are, and a replay that leaves another timer pending is refused with the first that differs', t => {
	const snapshot = saved();
	const kinds = new Set(snapshot.clock.timers.map(timer => timer.kind));
	t.true(kinds.has('kubelet.heartbeat'), 'a node\'s next beat');
	t.true(kinds.has('nodeLifecycle.monitor'), 'the node monitor');
	const beat = snapshot.clock.timers.findIndex(timer => timer.kind === 'kubelet.heartbeat');
	t.is(typeof snapshot.clock.timers[beat]!.arg, 'string', 'a beat names its node');
	const error = t.throws(restoreWith(data => {
		data.clock.timers[beat].arg = 'node-9';
	}, 'replay'), {instanceOf: SnapshotError});
	const at = snapshot.clock.timers[beat]!;
	const when = new Date(at.at).toISOString().replace('Z', '000Z');
	t.is(error?.message, `snapshot.clock.timers[${beat}]: the snapshot has a kubelet.heartbeat timer ("node-9") at ${when} (#${at.seq}), the replay a kubelet.heartbeat timer (${JSON.stringify(at.arg)}) at ${when} (#${at.seq}) after the replay; the snapshot was saved by a build whose engine behaves differently, and cannot be restored by this one`);
	t.is(t.throws(restoreWith(data => {
		delete data.clock.timers[0].kind;
	}), {instanceOf: SnapshotError})?.message, 'snapshot.clock.timers[0].kind: expected a string, got nothing');
});

test('the options come from the snapshot: others given beside it are not read', t => {
	const snapshot = saved();
	const restored = createCluster({snapshot, seed: 99, nodes: 5, demo: true});
	t.is(restored.seed, 4);
	t.is(restored.list('nodes').length, 2);
	t.is(restored.list('deployments').length, 1);
});

test('a snapshot taken inside a call is refused (a watch listener that snapshots mid-advance)', t => {
	const cluster = createCluster({seed: 2});
	let error: unknown;
	const stop = cluster.watch(() => {
		error ??= (() => {
			try {
				cluster.snapshot();
			} catch (caught) {
				return caught;
			}
			return undefined;
		})();
	});
	cluster.apply({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'c'}, data: {a: '1'}});
	stop();
	t.is((error as Error | undefined)?.message, 'snapshot: the cluster is in the middle of a call');
	t.notThrows(() => cluster.snapshot());
});

test('a looping busybox container writing into a volume continues after a restore as it would have', t => {
	const cluster = createCluster({seed: 8});
	cluster.apply([
		{apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: {name: 'logs'}, spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1Gi'}}}},
		{
			apiVersion: 'v1', kind: 'Pod', metadata: {name: 'writer'},
			spec: {
				volumes: [{name: 'data', persistentVolumeClaim: {claimName: 'logs'}}],
				containers: [{name: 'writer', image: 'busybox:1.36', volumeMounts: [{name: 'data', mountPath: '/data'}], command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "tick $i" >> /data/log.txt; sleep 5; done']}],
			},
		},
	]);
	cluster.advance(32_000);
	const ticks = (c: typeof cluster) => c.exec('writer', ['cat', '/data/log.txt']).stdout.trim().split('\n');
	const before = ticks(cluster);
	t.true(before.length >= 3);
	const restored = createCluster({snapshot: JSON.parse(JSON.stringify(cluster.snapshot()))});
	t.deepEqual(ticks(restored), ticks(cluster));
	cluster.advance(20_000);
	restored.advance(20_000);
	const after = ticks(restored);
	t.is(after.length, before.length + 4, 'four more passes of the loop, 5 s apart');
	t.is(after.at(-1), `tick ${after.length}`);
	t.deepEqual(after, ticks(cluster));
	t.deepEqual(restored.volumeData('logs'), cluster.volumeData('logs'));
});

test('every method of the facade is either journaled for snapshots or a query that changes nothing', t => {
	const queries = new Set([
		'constructor', 'now', 'get', 'list', 'resourceTypes', 'resolveResource', 'volumeData', 'replication', 'drainStatus', 'trafficStats',
		'rolloutHistory', 'behindMs', 'watch', 'authorize', 'escalation', 'rulesFor', 'eventsFor', 'logs', 'syscalls', 'criLog', 'podMetrics',
		'metrics', 'scrapeMetrics', 'clusterMetrics', 'nodeMetrics', 'controllerErrors', 'snapshot', 'snapshotInSteps',
		'certificateAuthority', 'clientCertificateUser', 'issueServingCertificate',
		// The host's configuration, kept out of snapshots and journals as the key it takes.
		'useCertificateAuthority',
		// Journal themselves.
		'advance', 'openShell',
		// A check that changes nothing when every part saves all it keeps (what state-parts.test.ts requires).
		'reloadParts',
		// Private helpers of the calls above.
		'saveOwnState', 'loadOwnState', 'saveShells', 'loadShells', 'facadeShell', 'serveCustomKinds', 'startLoadingState', 'loadObjectsSlice', 'loadStateSlice',
		'journaled', 'journalPush', 'finishSnapshot', 'snapshotSteps', 'partsThroughJson', 'volumeSnapshots', 'replaySlice', 'replayAdvance', 'replayProgress', 'checkReplay', 'replayEntry', 'loadBase', 'addOptionalObjects', 'advanceBy', 'applyDocuments', 'prepareDocument', 'admitted', 'runQueues', 'behind',
	]);
	const journaled = new Set<string>(journaledCalls);
	const unclassified = Object.getOwnPropertyNames(Cluster.prototype)
		.filter(name => typeof Object.getOwnPropertyDescriptor(Cluster.prototype, name)?.value === 'function')
		.filter(name => !queries.has(name) && !journaled.has(name));
	t.deepEqual(unclassified, [], 'a command that changes the cluster goes in journaledCalls (source/engine/cluster.ts); a query in this list');
});

test('version 1 (no base) and 2 (timers by time and number) snapshots are still read and restored exactly; a base in a version 1 one is refused', t => {
	const snapshot = saved() as any;
	snapshot.version = 1;
	// The state of every part is saved from version 4 on.
	delete snapshot.state;
	const restored = createCluster({snapshot});
	t.is(restored.get('deploy', 'web')?.spec.replicas, 2);
	t.false('base' in restored.snapshot(), 'a cluster made from its options has no base');
	// Versions 1 and 2 record timers by time and number only: those are compared.
	const untyped = saved() as any;
	untyped.version = 2;
	delete untyped.state;
	untyped.clock.timers = untyped.clock.timers.map(({at, seq}: any) => ({at, seq}));
	t.deepEqual(createCluster({snapshot: untyped}).snapshot().clock.timers, saved().clock.timers);
	untyped.clock.timers[0].seq += 1000;
	t.regex(t.throws(() => createCluster({snapshot: untyped}), {instanceOf: SnapshotError})?.message ?? '', /^snapshot\.clock\.timers\[0\]: the snapshot has a timer at \S+ \(#\d+\), the replay a timer at \S+ \(#\d+\) after the replay;/);
	t.is(t.throws(restoreWith(data => {
		data.version = 1;
		data.base = {};
	}), {instanceOf: SnapshotError})?.message, 'snapshot.base: expected nothing in a version 1 snapshot, got an object');
});

test('the base of a snapshot is checked with its paths', t => {
	const withBase = () => {
		const snapshot = JSON.parse(JSON.stringify(createCluster({snapshot: saved(), restore: 'objects'}).snapshot()));
		t.truthy(snapshot.base);
		return snapshot;
	};
	const cases: Array<[string, (data: any) => void]> = [
		['snapshot.base.store.objects: expected an array, got null', data => {
			data.base.store.objects = null;
		}],
		['snapshot.base.store.resourceVersion: expected a whole number as a string, got the string "x1"', data => {
			data.base.store.resourceVersion = 'x1';
		}],
		['snapshot.base.clock.now: expected a finite number, got nothing', data => {
			delete data.base.clock.now;
		}],
		['snapshot.base.random.state[0]: expected a finite number, got the string "0"', data => {
			data.base.random.state[0] = '0';
		}],
		['snapshot.base.volumes: expected an array, got nothing', data => {
			delete data.base.volumes;
		}],
		['snapshot.base.store.objects[1].metadata.uid: expected a non-empty string', data => {
			delete data.base.store.objects[1].metadata.uid;
		}],
	];
	for (const [message, change] of cases) {
		const data = withBase();
		change(data);
		t.is(t.throws(() => createCluster({snapshot: data, restore: 'replay'}), {instanceOf: SnapshotError})?.message, message);
	}
});

test('a replay tells onReplay how far it is, after each timer; the cluster is the same as without it, and the option is not saved', t => {
	const snapshot = saved();
	const heard: Array<[number, number]> = [];
	const restored = createCluster({snapshot, restore: 'replay', onReplay: (replayed, total) => heard.push([replayed, total])});
	t.true(heard.length > 20, `${heard.length} reports for 20 s of a Deployment starting`);
	t.true(heard.every(([, total]) => total === 20_000), 'all of it: the 20 s the saved cluster ran');
	t.true(heard.every(([replayed], i) => replayed >= 0 && replayed <= 20_000 && (i === 0 || replayed >= heard[i - 1]![0])), 'never back, never past the end');
	t.true(heard.at(-1)![0] > 15_000);
	const plain = createCluster({snapshot});
	t.deepEqual(JSON.parse(JSON.stringify(restored.snapshot())), JSON.parse(JSON.stringify(plain.snapshot())));
	t.false('onReplay' in restored.snapshot().options);
	heard.length = 0;
	createCluster({snapshot, restore: 'objects', onReplay: (replayed, total) => heard.push([replayed, total])});
	t.deepEqual(heard, [], 'a restore from objects replays nothing');
	createCluster({snapshot, onReplay: (replayed, total) => heard.push([replayed, total])});
	t.deepEqual(heard, [], 'nor does one that loads the saved state');
	t.throws(() => createCluster({snapshot, onReplay: 5 as never}), {message: 'onReplay: must be a function, got number'});
});

test('two objects compare as their JSON texts do, key order, left-out values and numbers JSON cannot write included, without making the texts', t => {
	const {value} = fc.letrec(tie => ({
		value: fc.oneof(
			{depthSize: 'small', withCrossShrink: true},
			fc.constantFrom(undefined, null, 0, -0, Number.NaN, Number.POSITIVE_INFINITY, 1, 2, 'a', 'b', '', true, false),
			fc.array(tie('value'), {maxLength: 3}),
			fc.dictionary(fc.constantFrom('a', 'b', 'c', '1', '2', '__proto__'), tie('value'), {maxKeys: 4}),
		),
	}));
	/** The same value with every object's keys given in reverse order. */
	const reversed = (v: unknown): unknown => {
		if (Array.isArray(v)) return v.map(reversed);
		if (typeof v !== 'object' || v === null) return v;
		return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)]));
	};
	const agrees = (a: unknown, b: unknown) => sameJsonText(a, b) === (JSON.stringify(a) === JSON.stringify(b));
	fc.assert(fc.property(value, value, (a, b) => agrees(a, b) && agrees(a, reversed(a)) && agrees(a, JSON.parse(JSON.stringify(a) ?? 'null'))), {numRuns: 5000});
	t.true(sameJsonText({a: 1, b: undefined, c: [undefined, Number.NaN]}, {a: 1, c: [null, null]}));
	t.false(sameJsonText({a: 1, b: 2}, {b: 2, a: 1}), 'the same fields in another order are another text');
	const inheriting = Object.assign(Object.create({inherited: 1}) as Record<string, unknown>, {a: 1});
	t.true(sameJsonText(inheriting, {a: 1}), 'an inherited field is not written');
});

test('a saved object the API server could not have stored is refused naming it and the field, from its state and from its objects', t => {
	const at = (data: any, kind: string) => data.store.objects.findIndex((o: any) => o.kind === kind && o.metadata.namespace === 'default');
	const cases: Array<[RegExp, (data: any) => void]> = [
		[/^snapshot\.store\.objects\[(\d+)\]: Deployment\.apps "web" is invalid: .*selector/, data => {
			delete data.store.objects[at(data, 'Deployment')].spec.selector;
		}],
		[/^snapshot\.store\.objects\[(\d+)\]: Deployment in version "v1" cannot be handled as a Deployment: .*labels/, data => {
			data.store.objects[at(data, 'Deployment')].spec.template.metadata.labels.app = ['web'];
		}],
		[/^snapshot\.store\.objects\[(\d+)\]: Pod "web-[a-z0-9]+-[a-z0-9]+" is invalid: spec\.containers\[0\]\.resources\.limits\[memory\]: Invalid value: "lots": must be a valid quantity/, data => {
			data.store.objects[at(data, 'Pod')].spec.containers[0].resources = {limits: {memory: 'lots'}};
		}],
		[/^snapshot\.store\.objects\[(\d+)\]: Pod in version "v1" cannot be handled as a Pod: .*nodeName/, data => {
			data.store.objects[at(data, 'Pod')].spec.nodeName = 7;
		}],
		// An address that is no text would reach the Endpoints the controller writes, and a file saved after could not be opened again.
		[/^snapshot\.store\.objects\[(\d+)\]: Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal bool into Go struct field PodStatus\.status\.podIP of type string/, data => {
			data.store.objects[at(data, 'Pod')].status.podIP = true;
		}],
		// A probe run every -1 s would never let the kubelet's clock move on.
		[/^snapshot\.store\.objects\[(\d+)\]: Pod "web-[a-z0-9]+-[a-z0-9]+" is invalid: spec\.containers\[0\]\.livenessProbe\.periodSeconds: Invalid value: -1: must be greater than or equal to 0/, data => {
			data.store.objects[at(data, 'Pod')].spec.containers[0].livenessProbe = {exec: {command: ['true']}, periodSeconds: -1, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3};
		}],
	];
	for (const [message, change] of cases) {
		for (const restore of [undefined, 'objects'] as const) {
			const data = saved() as any;
			change(data);
			const error = t.throws(() => createCluster({snapshot: data, restore}), {instanceOf: SnapshotError});
			t.regex(error?.message ?? '', message, restore ?? 'state');
		}
	}
	t.is(createCluster({snapshot: saved()}).list('Pod').length, 2, 'the saved cluster itself restores');
});

test('objects the caller knows are as they were stored (objectsIntact) are not judged again: the same snapshot, the same cluster', t => {
	// Judged, the key validation refuses is refused; known to be as stored, it is loaded as it is, as an API server loads what etcd holds.
	const data = saved() as any;
	data.store.objects.find((o: any) => o.kind === 'ConfigMap').data['not a key'] = 'x';
	t.throws(() => createCluster({snapshot: data}), {instanceOf: SnapshotError, message: /ConfigMap "kube-root-ca.crt" is invalid: data\[not a key\]/});
	t.is((createCluster({snapshot: data, objectsIntact: true}).get('ConfigMap', 'kube-root-ca.crt', 'default')?.data as Record<string, string> | undefined)?.['not a key'], 'x');
	// An intact snapshot restores to the same cluster either way, and the option is not recorded.
	const snapshot = saved();
	const judged = createCluster({snapshot});
	const trusted = createCluster({snapshot, objectsIntact: true});
	judged.advance(5_000);
	trusted.advance(5_000);
	t.deepEqual(JSON.parse(JSON.stringify(trusted.snapshot())), JSON.parse(JSON.stringify(judged.snapshot())));
	t.false('objectsIntact' in trusted.snapshot().options);
	t.throws(() => createCluster({snapshot, objectsIntact: 'yes' as never}), {message: 'objectsIntact: must be a boolean, got string'});
	t.throws(() => createCluster({objectsIntact: true}), {message: 'objectsIntact: there is no snapshot to restore'});
});
