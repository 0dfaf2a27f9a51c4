/** A structured LabelSelector → the selector string the engine parses (kubectl's formatting). */
import type {LabelSelector} from '../../engine/index.js';

export function selectorString(selector: LabelSelector | Record<string, string> | undefined): string {
	if (!selector) return '';
	const structured = selector as LabelSelector;
	if (!('matchLabels' in selector) && !('matchExpressions' in selector)) {
		return Object.entries(selector as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');
	}
	const parts = Object.entries(structured.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
	for (const e of structured.matchExpressions ?? []) {
		switch (e.operator) {
			case 'In': parts.push(`${e.key} in (${(e.values ?? []).join(',')})`); break;
			case 'NotIn': parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`); break;
			case 'Exists': parts.push(e.key); break;
			case 'DoesNotExist': parts.push(`!${e.key}`); break;
		}
	}
	return parts.join(',');
}
