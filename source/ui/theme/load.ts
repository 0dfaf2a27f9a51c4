/**
 * Theme files: YAML with semantic keys modelled on k9s skins, under a
 * `kubarium:` root. Built-in themes live in the package's themes/ folder; a
 * user theme in `<config dir>/themes/<name>.yaml` is picked up by name (and
 * wins over a built-in of the same name). Missing keys inherit the default
 * theme; an unknown key or a bad colour makes the file invalid: the app
 * reports the file and the field and falls back to the default theme.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {packageFile} from '../../package-files.js';
import {parse} from 'yaml';
import type {Color, Theme} from './theme.js';

/** W3C colour names k9s skins use, mapped to hex (Ink understands hex and the ANSI names). */
const w3c: Record<string, string> = {
	aqua: '#00ffff', aquamarine: '#7fffd4', cadetblue: '#5f9ea0', coral: '#ff7f50', cornflowerblue: '#6495ed',
	crimson: '#dc143c', darkgoldenrod: '#b8860b', darkgray: '#a9a9a9', darkgreen: '#006400', darkorange: '#ff8c00',
	darkred: '#8b0000', darkslategray: '#2f4f4f', deepskyblue: '#00bfff', dimgray: '#696969', dodgerblue: '#1e90ff',
	fuchsia: '#ff00ff', gold: '#ffd700', greenyellow: '#adff2f', hotpink: '#ff69b4', indianred: '#cd5c5c',
	khaki: '#f0e68c', lawngreen: '#7cfc00', lightgray: '#d3d3d3', lightskyblue: '#87cefa', lightslategray: '#778899',
	lime: '#00ff00', limegreen: '#32cd32', mediumpurple: '#9370db', navy: '#000080', orange: '#ffa500',
	orangered: '#ff4500', orchid: '#da70d6', palegreen: '#98fb98', papayawhip: '#ffefd5', plum: '#dda0dd',
	purple: '#800080', royalblue: '#4169e1', seagreen: '#2e8b57', silver: '#c0c0c0', skyblue: '#87ceeb',
	slateblue: '#6a5acd', slategray: '#708090', springgreen: '#00ff7f', steelblue: '#4682b4', teal: '#008080',
	tomato: '#ff6347', turquoise: '#40e0d0', violet: '#ee82ee', wheat: '#f5deb3', whitesmoke: '#f5f5f5',
	yellowgreen: '#9acd32', darkblue: '#00008b', darkcyan: '#008b8b', darkmagenta: '#8b008b', darkviolet: '#9400d3',
	olive: '#808000', maroon: '#800000', lightgreen: '#90ee90', lightcoral: '#f08080', lightyellow: '#ffffe0',
};

const ansi = new Set([
	'black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white', 'gray', 'grey',
	'blackBright', 'redBright', 'greenBright', 'yellowBright', 'blueBright', 'magentaBright', 'cyanBright', 'whiteBright',
]);

/** A colour from a theme file → Ink colour, undefined for `default`; throws for anything else. */
export function parseColor(value: unknown): Color {
	if (typeof value !== 'string') throw new Error(`expected a colour name or #rrggbb, got ${JSON.stringify(value)}`);
	const v = value.trim();
	if (v === 'default' || v === '') return undefined;
	if (/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(v)) return v;
	if (ansi.has(v)) return v;
	const hex = w3c[v.toLowerCase()];
	if (hex) return hex;
	throw new Error(`"${v}" is not a colour (use a name such as red, dodgerblue, default, or #rrggbb)`);
}

/** File key → theme key, per section: the file uses k9s-style names (fgColor, cursorBgColor...). */
type Shape = {[fileKey: string]: string | [string, Shape]};

const shape: Shape = {
	body: ['body', {fgColor: 'fg', bgColor: 'bg', logoColor: 'logo'}],
	prompt: ['prompt', {fgColor: 'fg', suggestColor: 'suggest', borderColor: 'border', filterBorderColor: 'filterBorder'}],
	help: ['help', {fgColor: 'fg', sectionColor: 'section', keyColor: 'key', numKeyColor: 'numKey'}],
	info: ['info', {fgColor: 'fg', sectionColor: 'section', cpuColor: 'cpu', memColor: 'mem'}],
	dialog: ['dialog', {fgColor: 'fg', bgColor: 'bg', buttonColor: 'button', buttonFocusColor: 'buttonFocus', labelColor: 'label', fieldColor: 'field', borderColor: 'border'}],
	frame: ['frame', {
		border: ['border', {fgColor: 'fg', focusColor: 'focus'}],
		menu: ['menu', {fgColor: 'fg', keyColor: 'key', numKeyColor: 'numKey'}],
		crumbs: ['crumbs', {fgColor: 'fg', bgColor: 'bg', activeColor: 'active'}],
		title: ['title', {fgColor: 'fg', highlightColor: 'highlight', counterColor: 'counter', filterColor: 'filter'}],
		flash: ['flash', {infoColor: 'info', warnColor: 'warn', errorColor: 'error'}],
	}],
	status: ['status', {
		newColor: 'new', modifyColor: 'modify', addColor: 'add', pendingColor: 'pending',
		errorColor: 'error', highlightColor: 'highlight', killColor: 'kill', completedColor: 'completed',
	}],
	views: ['views', {
		table: ['table', {
			fgColor: 'fg', bgColor: 'bg', cursorFgColor: 'cursorFg', cursorBgColor: 'cursorBg', markColor: 'mark',
			header: ['header', {fgColor: 'fg', bgColor: 'bg', sorterColor: 'sorter'}],
		}],
		xray: ['xray', {fgColor: 'fg', cursorColor: 'cursor', graphicColor: 'graphic'}],
		charts: ['charts', {cpuColor: 'cpu', memoryColor: 'memory', okColor: 'ok', faultColor: 'fault'}],
		yaml: ['yaml', {keyColor: 'key', colonColor: 'colon', valueColor: 'value'}],
		logs: ['logs', {fgColor: 'fg', indicatorColor: 'indicator', toggleOnColor: 'toggleOn', toggleOffColor: 'toggleOff'}],
		trace: ['trace', {processColor: 'process', fileColor: 'file', deviceColor: 'device', infoColor: 'info', commsColor: 'comms', errorColor: 'error'}],
	}],
};

/** Overlay a parsed file section onto a theme section; throws `field: message`. */
function overlay(target: Record<string, unknown>, source: unknown, sectionShape: Shape, at: string): void {
	if (source === null || source === undefined) return;
	if (typeof source !== 'object' || Array.isArray(source)) throw new Error(`${at || 'root'}: expected a mapping`);
	for (const [key, value] of Object.entries(source)) {
		const field = at ? `${at}.${key}` : key;
		const entry = sectionShape[key];
		if (entry === undefined) throw new Error(`${field}: unknown key (expected one of ${Object.keys(sectionShape).join(', ')})`);
		if (typeof entry === 'string') {
			try {
				target[entry] = parseColor(value);
			} catch (error) {
				throw new Error(`${field}: ${(error as Error).message}`);
			}
		} else {
			const [name, inner] = entry;
			target[name] = {...(target[name] as Record<string, unknown>)};
			overlay(target[name] as Record<string, unknown>, value, inner, field);
		}
	}
}

function deepCopy<T>(value: T): T {
	return structuredClone(value);
}

/** A theme from YAML text over a base theme; throws `field: message` for an invalid file. */
export function themeFromYaml(text: string, name: string, base: Theme): Theme {
	let document: unknown;
	try {
		document = parse(text);
	} catch (error) {
		throw new Error(`YAML: ${(error as Error).message.split('\n')[0]}`);
	}
	if (typeof document !== 'object' || document === null || !('kubarium' in document)) {
		throw new Error('kubarium: missing root key (a theme file starts with `kubarium:`)');
	}
	const root = (document as Record<string, unknown>)['kubarium'];
	let mono = false;
	let rest = root;
	if (root && typeof root === 'object' && !Array.isArray(root) && 'monochrome' in root) {
		const {monochrome: flag, ...others} = root as Record<string, unknown>;
		if (typeof flag !== 'boolean') throw new Error(`kubarium.monochrome: expected true or false, got ${JSON.stringify(flag)}`);
		mono = flag;
		rest = others;
	}
	const theme = deepCopy(base) as Theme & Record<string, unknown>;
	overlay(theme, rest, shape, 'kubarium');
	theme.name = name;
	theme.mono = false;
	return mono ? monochrome(theme) : theme;
}

/** The built-in default theme (k9s-like dark), also the base every theme file overlays. */
export const fallbackTheme: Theme = {
	name: 'default',
	mono: false,
	body: {fg: '#1e90ff', bg: undefined, logo: '#ffa500'},
	prompt: {fg: '#5f9ea0', suggest: '#1e90ff', border: '#00ffff', filterBorder: '#1e90ff'},
	help: {fg: '#5f9ea0', section: '#00ff00', key: '#1e90ff', numKey: '#ff00ff'},
	info: {fg: '#ffa500', section: 'white', cpu: '#00ff00', mem: '#00ff00'},
	dialog: {fg: '#1e90ff', bg: undefined, button: 'black', buttonFocus: '#ff00ff', label: '#ff00ff', field: '#1e90ff', border: '#87cefa'},
	frame: {
		border: {fg: '#1e90ff', focus: '#87cefa'},
		menu: {fg: 'white', key: '#1e90ff', numKey: '#ff00ff'},
		crumbs: {fg: 'black', bg: '#00ffff', active: '#ffa500'},
		title: {fg: '#00ffff', highlight: '#ff00ff', counter: '#ffefd5', filter: '#2e8b57'},
		flash: {info: '#ffa500', warn: 'yellow', error: 'red'},
	},
	status: {
		new: '#87cefa', modify: '#ffefd5', add: '#00ffff', pending: '#ff8c00',
		error: '#ff0000', highlight: '#ff00ff', kill: '#9370db', completed: '#778899',
	},
	views: {
		table: {fg: '#00ffff', bg: undefined, cursorFg: 'black', cursorBg: '#00ffff', mark: '#98fb98', header: {fg: 'white', bg: undefined, sorter: '#00ffff'}},
		xray: {fg: '#1e90ff', cursor: '#5f9ea0', graphic: '#5f9ea0'},
		charts: {cpu: '#00ff00', memory: '#1e90ff', ok: '#00ff00', fault: 'red'},
		yaml: {key: '#4682b4', colon: 'white', value: '#ffefd5'},
		logs: {fg: 'white', indicator: '#1e90ff', toggleOn: '#00ff00', toggleOff: '#778899'},
		trace: {process: '#00ff00', file: '#1e90ff', device: '#ffa500', info: '#ff00ff', comms: '#00ffff', error: 'red'},
	},
};

/** Every colour undefined: NO_COLOR and the mono theme. Cursor and highlights use inverse/bold. */
export function monochrome(theme: Theme): Theme {
	const strip = (value: unknown): unknown => {
		if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strip(v)]));
		return undefined;
	};
	const stripped = strip({...theme, name: undefined, mono: undefined}) as Theme;
	return {...stripped, name: theme.name, mono: true};
}

/** The package's themes/ folder (works from source/ under tsx and from dist/source/). */
export function builtinThemesDir(): string | undefined {
	const theme = packageFile('themes/default.yaml');
	return theme && path.dirname(theme);
}

export type LoadedTheme = {theme: Theme; warnings: string[]};

/** Names of the themes a user can pick (built-in and user ones). */
export function themeNames(configDir: string | undefined): string[] {
	const names = new Set<string>();
	for (const dir of [builtinThemesDir(), configDir ? path.join(configDir, 'themes') : undefined]) {
		if (!dir || !existsSync(dir)) continue;
		for (const file of readdirSync(dir)) if (/\.ya?ml$/.test(file)) names.add(file.replace(/\.ya?ml$/, ''));
	}
	return [...names].sort();
}

/**
 * The packaged default.yaml holds `fallbackTheme` (a test keeps them equal), so
 * it is not parsed: YAML's first parse costs start-up time the first frame waits for.
 */
function isBuiltinDefault(file: string): boolean {
	const dir = builtinThemesDir();
	return dir !== undefined && file === path.join(dir, 'default.yaml');
}

function findThemeFile(name: string, configDir: string | undefined): string | undefined {
	const dirs = [configDir ? path.join(configDir, 'themes') : undefined, builtinThemesDir()];
	for (const dir of dirs) {
		if (!dir) continue;
		for (const ext of ['yaml', 'yml']) {
			const file = path.join(dir, `${name}.${ext}`);
			if (existsSync(file)) return file;
		}
	}
	return undefined;
}

/**
 * Load a theme by name. Never throws: a missing or invalid theme gives the
 * default theme and a warning naming the file and the field. `noColor`
 * (NO_COLOR set) turns any theme monochrome.
 */
export function loadTheme(name: string, options: {configDir?: string; noColor?: boolean} = {}): LoadedTheme {
	const warnings: string[] = [];
	let theme = fallbackTheme;
	if (!/^[A-Za-z0-9._-]+$/.test(name)) {
		warnings.push(`Invalid theme name "${name}": use letters, digits, '.', '_' or '-'; using the default theme`);
	} else {
		const file = findThemeFile(name, options.configDir);
		const defaultFile = name === 'default' ? undefined : findThemeFile('default', options.configDir);
		let base = fallbackTheme;
		if (defaultFile && !isBuiltinDefault(defaultFile)) {
			try {
				base = themeFromYaml(readFileSync(defaultFile, 'utf8'), 'default', fallbackTheme);
			} catch (error) {
				warnings.push(`Invalid theme file ${defaultFile}: ${(error as Error).message}; using the built-in default`);
			}
		}
		if (!file) {
			warnings.push(`Theme "${name}" not found (looked in ${[options.configDir ? path.join(options.configDir, 'themes') : undefined, builtinThemesDir()].filter(Boolean).join(' and ')}); using the default theme`);
			theme = base;
		} else if (isBuiltinDefault(file)) {
			theme = fallbackTheme;
		} else {
			try {
				theme = themeFromYaml(readFileSync(file, 'utf8'), name, base);
			} catch (error) {
				warnings.push(`Invalid theme file ${file}: ${(error as Error).message}; using the default theme`);
				theme = base;
			}
		}
	}
	if (options.noColor) theme = monochrome(theme);
	return {theme, warnings};
}
