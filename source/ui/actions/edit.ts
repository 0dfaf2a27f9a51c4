/**
 * `e` edit, as `kubectl edit`: the object's YAML goes to a temp file, the
 * app leaves the alternate screen and raw mode while $KUBE_EDITOR/$EDITOR
 * (default vi) runs, and the saved text is applied. An unchanged or empty
 * file cancels; an invalid edit flashes the API server's error and changes
 * nothing (apply validates every document before it writes).
 */
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {stringify} from 'yaml';
import type {KubeObject} from '../../engine/index.js';
import type {AppApi} from '../app/contract.js';
import {errorMessage} from '../dialogs/errors.js';
import {resourceName} from '../dialogs/delete-dialog.js';
import {shellQuote} from './shell-quote.js';
import {printOrder, withoutManagedFields} from '../details/yaml-text.js';

const header = [
	'# Please edit the object below. Lines beginning with a \'#\' will be ignored,',
	'# and an empty file will abort the edit. If an error occurs while saving, the error is',
	'# shown and nothing is changed.',
	'#',
].join('\n');

/**
 * The text written for editing: kubectl's header, then the object without
 * its managed fields (`kubectl edit --show-managed-fields=false`, the default;
 * the stored ones stay when the edit is applied).
 */
export function editText(object: KubeObject): string {
	return `${header}\n${stringify(printOrder(withoutManagedFields(object)), {lineWidth: 0, aliasDuplicateObjects: false})}`;
}

function withoutComments(text: string): string {
	return text.split('\n').filter(line => !line.trimStart().startsWith('#')).join('\n').trim();
}

/** The editor command line: $KUBE_EDITOR, then $EDITOR, then vi (may carry arguments, e.g. `code -w`). */
export function editorCommand(env: NodeJS.ProcessEnv = process.env): string {
	return env['KUBE_EDITOR']?.trim() || env['EDITOR']?.trim() || 'vi';
}


/** Edit an object in the user's editor and apply the result; reports through the flash line. */
export function editObject(app: AppApi, object: KubeObject): void {
	const live = app.cluster.get(object.kind, object.metadata.name, object.metadata.namespace);
	if (!live) {
		app.flash(`${resourceName(object)} not found`, 'error');
		return;
	}
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-edit-'));
	const file = join(dir, `${live.kind.toLowerCase()}-${live.metadata.name.replace(/[^\w.-]/g, '_')}.yaml`);
	try {
		const original = editText(live);
		writeFileSync(file, original, {mode: 0o600});
		const result = app.runExternal(() => spawnSync(`${editorCommand()} ${shellQuote(file)}`, {shell: true, stdio: 'inherit'}));
		if (result.error) {
			app.flash(`Edit cancelled: cannot run editor "${editorCommand()}": ${result.error.message}`, 'error');
			return;
		}
		if (result.status !== 0) {
			app.flash(`Edit cancelled: editor "${editorCommand()}" exited with status ${result.status ?? result.signal}`, 'error');
			return;
		}
		const edited = readFileSync(file, 'utf8');
		const body = withoutComments(edited);
		if (body === '') {
			app.flash('Edit cancelled, saved file was empty.', 'warn');
			return;
		}
		if (body === withoutComments(original)) {
			app.flash('Edit cancelled, no changes made.');
			return;
		}
		const refused = (error: unknown) => app.flash(`error: ${resourceName(live)} was not edited: ${errorMessage(error)}`, 'error');
		try {
			const applied = app.cluster.apply(edited);
			// A real cluster answers later.
			if (applied instanceof Promise) applied.then(() => app.flash(`${resourceName(live)} edited`), refused);
			else app.flash(`${resourceName(live)} edited`);
		} catch (error) {
			refused(error);
		}
	} finally {
		rmSync(dir, {recursive: true, force: true});
		app.invalidate();
	}
}
