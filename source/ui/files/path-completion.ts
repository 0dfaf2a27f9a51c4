/**
 * Tab completion of a file path in the `:` prompt (`:apply k8s/we` → `:apply
 * k8s/web.yaml`): the entries of the directory typed so far whose names
 * start with what follows the last `/`, directories with a `/` after them.
 * When several match, their longest common start comes first, as a shell
 * completes. The typed form is kept (`~/`, relative or absolute).
 */
import {readdirSync, statSync} from 'node:fs';
import path from 'node:path';
import {resolveUserPath, type PathBase} from '../../manifests/apply-files.js';

/** Most entries offered (a huge directory is cut, not listed whole). */
const limit = 200;

function commonStart(words: readonly string[]): string {
	if (words.length === 0) return '';
	let start = words[0]!;
	for (const word of words) {
		let i = 0;
		while (i < start.length && i < word.length && start[i] === word[i]) i++;
		start = start.slice(0, i);
	}
	return start;
}

/**
 * Completions of `partial`, best first. `accept` keeps the files worth
 * offering (directories are always offered, to go into).
 */
export function completePath(partial: string, options: PathBase & {accept?: (name: string) => boolean} = {}): string[] {
	const slash = partial.lastIndexOf('/');
	const typedDir = slash >= 0 ? partial.slice(0, slash + 1) : '';
	const stem = slash >= 0 ? partial.slice(slash + 1) : partial;
	if (partial === '~') return ['~/'];
	const dir = resolveUserPath(typedDir === '' ? '.' : typedDir, options);
	let entries;
	try {
		entries = readdirSync(dir, {withFileTypes: true});
	} catch {
		return [];
	}
	const matches: string[] = [];
	for (const entry of entries) {
		if (!entry.name.startsWith(stem)) continue;
		// Hidden entries only when asked for with a leading dot.
		if (entry.name.startsWith('.') && !stem.startsWith('.')) continue;
		let isDirectory = entry.isDirectory();
		if (entry.isSymbolicLink()) {
			try {
				isDirectory = statSync(path.join(dir, entry.name)).isDirectory();
			} catch {
				isDirectory = false;
			}
		}
		if (!isDirectory && options.accept && !options.accept(entry.name)) continue;
		matches.push(`${typedDir}${entry.name}${isDirectory ? '/' : ''}`);
	}
	matches.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	const shared = commonStart(matches);
	const out = matches.length > 1 && shared.length > partial.length ? [shared, ...matches] : matches;
	return out.slice(0, limit);
}
