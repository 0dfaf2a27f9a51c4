/**
 * The one scrolling keymap (k9s: j/k and arrows, PgDn/PgUp and Ctrl+F/Ctrl+B,
 * g/Home and G/End), shared by tables, text pages, the trace, xray and
 * pulse. A page gives the handlers for the moves it supports. Pages whose
 * lines can be wider than the screen (describe, YAML, logs, events) add the
 * sideways keys: ←/→ and h/l, Shift+←/→ by half a screen.
 */
import type {ActionHandler, KeyBinding} from '../app/contract.js';

export const scrollBindings: KeyBinding[] = [
	{key: 'j', action: 'scroll.down', description: 'Down', visible: false},
	{key: 'down', action: 'scroll.down', description: 'Down', visible: false},
	{key: 'k', action: 'scroll.up', description: 'Up', visible: false},
	{key: 'up', action: 'scroll.up', description: 'Up', visible: false},
	{key: 'pgdn', action: 'scroll.page-down', description: 'Page down', visible: false},
	{key: 'ctrl-f', action: 'scroll.page-down', description: 'Page down', visible: false},
	{key: 'pgup', action: 'scroll.page-up', description: 'Page up', visible: false},
	{key: 'ctrl-b', action: 'scroll.page-up', description: 'Page up', visible: false},
	{key: 'g', action: 'scroll.top', description: 'Top', visible: false},
	{key: 'home', action: 'scroll.top', description: 'Top', visible: false},
	{key: 'shift-g', action: 'scroll.bottom', description: 'Bottom', visible: false},
	{key: 'end', action: 'scroll.bottom', description: 'Bottom', visible: false},
];

/** Sideways scrolling, for pages whose lines are cut at the right edge (k9s' text views: h/l and arrows). */
export const sidewaysBindings: KeyBinding[] = [
	{key: 'left', action: 'scroll.left', description: 'Scroll left', visible: false},
	{key: 'h', action: 'scroll.left', description: 'Scroll left', visible: false},
	{key: 'right', action: 'scroll.right', description: 'Scroll right', visible: false},
	{key: 'l', action: 'scroll.right', description: 'Scroll right', visible: false},
	{key: 'shift-left', action: 'scroll.page-left', description: 'Half a screen left', visible: false},
	{key: 'shift-right', action: 'scroll.page-right', description: 'Half a screen right', visible: false},
];

/** Columns one ←/→ moves a page sideways. */
export const sidewaysStep = 8;

/** Action names of the scrolling keymap (help lists them under NAVIGATION). */
export const navigationActions: ReadonlySet<string> = new Set([...scrollBindings, ...sidewaysBindings].map(b => b.action));

export type ScrollMoves = {
	down: () => void;
	up: () => void;
	pageDown: () => void;
	pageUp: () => void;
	top: () => void;
	bottom: () => void;
};

/** Handlers for the scrolling keymap. */
export function scrollHandlers(moves: ScrollMoves): Record<string, ActionHandler> {
	return {
		'scroll.down': () => moves.down(),
		'scroll.up': () => moves.up(),
		'scroll.page-down': () => moves.pageDown(),
		'scroll.page-up': () => moves.pageUp(),
		'scroll.top': () => moves.top(),
		'scroll.bottom': () => moves.bottom(),
	};
}

export type SidewaysMoves = {
	/** Move the first visible column by `by` (negative: left). */
	by: (columns: number) => void;
	/** Columns the page shows (Shift+←/→ move half of them). */
	width: number;
};

/** Handlers for the sideways keys. */
export function sidewaysHandlers(moves: SidewaysMoves): Record<string, ActionHandler> {
	const half = Math.max(1, Math.floor(moves.width / 2));
	return {
		'scroll.left': () => moves.by(-sidewaysStep),
		'scroll.right': () => moves.by(sidewaysStep),
		'scroll.page-left': () => moves.by(-half),
		'scroll.page-right': () => moves.by(half),
	};
}

/** `←cols 41-119/214→`: the columns in view of lines wider than the screen; empty when everything fits or lines wrap. */
export function columnIndicator(left: number, width: number, widest: number): string {
	if (widest <= width) return '';
	const last = left + width >= widest ? widest : left + width - 1;
	return `${left > 0 ? '←' : ''}cols ${left + 1}-${last}/${widest}${last < widest ? '→' : ''}`;
}
