import fc from 'fast-check';
import {createCluster, type Cluster} from '../../source/engine/index.js';
import {callArbitrary, runCall, validManifest, type Call} from '../../fuzz/engine/calls.js';

/* Random histories for the tests that compare a cluster brought back from its state with one that never stopped. */

/** A random cluster's making: its seed, nodes, first manifests, and how its advances are sliced. */
export const history = {
	seed: fc.integer({min: 1, max: 1000}),
	nodes: fc.integer({min: 1, max: 4}),
	setup: fc.array(validManifest, {maxLength: 4}),
	// As the dashboard drives it: an advance may stop after a few timers and reconciles, owing the rest to the next.
	yieldEvery: fc.option(fc.integer({min: 1, max: 60}), {nil: undefined}),
};

/** A random history cut in two: the cluster's making, its calls (the setup's manifests applied first), and where a test cuts them (`split`, from 0 to all of them). */
export const cutHistory = fc.record({...history, calls: fc.array(callArbitrary, {minLength: 1, maxLength: 14}), at: fc.nat()})
	.map(({setup, calls, at, ...making}) => {
		const all: Call[] = [...setup.map(m => ({op: 'apply' as const, manifests: [m]})), ...calls];
		return {...making, calls: all, split: at % (all.length + 1)};
	});

/**
 * A fuzz call, as the dashboard drives an advance when `yieldEvery` is
 * given: stopped after that many timers and reconciles, owing the rest to
 * the next. A refused call is refused alike on every cluster (and journaled
 * as refused), which the comparisons check.
 */
export function runSliced(cluster: Cluster, call: Call, yieldEvery?: number): void {
	try {
		if (call.op === 'advance' && yieldEvery !== undefined) {
			let checks = 0;
			cluster.advance(call.ms, {shouldYield: () => ++checks % yieldEvery === 0});
		} else runCall(cluster, call, () => undefined);
	} catch {
		// Refused alike; compared by the caller.
	}
}

/** The same calls on both clusters, each call on one then the other, then a minute more on each: a restored or reloaded cluster beside its twin. */
export function goOnAlike(clusters: readonly [Cluster, Cluster], calls: readonly Call[], yieldEvery?: number): void {
	for (const call of calls) for (const cluster of clusters) runSliced(cluster, call, yieldEvery);
	for (const cluster of clusters) cluster.advance(60_000);
}

/** Calls that reach past the fuzz generators: rows, a shell, the drain, the CronJob, traffic. */
export type RichCall =
	| {op: 'call'; call: Call}
	| {op: 'kv'; pod: string; key: string; value: string}
	| {op: 'shell'; line: string}
	| {op: 'exec'; argv: readonly string[]}
	| {op: 'stopDrain'}
	| {op: 'trigger'}
	| {op: 'traffic'; rps: number}
	| {op: 'scaleGuarded'; replicas: number};

export const richCall: fc.Arbitrary<RichCall> = fc.oneof(
	{weight: 6, arbitrary: fc.record({op: fc.constant('call' as const), call: callArbitrary})},
	{weight: 4, arbitrary: fc.record({op: fc.constant('call' as const), call: fc.integer({min: 500, max: 60_000}).map(ms => ({op: 'advance' as const, ms}))})},
	{weight: 3, arbitrary: fc.record({op: fc.constant('kv' as const), pod: fc.constantFrom('db-0', 'db-1'), key: fc.constantFrom('a', 'b', 'c'), value: fc.constantFrom('1', '2', 'x y')})},
	{weight: 2, arbitrary: fc.record({op: fc.constant('shell' as const), line: fc.constantFrom('cd /data && echo hi >> shell.txt', 'export X=1; echo $X > /data/x', 'ls /data', 'exit')})},
	{weight: 1, arbitrary: fc.record({op: fc.constant('exec' as const), argv: fc.constantFrom(['cat', '/data/log.txt'], ['sh', '-c', 'echo exec >> /data/log.txt'], ['rm', '/data/x'])})},
	{weight: 1, arbitrary: fc.constant({op: 'stopDrain' as const})},
	{weight: 1, arbitrary: fc.constant({op: 'trigger' as const})},
	{weight: 1, arbitrary: fc.record({op: fc.constant('traffic' as const), rps: fc.constantFrom(0, 3, 20)})},
	{weight: 1, arbitrary: fc.record({op: fc.constant('scaleGuarded' as const), replicas: fc.integer({min: 1, max: 4})})},
);

export const shop = {namespace: 'shop'};

/** The demo, plus a busybox loop writing into a volume, a disruption budget that holds a drain, a CronJob every minute, traffic and rows. */
export function richCluster(seed: number): Cluster {
	const cluster = createCluster({demo: true, seed});
	cluster.apply([
		{apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: {name: 'logs', namespace: 'shop'}, spec: {accessModes: ['ReadWriteOnce'], resources: {requests: {storage: '1Gi'}}}},
		{
			apiVersion: 'v1', kind: 'Pod', metadata: {name: 'writer', namespace: 'shop', labels: {app: 'writer'}},
			spec: {
				volumes: [{name: 'data', persistentVolumeClaim: {claimName: 'logs'}}],
				containers: [{
					name: 'writer', image: 'busybox:1.36', volumeMounts: [{name: 'data', mountPath: '/data'}],
					command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "tick $i $(date)" >> /data/log.txt; sleep 3; done'],
				}],
			},
		},
		{
			apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'guarded', namespace: 'shop'},
			spec: {replicas: 2, selector: {matchLabels: {app: 'guarded'}}, template: {metadata: {labels: {app: 'guarded'}}, spec: {containers: [{name: 'main', image: 'nginx:1.25'}]}}},
		},
		{apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'guarded', namespace: 'shop'}, spec: {minAvailable: 2, selector: {matchLabels: {app: 'guarded'}}}},
		{
			apiVersion: 'batch/v1', kind: 'CronJob', metadata: {name: 'minutely', namespace: 'shop'},
			spec: {schedule: '*/1 * * * *', jobTemplate: {spec: {template: {spec: {restartPolicy: 'Never', containers: [{name: 'tick', image: 'busybox:1.36', command: ['sh', '-c', 'echo tick; sleep 20']}]}}}}},
		},
	]);
	cluster.advance(90_000);
	cluster.exec('db-0', ['kv', 'set', 'greeting', 'hello'], shop);
	const node = cluster.list('pods', {namespace: 'shop', labelSelector: 'app=guarded'})[0]?.spec?.nodeName;
	if (node) cluster.drain(node, {ignoreDaemonSets: true, deleteEmptyDirData: true, force: true});
	cluster.startTraffic('web', {...shop, rps: 10});
	cluster.advance(7000);
	return cluster;
}

export function runRich(cluster: Cluster, call: RichCall, shell: {session?: ReturnType<Cluster['openShell']>['session']}): void {
	try {
		switch (call.op) {
			case 'call':
				runCall(cluster, call.call, () => undefined);
				return;
			case 'kv':
				cluster.exec(call.pod, ['kv', 'set', call.key, call.value], shop);
				return;
			case 'shell':
				shell.session ??= cluster.openShell('writer', ['sh'], shop).session;
				if (shell.session?.run(call.line).exited) shell.session = undefined;
				return;
			case 'exec':
				cluster.exec('writer', call.argv, shop);
				return;
			case 'stopDrain': {
				const drained = cluster.list('nodes').find(n => (n.spec as {unschedulable?: boolean} | undefined)?.unschedulable);
				if (drained) cluster.stopDrain(drained.metadata.name);
				return;
			}
			case 'trigger':
				cluster.triggerCronJob('minutely', shop);
				return;
			case 'traffic':
				if (call.rps === 0) cluster.stopTraffic('web', shop);
				else cluster.startTraffic('web', {...shop, rps: call.rps});
				return;
			case 'scaleGuarded':
				cluster.scale('deploy', 'guarded', call.replicas, shop);
				return;
		}
	} catch {
		// A refused call changes nothing; both clusters must refuse it alike, which the comparison checks.
	}
}

/** Who holds a shell in the rich demo (`runRich` opens one when a call needs it). */
export type HeldShell = {session?: ReturnType<Cluster['openShell']>['session']};

/**
 * The rich calls on a cluster and on the one restored from it: a shell
 * open across the restore is gone with the old process, so both users open
 * a new one; then `ms` more on each.
 */
export function goOnAlikeRich(clusters: readonly [Cluster, Cluster], calls: readonly RichCall[], shells: readonly [HeldShell, HeldShell], ms: number): void {
	shells[0].session = undefined;
	for (const call of calls) {
		runRich(clusters[0], call, shells[0]);
		runRich(clusters[1], call, shells[1]);
	}
	for (const cluster of clusters) cluster.advance(ms);
}
