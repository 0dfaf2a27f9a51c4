/** What the app's own views use beyond the plug-in contract (preferences, namespace, containers, help). */
import {createContext, useContext} from 'react';
import type {KeyOverrides} from './keymap.js';
import type {Preferences} from '../prefs.js';
import type {Simulation} from '../model/simulation.js';

export type AppInternals = {
	prefs: Preferences;
	simulation: Simulation;
	overrides: KeyOverrides;
	setNamespace(namespace: string): void;
	/** Open the containers page of a pod. */
	openContainers(podUid: string): void;
	/** Open help for the keymap active on the page below. */
	openHelp(): void;
};

export const AppInternalsContext = createContext<AppInternals | undefined>(undefined);

export function useAppInternals(): AppInternals {
	const internals = useContext(AppInternalsContext);
	if (!internals) throw new Error('useAppInternals() must be used inside the Kubarium app');
	return internals;
}
