import type {Theme} from '../theme/theme.js';
import {useApp} from './use-app.js';

/** The active theme (colours are undefined under NO_COLOR or in the mono theme). */
export function useTheme(): Theme {
	return useApp().theme;
}
