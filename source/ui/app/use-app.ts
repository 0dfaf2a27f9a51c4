import {useContext} from 'react';
import {AppContext} from './app-context.js';
import type {AppApi} from './contract.js';

/** The app API for pages, modals and actions. */
export function useApp(): AppApi {
	const app = useContext(AppContext);
	if (!app) throw new Error('useApp() must be used inside the Kubarium app');
	return app;
}
