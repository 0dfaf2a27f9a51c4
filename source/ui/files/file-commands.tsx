/**
 * `:apply FILE|DIR` and `:export FILE`: kubectl's `apply -f` and a cleaned
 * `get -o yaml` of the user's objects, from the dashboard. Paths resolve as
 * in a shell started where the dashboard was (`~`, relative paths) and
 * complete with Tab. An apply's lines (one per object, or the refusal) show
 * on a page of their own when they do not fit the flash line.
 */
import React from 'react';
import path from 'node:path';
import {registerCommand, type AppApi} from '../app/contract.js';
import {TextView} from '../details/text-view/text-view.js';
import {sanitizeLine} from '../sanitize.js';
import {applyPath, ApplyRefused, ManifestFileError, manifestExtensions, resolveUserPath, type AppliedObject, type PathBase} from '../../manifests/apply-files.js';
import {errorMessage} from '../dialogs/errors.js';
import {exportYaml} from '../../manifests/export-objects.js';
import {writeStateFileSync} from '../../state/state-file.js';
import {completePath} from './path-completion.js';

/** Where paths resolve: the working and home directories (tests set them). */
export const pathBase: PathBase = {};

/** The flash holds one line of about this many columns; longer output goes to a page. */
const flashColumns = 100;

const isManifestFile = (name: string) => manifestExtensions.includes(path.extname(name));

function showLines(app: AppApi, title: string, lines: readonly string[]): void {
	const shown = lines.map(line => sanitizeLine(line));
	app.pushPage({title, key: `file-output:${title}`, render: page => <TextView lines={shown} width={page.width} height={page.height} wrap />});
}

/** Tally of outcomes: `2 created, 1 configured`. */
function tally(outcomes: readonly string[]): string {
	const counts = new Map<string, number>();
	for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
	return ['created', 'configured', 'unchanged'].filter(o => counts.has(o)).map(o => `${counts.get(o)} ${o}`).join(', ');
}

export function runApply(args: readonly string[], app: AppApi): void {
	if (args.length !== 1) throw new Error(args.length === 0 ? 'Missing file: :apply FILE|DIR (a manifest, or a folder of them)' : 'Too many arguments: :apply takes one FILE or DIR');
	if (app.readonly) throw new Error('Apply: not allowed, the dashboard is read-only (--readonly)');
	const argument = args[0]!;
	const report = (applied: readonly AppliedObject[]) => {
		const lines = applied.map(a => a.line);
		if (lines.length === 1 && lines[0]!.length <= flashColumns) {
			app.flash(sanitizeLine(lines[0]!));
		} else {
			showLines(app, `apply ${argument}`, lines);
			app.flash(sanitizeLine(`Applied ${argument}: ${tally(applied.map(a => a.outcome))}`));
		}
		app.invalidate();
	};
	const refused = (error: unknown) => {
		if (!(error instanceof ManifestFileError) && !(error instanceof ApplyRefused)) {
			app.flash(errorMessage(error), 'error');
			return;
		}
		const message = error instanceof ApplyRefused ? `${error.message} (nothing was applied)` : error.message;
		if (message.length > flashColumns) showLines(app, `apply ${argument}: refused`, [`error: ${message}`]);
		app.flash(sanitizeLine(`error: ${message}`), 'error');
		app.invalidate();
	};
	let result: AppliedObject[] | Promise<AppliedObject[]>;
	try {
		result = applyPath(app.cluster, argument, pathBase);
	} catch (error) {
		refused(error);
		return;
	}
	// A cluster behind an API answers later: the lines come when it has.
	if (result instanceof Promise) void result.then(report, refused);
	else report(result);
}

export function runExport(args: readonly string[], app: AppApi): void {
	if (args.length !== 1) throw new Error(args.length === 0 ? 'Missing file: :export FILE (the user\'s objects as YAML)' : 'Too many arguments: :export takes one FILE');
	const argument = args[0]!;
	const file = resolveUserPath(argument, pathBase);
	if (argument.endsWith('/')) throw new Error(`error: open ${argument}: is a directory`);
	const {text, count} = exportYaml(app.cluster);
	try {
		writeStateFileSync(file, text);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const reason = code === 'ENOENT' ? `the directory ${path.dirname(argument) || '.'} does not exist`
			: code === 'EISDIR' ? 'is a directory'
			: code === 'EACCES' ? 'permission denied'
			: (error as Error).message;
		throw new Error(`error: cannot write ${argument}: ${reason}`);
	}
	app.flash(sanitizeLine(`Exported ${count} object${count === 1 ? '' : 's'} to ${argument}`));
}

registerCommand({
	names: ['apply'],
	description: 'Apply a manifest file or a folder of them, like kubectl apply -f (Tab completes paths)',
	complete: partial => completePath(partial, {...pathBase, accept: isManifestFile}),
	run: runApply,
});

registerCommand({
	names: ['export'],
	description: 'Write your objects (not the cluster\'s own) to FILE as YAML a real cluster accepts',
	complete: partial => completePath(partial, {...pathBase, accept: isManifestFile}),
	run: runExport,
});
