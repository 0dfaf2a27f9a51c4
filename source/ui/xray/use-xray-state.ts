import {useReducer} from 'react';
import type {XrayBuilder} from './xray-builder.js';

/** Xray's cursor (by node id, so it stays on the same node as the tree changes) and collapsed nodes. */
export type XrayState = {cursorId?: string; collapsed: ReadonlySet<string>};

export type XrayAction =
	| {type: 'move'; by: number; ids: readonly string[]}
	| {type: 'edge'; last: boolean; ids: readonly string[]}
	| {type: 'toggle'; id: string};

export function xrayReducer(state: XrayState, action: XrayAction): XrayState {
	switch (action.type) {
		case 'move': {
			if (action.ids.length === 0) return state;
			const at = Math.max(0, state.cursorId ? action.ids.indexOf(state.cursorId) : 0);
			const next = Math.min(action.ids.length - 1, Math.max(0, at + action.by));
			return {...state, cursorId: action.ids[next]};
		}
		case 'edge':
			return {...state, cursorId: action.last ? action.ids[action.ids.length - 1] : action.ids[0]};
		case 'toggle': {
			const collapsed = new Set(state.collapsed);
			if (collapsed.has(action.id)) collapsed.delete(action.id);
			else collapsed.add(action.id);
			return {...state, collapsed};
		}
	}
}

/** The cursor's row index: the node's row, or the first row when the node went away. */
export function cursorRow(state: XrayState, ids: readonly string[]): number {
	const at = state.cursorId ? ids.indexOf(state.cursorId) : -1;
	return at < 0 ? 0 : at;
}

/** Where a page keeps its state while another page is on top (the stack renders only the top page). */
export type XrayMemory = {state: XrayState; builder?: XrayBuilder};

export function newXrayMemory(): XrayMemory {
	return {state: {collapsed: new Set<string>()}};
}

export function useXrayState(memory: XrayMemory) {
	const [state, dispatch] = useReducer(xrayReducer, memory.state);
	memory.state = state;
	return [state, dispatch] as const;
}
