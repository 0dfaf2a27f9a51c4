/**
 * The app container: page stack, modes (command, filter), modal host, flash,
 * namespace, theme, and the single key dispatcher (modal > prompt > page >
 * global). Key handling mutates a ref'd state synchronously and then
 * re-renders, so a run of keys in one read (":po\r", "/web") is handled in
 * order, and Ink's useInput gets one stable handler.
 */
import React, {useCallback, useEffect, useMemo, useReducer, useRef, useState} from 'react';
import {Box, Text, useApp as useInkApp, useInput, useStdout} from 'ink';
import type {Cluster} from '../../engine/index.js';
import {resolveResource} from '../../engine/index.js';
import {
	actionsFor, AppContext, PageContext,
	type AppApi, type FlashLevel, type KeyBinding, type KeyEvent, type Keymap, type ModalSpec,
	type OpenViewOptions, type PageChannel, type PageSpec, type Selection, type LiveTick,
} from './contract.js';
import {keyEvents, keyText} from './keys.js';
import {effectiveBindings, globalBindings, runKeymap, type KeyOverrides} from './keymap.js';
import {parseCommand, suggest, kindAliases} from './commands.js';
import {ShellContext, type Shell} from './shell-context.js';
import {Crumbs, Flash, Header, headerHeight, hintsFrom, PromptLine, TooSmall, type HeaderInfo, type Hint} from './frame.js';
import type {ClusterModel} from '../model/cluster-model.js';
import type {Simulation} from '../model/simulation.js';
import type {Preferences} from '../prefs.js';
import type {Theme} from '../theme/theme.js';
import {loadTheme, themeNames} from '../theme/load.js';
import {ContainersView, ResourceView, type ViewMemory} from '../views/resource-view.js';
import {HomeView} from '../views/home.js';
import {HelpView, type HelpSection} from '../views/help.js';
import {tableNavigationBindings} from '../components/table/index.js';
import {nodeStatus} from '../views/node-columns.js';
import {viewName} from '../views/titles.js';
import {columnSetFor} from '../views/registry.js';
import type {Node} from '../../engine/index.js';

/** Smallest terminal the layout fits. */
export const minimumSize = {columns: 60, rows: 16};

export type AppProps = {
	cluster: Cluster;
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
};

type PageEntry = {id: number; spec: PageSpec; filter: string};
type Mode = 'normal' | 'command' | 'filter';
type UiState = {
	pages: PageEntry[];
	mode: Mode;
	prompt: string;
	/** Filter text before `/` was pressed (restored by Esc). */
	filterBefore: string;
	suggestionIndex: number;
	historyIndex: number;
	history: string[];
	flash?: {message: string; level: FlashLevel; id: number};
	modal?: {spec: ModalSpec; id: number};
	namespace: string;
	theme: Theme;
};

type Channel = {keymap?: Keymap; selection?: Selection; kind?: string};

function useTerminalSize(fixed?: {columns: number; rows: number}) {
	const {stdout} = useStdout();
	const read = () => ({columns: stdout.columns || 80, rows: stdout.rows || 24});
	const [size, setSize] = useState(read);
	useEffect(() => {
		if (fixed) return;
		const onResize = () => setSize(read());
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [stdout, fixed]);
	return fixed ?? size;
}

/** `01-01 09:00:05`: the simulated date and time (UTC). */
function formatClock(ms: number): string {
	return new Date(ms).toISOString().slice(5, 19).replace('T', ' ');
}

export function App(props: AppProps) {
	const {cluster, model, simulation, prefs} = props;
	const readonly = props.readonly ?? false;
	const ink = useInkApp();
	const size = useTerminalSize(props.size);
	const [, bump] = useReducer((n: number) => n + 1, 0);
	const nextId = useRef(1);
	const channels = useRef(new Map<number, Channel>());
	const tickListeners = useRef(new Set<(tick: LiveTick) => boolean | void>());
	const quitting = useRef(false);
	const overrides: KeyOverrides = prefs.get().keys;

	const ui = useRef<UiState>(undefined as unknown as UiState);
	if (!ui.current) {
		ui.current = {
			pages: [],
			mode: 'normal',
			prompt: '',
			filterBefore: '',
			suggestionIndex: 0,
			historyIndex: -1,
			history: [],
			namespace: props.namespace ?? 'default',
			theme: props.theme,
		};
	}

	const flash = useCallback((message: string, level: FlashLevel = 'info') => {
		ui.current.flash = {message, level, id: nextId.current++};
		bump();
	}, []);

	// Flash messages fade after a few seconds.
	const flashId = ui.current.flash?.id;
	useEffect(() => {
		if (flashId === undefined) return;
		const timer = setTimeout(() => {
			if (ui.current.flash?.id === flashId) {
				ui.current.flash = undefined;
				bump();
			}
		}, 6000);
		timer.unref?.();
		return () => clearTimeout(timer);
	}, [flashId]);

	const quit = useCallback(() => {
		if (quitting.current) return;
		quitting.current = true;
		props.onQuit?.();
		ink.exit();
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [ink]);

	const top = () => ui.current.pages[ui.current.pages.length - 1];

	const api = useMemo<AppApi & {shell: Shell}>(() => {
		const pushPage = (spec: PageSpec) => {
			const current = top();
			if (spec.key && current?.spec.key === spec.key) ui.current.pages.pop();
			ui.current.pages.push({id: nextId.current++, spec, filter: ''});
			ui.current.mode = 'normal';
			bump();
		};
		const popPage = () => {
			if (ui.current.pages.length <= 1) return;
			const gone = ui.current.pages.pop()!;
			channels.current.delete(gone.id);
			bump();
		};
		const closeModal = () => {
			const modal = ui.current.modal;
			if (!modal) return;
			ui.current.modal = undefined;
			modal.spec.onClose?.();
			bump();
		};
		const showModal = (spec: ModalSpec) => {
			if (ui.current.modal) closeModal();
			const id = nextId.current++;
			ui.current.modal = {spec, id};
			ui.current.mode = 'normal';
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
		const shell: Shell = {
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
				const sections = helpSections();
				pushPage({title: 'help', key: 'help', render: page => <HelpView {...page} sections={sections} />});
			},
		};
		const runCommand = (line: string) => {
			const command = parseCommand(line);
			switch (command.type) {
				case 'error':
					flash(command.message, 'error');
					return;
				case 'quit':
					quit();
					return;
				case 'home':
					ui.current.pages.splice(1);
					bump();
					prefs.set({lastView: 'home'});
					return;
				case 'help':
					shell.openHelp();
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
					const type = resolveResource(command.kind);
					if (command.namespace !== undefined) {
						if (!type.namespaced) {
							flash(`${type.plural} are not namespaced: the namespace "${command.namespace}" is ignored`, 'warn');
						} else if (command.namespace !== 'all' && !cluster.get('Namespace', command.namespace)) {
							flash(`namespaces "${command.namespace}" not found`, 'error');
							return;
						} else {
							setNamespace(command.namespace);
						}
					}
					ui.current.pages.splice(1);
					pushPage(resourcePage(type.kind));
					prefs.set({lastView: type.kind});
					return;
				}
				case 'registered':
					try {
						command.spec.run(command.args, apiRef.current!);
					} catch (error) {
						flash((error as Error).message, 'error');
					}
					return;
			}
		};
		const app: AppApi & {shell: Shell} = {
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
			confirm(options) {
				return new Promise<boolean>(resolve => {
					let answered = false;
					const answer = (value: boolean) => {
						if (answered) return;
						answered = true;
						resolve(value);
						closeModal();
					};
					showModal({
						title: options.title,
						render: () => (
							<Box flexDirection="column">
								<Text>{options.message}</Text>
								<Text> </Text>
								<Text><Text bold>{`<y> ${options.yes ?? 'Yes'}`}</Text>{'   '}<Text>{`<n> ${options.no ?? 'No'}`}</Text></Text>
							</Box>
						),
						bindings: [
							{key: 'y', action: 'confirm.yes', description: options.yes ?? 'Yes'},
							{key: 'enter', action: 'confirm.yes', description: options.yes ?? 'Yes', visible: false},
							{key: 'n', action: 'confirm.no', description: options.no ?? 'No'},
						],
						handlers: {'confirm.yes': () => answer(true), 'confirm.no': () => answer(false)},
						onClose: () => {
							if (!answered) {
								answered = true;
								resolve(false);
							}
						},
					});
				});
			},
			openView(kind, options) {
				let type;
				try {
					type = resolveResource(kind);
				} catch (error) {
					flash((error as Error).message, 'error');
					return;
				}
				if (!columnSetFor(type.kind)) {
					flash(`No view for ${type.plural}`, 'error');
					return;
				}
				pushPage(resourcePage(type.kind, options));
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
			onTick(listener) {
				tickListeners.current.add(listener);
				return () => tickListeners.current.delete(listener);
			},
			shell,
		};
		return app;
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, []);
	const apiRef = useRef<AppApi>(api);
	const onApi = props.onApi;
	useEffect(() => onApi?.(api), [api, onApi]);

	/** The effective keymap of a page: its own bindings, then the actions for its selection. */
	const pageKeymap = (page: PageEntry | undefined): Keymap | undefined => {
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
	};

	const favoriteBindings = (): KeyBinding[] => {
		const favorites = prefs.get().favorites;
		const out: KeyBinding[] = [{key: '0', action: 'namespace.0', description: 'all'}];
		favorites.slice(0, 9).forEach((ns, i) => out.push({key: String(i + 1), action: `namespace.${i + 1}`, description: ns}));
		return out;
	};

	const helpSections = (): HelpSection[] => {
		const page = top();
		const keymap = pageKeymap(page);
		const options = {readonly, overrides};
		const all = effectiveBindings(keymap?.bindings ?? [], options);
		const navigationActions = new Set(tableNavigationBindings.map(b => b.action));
		return [
			{title: 'RESOURCE', bindings: all.filter(b => !navigationActions.has(b.action))},
			{title: 'GENERAL', bindings: effectiveBindings(globalBindings, options)},
			{title: 'NAMESPACES', bindings: favoriteBindings()},
			{title: 'NAVIGATION', bindings: all.filter(b => navigationActions.has(b.action))},
			{
				title: 'COMMANDS',
				bindings: [
					{key: ':po', action: 'cmd.view', description: 'Pods (and every kubectl alias: :dp, :sts, :svc...)'},
					{key: ':pause', action: 'cmd.pause', description: 'Pause the simulation'},
					{key: ':resume', action: 'cmd.resume', description: 'Resume the simulation'},
					{key: ':speed N', action: 'cmd.speed', description: 'Speed 0, 1, 10, 60'},
					{key: ':theme NAME', action: 'cmd.theme', description: themeNames(props.configDir).join(', ')},
					{key: ':q', action: 'cmd.quit', description: 'Quit'},
				],
			},
		];
	};

	const suggestions = (): string[] => {
		if (ui.current.mode !== 'command') return [];
		return suggest(ui.current.prompt, {
			namespaces: model.list('Namespace').map(n => n.metadata.name),
			themes: themeNames(props.configDir),
			history: ui.current.history,
		});
	};

	const promptKey = (event: KeyEvent) => {
		const state = ui.current;
		const setFilter = (text: string) => {
			const page = top();
			if (page) page.filter = text;
		};
		switch (event.name) {
			case 'esc':
				if (state.mode === 'filter') setFilter(state.filterBefore);
				state.mode = 'normal';
				state.prompt = '';
				break;
			case 'enter': {
				const line = state.prompt.trim();
				const mode = state.mode;
				state.mode = 'normal';
				state.prompt = '';
				if (mode === 'command') {
					if (line) {
						state.history = [line, ...state.history.filter(h => h !== line)].slice(0, 50);
						api.runCommand(line);
					}
				} else {
					setFilter(line);
				}
				break;
			}
			case 'tab':
			case 'right': {
				const list = suggestions();
				const pick = list[state.suggestionIndex % Math.max(1, list.length)];
				if (pick) state.prompt = pick;
				state.suggestionIndex = 0;
				break;
			}
			case 'up':
			case 'down': {
				if (state.mode !== 'command' || state.history.length === 0) break;
				const delta = event.name === 'up' ? 1 : -1;
				state.historyIndex = Math.max(-1, Math.min(state.history.length - 1, state.historyIndex + delta));
				state.prompt = state.historyIndex < 0 ? '' : state.history[state.historyIndex]!;
				break;
			}
			case 'backspace':
				state.prompt = state.prompt.slice(0, -1);
				state.suggestionIndex = 0;
				if (state.mode === 'filter') setFilter(state.prompt);
				break;
			case 'ctrl-u':
			case 'ctrl-w':
				state.prompt = '';
				if (state.mode === 'filter') setFilter('');
				break;
			default: {
				const text = keyText(event);
				if (!text) return;
				state.prompt += text;
				state.suggestionIndex = 0;
				state.historyIndex = -1;
				if (state.mode === 'filter') setFilter(state.prompt);
			}
		}
		bump();
	};

	const globalKey = (event: KeyEvent): boolean => {
		const options = {readonly, overrides};
		const handlers: Keymap['handlers'] = {
			'app.command': () => {
				ui.current.mode = 'command';
				ui.current.prompt = '';
				ui.current.historyIndex = -1;
				bump();
			},
			'app.filter': () => {
				const page = top();
				ui.current.mode = 'filter';
				ui.current.filterBefore = page?.filter ?? '';
				ui.current.prompt = page?.filter ?? '';
				bump();
			},
			'app.help': () => api.shell.openHelp(),
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
				if (ui.current.pages.length > 1) api.popPage();
				else quit();
			},
			'app.quit': () => quit(),
		};
		const favorites = prefs.get().favorites;
		for (let i = 0; i <= 9; i++) {
			handlers[`namespace.${i}`] = () => {
				const namespace = i === 0 ? 'all' : favorites[i - 1];
				if (!namespace) return;
				api.shell.setNamespace(namespace);
				flash(`Namespace ${namespace}`);
			};
		}
		return runKeymap({bindings: [...globalBindings, ...favoriteBindings()], handlers}, event, options);
	};

	const handleKey = (event: KeyEvent) => {
		if (event.name === 'ctrl-c') {
			quit();
			return;
		}
		const state = ui.current;
		const tooSmall = size.columns < minimumSize.columns || size.rows < minimumSize.rows;
		if (tooSmall) {
			if (event.name === 'q' || event.name === 'esc') quit();
			return;
		}
		if (state.modal) {
			const {spec} = state.modal;
			if (spec.onKey?.(event)) return;
			if (runKeymap({bindings: spec.bindings ?? [], handlers: spec.handlers ?? {}}, event, {readonly, overrides})) return;
			if (event.name === 'esc') api.closeModal();
			return;
		}
		if (state.mode !== 'normal') {
			promptKey(event);
			return;
		}
		if (runKeymap(pageKeymap(top()), event, {readonly, overrides})) return;
		globalKey(event);
	};

	const handleKeyRef = useRef(handleKey);
	handleKeyRef.current = handleKey;
	const onInput = useCallback((input: string, key: Parameters<Parameters<typeof useInput>[0]>[1]) => {
		for (const event of keyEvents(input, key)) {
			try {
				handleKeyRef.current(event);
			} catch (error) {
				flash(`Error: ${(error as Error).message}`, 'error');
			}
		}
	}, [flash]);
	useInput(onInput);

	// Simulation ticks: fan out to the pages' useLive hooks, and redraw the header clock.
	useEffect(() => simulation.onTick(tick => {
		const error = simulation.takeError();
		if (error) flash(`Simulation error: ${error}`, 'error');
		// One render per tick: the header clock, or any page that asked for these changes.
		let render = tick.secondChanged || tick.changed.has('Node');
		for (const listener of [...tickListeners.current]) if (listener(tick)) render = true;
		if (render) bump();
	}), [simulation, flash]);
	useEffect(() => simulation.onSpeed(() => bump()), [simulation]);

	// First page: home, plus the last view or the start view on top.
	if (ui.current.pages.length === 0) {
		ui.current.pages.push({
			id: nextId.current++,
			spec: {title: 'home', key: 'home', render: page => <HomeView {...page} />},
			filter: '',
		});
		const start = props.initialView ?? prefs.get().lastView;
		if (start && start !== 'home' && columnSetFor(start)) {
			ui.current.pages.push({id: nextId.current++, spec: resourcePage(start), filter: ''});
		}
	}
	const startupWarnings = props.startupWarnings;
	useEffect(() => {
		if (startupWarnings?.length) flash(startupWarnings.join('; '), 'error');
	}, [startupWarnings, flash]);

	const state = ui.current;
	const theme = state.theme;
	const width = size.columns;
	const height = size.rows - 1;
	if (width < minimumSize.columns || size.rows < minimumSize.rows) {
		return <TooSmall columns={size.columns} rows={size.rows} min={minimumSize} />;
	}

	const page = top()!;
	const channel = channels.current.get(page.id) ?? {};
	channels.current.set(page.id, channel);
	const pageChannel: PageChannel = channelFor(page.id, channels.current, bump);

	const nodes = model.list('Node');
	const readyNodes = nodes.filter(n => nodeStatus(n as Node).startsWith('Ready')).length;
	const metrics = model.metrics();
	const info: HeaderInfo = {
		cluster: cluster.name,
		clock: formatClock(cluster.now()),
		speed: simulation.paused ? 'paused' : `x${simulation.speed}`,
		nodes: `${nodes.length} (${readyNodes} ready)`,
		cpu: metrics?.cpu ?? 'n/a',
		mem: metrics?.memory ?? 'n/a',
		namespace: state.namespace,
		readonly,
	};
	const activeKeymap = state.modal ? {bindings: state.modal.spec.bindings ?? []} : pageKeymap(page);
	const options = {readonly, overrides};
	const pageHints = hintsFrom(effectiveBindings(activeKeymap?.bindings ?? [], options));
	// A page binding shadows a global one on the same key (e.g. '/' searches a describe page).
	const shadowed = new Set(pageHints.map(h => h.key));
	const hints: Hint[] = [
		...favoriteBindings().map(b => ({key: b.key, description: b.description, numeric: true})),
		...pageHints,
		...hintsFrom(effectiveBindings(globalBindings, options)).filter(h => !shadowed.has(h.key)),
	];
	const promptOpen = state.mode !== 'normal';
	const contentHeight = Math.max(1, height - headerHeight - 2 - (promptOpen ? 1 : 0));
	const focused = !promptOpen && !state.modal;
	const list = promptOpen ? suggestions() : [];
	const crumbs = state.pages.map(p => p.spec.title);
	if (state.modal) crumbs.push(state.modal.spec.title);

	return (
		<AppContext.Provider value={api}>
			<ShellContext.Provider value={api.shell}>
				<Box flexDirection="column" width={width} height={height}>
					<Header info={info} hints={hints} width={width} theme={theme} />
					{promptOpen ? <PromptLine mode={state.mode as 'command' | 'filter'} text={state.prompt} suggestion={list[0]} width={width} theme={theme} /> : null}
					<Box width={width} height={contentHeight} flexDirection="column">
						{state.modal ? (
							<ModalHost spec={state.modal.spec} width={width} height={contentHeight} theme={theme} close={api.closeModal} />
						) : (
							<PageContext.Provider value={pageChannel}>
								<PageHost key={page.id} spec={page.spec} width={width} height={contentHeight} focused={focused} filter={page.filter} />
							</PageContext.Provider>
						)}
					</Box>
					<Crumbs titles={crumbs} width={width} theme={theme} />
					<Flash message={state.flash?.message} level={state.flash?.level} width={width} theme={theme} />
				</Box>
			</ShellContext.Provider>
		</AppContext.Provider>
	);
}

/** A resource table page; its memory (cursor, wide, faults) lives as long as the page. */
function resourcePage(kind: string, options: OpenViewOptions = {}): PageSpec {
	const memory: ViewMemory = {};
	const type = resolveResource(kind);
	const pinned = options.namespace;
	return {
		title: options.title ?? viewName(kind),
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

function PageHost({spec, width, height, focused, filter}: {spec: PageSpec; width: number; height: number; focused: boolean; filter: string}) {
	return <>{spec.render({width, height, focused, filter})}</>;
}

function ModalHost({spec, width, height, theme, close}: {spec: ModalSpec; width: number; height: number; theme: Theme; close: () => void}) {
	const boxWidth = Math.min(width, Math.max(40, Math.floor(width * 0.7)));
	return (
		<Box width={width} height={height} justifyContent="center" alignItems="center">
			<Box flexDirection="column" width={boxWidth} borderStyle="round" borderColor={theme.dialog.border} paddingX={1}>
				<Text color={theme.dialog.label} bold>{spec.title}</Text>
				{spec.render({width: boxWidth - 4, height: Math.max(1, height - 3), close})}
			</Box>
		</Box>
	);
}

export {kindAliases};
