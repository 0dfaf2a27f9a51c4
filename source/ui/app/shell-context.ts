/** App internals the shell's own views use (not part of the plug-in contract). */
import {createContext, useContext} from 'react';
import type {KeyOverrides} from './keymap.js';
import type {Preferences} from '../prefs.js';
import type {Simulation} from '../model/simulation.js';

export type Shell = {
	prefs: Preferences;
	simulation: Simulation;
	overrides: KeyOverrides;
	setNamespace(namespace: string): void;
	/** Open the containers page of a pod. */
	openContainers(podUid: string): void;
	/** Open help for the keymap active on the page below. */
	openHelp(): void;
};

export const ShellContext = createContext<Shell | undefined>(undefined);

export function useShell(): Shell {
	const shell = useContext(ShellContext);
	if (!shell) throw new Error('useShell() must be used inside the Kubarium app');
	return shell;
}
