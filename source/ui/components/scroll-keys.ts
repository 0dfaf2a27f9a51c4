/**
 * The one scrolling keymap (k9s: j/k and arrows, PgDn/PgUp and Ctrl+F/Ctrl+B,
 * g/Home and G/End), shared by tables, text pages, the trace, xray and
 * pulse. A page gives the handlers for the moves it supports.
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

/** Action names of the scrolling keymap (help lists them under NAVIGATION). */
export const navigationActions: ReadonlySet<string> = new Set(scrollBindings.map(b => b.action));

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
