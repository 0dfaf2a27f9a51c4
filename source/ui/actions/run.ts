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

/** What a confirmation asks: the dialog's title, its question, the yes button's word. */
export type Confirmation = {title: string; message: string; yes: string};

/**
 * Ask first, as k9s does before a destructive action: the command runs
 * (through `run`) only on Yes; No or Esc changes nothing.
 */
export function confirmThenRun(app: AppApi, confirmation: Confirmation, command: () => string | void): void {
	void app.confirm({...confirmation, no: 'Cancel'}).then(yes => {
		if (yes) run(app, command);
	});
}
