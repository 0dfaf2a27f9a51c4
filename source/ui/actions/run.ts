import type {AppApi} from '../app/contract.js';
import {errorMessage} from '../dialogs/errors.js';
import {sanitizeLine} from '../sanitize.js';

/**
 * Run one facade command and say how it went: its message in the flash, or
 * the KubeError's message (kubectl's words) as an error; then redraw.
 */
export function run(app: AppApi, command: () => string | void): void {
	try {
		const message = command();
		if (message) app.flash(sanitizeLine(message));
	} catch (error) {
		app.flash(errorMessage(error), 'error');
	}
	app.invalidate();
}
