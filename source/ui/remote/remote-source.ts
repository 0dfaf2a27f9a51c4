/**
 * A real cluster behind the dashboard's seam, through its Kubernetes API
 * (`@kubernetes/client-node` for the kubeconfig, watches and exec). Reads
 * answer from one informer per kind; actions are the requests kubectl
 * makes for the same command (see `kubectl-actions.ts`). There is no
 * simulation: no virtual time, no machines to kill, no system-call trace.
 */
import {KubeConfig} from './kubernetes-client.js';
import {
	matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, resolveResource, resourceTypes,
	type KubeObject, type ListOptions, type ResourceType, type WatchEvent, type WatchListener,
} from '../../engine/index.js';
import type {ClusterSource, SourceStatus} from '../model/cluster-source.js';
import {KubeHttp} from './kube-http.js';
import {KindInformer, type BackoffOptions} from './informer.js';
import {kubectlActions} from './kubectl-actions.js';
import {openRemoteLogs, openRemoteShell} from './remote-streams.js';

export type RemoteOptions = {
	/** A kubeconfig file (`--kubeconfig`); else `KUBECONFIG`, else `~/.kube/config`. */
	kubeconfig?: string;
	/** A context of it (`--context`); else its current context. */
	context?: string;
	/** How informers back off after a failure (tests shorten it). */
	backoff?: BackoffOptions;
};

export class KubeconfigError extends Error {}

/** The kubeconfig as kubectl reads it, with the context chosen; throws kubectl's error for a missing context. */
export function loadKubeconfig(options: {kubeconfig?: string; context?: string}): KubeConfig {
	const config = new KubeConfig();
	try {
		if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
		else config.loadFromDefault();
	} catch (error) {
		throw new KubeconfigError(`error loading config file "${options.kubeconfig ?? process.env['KUBECONFIG'] ?? '~/.kube/config'}": ${(error as Error).message}`);
	}
	if (options.context !== undefined) {
		if (!config.getContexts().some(c => c.name === options.context)) {
			throw new KubeconfigError(`context was not found for specified context: ${options.context}`);
		}
		config.setCurrentContext(options.context);
	}
	if (!config.getCurrentCluster()) {
		throw new KubeconfigError('invalid configuration: no configuration has been provided, try setting KUBECONFIG or passing --kubeconfig');
	}
	return config;
}

/** Kinds read from a real cluster: the built-in ones (custom kinds are not followed yet). */
const followed: readonly ResourceType[] = resourceTypes.filter(type => !type.definition);

export class RemoteSource implements ClusterSource {
	readonly name: string;
	/** The context's API server, for the header. */
	readonly server: string;
	readonly contexts: readonly string[];
	private readonly config: KubeConfig;
	private readonly http: KubeHttp;
	private readonly informers = new Map<string, KindInformer>();
	private readonly listeners = new Set<WatchListener>();
	private readonly statusListeners = new Set<() => void>();
	private statusCache: SourceStatus | undefined;
	private readonly actions: ReturnType<typeof kubectlActions>;
	private readonly streams = new Set<{close(): void}>();

	constructor(config: KubeConfig, options: RemoteOptions = {}) {
		this.config = config;
		this.name = config.getCurrentContext();
		this.server = config.getCurrentCluster()?.server ?? '';
		this.contexts = config.getContexts().map(c => c.name);
		this.http = new KubeHttp(config);
		const backoff = {initialMs: 500, maxMs: 30_000, forbiddenMs: 60_000, ...options.backoff};
		for (const type of followed) {
			const informer = new KindInformer(type, config, this.http, event => this.emit(event), () => this.statusChanged(), backoff);
			this.informers.set(type.kind, informer);
		}
		for (const informer of this.informers.values()) informer.start();
		this.actions = kubectlActions(this.http, this);
	}

	status(): SourceStatus {
		if (this.statusCache) return this.statusCache;
		const forbidden = new Map<string, string>();
		let failure: string | undefined;
		let retryInMs = 0;
		for (const informer of this.informers.values()) {
			const state = informer.state;
			if (state.type === 'forbidden') forbidden.set(informer.type.kind, state.message);
			// A kind this server does not serve is not a lost connection.
			if (state.type === 'failed' && state.error.code === 404) forbidden.set(informer.type.kind, `the server doesn't have a resource type "${informer.type.plural}"`);
			else if (state.type === 'failed' && (failure === undefined || state.error.code === 0)) {
				failure = state.error.message;
				retryInMs = state.retryInMs;
			}
		}
		const status: SourceStatus = failure === undefined
			? {connected: true, forbidden}
			: {connected: false, message: `${failure}; retrying in ${Math.max(1, Math.round(retryInMs / 1000))}s`, forbidden};
		this.statusCache = status;
		return status;
	}

	onStatus(listener: () => void): () => void {
		this.statusListeners.add(listener);
		return () => this.statusListeners.delete(listener);
	}

	/** True once every informer has listed (or failed for good). */
	synced(): boolean {
		return [...this.informers.values()].every(i => i.state.type !== 'starting');
	}

	dispose(): void {
		for (const informer of this.informers.values()) informer.stop();
		for (const stream of this.streams) stream.close();
		this.streams.clear();
		this.listeners.clear();
		this.statusListeners.clear();
	}

	private statusChanged(): void {
		this.statusCache = undefined;
		for (const listener of [...this.statusListeners]) listener();
	}

	private emit(event: WatchEvent): void {
		for (const listener of this.listeners) listener(event);
	}

	now(): number {
		return Date.now();
	}

	resourceTypes(): readonly ResourceType[] {
		return followed;
	}

	resolveResource(name: string): ResourceType {
		return resolveResource(name);
	}

	get(kind: string, name: string, namespace = 'default'): KubeObject | undefined {
		return this.informers.get(kind)?.get(name, namespace);
	}

	list(kind: string, options: ListOptions = {}): KubeObject[] {
		const informer = this.informers.get(kind);
		if (!informer) return [];
		let objects = informer.list(informer.type.namespaced ? options.namespace : undefined);
		if (options.labelSelector) {
			const selector = parseLabelSelector(options.labelSelector);
			objects = objects.filter(o => matchesLabels(selector, o.metadata.labels));
		}
		if (options.fieldSelector) {
			const selector = parseFieldSelector(options.fieldSelector);
			objects = objects.filter(o => matchesFields(selector, o));
		}
		return objects;
	}

	watch(listener: WatchListener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	eventsFor(object: KubeObject): KubeObject[] {
		const uid = object.metadata.uid;
		const time = (event: KubeObject) => Date.parse((event as {lastTimestamp?: string; eventTime?: string; metadata: {creationTimestamp?: string}}).lastTimestamp
			?? (event as {eventTime?: string}).eventTime ?? event.metadata.creationTimestamp ?? '') || 0;
		return this.list('Event', {namespace: object.metadata.namespace})
			.filter(event => {
				const involved = (event as {involvedObject?: {uid?: string; kind?: string; name?: string}}).involvedObject;
				return involved?.uid ? involved.uid === uid : involved?.kind === object.kind && involved?.name === object.metadata.name;
			})
			.sort((a, b) => time(a) - time(b));
	}

	rolloutHistory: ClusterSource['rolloutHistory'] = (name, options) => this.actions.rolloutHistory(name, options);

	controllerErrors(): readonly [] {
		return [];
	}

	openLogs: ClusterSource['openLogs'] = (pod, options = {}) => this.track(openRemoteLogs(this.http, pod, options));

	openShell: ClusterSource['openShell'] = (pod, options = {}) => this.track(openRemoteShell(this.config, this, pod, options));

	private track<T extends {close(): void}>(stream: T): T {
		this.streams.add(stream);
		const close = stream.close.bind(stream);
		stream.close = () => {
			this.streams.delete(stream);
			close();
		};
		return stream;
	}

	scale: ClusterSource['scale'] = (...args) => this.actions.scale(...args);
	delete: ClusterSource['delete'] = (...args) => this.actions.delete(...args);
	setImage: ClusterSource['setImage'] = (...args) => this.actions.setImage(...args);
	restart: ClusterSource['restart'] = (...args) => this.actions.restart(...args);
	rollback: ClusterSource['rollback'] = (...args) => this.actions.rollback(...args);
	cordon: ClusterSource['cordon'] = name => this.actions.cordon(name);
	uncordon: ClusterSource['uncordon'] = name => this.actions.uncordon(name);
	drain: ClusterSource['drain'] = (...args) => this.actions.drain(...args);
	apply: ClusterSource['apply'] = manifest => this.actions.apply(manifest);
	triggerCronJob: ClusterSource['triggerCronJob'] = (...args) => this.actions.triggerCronJob(...args);
	suspendCronJob: ClusterSource['suspendCronJob'] = (...args) => this.actions.suspendCronJob(...args);
}

/** Open the cluster a kubeconfig names. */
export function connectRemote(options: RemoteOptions = {}): RemoteSource {
	return new RemoteSource(loadKubeconfig(options), options);
}
