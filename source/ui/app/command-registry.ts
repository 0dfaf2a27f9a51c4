/** `:` commands added as data by the modules `extensions.ts` imports (`:xray`, `:pulse`...). */
import type {CommandSpec} from './contract.js';

const commandRegistry: CommandSpec[] = [];

/** Add (or replace, by its first name) a command; returns a function that removes it again. */
export function registerCommand(spec: CommandSpec): () => void {
	const at = commandRegistry.findIndex(c => c.names[0] === spec.names[0]);
	if (at >= 0) commandRegistry[at] = spec;
	else commandRegistry.push(spec);
	return () => {
		const index = commandRegistry.indexOf(spec);
		if (index >= 0) commandRegistry.splice(index, 1);
	};
}

/** Registered commands (read by the command parser, suggestions and help). */
export function registeredCommands(): readonly CommandSpec[] {
	return commandRegistry;
}
