import {createContext} from 'react';
import type {AppApi} from './contract.js';

/** The app API; the app container provides it, `useApp()` reads it. */
export const AppContext = createContext<AppApi | undefined>(undefined);
