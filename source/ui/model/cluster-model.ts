/**
 * The UI's view of the cluster, without React: per-kind snapshots kept
 * current from `cluster.watch`, with watch events batched. Listeners hear
 * once per `flush()` (the simulation loop flushes after each advance), with
 * the set of kinds that changed, so the screen re-renders at a bounded rate
 * and only when something it shows changed.
 */
import type {KubeObject, NodeUsage, PodUsage, WatchEvent} from '../../engine/index.js';
import type {ClusterSource} from './cluster-source.js';
import {NameOrder} from './name-order.js';
import {PodsPerNode} from './pods-per-node.js';
import {TableCache} from './table-cache.js';
import type {TableSource} from './table-data.js';

/** How a row changed recently, for the brief highlight. */
export type RowChange = {type: 'ADDED' | 'MODIFIED'; at: number};

/** How long after a view last showed metrics the loop keeps scraping (wall ms). */
const metricsWantedMs = 5000;

/** Resource usage as `kubectl top` reports it, refreshed at most once per virtual second. */
export type MetricsSnapshot = {
	/** Virtual second it was taken. */
	second: number;
	/** Header totals: usage of live nodes against allocatable (`12%`). */
	cpu: string;
	memory: string;
	/** By `namespace/name`. */
	pods: ReadonlyMap<string, PodUsage>;
	/** What the running pods use between them (pulse's CPU and memory). */
	podsCpuMilli: number;
	podsMemoryBytes: number;
	nodes: ReadonlyMap<string, NodeUsage>;
};

export type ModelListener = (changedKinds: ReadonlySet<string>) => void;

export type ClusterModelOptions = {
	/** Wall clock for change highlights (tests pass a fake). */
	now?: () => number;
	/** How long a changed row stays highlighted, in wall ms (default 1500). */
	highlightMs?: number;
	/** Least wall time between two metrics snapshots (default 2000, k9s' refresh; 0 = every virtual second). */
	metricsRefreshMs?: number;
	/** Wall ms a read of the metrics may spend moving the scrape on (default 4). */
	metricsReadBudgetMs?: number;
	/** Pods a scrape step reads before it looks at its budget (default: the engine's, 250; tests pass 0 to go node by node). */
	metricsMinPods?: number;
	/** Objects of a kind from which its name order is built ahead, by the model when made and by the loop when the kind grows (default 5,000). */
	prepareOrdersAbove?: number;
	/** Build the name order of large kinds when the model is made (default true; tests of the loop's building pass false). */
	ordersAtStart?: boolean;
};

type KindState = {
	objects: Map<string, KubeObject>;
	version: number;
	snapshot: KubeObject[] | undefined;
	/** Uid of each change, oldest first: `log[i]` moved the version from `logStart + i` to `logStart + i + 1`. */
	log: string[];
	logStart: number;
	/** The objects by namespace/name, once a table asked for it or the loop built it ahead; kept current from then on. */
	order: NameOrder | undefined;
	/** While the loop builds `order` ahead: the objects it has still to place, from `at`. */
	building: {objects: KubeObject[]; at: number} | undefined;
};

/** Changes kept per kind for incremental tables; a reader further behind rebuilds in full. */
const changeLogCapacity = 16_384;

function kindState(objects: Map<string, KubeObject>): KindState {
	return {objects, version: 0, snapshot: undefined, log: [], logStart: 0, order: undefined, building: undefined};
}

/** Kinds with at least this many objects get their name order built ahead by the loop; smaller ones sort in a few ms when first asked. */
const prepareOrdersAbove = 5000;

export class ClusterModel {
	readonly cluster: ClusterSource;
	readonly highlightMs: number;
	readonly metricsRefreshMs: number;
	private readonly metricsReadBudgetMs: number;
	private readonly metricsMinPods: number | undefined;
	private readonly prepareOrdersAbove: number;
	private metricsTakenAt = -Infinity;
	private readonly now: () => number;
	private readonly kinds = new Map<string, KindState>();
	private readonly changes = new Map<string, RowChange>();
	private pending = new Set<string>();
	private readonly listeners = new Set<ModelListener>();
	private readonly unwatch: () => void;
	private flushes = 0;
	private totalVersion = 0;
	/** Tables kept between two openings of a view, so a reopened view applies only what changed meanwhile. */
	readonly tables = new TableCache();
	/** The nodes view's pod counts, kept between its openings (made when first asked). */
	private podCounts: PodsPerNode | undefined;

	constructor(cluster: ClusterSource, options: ClusterModelOptions = {}) {
		this.cluster = cluster;
		this.now = options.now ?? (() => performance.now());
		this.highlightMs = options.highlightMs ?? 1500;
		this.metricsRefreshMs = options.metricsRefreshMs ?? 2000;
		this.metricsReadBudgetMs = options.metricsReadBudgetMs ?? 4;
		this.metricsMinPods = options.metricsMinPods;
		this.prepareOrdersAbove = options.prepareOrdersAbove ?? prepareOrdersAbove;
		for (const type of cluster.resourceTypes()) {
			const objects = new Map<string, KubeObject>();
			const listed = cluster.list(type.kind);
			for (const object of listed) objects.set(object.metadata.uid, object);
			const state = kindState(objects);
			// Part of start-up, before the first frame: no key ever waits on sorting 100,000 pods by name.
			if ((options.ordersAtStart ?? true) && objects.size >= this.prepareOrdersAbove) state.order = NameOrder.of(objects.values());
			this.kinds.set(type.kind, state);
		}
		this.unwatch = cluster.watch(event => this.onEvent(event));
	}

	private metricsCache: MetricsSnapshot | undefined;
	/** The engine's report the cache was made from. */
	private metricsUsage: unknown;
	/** Virtual second the engine was last asked (the scrape under way moves on at most once a second for reads). */
	private metricsAskedSecond: number | undefined;
	/** Wall time a view last asked for metrics: the loop scrapes only while one shows them. */
	private metricsWantedAt = -Infinity;

	/**
	 * Usage of pods and nodes: the engine's last complete scrape, looked at
	 * most once per virtual second and once per `metricsRefreshMs` of wall
	 * time however many views ask; undefined when the engine has no metrics
	 * or has not finished a scrape yet. Each look moves the scrape under way
	 * on for a few ms (a small cluster is scraped whole); the loop moves it
	 * on between ticks (`scrapeMetrics`), so at 100,000 pods no read waits
	 * for a whole scrape.
	 */
	metrics(): MetricsSnapshot | undefined {
		this.metricsWantedAt = this.now();
		const second = Math.floor(this.cluster.now() / 1000);
		if (this.metricsAskedSecond === second || this.now() - this.metricsTakenAt < this.metricsRefreshMs) return this.metricsCache;
		this.metricsTakenAt = this.now();
		this.metricsAskedSecond = second;
		const simulation = this.cluster.simulation;
		if (!simulation) return undefined;
		const usage = simulation.scrapeMetrics({budgetMs: this.metricsReadBudgetMs, minPods: this.metricsMinPods});
		// The engine hands back the same report until its next scrape completes: the snapshot over it stays as it is.
		if (!usage || (this.metricsCache && usage === this.metricsUsage)) return this.metricsCache;
		this.metricsUsage = usage;
		const average = (values: number[]) => (values.length ? `${Math.round(values.reduce((a, b) => a + b, 0) / values.length)}%` : 'n/a');
		this.metricsCache = {
			second,
			cpu: average(usage.nodes.map(n => n.cpuPercent)),
			memory: average(usage.nodes.map(n => n.memoryPercent)),
			pods: usage.byKey ?? new Map(usage.pods.map(p => [`${p.namespace}/${p.name}`, p])),
			podsCpuMilli: usage.podsCpuMilli ?? usage.pods.reduce((sum, p) => sum + p.cpuMilli, 0),
			podsMemoryBytes: usage.podsMemoryBytes ?? usage.pods.reduce((sum, p) => sum + p.memoryBytes, 0),
			nodes: new Map(usage.nodes.map(n => [n.name, n])),
		};
		return this.metricsCache;
	}

	/**
	 * The loop's turn: while a view has shown metrics in the last few
	 * seconds, move the engine's scrape on for about `budgetMs` of wall time.
	 * True when a scrape has completed that `metrics()` has not handed out:
	 * the next read takes it at once, even in the same virtual second (a
	 * paused cluster's first scrape would otherwise never show).
	 */
	scrapeMetrics(budgetMs: number): boolean {
		if (this.now() - this.metricsWantedAt > metricsWantedMs) return false;
		const usage = this.cluster.simulation?.scrapeMetrics({budgetMs, minPods: this.metricsMinPods});
		if (!usage || usage === this.metricsUsage) return false;
		this.metricsAskedSecond = undefined;
		this.metricsTakenAt = -Infinity;
		return true;
	}

	/** Stop listening to the cluster. */
	dispose(): void {
		this.unwatch();
		this.listeners.clear();
		this.tables.clear();
		this.podCounts = undefined;
	}

	private onEvent(event: WatchEvent): void {
		const {object} = event;
		let state = this.kinds.get(object.kind);
		if (!state) this.kinds.set(object.kind, (state = kindState(new Map())));
		const uid = object.metadata.uid;
		if (event.type === 'DELETED') {
			state.objects.delete(uid);
			this.changes.delete(uid);
			state.order?.remove(object);
		} else {
			const isNew = !state.objects.has(uid);
			state.objects.set(uid, object);
			// A modified object keeps its namespace and name: only a new one moves the order.
			if (isNew) state.order?.add(object);
			const previous = this.changes.get(uid);
			// An object added and then modified within the highlight window stays "added".
			const type = isNew || (previous?.type === 'ADDED' && this.now() - previous.at < this.highlightMs) ? 'ADDED' : 'MODIFIED';
			this.changes.set(uid, {type, at: this.now()});
		}
		state.version++;
		state.log.push(uid);
		if (state.log.length > changeLogCapacity) {
			const drop = changeLogCapacity / 2;
			state.log = state.log.slice(drop);
			state.logStart += drop;
		}
		this.totalVersion++;
		state.snapshot = undefined;
		this.pending.add(object.kind);
	}

	/** Every object of a kind (all namespaces), as a stable array until the kind changes. */
	list(kind: string): readonly KubeObject[] {
		const state = this.kinds.get(kind);
		if (!state) return [];
		state.snapshot ??= [...state.objects.values()];
		return state.snapshot;
	}

	/**
	 * The objects of a kind by namespace, name and uid (the tables' default
	 * order), current with every event. Built by one sort when first asked,
	 * unless the loop has built it ahead (`prepareOrders`).
	 */
	nameOrder(kind: string): NameOrder {
		let state = this.kinds.get(kind);
		if (!state) this.kinds.set(kind, (state = kindState(new Map())));
		const building = state.building;
		if (building && building.objects.length - building.at > building.at) {
			// Less than half placed: one sort of the rest is quicker than placing it object by object.
			state.building = undefined;
			state.order = undefined;
		}
		if (!state.order) state.order = NameOrder.of(state.objects.values());
		else if (state.building) this.place(state, Infinity);
		return state.order;
	}

	/**
	 * The loop's turn: build the name order of large kinds ahead, for about
	 * `budgetMs` of wall time, placing their objects one by one, so that
	 * the first view of 100,000 pods does not wait on a sort. True while
	 * some remains to build.
	 */
	prepareOrders(budgetMs: number): boolean {
		const deadline = performance.now() + budgetMs;
		for (const state of this.kinds.values()) {
			if (!state.building && (state.order || state.objects.size < this.prepareOrdersAbove)) continue;
			if (!state.order) {
				state.order = new NameOrder();
				state.building = {objects: [...state.objects.values()], at: 0};
			}
			if (!this.place(state, deadline)) return true;
		}
		return false;
	}

	/** Objects the loop has still to place in name orders built ahead (tests and diagnostics). */
	get ordersToBuild(): number {
		let left = 0;
		for (const state of this.kinds.values()) {
			if (state.building) left += state.building.objects.length - state.building.at;
			else if (!state.order && state.objects.size >= this.prepareOrdersAbove) left += state.objects.size;
		}
		return left;
	}

	/** Place the objects still to place until `deadline`; true when done. Events meanwhile keep the order right for what it holds. */
	private place(state: KindState, deadline: number): boolean {
		const building = state.building!;
		const order = state.order!;
		const {objects} = building;
		while (building.at < objects.length) {
			const end = Math.min(objects.length, building.at + 256);
			for (; building.at < end; building.at++) {
				const object = objects[building.at]!;
				// Deleted since the build began: not placed (a new object was placed by its event).
				if (state.objects.has(object.metadata.uid)) order.add(object);
			}
			if (performance.now() >= deadline) break;
		}
		if (building.at < objects.length) return false;
		state.building = undefined;
		return true;
	}

	/**
	 * Pods bound to each node, brought up to the pods' version: the first
	 * call counts every pod, later ones (from any view, open or reopened)
	 * apply the pods changed since.
	 */
	podsPerNode(): (node: string) => number {
		this.podCounts ??= new PodsPerNode();
		return this.podCounts.update(this.tableSource('Pod'));
	}

	/** Where an incremental table (or count) of `kind` reads it now: its version, objects, changes and name order. */
	tableSource(kind: string): TableSource {
		return {
			version: this.version(kind),
			list: () => this.list(kind),
			byUid: uid => this.byUid(kind, uid),
			changedSince: since => this.changedSince(kind, since),
			order: () => this.nameOrder(kind),
		};
	}

	/** Number of objects of a kind. */
	count(kind: string): number {
		return this.kinds.get(kind)?.objects.size ?? 0;
	}

	/** An object by uid, if its kind is known. */
	byUid(kind: string, uid: string): KubeObject | undefined {
		return this.kinds.get(kind)?.objects.get(uid);
	}

	/** Grows by one or more each time a kind changes ('*': any kind). */
	version(kind: string): number {
		if (kind === '*') return this.totalVersion;
		return this.kinds.get(kind)?.version ?? 0;
	}

	/**
	 * Uids of the objects of a kind added, modified or deleted since
	 * `version(kind)` was `since` (with repeats), or undefined when that is
	 * too far back to tell (the caller then rebuilds from `list`).
	 */
	changedSince(kind: string, since: number): readonly string[] | undefined {
		const state = this.kinds.get(kind);
		if (!state) return since === 0 ? [] : undefined;
		if (since < state.logStart || since > state.version) return undefined;
		return state.log.slice(since - state.logStart);
	}

	/** The recent change of a row, while it is still to be highlighted. */
	recentChange(uid: string): RowChange | undefined {
		const change = this.changes.get(uid);
		if (!change) return undefined;
		if (this.now() - change.at >= this.highlightMs) return undefined;
		return change;
	}

	/** True while some row is highlighted (the loop keeps rendering until highlights fade). */
	hasHighlights(): boolean {
		const now = this.now();
		for (const [uid, change] of this.changes) {
			if (now - change.at < this.highlightMs) return true;
			this.changes.delete(uid);
		}
		return false;
	}

	/** Hear about batched changes. Returns the unsubscribe function. */
	subscribe(listener: ModelListener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Deliver the changes batched since the last flush; returns the kinds that changed. */
	flush(): ReadonlySet<string> {
		const changed = this.pending;
		this.pending = new Set();
		this.flushes++;
		if (changed.size > 0) for (const listener of [...this.listeners]) listener(changed);
		return changed;
	}

	/** How many flushes ran (diagnostics and tests). */
	get flushCount(): number {
		return this.flushes;
	}
}
