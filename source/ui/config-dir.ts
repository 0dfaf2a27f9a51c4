/** Where preferences, themes, the kubeconfig and caches live; no dependencies, so the bundle's launcher can use it. */
import os from 'node:os';
import path from 'node:path';

/** `--config-dir`, else KUBARIUM_CONFIG_DIR, else $XDG_CONFIG_HOME/kubarium or ~/.config/kubarium. */
export function resolveConfigDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
	if (flag) return path.resolve(flag);
	if (env['KUBARIUM_CONFIG_DIR']) return path.resolve(env['KUBARIUM_CONFIG_DIR']);
	const base = env['XDG_CONFIG_HOME'] || path.join(os.homedir(), '.config');
	return path.join(base, 'kubarium');
}

/**
 * The `--config-dir` of a command line, found without parsing the rest (every
 * subcommand spells it so): `--config-dir DIR` or `--config-dir=DIR`; the last
 * one wins, as in the parsers.
 */
export function configDirArgument(argv: readonly string[]): string | undefined {
	let found: string | undefined;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg.startsWith('--config-dir=')) found = arg.slice('--config-dir='.length);
		else if (arg === '--config-dir' && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) found = argv[++i];
	}
	return found;
}
