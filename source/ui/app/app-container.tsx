/**
 * The app container: state and logic, no layout. It holds the page stack
 * and the prompt buffer (both UI-free models), the modal, flash, namespace
 * and theme; runs `:` commands; and is the one key dispatcher (modal >
 * prompt > page > global). Key handling mutates ref'd state synchronously
 * and then re-renders, so a run of keys in one read (":po\r", "/web") is
 * handled in order; a key for the page or a dialog waits until the keys
 * before it are drawn (see use-key-dispatcher.ts). `AppLayout` draws the result.
 */
import React, {useCallback, useEffect, useMemo, useReducer, useRef} from 'react';
import {useApp as useInkApp} from 'ink';
import type {KubeObject, Node} from '../../engine/index.js';
import {simulationOnly, type ClusterSource} from '../model/cluster-source.js';
import {columnsFor, customKind, kindType} from './kinds.js';
import type {
	AppApi, AppPlugin, FlashLevel, KeyBinding, KeyEvent, Keymap, ModalSpec, OpenViewOptions, PageChannel, PageSpec, Selection, LiveTick,
} from './contract.js';
import {actionsFor} from './action-registry.js';
import {registerCommand, registeredCommands} from './command-registry.js';
import {AppContext} from './app-context.js';
import {effectiveBindings, globalBindings, runKeymap, type KeyOverrides, type RunOptions} from './keymap.js';
import {parseCommand, suggest} from './commands.js';
import {AppInternalsContext, type AppInternals} from './app-internals.js';
import {hintsFrom, TooSmall, type HeaderInfo, type Hint} from './frame.js';
import {AppLayout} from './app-layout.js';
import {confirmModal} from './confirm-dialog.js';
import {commandHelp, helpSections} from './help-sections.js';
import {useKeyDispatcher} from './use-key-dispatcher.js';
import {useTerminalSize} from './use-terminal-size.js';
import type {ClusterModel} from '../model/cluster-model.js';
import type {Simulation} from '../model/simulation.js';
import {PageStack, type PageEntry} from '../model/page-stack.js';
import {PromptBuffer} from '../model/prompt-buffer.js';
import {realTimers, type UiTimers} from '../model/ui-timers.js';
import type {Preferences} from '../prefs.js';
import type {Theme} from '../theme/theme.js';
import {loadTheme, themeNames} from '../theme/load.js';
import {ContainersView, ResourceView, type ViewMemory} from '../views/resource-view.js';
import {HomeView, type HomeMemory} from '../views/home.js';
import {HelpView} from '../views/help.js';
import {navigationActions} from '../components/scroll-keys.js';
import {nodeStatus} from '../render/node-columns.js';
import {humanDuration} from '../render/columns.js';
import {viewName} from '../views/titles.js';
import {installFastOutput} from '../ink/fast-output.js';

// Ink's output pass reads each frame's lines through the faster reader (same frame, less CPU).
installFastOutput();

/** Smallest terminal the layout fits. */
export const minimumSize = {columns: 60, rows: 16};

export type AppProps = {
	/** The cluster on screen: `engineSource(engine)`, or a real cluster's source. */
	cluster: ClusterSource;
	model: ClusterModel;
	simulation: Simulation;
	prefs: Preferences;
	theme: Theme;
	readonly?: boolean;
	/** Namespace to start in ('all' or a name). */
	namespace?: string;
	/** Config dir (user themes). */
	configDir?: string;
	/** NO_COLOR was set. */
	noColor?: boolean;
	/** Messages to flash at start (theme or preference problems). */
	startupWarnings?: string[];
	/** Fixed size (tests and benchmarks); else the terminal's, following resizes. */
	size?: {columns: number; rows: number};
	/** First view: 'home' or a kind. */
	initialView?: string;
	/** Leave the alternate screen / raw mode around `fn` (cli provides it). */
	runExternal?: <T>(fn: () => T) => T;
	/** Called when the user quits, before Ink unmounts. */
	onQuit?: () => void;
	/** Receives the app API once (tests inspect the selection and namespace through it). */
	onApi?: (api: AppApi) => void;
	/** The dashboard's own timers (default the real ones; recordings pass virtual ones). */
	timers?: UiTimers;
	/** The Kubernetes API served beside the dashboard, once it listens, or why it could not start. */
	api?: ServedApi;
	/** Plug-ins: `:` commands, a layout panel, a hook on the app API (e.g. the practice task). */
	plugins?: AppPlugin[];
};

/** Where kubectl reaches the cluster on screen: its URL and kubeconfig, or why there is no API. */
export type ServedApi = {url: string; kubeconfig: string} | {error: string};

type UiState = {
	flash?: {message: string; level: FlashLevel; id: number};
	modal?: {spec: ModalSpec; id: number};
	namespace: string;
	theme: Theme;
	/** Controller failures already reported. */
	controllerErrorsSeen: number;
};

/** What a page (or the modal) declared through its channel. */
type Channel = {keymap?: Keymap; selection?: Selection; kind?: string};

/** `01-01 09:00:05`: the simulated date and time (UTC). */
function formatClock(ms: number): string {
	return new Date(ms).toISOString().slice(5, 19).replace('T', ' ');
}

/** The flash text for a controller's failure. */
export function controllerWarning(error: {controller: string; key: string; message: string}, more: number): string {
	return `Controller ${error.controller} failed on ${error.key}: ${error.message}${more > 0 ? ` (+${more} more)` : ''}; retrying`;
}

/** Ready nodes in a node list; the model's list is the same array until a node changes, so the count is kept per list. */
const readyCounts = new WeakMap<readonly KubeObject[], number>();
function readyCount(nodes: readonly KubeObject[]): number {
	let count = readyCounts.get(nodes);
	if (count === undefined) readyCounts.set(nodes, (count = nodes.filter(n => nodeStatus(n as Node).startsWith('Ready')).length));
	return count;
}

export function AppContainer(props: AppProps) {
	const {cluster, model, simulation, prefs} = props;
	const readonly = props.readonly ?? false;
	const timers = props.timers ?? realTimers;
	const ink = useInkApp();
	const size = useTerminalSize(props.size);
	const [, bump] = useReducer((n: number) => n + 1, 0);
	const nextId = useRef(1);
	const channels = useRef(new Map<number, Channel>());
	const tickListeners = useRef(new Set<(tick: LiveTick) => boolean | void>());
	const quitting = useRef(false);
	const overrides: KeyOverrides = prefs.get().keys;
	const options: RunOptions = {
		readonly,
		overrides,
		simulated: Boolean(cluster.simulation),
		onReadonly: binding => flash(`${binding.description}: not allowed, the dashboard is read-only (--readonly)`, 'warn'),
	};

	const stack = useRef<PageStack<PageSpec>>(undefined as unknown as PageStack<PageSpec>);
	if (!stack.current) stack.current = new PageStack<PageSpec>();
	const prompt = useRef<PromptBuffer>(undefined as unknown as PromptBuffer);
	if (!prompt.current) prompt.current = new PromptBuffer();
	const ui = useRef<UiState>(undefined as unknown as UiState);
	if (!ui.current) {
		ui.current = {namespace: props.namespace ?? 'default', theme: props.theme, controllerErrorsSeen: cluster.controllerErrors().length};
	}

	const flash = useCallback((message: string, level: FlashLevel = 'info') => {
		ui.current.flash = {message, level, id: nextId.current++};
		bump();
	}, []);

	// Flash messages fade after a few seconds.
	const flashId = ui.current.flash?.id;
	useEffect(() => {
		if (flashId === undefined) return;
		const timer = timers.setTimeout(() => {
			if (ui.current.flash?.id === flashId) {
				ui.current.flash = undefined;
				bump();
			}
		}, 6000);
		return () => timers.clearTimeout(timer);
	}, [flashId, timers]);

	const quit = useCallback(() => {
		if (quitting.current) return;
		quitting.current = true;
		props.onQuit?.();
		ink.exit();
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [ink]);

	const top = () => stack.current.top();

	const api = useMemo<AppApi & {internals: AppInternals}>(() => {
		// A flash belongs to the view it was said in: a new page, going back or a dialog clears it.
		const viewChanged = () => {
			ui.current.flash = undefined;
		};
		const pushPage = (spec: PageSpec) => {
			const replaced = stack.current.push(spec);
			if (replaced) channels.current.delete(replaced.id);
			prompt.current.close();
			viewChanged();
			bump();
		};
		const popPage = () => {
			const gone = stack.current.pop();
			if (!gone) return;
			channels.current.delete(gone.id);
			viewChanged();
			bump();
		};
		const popToRoot = () => {
			const gone = stack.current.popToRoot();
			for (const page of gone) channels.current.delete(page.id);
			if (gone.length > 0) viewChanged();
		};
		const closeModal = () => {
			const modal = ui.current.modal;
			if (!modal) return;
			ui.current.modal = undefined;
			channels.current.delete(-modal.id);
			modal.spec.onClose?.();
			bump();
		};
		const showModal = (spec: ModalSpec) => {
			if (ui.current.modal) closeModal();
			const id = nextId.current++;
			ui.current.modal = {spec, id};
			prompt.current.close();
			viewChanged();
			bump();
			return () => {
				if (ui.current.modal?.id === id) closeModal();
			};
		};
		const setNamespace = (namespace: string) => {
			ui.current.namespace = namespace;
			prefs.useNamespace(namespace);
			bump();
		};
		const internals: AppInternals = {
			prefs,
			simulation,
			overrides,
			setNamespace,
			openContainers(podUid) {
				const memory: ViewMemory = {};
				const pod = model.byUid('Pod', podUid);
				pushPage({
					title: `containers ${pod?.metadata.name ?? ''}`.trim(),
					key: `containers:${podUid}`,
					render: page => <ContainersView {...page} podUid={podUid} memory={memory} />,
				});
			},
			openHelp() {
				const sections = helpSections({
					page: effectiveBindings(pageKeymap(top())?.bindings ?? [], options),
					navigation: navigationActions,
					global: effectiveBindings(globalBindings, options),
					favorites: favoriteBindings(),
					commands: commandHelp(registeredCommands(), themeNames(props.configDir), Boolean(cluster.simulation)),
				});
				pushPage({title: 'help', key: 'help', render: page => <HelpView {...page} sections={sections} />});
			},
		};
		const runCommand = (line: string) => {
			const command = parseCommand(line, name => customKind(cluster, name));
			// A real cluster keeps its own time.
			if ((command.type === 'pause' || command.type === 'resume' || command.type === 'speed') && !cluster.simulation) {
				flash(`Time controls: ${simulationOnly}`, 'warn');
				return;
			}
			switch (command.type) {
				case 'error':
					flash(command.message, 'error');
					return;
				case 'quit':
					quit();
					return;
				case 'home':
					popToRoot();
					bump();
					prefs.set({lastView: 'home'});
					return;
				case 'help':
					internals.openHelp();
					return;
				case 'pause':
					simulation.pause();
					flash('Simulation paused');
					return;
				case 'resume':
					simulation.resume();
					prefs.set({speed: simulation.speed});
					flash(`Simulation resumed at x${simulation.speed}`);
					return;
				case 'speed':
					simulation.setSpeed(command.speed);
					prefs.set({speed: command.speed});
					flash(command.speed === 0 ? 'Simulation paused' : `Simulation speed x${command.speed}`);
					return;
				case 'theme': {
					const loaded = loadTheme(command.name, {configDir: props.configDir, noColor: props.noColor});
					if (loaded.warnings.length > 0) {
						flash(loaded.warnings.join('; '), 'error');
						return;
					}
					ui.current.theme = loaded.theme;
					prefs.set({theme: command.name});
					flash(`Theme ${command.name}`);
					return;
				}
				case 'view': {
					const type = kindType(cluster, command.kind);
					let warning: string | undefined;
					if (command.namespace !== undefined) {
						if (!type.namespaced) {
							warning = `${type.plural} are not namespaced: the namespace "${command.namespace}" is ignored`;
						} else if (command.namespace !== 'all' && !cluster.get('Namespace', command.namespace)) {
							flash(`namespaces "${command.namespace}" not found`, 'error');
							return;
						} else {
							setNamespace(command.namespace);
						}
					}
					popToRoot();
					pushPage(resourcePage(type.kind, {}, cluster));
					prefs.set({lastView: type.kind});
					if (warning) flash(warning, 'warn');
					return;
				}
				case 'registered':
					try {
						command.spec.run(command.args, app);
					} catch (error) {
						flash((error as Error).message, 'error');
					}
					return;
			}
		};
		const app: AppApi & {internals: AppInternals} = {
			cluster,
			model,
			readonly,
			get theme() {
				return ui.current.theme;
			},
			namespace: () => ui.current.namespace,
			pushPage,
			popPage,
			flash,
			showModal,
			closeModal,
			confirm(confirmOptions) {
				return new Promise<boolean>(resolve => {
					let answered = false;
					showModal(confirmModal(confirmOptions, yes => {
						if (answered) return;
						answered = true;
						resolve(yes);
						closeModal();
					}));
				});
			},
			openView(kind, viewOptions) {
				let type;
				try {
					type = kindType(cluster, kind);
				} catch (error) {
					flash((error as Error).message, 'error');
					return;
				}
				if (!columnsFor(cluster, type.kind)) {
					flash(`No view for ${type.plural}`, 'error');
					return;
				}
				pushPage(resourcePage(type.kind, viewOptions, cluster));
			},
			selection: () => {
				const page = top();
				return page ? channels.current.get(page.id)?.selection : undefined;
			},
			runCommand,
			runExternal: <T,>(fn: () => T): T => {
				const result = props.runExternal ? props.runExternal(fn) : fn();
				bump();
				return result;
			},
			invalidate: () => bump(),
			now: () => cluster.now(),
			timers,
			onTick(listener) {
				tickListeners.current.add(listener);
				return () => tickListeners.current.delete(listener);
			},
			internals,
		};
		return app;
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, []);
	const onApi = props.onApi;
	useEffect(() => onApi?.(api), [api, onApi]);

	// Plug-ins: their commands join the registry and they hear the app for as long as it is mounted.
	const plugins = props.plugins;
	useEffect(() => {
		const cleanups: Array<() => void> = [];
		for (const plugin of plugins ?? []) {
			for (const command of plugin.commands ?? []) cleanups.push(registerCommand(command));
			const detach = plugin.attach?.(api);
			if (detach) cleanups.push(detach);
		}
		return () => {
			for (const cleanup of cleanups.reverse()) cleanup();
		};
	}, [api, plugins]);

	/** The effective keymap of a page: its own bindings, then the actions for its selection. */
	function pageKeymap(page: PageEntry<PageSpec> | undefined): Keymap | undefined {
		if (!page) return undefined;
		const channel = channels.current.get(page.id);
		const own = channel?.keymap;
		const selection = channel?.selection;
		const listed = channel?.kind;
		// With no row selected, the listed kind's actions still show (those without a `when`).
		const actions = selection ? actionsFor(selection) : listed ? actionsFor({kind: listed, object: undefined as never}).filter(a => !a.when) : [];
		const bindings: KeyBinding[] = [...(own?.bindings ?? []), ...actions.map(a => a.binding)];
		const handlers: Keymap['handlers'] = {};
		for (const action of actions) {
			handlers[action.binding.action] = event => {
				const current = channels.current.get(page.id)?.selection ?? selection;
				if (!current) {
					flash('Nothing selected', 'warn');
					return;
				}
				action.handler({app: api, selection: current, event});
			};
		}
		if (own) for (const b of own.bindings) handlers[b.action] = event => own.handlers[b.action]?.(event);
		return {bindings, handlers, onKey: own?.onKey};
	}

	/** The open modal's keymap: its spec's bindings, then what its widgets declared. */
	function modalKeymap(): Keymap | undefined {
		const modal = ui.current.modal;
		if (!modal) return undefined;
		const widgets = channels.current.get(-modal.id)?.keymap;
		const bindings = [...(modal.spec.bindings ?? []), ...(widgets?.bindings ?? [])];
		const handlers: Keymap['handlers'] = {...modal.spec.handlers};
		if (widgets) for (const b of widgets.bindings) handlers[b.action] ??= event => widgets.handlers[b.action]?.(event);
		return {bindings, handlers, onKey: event => (modal.spec.onKey?.(event) ?? false) || (widgets?.onKey?.(event) ?? false)};
	}

	function favoriteBindings(): KeyBinding[] {
		const favorites = prefs.get().favorites;
		const out: KeyBinding[] = [{key: '0', action: 'namespace.0', description: 'all'}];
		favorites.slice(0, 9).forEach((ns, i) => out.push({key: String(i + 1), action: `namespace.${i + 1}`, description: ns}));
		return out;
	}

	const suggestions = (): string[] => {
		if (prompt.current.mode !== 'command') return [];
		return suggest(prompt.current.text, {
			namespaces: model.list('Namespace').map(n => n.metadata.name),
			themes: themeNames(props.configDir),
			history: prompt.current.history,
		});
	};

	const setFilter = (text: string) => {
		const page = top();
		if (page) page.filter = text;
	};

	const promptKey = (event: KeyEvent) => {
		const effect = prompt.current.key(event, suggestions);
		if (effect.type === 'filter') setFilter(effect.text);
		if (effect.type === 'command') api.runCommand(effect.line);
		bump();
	};

	const globalKey = (event: KeyEvent): boolean => {
		const handlers: Keymap['handlers'] = {
			'app.command': () => {
				prompt.current.start('command');
				bump();
			},
			'app.filter': () => {
				prompt.current.start('filter', top()?.filter ?? '');
				bump();
			},
			'app.help': () => api.internals.openHelp(),
			'app.back': () => {
				const page = top();
				if (page && page.filter) {
					page.filter = '';
					bump();
				} else {
					api.popPage();
				}
			},
			'app.back-or-quit': () => {
				if (stack.current.size > 1) api.popPage();
				else quit();
			},
			'app.quit': () => quit(),
		};
		const favorites = prefs.get().favorites;
		for (let i = 0; i <= 9; i++) {
			handlers[`namespace.${i}`] = () => {
				const namespace = i === 0 ? 'all' : favorites[i - 1];
				if (!namespace) return;
				api.internals.setNamespace(namespace);
				flash(`Namespace ${namespace}`);
			};
		}
		return runKeymap({bindings: [...globalBindings, ...favoriteBindings()], handlers}, event, options);
	};

	/** Whether the open dialog, or else the page, takes Ctrl+C as its own key (the exec shell does). */
	const bindsCtrlC = () => {
		const keymap = ui.current.modal ? modalKeymap() : prompt.current.open ? undefined : pageKeymap(top());
		return Boolean(keymap?.bindings.some(b => b.key === 'ctrl-c'));
	};

	const handleKey = (event: KeyEvent) => {
		const tooSmall = size.columns < minimumSize.columns || size.rows < minimumSize.rows;
		if (tooSmall) {
			if (event.name === 'q' || event.name === 'esc' || event.name === 'ctrl-c') quit();
			return;
		}
		// Ctrl+C quits before a dialog's field or the prompt reads it as text, unless what is open binds it (the exec shell interrupts its command with it).
		if (event.name === 'ctrl-c' && !bindsCtrlC()) {
			quit();
			return;
		}
		if (ui.current.modal) {
			if (runKeymap(modalKeymap(), event, options)) return;
			if (event.name === 'esc') api.closeModal();
			return;
		}
		if (prompt.current.open) {
			promptKey(event);
			return;
		}
		if (runKeymap(pageKeymap(top()), event, options)) return;
		globalKey(event);
	};

	useKeyDispatcher(event => {
		try {
			handleKey(event);
		} catch (error) {
			flash(`Error: ${(error as Error).message}`, 'error');
		}
	}, {
		// The prompt line is a model updated in place; every other key reads what the last keys drew.
		synchronous: () => prompt.current.open && !ui.current.modal,
		// Ctrl+C quits at once, ahead of keys that wait for a frame, unless what is open binds it.
		interrupt: event => event.name === 'ctrl-c' && !bindsCtrlC(),
	});

	// Simulation ticks: fan out to the pages' useLive hooks, and redraw the header clock.
	useEffect(() => simulation.onTick(tick => {
		const error = simulation.takeError();
		if (error) flash(`Simulation error: ${error}`, 'error');
		const failures = cluster.controllerErrors();
		if (failures.length > ui.current.controllerErrorsSeen) {
			const fresh = failures.length - ui.current.controllerErrorsSeen;
			ui.current.controllerErrorsSeen = failures.length;
			flash(controllerWarning(failures[failures.length - 1]!, fresh - 1), 'warn');
		}
		// One render per tick: the header clock and usage, or any page that asked for these changes.
		let render = tick.secondChanged || tick.metricsChanged || tick.changed.has('Node');
		for (const listener of [...tickListeners.current]) if (listener(tick)) render = true;
		if (render) bump();
	}), [simulation, cluster, flash]);
	useEffect(() => simulation.onSpeed(() => bump()), [simulation]);
	// A real cluster's connection coming and going redraws the header and greys or restores the rows.
	// The flash gives the whole reason once; the header keeps saying it, cut to its width.
	useEffect(() => {
		let connected = cluster.status().connected;
		return cluster.onStatus(() => {
			const status = cluster.status();
			if (status.connected !== connected) {
				connected = status.connected;
				if (connected) flash(`Connected to ${cluster.name} again`);
				else flash(`Lost the connection to ${cluster.name}: ${status.message ?? 'the API server cannot be reached'}`, 'error');
			}
			bump();
		});
	}, [cluster, flash]);

	// First page: home, plus the last view or the start view on top.
	if (stack.current.size === 0) {
		const homeMemory: HomeMemory = {};
		stack.current.push({title: 'home', key: 'home', render: page => <HomeView {...page} memory={homeMemory} />});
		const start = props.initialView ?? prefs.get().lastView;
		if (start && start !== 'home' && columnsFor(cluster, start)) stack.current.push(resourcePage(start, {}, cluster));
	}
	const startupWarnings = props.startupWarnings;
	useEffect(() => {
		if (startupWarnings?.length) flash(startupWarnings.join('; '), 'error');
	}, [startupWarnings, flash]);
	const served = props.api;
	useEffect(() => {
		if (!served) return;
		if ('error' in served) flash(served.error, 'error');
		else flash(`Kubernetes API at ${served.url}: export KUBECONFIG=${served.kubeconfig}`);
	}, [served, flash]);

	const state = ui.current;
	if (size.columns < minimumSize.columns || size.rows < minimumSize.rows) {
		return <TooSmall columns={size.columns} rows={size.rows} min={minimumSize} />;
	}

	const page = top()!;
	if (!channels.current.has(page.id)) channels.current.set(page.id, {});
	const modal = state.modal;
	if (modal && !channels.current.has(-modal.id)) channels.current.set(-modal.id, {});

	const nodes = model.list('Node');
	const readyNodes = readyCount(nodes);
	const metrics = model.metrics();
	const status = cluster.status();
	const info: HeaderInfo = {
		cluster: cluster.name,
		...(served && 'url' in served ? {api: served.url.replace(/^https:\/\//, '')} : {}),
		...(cluster.server ? {api: cluster.server.replace(/^https?:\/\//, '')} : {}),
		clock: formatClock(cluster.now()),
		// A real cluster has no speed: its clock is the wall clock, live while the watches run.
		speed: cluster.simulation ? speedText(simulation.paused, simulation.speed, simulation.behindMs) : 'live',
		...(status.connected ? {} : {disconnected: status.message ?? 'the API server cannot be reached'}),
		nodes: `${nodes.length} (${readyNodes} ready)`,
		cpu: metrics?.cpu ?? 'n/a',
		mem: metrics?.memory ?? 'n/a',
		namespace: state.namespace,
		readonly,
	};
	const activeKeymap = modal ? modalKeymap() : pageKeymap(page);
	const pageHints = hintsFrom(effectiveBindings(activeKeymap?.bindings ?? [], options));
	// A page binding shadows a global one on the same key (e.g. '/' searches a describe page).
	const shadowed = new Set(pageHints.map(h => h.key));
	const hints: Hint[] = [
		// A page's own digit keys (the trace's categories) take the place of the namespace favourites.
		...favoriteBindings().filter(b => !shadowed.has(b.key)).map(b => ({key: b.key, description: b.description, numeric: true})),
		...pageHints,
		...hintsFrom(effectiveBindings(globalBindings, options)).filter(h => !shadowed.has(h.key)),
	];
	const buffer = prompt.current;
	const crumbs = stack.current.titles();
	if (modal) crumbs.push(modal.spec.title);

	return (
		<AppContext.Provider value={api}>
			<AppInternalsContext.Provider value={api.internals}>
				<AppLayout
					width={size.columns}
					height={size.rows - 1}
					theme={state.theme}
					info={info}
					hints={hints}
					prompt={buffer.mode ? {mode: buffer.mode, text: buffer.input.value, cursor: buffer.input.cursor, suggestion: suggestions()[0]} : undefined}
					page={{id: page.id, spec: page.spec, filter: page.filter, channel: channelFor(page.id, channels.current, bump)}}
					modal={modal ? {id: modal.id, spec: modal.spec, channel: channelFor(-modal.id, channels.current, bump), close: api.closeModal} : undefined}
					crumbs={crumbs}
					flash={state.flash}
					panels={props.plugins?.flatMap(p => (p.panel ? [p.panel] : []))}
				/>
			</AppInternalsContext.Provider>
		</AppContext.Provider>
	);
}

/** A resource table page; its memory (cursor, wide, faults) lives as long as the page. */
function resourcePage(kind: string, options: OpenViewOptions = {}, cluster?: Parameters<typeof kindType>[0]): PageSpec {
	const memory: ViewMemory = options.select ? {table: {cursorId: options.select, index: 0, offset: 0}} : {};
	const type = kindType(cluster, kind);
	const pinned = options.namespace;
	return {
		title: options.title ?? viewName(kind, type),
		key: `view:${type.kind}:${pinned ?? ''}:${options.labelSelector ?? ''}:${options.fieldSelector ?? ''}:${options.ownerUid ?? ''}`,
		render: page => (
			<ResourceView
				{...page}
				kind={type.kind}
				namespace={pinned}
				labelSelector={options.labelSelector}
				fieldSelector={options.fieldSelector}
				ownerUid={options.ownerUid}
				memory={memory}
			/>
		),
	};
}

const channelCache = new WeakMap<Map<number, Channel>, Map<number, PageChannel>>();

/** A stable channel object per page id (so the page hooks' effects do not re-run). */
function channelFor(id: number, channels: Map<number, Channel>, bump: () => void): PageChannel {
	let cache = channelCache.get(channels);
	if (!cache) channelCache.set(channels, (cache = new Map()));
	let channel = cache.get(id);
	if (!channel) {
		channel = {
			setKeymap(keymap) {
				const entry = channels.get(id);
				if (!entry) return;
				entry.keymap = keymap;
				bump();
			},
			setKind(kind) {
				const entry = channels.get(id);
				if (!entry || entry.kind === kind) return;
				entry.kind = kind;
				bump();
			},
			setSelection(selection) {
				const entry = channels.get(id);
				if (!entry) return;
				const before = entry.selection;
				entry.selection = selection;
				// Hints change only when the kind (and so its actions) changes.
				if (before?.kind !== selection?.kind || Boolean(before?.container) !== Boolean(selection?.container)) bump();
			},
		};
		cache.set(id, channel);
	}
	return channel;
}

/**
 * The header's speed: `x60`, `paused`, and how far the cluster lags the
 * chosen speed when it cannot keep up (`x60 (behind 12s)`), from a second on.
 */
export function speedText(paused: boolean, speed: number, behindMs: number): string {
	const base = paused ? 'paused' : `x${speed}`;
	return behindMs >= 1000 ? `${base} (behind ${humanDuration(behindMs)})` : base;
}
