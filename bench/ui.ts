/**
 * UI benchmark: the real app component rendered by Ink into a fake 120x40
 * terminal (NODE_ENV=production).
 *  - start-up: boot (demo cluster, preferences, theme) to the first frame;
 *  - pods view and home (where the app starts) at 10,000 pods: frame time
 *    (React + layout + output, Ink's) when a pod changes and the AGE second
 *    ticks (Ink's debug mode, which renders every commit synchronously with
 *    the same output pass); for the pods view also CPU over 10 s of the real
 *    loop (x1, 100 ms ticks, one pod changing every 250 ms);
 *  - the usage scrape at scale: the longest piece the dashboard's metrics
 *    reads and loop turns spend on it, and the same scrape in one piece;
 *  - idle CPU when nothing changes: the demo cluster paused, the loop running;
 *  - the same figures at 100,000 pods (section `view 100k`).
 */
import {EventEmitter} from 'node:events';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PerformanceObserver} from 'node:perf_hooks';
import type {BenchRow, BenchSection} from './run.js';
import {formatMs, median} from './measure.js';
import {limitHeapGrowth} from '../source/start/heap.js';

class FakeStdout extends EventEmitter {
	columns = 120;
	rows = 40;
	isTTY = true;
	frames = 0;
	bytes = 0;
	firstFrameAt: number | undefined;
	write = (chunk: string) => {
		this.frames++;
		this.bytes += chunk.length;
		this.firstFrameAt ??= performance.now();
		return true;
	};
}

class FakeStdin extends EventEmitter {
	isTTY = true;
	setEncoding() {}
	setRawMode() {}
	resume() {}
	pause() {}
	ref() {}
	unref() {}
	read() {
		return null;
	}
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function cpuPercent(start: NodeJS.CpuUsage, wallMs: number): number {
	const used = process.cpuUsage(start);
	return ((used.user + used.system) / 1000 / wallMs) * 100;
}

/** Ink, the app and the engine, loaded once CI is cleared (Ink draws nothing when it thinks it runs in CI). */
async function load() {
	delete process.env['CI'];
	delete process.env['CONTINUOUS_INTEGRATION'];
	const React = (await import('react')).default;
	const {render} = await import('ink');
	const {App} = await import('../source/ui/app/app.js');
	const {boot} = await import('../source/ui/boot.js');
	const {createCluster} = await import('../source/engine/index.js');
	const {ClusterModel} = await import('../source/ui/model/cluster-model.js');
	const configDir = () => mkdtempSync(join(tmpdir(), 'kubarium-bench-'));

	const mount = (booted: Awaited<ReturnType<typeof boot>>, options: {maxFps: number; view: string; namespace?: string; debug?: boolean; onRender?: (metrics: {renderTime: number}) => void}) => {
		const stdout = new FakeStdout();
		const stdin = new FakeStdin();
		const instance = render(
			React.createElement(App, {
				cluster: booted.source, model: booted.model, simulation: booted.simulation, prefs: booted.prefs, theme: booted.theme,
				namespace: options.namespace ?? booted.namespace, configDir: booted.configDir, initialView: options.view,
			}),
			{stdout: stdout as never, stdin: stdin as never, stderr: new FakeStdout() as never, exitOnCtrlC: false, patchConsole: false, maxFps: options.maxFps, debug: options.debug ?? false, onRender: options.onRender},
		);
		return {stdout, instance};
	};
	return {boot, createCluster, ClusterModel, configDir, mount};
}

type Loaded = Awaited<ReturnType<typeof load>>;

async function run(): Promise<BenchRow[]> {
	const loaded = await load();
	const {boot, createCluster, configDir, mount} = loaded;
	const rows: BenchRow[] = [];

	// Start-up: flags already parsed; boot + first frame, as cli.tsx does.
	{
		const start = performance.now();
		const booted = boot({readonly: false, help: false, version: false, configDir: configDir(), speed: 0}, {});
		const booting = performance.now() - start;
		const {stdout, instance} = mount(booted, {maxFps: 30, view: 'home'});
		const first = (stdout.firstFrameAt ?? performance.now()) - start;
		rows.push({name: 'start-up to first frame (demo cluster, home)', value: formatMs(first), aim: '< 1 s'});
		rows.push({name: '  of which boot (cluster with demo workloads, prefs, theme)', value: formatMs(booting)});

		// Idle: paused, loop ticking, nothing changes.
		booted.simulation.start();
		await sleep(500);
		const framesBefore = stdout.frames;
		const cpu = process.cpuUsage();
		const wall = performance.now();
		await sleep(5000);
		rows.push({name: 'idle CPU, paused, nothing changes (home, 5 s)', value: `${cpuPercent(cpu, performance.now() - wall).toFixed(1)} % (${stdout.frames - framesBefore} frames)`, aim: '< 2 %'});
		booted.simulation.stop();
		instance.unmount();
		booted.model.dispose();
	}

	// 10,000 pods: 100 nodes, 100 Deployments × 100 replicas, converged.
	rows.push(...await podsView(loaded, convergedCluster(createCluster, 100, 100, 100)));
	return rows;
}

/** `deployments × replicas` pods of nginx on `nodes` nodes, advanced until all are Running (at most two virtual hours). */
function convergedCluster(createCluster: Loaded['createCluster'], deployments: number, replicas: number, nodes: number) {
	const cluster = createCluster({seed: 1, nodes});
	cluster.apply(Array.from({length: deployments}, (_, i) => ({
		apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: `app-${i}`, namespace: 'default'},
		spec: {replicas, selector: {matchLabels: {app: `app-${i}`}}, template: {metadata: {labels: {app: `app-${i}`}}, spec: {containers: [{name: 'web', image: 'nginx:1.25'}]}}},
	})));
	// The ReplicaSets make 20 pods a second between them (kube-controller-manager's client limit).
	for (let i = 0; i < 7200; i++) {
		cluster.advance(1000);
		if (i < 30 || i % 30 !== 0) continue;
		const pods = cluster.list('Pod');
		if (pods.length === deployments * replicas && pods.every(pod => pod.status?.['phase'] === 'Running')) break;
	}
	return cluster;
}

/**
 * The pods view over every namespace of `cluster`: frame time when a pod
 * changes and the AGE second moves, CPU of the real loop at x1 with churn,
 * and idle CPU when paused.
 */
async function podsView(loaded: Loaded, cluster: ReturnType<typeof convergedCluster>): Promise<BenchRow[]> {
	const {boot, configDir, mount} = loaded;
	const rows: BenchRow[] = [];
	const podCount = cluster.list('Pod').length;
	const booted = boot({readonly: false, help: false, version: false, configDir: configDir(), speed: 0}, {}, {cluster});
	let churn = 0;
	// The pods' names, listed once: listing 100,000 pods every 250 ms would measure the harness, not the view.
	const names = cluster.list('Pod', {namespace: 'default'}).map(pod => pod.metadata.name);
	const touchPod = () => {
		const pod = cluster.context.store.get('Pod', 'default', names[(churn++ * 7919) % names.length]!);
		if (!pod) return;
		cluster.context.store.patch(pod, draft => {
			draft.metadata.labels = {...draft.metadata.labels, touched: String(churn)};
		});
	};

	rows.push(...await usagePieces(loaded, booted, podCount));
	rows.push(...await xrayTurns(booted, podCount, touchPod));

	rows.push(...await viewFrames(loaded, booted, cluster, touchPod, 'Pod'));
	// Home, where the app starts: its panels over every pod, the nodes strip and the latest events.
	rows.push(...await viewFrames(loaded, booted, cluster, touchPod, 'home'));

	// Mount to first frame, wall and CPU, then unmount.
	const timedOpen = (app: ReturnType<Loaded['boot']>) => {
		const cpu = process.cpuUsage();
		const start = performance.now();
		const {stdout, instance} = mount(app, {maxFps: 0, view: 'Pod', namespace: 'all', debug: true});
		const wall = (stdout.firstFrameAt ?? performance.now()) - start;
		const used = process.cpuUsage(cpu);
		instance.unmount();
		return `${formatMs(wall)} (${formatMs((used.user + used.system) / 1000)} CPU)`;
	};

	// Reopening: the view closed, a few pods changed meanwhile, opened again (the model kept its table: only the changes are applied).
	{
		for (let i = 0; i < 5; i++) touchPod();
		cluster.advance(1000);
		booted.simulation.advance(0);
		rows.push({name: `pods view re-open at ${podCount.toLocaleString('en')} pods (closed, 5 pods changed and a second passed, mount to first frame)`, value: timedOpen(booted), aim: '< 50 ms'});
	}

	// A new app over the same cluster, in a warm process (Ink's text measuring set up): opened at once after its boot, and after 1 s of the paused loop.
	for (const idleMs of [0, 1000]) {
		const bootCpu = process.cpuUsage();
		const bootStart = performance.now();
		const fresh = boot({readonly: false, help: false, version: false, configDir: configDir(), speed: 0}, {}, {cluster});
		const bootWall = performance.now() - bootStart;
		const bootUsed = process.cpuUsage(bootCpu);
		if (idleMs === 0) rows.push({name: `  new app's boot over the same ${podCount.toLocaleString('en')} pods (model, name orders of large kinds)`, value: `${formatMs(bootWall)} (${formatMs((bootUsed.user + bootUsed.system) / 1000)} CPU)`});
		if (idleMs > 0) {
			fresh.simulation.start();
			await sleep(idleMs);
			fresh.simulation.stop();
		}
		const when = idleMs > 0 ? 'after 1 s of the paused loop' : 'at once';
		rows.push({name: `pods view first open at ${podCount.toLocaleString('en')} pods in a new app, ${when} (warm process)`, value: timedOpen(fresh), aim: idleMs > 0 ? '< 50 ms' : undefined});
		fresh.model.dispose();
	}

	// CPU over 10 s of the real loop at x1 with a pod changing every 250 ms.
	{
		const {stdout, instance} = mount(booted, {maxFps: 30, view: 'Pod', namespace: 'all'});
		booted.simulation.setSpeed(1);
		booted.simulation.start();
		const churnTimer = setInterval(touchPod, 250);
		await sleep(1000);
		const framesBefore = stdout.frames;
		const cpu = process.cpuUsage();
		const wall = performance.now();
		await sleep(10_000);
		const elapsed = performance.now() - wall;
		rows.push({name: `pods view CPU at ${podCount.toLocaleString('en')} pods, x1, 10 s (engine included)`, value: `${cpuPercent(cpu, elapsed).toFixed(1)} % of a core, ${((stdout.frames - framesBefore) / (elapsed / 1000)).toFixed(1)} frames/s`, aim: '< 25 %'});
		clearInterval(churnTimer);
		booted.simulation.stop();

		// Idle at 10k pods: paused, nothing changes.
		booted.simulation.pause();
		await sleep(500);
		const idleFrames = stdout.frames;
		const idleCpu = process.cpuUsage();
		const idleWall = performance.now();
		booted.simulation.start();
		await sleep(5000);
		booted.simulation.stop();
		rows.push({name: `idle CPU at ${podCount.toLocaleString('en')} pods, paused (pods view, 5 s)`, value: `${cpuPercent(idleCpu, performance.now() - idleWall).toFixed(1)} % (${stdout.frames - idleFrames} frames)`, aim: '< 2 %'});
		instance.unmount();
	}
	booted.model.dispose();
	return rows;
}

/**
 * Frame time of a view over every namespace, synchronous (Ink's debug mode:
 * unthrottled, same output pass): a pod changes and the AGE second moves.
 */
async function viewFrames(loaded: Loaded, booted: ReturnType<Loaded['boot']>, cluster: ReturnType<typeof convergedCluster>, touchPod: () => void, view: 'Pod' | 'home'): Promise<BenchRow[]> {
	const rows: BenchRow[] = [];
	const podCount = cluster.list('Pod').length;
	const name = view === 'Pod' ? 'pods view' : 'home view';
	const outputPasses: number[] = [];
	const openCpu = process.cpuUsage();
	const openStart = performance.now();
	const {stdout, instance} = loaded.mount(booted, {maxFps: 0, view, namespace: 'all', debug: true, onRender: ({renderTime}) => outputPasses.push(renderTime)});
	const openWall = (stdout.firstFrameAt ?? performance.now()) - openStart;
	const openUsed = process.cpuUsage(openCpu);
	rows.push({name: `${name} open at ${podCount.toLocaleString('en')} pods (mount to first frame, metrics scrape included)`, value: `${formatMs(openWall)} (${formatMs((openUsed.user + openUsed.system) / 1000)} CPU)`});
	await sleep(300); // Let the app's effects subscribe to the simulation.
	const framesBefore = stdout.frames;
	const engineOnly: number[] = [];
	const frames: number[] = [];
	const cpuFrames: number[] = [];
	for (let i = 0; i < 30; i++) {
		touchPod();
		const a = performance.now();
		cluster.advance(1000);
		const b = performance.now();
		const drawn = stdout.frames;
		const cpuStart = process.cpuUsage();
		booted.simulation.advance(0);
		// React schedules the update; the frame is done when Ink has written it.
		while (stdout.frames === drawn) await new Promise(resolve => setImmediate(resolve));
		const c = performance.now();
		const cpuUsed = process.cpuUsage(cpuStart);
		cpuFrames.push((cpuUsed.user + cpuUsed.system) / 1000);
		engineOnly.push(b - a);
		frames.push(c - b);
	}
	if (stdout.frames - framesBefore < frames.length) throw new Error(`${name} drew ${stdout.frames - framesBefore} frames for ${frames.length} changes`);
	rows.push({name: `${name} frame at ${podCount.toLocaleString('en')} pods (change + new second: update to written frame), median`, value: formatMs(median(frames)), aim: '< 16 ms'});
	rows.push({name: '  same, p90', value: formatMs([...frames].sort((x, y) => x - y)[Math.floor(frames.length * 0.9)]!)});
	rows.push({name: '  same, CPU time per frame (unaffected by other load), median', value: formatMs(median(cpuFrames)), aim: '< 16 ms'});
	rows.push({name: '  of which Ink\'s output pass (whole 120x40 grid, fixed per frame), median', value: formatMs(median(outputPasses.slice(-frames.length)))});
	rows.push({name: '  engine advance(1000) alone, median', value: formatMs(median(engineOnly))});
	instance.unmount();
	return rows;
}

/**
 * The usage reads the dashboard makes, one by one, over 45 virtual seconds
 * (three scrape windows) at a second a frame: the model's read (which moves
 * the scrape on for a few ms) and the loop's turn (what is left of a 25 ms
 * slice, here 20 ms). The longest is what a key could wait behind; the
 * engine's one-piece scrape (`kubectl top`) is the figure before the scrape
 * went node by node.
 */
async function usagePieces(loaded: Loaded, booted: ReturnType<Loaded['boot']>, podCount: number): Promise<BenchRow[]> {
	const model = new loaded.ClusterModel(booted.source, {metricsRefreshMs: 0});
	const engine = booted.source.simulation!;
	const pieces: Array<{start: number; end: number}> = [];
	const timed = (work: () => unknown) => {
		const start = performance.now();
		work();
		pieces.push({start, end: performance.now()});
	};
	// GC pauses land in whichever piece is running: the longest piece is also given without them.
	const pauses: Array<{start: number; end: number}> = [];
	const observer = new PerformanceObserver(list => {
		for (const entry of list.getEntries()) pauses.push({start: entry.startTime, end: entry.startTime + entry.duration});
	});
	observer.observe({entryTypes: ['gc']});
	let snapshots = 0;
	let last: unknown;
	for (let second = 0; second < 45; second++) {
		engine.advance(1000);
		timed(() => model.scrapeMetrics(20));
		timed(() => {
			const snapshot = model.metrics();
			if (snapshot && snapshot !== last) snapshots++;
			last = snapshot;
		});
	}
	model.dispose();
	await sleep(50); // The last GC entries.
	observer.disconnect();
	const longest = Math.max(...pieces.map(p => p.end - p.start));
	const withoutGc = Math.max(...pieces.map(p => p.end - p.start - pauses.reduce((sum, g) => sum + Math.max(0, Math.min(g.end, p.end) - Math.max(g.start, p.start)), 0)));
	engine.advance(15_000);
	const start = performance.now();
	engine.metrics();
	const whole = performance.now() - start;
	const count = podCount.toLocaleString('en');
	return [
		{name: `usage at ${count} pods: longest piece the dashboard's reads and loop spend on it (45 s at 1 s a frame, ${snapshots} scrapes shown)`, value: formatMs(longest), aim: '< 50 ms'},
		{name: '  same, GC pauses taken out', value: formatMs(withoutGc)},
		{name: `  the same scrape in one piece (kubectl top's metrics())`, value: formatMs(whole)},
	];
}

/**
 * `:xray deploy` over every namespace, built as the page builds it (turns of
 * a fixed count of steps between keys and frames): the first tree, then the
 * tree after one pod changed (unchanged pods keep their nodes). The longest
 * turn is what a key could wait behind.
 */
async function xrayTurns(booted: ReturnType<Loaded['boot']>, podCount: number, touchPod: () => void): Promise<BenchRow[]> {
	const {XrayBuilder, modelSource, xrayStepsPerTurn} = await import('../source/ui/xray/xray-builder.js');
	const builder = new XrayBuilder(modelSource(booted.source, booted.model), 'Deployment', 'all');
	const build = (version: number) => {
		const start = performance.now();
		builder.want(version);
		let longest = performance.now() - start;
		let turns = 1;
		while (builder.busy) {
			const at = performance.now();
			builder.turn();
			longest = Math.max(longest, performance.now() - at);
			turns++;
		}
		return `${formatMs(performance.now() - start)} in ${turns} turns, the longest ${formatMs(longest)}`;
	};
	const first = build(1);
	touchPod();
	booted.model.flush();
	const again = build(2);
	return [{name: `xray deploy at ${podCount.toLocaleString('en')} pods, turns of ${xrayStepsPerTurn.toLocaleString('en')} steps: the first tree / again after a pod changed`, value: `${first} / ${again}`, aim: '< 50 ms a turn'}];
}

/** The pods view at 100,000 pods (10,000 Deployments × 10 on 1,000 nodes). */
async function run100k(): Promise<BenchRow[]> {
	const loaded = await load();
	return podsView(loaded, convergedCluster(loaded.createCluster, 10_000, 10, 1000));
}

export const section: BenchSection = {title: 'ui', run};
/** Its own section: converging 100,000 pods takes a minute or two. */
export const section100k: BenchSection = {title: 'view 100k', run: run100k};

// `node dist/bench/ui.js DEPLOYMENTS REPLICAS NODES`: the pods-view figures alone at that size (for `--cpu-prof`).
if (process.argv[1]?.endsWith('ui.js') || process.argv[1]?.endsWith('ui.ts')) {
	limitHeapGrowth();
	const [deployments = 1000, replicas = 10, nodes = 100] = process.argv.slice(2).map(Number);
	const loaded = await load();
	const rows = await podsView(loaded, convergedCluster(loaded.createCluster, deployments, replicas, nodes));
	for (const row of rows) process.stdout.write(`${row.name} | ${row.value}\n`);
	process.exit(0);
}
