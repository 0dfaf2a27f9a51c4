/** View names and titles as k9s prints them: `pods(default)[12]`. */
import {resolveResource} from '../../engine/index.js';

export function viewName(kind: string): string {
	return resolveResource(kind).plural;
}

export function viewTitle(
	kind: string,
	namespace: string | undefined,
	shown: number,
	total: number,
	filter: string,
	flags: {wide?: boolean; faultsOnly?: boolean; selector?: string} = {},
): string {
	let title = viewName(kind);
	if (namespace !== undefined) title += `(${namespace})`;
	title += shown === total ? `[${total}]` : `[${shown}/${total}]`;
	if (flags.selector) title += ` <${flags.selector}>`;
	if (filter) title += ` </${filter}>`;
	if (flags.faultsOnly) title += ' <faults>';
	if (flags.wide) title += ' <wide>';
	return title;
}
