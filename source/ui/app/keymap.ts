/**
 * Keymaps as data: effective bindings after read-only mode and the user's
 * key overrides (by action name), lookup by key, and the global keymap.
 */
import type {KeyBinding, KeyEvent, Keymap} from './contract.js';

/** Action name → key in k9s notation; '' unbinds the action. */
export type KeyOverrides = Record<string, string>;

const named = new Set([
	'enter', 'esc', 'tab', 'shift-tab', 'up', 'down', 'left', 'right', 'shift-left', 'shift-right',
	'pgup', 'pgdn', 'home', 'end', 'backspace', 'delete', 'space', 'ctrl-space',
]);

/** True for a key written in k9s notation that the dispatcher can produce. */
export function isValidKeyName(key: string): boolean {
	if (named.has(key)) return true;
	if (/^ctrl-[a-z]$/.test(key) || /^shift-[a-z]$/.test(key) || /^alt-[a-z0-9]$/.test(key)) return true;
	return key.length === 1 && key >= '!' && key <= '~' && !/[A-Z]/.test(key);
}

/**
 * The bindings as the user gets them: dangerous ones dropped in read-only
 * mode, simulation-only ones on a real cluster (`simulated: false`), keys moved by the overrides (an override to '' removes the binding).
 */
export function effectiveBindings(bindings: readonly KeyBinding[], options: {readonly: boolean; overrides: KeyOverrides; simulated?: boolean}): KeyBinding[] {
	const out: KeyBinding[] = [];
	for (const binding of bindings) {
		if (options.readonly && binding.dangerous) continue;
		if (options.simulated === false && binding.simulation) continue;
		const override = options.overrides[binding.action];
		if (override === '') continue;
		out.push(override === undefined ? binding : {...binding, key: override});
	}
	return out;
}

/** The binding for a key, first match wins. */
export function findBinding(bindings: readonly KeyBinding[], key: string): KeyBinding | undefined {
	return bindings.find(b => b.key === key);
}

export type RunOptions = {
	readonly: boolean;
	overrides: KeyOverrides;
	/** False on a real cluster: simulation-only bindings are dropped. */
	simulated?: boolean;
	/** In read-only mode, told about a key whose (dangerous) action was dropped; the key is then consumed. */
	onReadonly?: (binding: KeyBinding) => void;
};

/**
 * Run a keymap for one key: `onKey` first, then the binding's handler.
 * Returns true when the key was consumed.
 */
export function runKeymap(keymap: Keymap | undefined, event: KeyEvent, options: RunOptions): boolean {
	if (!keymap) return false;
	if (keymap.onKey?.(event)) return true;
	const binding = findBinding(effectiveBindings(keymap.bindings, options), event.name);
	if (!binding) {
		if (!options.readonly || !options.onReadonly) return false;
		const dropped = findBinding(effectiveBindings(keymap.bindings, {...options, readonly: false}), event.name);
		if (!dropped?.dangerous || !keymap.handlers[dropped.action]) return false;
		options.onReadonly(dropped);
		return true;
	}
	const handler = keymap.handlers[binding.action];
	if (!handler) return false;
	handler(event);
	return true;
}

/** The global bindings (any page): command, filter, help, back, quit, namespaces. */
export const globalBindings: KeyBinding[] = [
	{key: ':', action: 'app.command', description: 'Command'},
	{key: '/', action: 'app.filter', description: 'Filter'},
	{key: '?', action: 'app.help', description: 'Help'},
	{key: 'esc', action: 'app.back', description: 'Back', visible: false},
	{key: 'q', action: 'app.back-or-quit', description: 'Back/Quit', visible: false},
	{key: 'ctrl-c', action: 'app.quit', description: 'Quit', visible: false},
];
