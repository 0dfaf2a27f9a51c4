import {createContext} from 'react';
import type {PageChannel} from './contract.js';

/** The channel of the page being rendered (keymap, selection, kind). */
export const PageContext = createContext<PageChannel | undefined>(undefined);
