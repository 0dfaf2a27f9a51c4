/** Label selectors as kubectl prints them, through the engine's own formatter. */
import {labelSelectorFromObject, selectorFromMap, selectorToString, type LabelSelector} from '../../engine/index.js';

/**
 * A structured LabelSelector, or a plain label map (a Service's selector, a
 * node selector), as the selector string the engine parses: `app=web,tier
 * in (a,b)`, requirements sorted by key. '' for none or an invalid one.
 */
export function selectorString(selector: LabelSelector | Record<string, string> | undefined): string {
	if (!selector) return '';
	if ('matchLabels' in selector || 'matchExpressions' in selector) {
		try {
			return selectorToString(labelSelectorFromObject(selector as LabelSelector));
		} catch {
			return '';
		}
	}
	return selectorToString(selectorFromMap(selector as Record<string, string>));
}
