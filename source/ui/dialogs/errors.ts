import {sanitizeLine} from '../sanitize.js';

/** The text to flash for a failed command: a KubeError's message is already in kubectl's words. */
export function errorMessage(error: unknown): string {
	return sanitizeLine(error instanceof Error ? error.message : String(error));
}
