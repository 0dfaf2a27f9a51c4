/**
 * Help (`?`) as data, generated from what is registered: the page's keymap
 * (its own keys and its kind's actions), the global keymap, the namespace
 * favourites, and every `:` command (resource views, built-ins, and the
 * commands modules register, such as `:xray` and `:pulse`).
 */
import {resolveResource} from '../../engine/index.js';
import {builtinCommands, kindAliases, viewKinds} from './commands.js';
import type {CommandSpec, KeyBinding} from './contract.js';

export type HelpSection = {title: string; bindings: KeyBinding[]};

/** Argument placeholders shown after a built-in command's name. */
const builtinArguments: Record<string, string> = {speed: ' N', theme: ' NAME'};

/** One help line per `:` command: built-ins, registered commands, then a resource view per kind. */
export function commandHelp(registered: readonly CommandSpec[], themes: readonly string[], simulated = true): KeyBinding[] {
	const out: KeyBinding[] = [];
	for (const command of builtinCommands) {
		const name = command.names[0]!;
		// A real cluster has no clock to pause or speed up.
		if (!simulated && timeCommands.has(name)) continue;
		const description = name === 'theme' ? `${command.description}: ${themes.join(', ')}` : command.description;
		out.push({key: `:${name}${builtinArguments[name] ?? ''}`, action: `cmd.${name}`, description});
	}
	for (const command of registered) {
		const name = command.names[0]!;
		out.push({key: `:${name}${command.arguments?.length ? ' KIND' : ''}`, action: `cmd.${name}`, description: command.description});
	}
	for (const kind of viewKinds) {
		const aliases = kindAliases[kind] ?? [];
		const shortest = [...aliases].sort((a, b) => a.length - b.length)[0] ?? kind.toLowerCase();
		out.push({key: `:${shortest}`, action: `cmd.view.${kind}`, description: `${resolveResource(kind).plural} [namespace]`});
	}
	return out;
}

/** The simulation's time controls. */
const timeCommands = new Set(['pause', 'resume', 'speed']);

/** k9s' help sections for a page. */
export function helpSections(input: {
	/** The page's effective bindings (own keys and its kind's actions). */
	page: readonly KeyBinding[];
	/** Action names that move the cursor or scroll (listed under NAVIGATION). */
	navigation: ReadonlySet<string>;
	global: readonly KeyBinding[];
	favorites: readonly KeyBinding[];
	commands: readonly KeyBinding[];
}): HelpSection[] {
	return [
		{title: 'RESOURCE', bindings: input.page.filter(b => !input.navigation.has(b.action))},
		{title: 'GENERAL', bindings: [...input.global]},
		{title: 'NAMESPACES', bindings: [...input.favorites]},
		{title: 'NAVIGATION', bindings: input.page.filter(b => input.navigation.has(b.action))},
		{title: 'COMMANDS', bindings: [...input.commands]},
	];
}
