/** View names and titles as k9s prints them: `pods(default)[12]`. */
import {resolveResource, type ResourceType} from '../../engine/index.js';

/** The view's name: the kind's plural (`type` for a kind the engine's registry does not hold, a custom one). */
export function viewName(kind: string, type?: ResourceType): string {
	return (type ?? resolveResource(kind)).plural;
}

export function viewTitle(
	kind: string,
	namespace: string | undefined,
	shown: number,
	total: number,
	filter: string,
	flags: {wide?: boolean; faultsOnly?: boolean; selector?: string; type?: ResourceType} = {},
): string {
	let title = viewName(kind, flags.type);
	if (namespace !== undefined) title += `(${namespace})`;
	title += shown === total ? `[${total}]` : `[${shown}/${total}]`;
	if (flags.selector) title += ` <${flags.selector}>`;
	if (filter) title += ` </${filter}>`;
	if (flags.faultsOnly) title += ' <faults>';
	if (flags.wide) title += ' <wide>';
	return title;
}
