/**
 * The dashboard's plug-in contract: what a page (a table, a describe view, a
 * trace view, a dialog) and an action (describe, delete, scale, logs...) use to
 * take part in the app. Views, dialogs and actions import from this module
 * (plus `theme.ts` types and the engine's public facade); the hooks and
 * registries it re-exports live one per file beside it.
 *
 * Keys
 * ----
 * Keys use k9s notation: single characters as typed ('d', '?', ':'), upper
 * case as `shift-<letter>` ('shift-j'), control as `ctrl-<letter>` ('ctrl-d'),
 * and the names 'enter', 'esc', 'tab', 'shift-tab', 'up', 'down', 'left',
 * 'right', 'pgup', 'pgdn', 'home', 'end', 'backspace', 'delete', 'space'.
 * One dispatcher parses stdin once (multi-character input is split into one
 * key per character) and routes each key: modal > prompt > page > global.
 *
 * Keymaps are data: an array of `KeyBinding` plus a handler per action name.
 * Help and the header hints are generated from them; `--readonly` drops every
 * binding marked `dangerous`; the preferences can move an action to another
 * key by its action name (`keys: {"pod.kill": "shift-k"}`).
 *
 * Pages
 * -----
 * The app holds a page stack; Esc pops (when the page does not consume Esc),
 * crumbs are the pages' titles. Push a page with `app.pushPage({title,
 * render})`; `render` receives `{width, height, focused}` (the content area:
 * header, crumbs and flash are already subtracted) and returns the page's
 * element. Inside the page component:
 *  - `usePageKeys({bindings, handlers, onKey})` declares the page's keymap;
 *    handlers are read through a ref, so inline closures are fine.
 *  - `useSelection(selection)` publishes the object under the cursor; the
 *    actions registered for its kind then join the page's keymap.
 *
 * Modals
 * ------
 * `app.showModal({title, render, bindings, handlers, onKey})` opens a modal
 * over the page; while it is open every key goes to it only (Esc closes it
 * unless `onKey` consumes Esc; Ctrl+C still quits). Widgets inside a modal
 * (the text input, the select list) take their keys from the modal's
 * `onKey`, never from stdin. `app.confirm(...)` is a ready-made yes/no.
 *
 * Actions per kind
 * ----------------
 * `registerActions('Pod', [{binding, handler}])` adds actions to every view
 * whose selection is a Pod; kind '*' means every kind. Register from a module
 * imported by `source/ui/extensions.ts` (one import line per module).
 * `registerCommand({names: ['xray', 'x'], ...})` adds a `:` command.
 *
 * Action names the shell calls itself: Enter on a kind without a drill-down
 * (ConfigMap, Secret, PV, PVC, Event...) runs the registered 'describe'
 * action; Enter on a container row runs 'pod.logs'. Suggested names for the
 * rest: 'yaml', 'edit', 'delete', 'owner' (shift-j), 'pod.shell', 'pod.kill',
 * 'pod.node', 'pod.trace', 'deploy.scale', 'deploy.restart', ...
 *
 * Live data: `useLive(['Pod'], {clock: true})` re-renders a page when pods
 * change or the virtual second ticks; read objects from `app.model`.
 */
import type {ReactNode} from 'react';
import type {KubeObject} from '../../engine/index.js';
import type {ClusterSource} from '../model/cluster-source.js';
import type {Theme} from '../theme/theme.js';
import type {ClusterModel} from '../model/cluster-model.js';
import type {UiTimers} from '../model/ui-timers.js';

/** One entry of a keymap. */
export type KeyBinding = {
	/** k9s key notation: 'd', 'shift-j', 'ctrl-d', 'enter', 'esc'. */
	key: string;
	/** Stable action name, e.g. 'describe', 'pod.logs'; preferences override keys by it. */
	action: string;
	/** Short text for hints and help, e.g. 'Describe'. */
	description: string;
	/** Changes the cluster (delete, scale, kill...): removed in read-only mode. */
	dangerous?: boolean;
	/** Shown in the header hints (default true); help lists every binding. */
	visible?: boolean;
	/** Exists only in the simulated cluster (kill a node, the trace): dropped on a real one. */
	simulation?: boolean;
};

/** A key as the dispatcher hands it to pages and modals. */
export type KeyEvent = {
	/** k9s notation (see module comment). */
	name: string;
	/** The printable character, '' for special keys and ctrl combinations. */
	input: string;
	ctrl: boolean;
	shift: boolean;
	meta: boolean;
};

/** Runs an action; the key that triggered it is passed for pages that care. */
export type ActionHandler = (event: KeyEvent) => void;

/** A keymap as data: the bindings and a handler per action name. */
export type Keymap = {
	bindings: KeyBinding[];
	handlers: Record<string, ActionHandler>;
	/**
	 * Sees every key before the bindings; return true when consumed. For
	 * text entry and for keys that are not actions (digits in a prompt...).
	 */
	onKey?: (event: KeyEvent) => boolean;
};

/** What a page render function receives. */
export type PageProps = {
	/** Content width in columns. */
	width: number;
	/** Content height in rows (header, crumbs and flash already subtracted). */
	height: number;
	/** False while a modal or the prompt has the keyboard. */
	focused: boolean;
	/** The page's `/` filter text ('' when none); pages that can filter apply it. */
	filter: string;
};

/** A page to push on the stack. */
export type PageSpec = {
	/** Crumb text, e.g. 'describe pod/web-1'. */
	title: string;
	/** The page element; usually `props => <MyPage {...props} object={o}/>`. */
	render: (props: PageProps) => ReactNode;
	/** Optional stable key: pushing a page whose key is already on top replaces it. */
	key?: string;
};

/** A modal over the current page: it takes the keyboard while open. */
export type ModalSpec = {
	title: string;
	render: (props: {width: number; height: number; close: () => void}) => ReactNode;
	bindings?: KeyBinding[];
	handlers?: Record<string, ActionHandler>;
	/** Sees every key first; return true when consumed. Esc closes the modal otherwise. */
	onKey?: (event: KeyEvent) => boolean;
	/** Called once when the modal closes (by Esc, by `close()` or by another modal). */
	onClose?: () => void;
};

/** The object under the cursor of the current page. */
export type Selection = {
	/** Kind of `object` ('Pod', 'Deployment'...). */
	kind: string;
	object: KubeObject;
	/** Set by the containers view: the container name inside the pod `object`. */
	container?: string;
	/** Extra detail a view may pass (e.g. the revision row of a rollout history). */
	detail?: unknown;
};

export type FlashLevel = 'info' | 'warn' | 'error';

/** Options for opening a resource table view. */
export type OpenViewOptions = {
	/** Namespace, or 'all'; default: the current one. */
	namespace?: string;
	/** Engine label selector, e.g. `app=web`. */
	labelSelector?: string;
	/** Engine field selector, e.g. `spec.nodeName=kubarium-worker`. */
	fieldSelector?: string;
	/** Crumb text override. */
	title?: string;
	/** Only objects with an ownerReference to this uid (e.g. a CronJob's Jobs). */
	ownerUid?: string;
	/** Uid of the row to put the cursor on (the row selected where the view was opened from). */
	select?: string;
};

/** What pages and actions can do with the app: `const app = useApp()`. */
export type AppApi = {
	/** The cluster on screen: the embedded engine or a real one, behind the one seam. */
	cluster: ClusterSource;
	/** Batched snapshots of the cluster per kind (see cluster-model.ts). */
	model: ClusterModel;
	readonly: boolean;
	theme: Theme;
	/** Current namespace of the views: a name or 'all'. */
	namespace(): string;
	/** Push a page on the stack (Esc pops it). */
	pushPage(page: PageSpec): void;
	/** Pop the top page (never the home page). */
	popPage(): void;
	/** One-line message under the page; replaces the previous one. */
	flash(message: string, level?: FlashLevel): void;
	/** Open a modal; returns its close function. */
	showModal(modal: ModalSpec): () => void;
	/** Close the open modal, if any. */
	closeModal(): void;
	/** Yes/No modal; resolves true on Yes, false on No or Esc. */
	confirm(options: {title: string; message: string; yes?: string; no?: string}): Promise<boolean>;
	/** Open a resource table, e.g. `openView('Pod', {fieldSelector: 'spec.nodeName=n1'})`. */
	openView(kind: string, options?: OpenViewOptions): void;
	/** The selection of the current page, if it has one. */
	selection(): Selection | undefined;
	/** Run a `:` command line (without the colon), as if typed. */
	runCommand(line: string): void;
	/**
	 * Leave the alternate screen and raw mode, run `fn` (e.g. spawnSync of
	 * $EDITOR with stdio inherited), then come back and redraw.
	 */
	runExternal<T>(fn: () => T): T;
	/** Request a redraw soon (after a change the model does not see). */
	invalidate(): void;
	/** Virtual time now, ms. */
	now(): number;
	/** Timers for the dashboard's own delays (real ones, or a recording's virtual ones). */
	timers: UiTimers;
	/**
	 * Hear about simulation ticks that changed something (see `useLive`);
	 * return true to have the page re-rendered for this tick.
	 */
	onTick(listener: (tick: LiveTick) => boolean | void): () => void;
};

/** What one simulation tick changed. */
export type LiveTick = {
	/** Kinds with added, modified or deleted objects. */
	changed: ReadonlySet<string>;
	/** Virtual time after the tick. */
	now: number;
	/** The virtual clock crossed a second (AGE cells, clocks). */
	secondChanged: boolean;
	/** A metrics scrape completed that no page has shown yet (CPU and MEM cells, also while paused). */
	metricsChanged: boolean;
};

/** Registration channel a page uses to declare its keymap and selection. */
export type PageChannel = {
	setKeymap(keymap: Keymap | undefined): void;
	setSelection(selection: Selection | undefined): void;
	/** The kind the page lists, so its actions show in hints and help even with no row selected. */
	setKind?(kind: string | undefined): void;
};

// Registries: per-kind actions and `:` commands, added as data (see action-registry.ts, command-registry.ts).

/** What an action handler receives. */
export type ActionContext = {
	app: AppApi;
	selection: Selection;
	event: KeyEvent;
};

export type ActionEntry = {
	binding: KeyBinding;
	handler: (context: ActionContext) => void;
	/** Only offered when this returns true (e.g. only for a selection with a container). */
	when?: (selection: Selection) => boolean;
};

/** A `:` command added by a module (e.g. `:xray deploy`, `:pulse`). */
export type CommandSpec = {
	/** The first is the canonical name; the others are aliases. */
	names: string[];
	/** One line for help and suggestions. */
	description: string;
	/** Argument words offered as suggestions after the name (e.g. ['deploy', 'sts', 'svc', 'po']). */
	arguments?: string[];
	/** Completions of the argument being typed, best first (file paths for `:apply`); used instead of `arguments`. */
	complete?: (partial: string) => string[];
	/** Run it; throw an Error to flash its message as an error. */
	run: (args: string[], app: AppApi) => void;
};

/**
 * A panel the layout shows between the header and the page (the practice
 * task panel): it takes rows from the page, never from the frame's other
 * parts, so the frame keeps to the terminal's rows minus one.
 */
export type LayoutPanel = {
	/** Rows the panel wants at this width and at most `max` (0 hides it). */
	rows: (width: number, max: number) => number;
	render: (props: {width: number; height: number}) => ReactNode;
};

/**
 * A plug-in the app is started with (`<App plugins={[...]}/>`): its `:`
 * commands join the command registry while the app is mounted, its panel
 * joins the layout, and `attach` runs once with the app API (to hear ticks,
 * flash messages); it returns its cleanup.
 */
export type AppPlugin = {
	name: string;
	commands?: CommandSpec[];
	panel?: LayoutPanel;
	attach?: (app: AppApi) => (() => void) | void;
};

export {AppContext} from './app-context.js';
export {PageContext} from './page-context.js';
export {useApp} from './use-app.js';
export {useTheme} from './use-theme.js';
export {useLive} from './use-live.js';
export {usePageKeys} from './use-page-keys.js';
export {useSelection} from './use-selection.js';
export {usePageKind} from './use-page-kind.js';
export {actionsFor, registerActions} from './action-registry.js';
export {registerCommand, registeredCommands} from './command-registry.js';
