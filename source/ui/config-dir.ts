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
 * A flag's value in a command line, found without parsing the rest (every
 * subcommand spells it so): `--NAME VALUE` or `--NAME=VALUE`; the last one
 * wins, as in the parsers.
 */
export function flagArgument(argv: readonly string[], name: string): string | undefined {
	const flag = `--${name}`;
	let found: string | undefined;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg.startsWith(`${flag}=`)) found = arg.slice(flag.length + 1);
		else if (arg === flag && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) found = argv[++i];
	}
	return found;
}

/** The `--config-dir` of a command line (`flagArgument`). */
export function configDirArgument(argv: readonly string[]): string | undefined {
	return flagArgument(argv, 'config-dir');
}
