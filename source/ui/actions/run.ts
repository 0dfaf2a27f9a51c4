import type {AppApi} from '../app/contract.js';
import {errorMessage} from '../dialogs/errors.js';
import type {MaybePromise} from '../model/cluster-source.js';
import {sanitizeLine} from '../sanitize.js';

/**
 * Run one cluster command and say how it went: its message in the flash, or
 * the error's message (kubectl's words) as an error; then redraw. A command
 * the cluster answers later (a real API call) flashes when it answers.
 */
export function run(app: AppApi, command: () => MaybePromise<string | void>): void {
	const done = (message: string | void) => {
		if (message) app.flash(sanitizeLine(message));
		app.invalidate();
	};
	const failed = (error: unknown) => {
		app.flash(errorMessage(error), 'error');
		app.invalidate();
	};
	try {
		const result = command();
		if (result instanceof Promise) result.then(done, failed);
		else done(result);
	} catch (error) {
		failed(error);
	}
}

/** What a confirmation asks: the dialog's title, its question, the yes button's word. */
export type Confirmation = {title: string; message: string; yes: string};

/**
 * Ask first, as k9s does before a destructive action: the command runs
 * (through `run`) only on Yes; No or Esc changes nothing.
 */
export function confirmThenRun(app: AppApi, confirmation: Confirmation, command: () => MaybePromise<string | void>): void {
	void app.confirm({...confirmation, no: 'Cancel'}).then(yes => {
		if (yes) run(app, command);
	});
}
