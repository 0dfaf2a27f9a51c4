/** Actions per kind, added as data by the modules `extensions.ts` imports. */
import type {ActionEntry, Selection} from './contract.js';

const actionRegistry = new Map<string, ActionEntry[]>();

/**
 * Add actions for a kind ('Pod', 'Deployment', ... or '*' for every kind).
 * A later registration of the same action name for the same kind replaces
 * the earlier one.
 */
export function registerActions(kind: string, entries: ActionEntry[]): void {
	const list = actionRegistry.get(kind) ?? [];
	for (const entry of entries) {
		const at = list.findIndex(e => e.binding.action === entry.binding.action);
		if (at >= 0) list[at] = entry;
		else list.push(entry);
	}
	actionRegistry.set(kind, list);
}

/** Actions that apply to a selection: the kind's own first, then the '*' ones. */
export function actionsFor(selection: Selection): ActionEntry[] {
	const own = actionRegistry.get(selection.kind) ?? [];
	const ownNames = new Set(own.map(e => e.binding.action));
	const common = (actionRegistry.get('*') ?? []).filter(e => !ownNames.has(e.binding.action));
	return [...own, ...common].filter(e => !e.when || e.when(selection));
}
