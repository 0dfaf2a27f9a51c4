import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

/**
 * A file or folder the package ships beside its code (`themes/default.yaml`,
 * `openapi/kubernetes-schemas.json`), found by walking up from this module:
 * it sits in source/ under tsx, in dist/source/ when built, and in
 * dist/bundle/ in the bundle. Undefined when the install has no such file.
 */
export function packageFile(relative: string): string | undefined {
	let dir = path.dirname(fileURLToPath(import.meta.url));
	for (let i = 0; i < 6; i++) {
		const candidate = path.join(dir, relative);
		if (existsSync(candidate)) return candidate;
		dir = path.dirname(dir);
	}
	return undefined;
}
