/**
 * Casts as SVG: an animated picture of a whole recording (`renderSvg`) and a
 * still of one screen (`renderScreenSvg`).
 *
 * The screens come from the headless terminal (terminal.ts). Events are
 * coalesced to at most `fps` frames a second after pauses are capped at the
 * idle time limit. Every distinct row is drawn once, in <defs>; a frame is a
 * list of <use>s of its rows, and each distinct frame appears once on a film
 * strip that one CSS animation moves frame by frame (steps, no tweening),
 * looping. Cells are a fixed 9×18 px in a 15 px monospace font; neighbouring
 * cells of one style are one <text> run and one background <rect>.
 *
 * The output depends only on the cast and the options: the same cast gives
 * the same bytes.
 */
import {cappedTimes, type Cast, type CastTheme} from '../cast.js';
import {screens, type Cell, type CellColor, type Snapshot} from './terminal.js';

export type SvgLook = {
	/** Colours: foreground, background and a palette of 8 or 16 '#rrggbb' joined by ':'. Defaults to the cast's theme, else asciinema's default colours. */
	theme?: CastTheme;
	/** Space around the screen, in pixels (default 12). */
	padding?: number;
	/** CSS font-family list for the text (default: common monospace fonts, then `monospace`). */
	fontFamily?: string;
	/** The picture's <title> (default: the cast's title, if any). */
	title?: string;
};

export type SvgOptions = SvgLook & {
	/** Most frames per second; events closer together are drawn as one frame (default 30). */
	fps?: number;
	/** Longest pause in seconds; longer ones are shortened to it (default: the cast's idle_time_limit; null for none). */
	idleTimeLimit?: number | null;
	/** The last screen stays at least this many seconds before the animation starts again (default 1). */
	minLastFrame?: number;
};

/** asciinema-player's default theme, so the SVG and the HTML page look alike. */
export const defaultTheme: CastTheme = {
	fg: '#cccccc',
	bg: '#121314',
	palette: '#000000:#dd3c69:#4ebf22:#ddaf3c:#26b0d7:#b954e1:#54e1b9:#d9d9d9:#4d4d4d:#dd3c69:#4ebf22:#ddaf3c:#26b0d7:#b954e1:#54e1b9:#ffffff',
};

const cellWidth = 9;
const cellHeight = 18;
const fontSize = 15;
const baseline = 14;
const defaultFontFamily = '"Cascadia Code","Source Code Pro",Menlo,Consolas,"DejaVu Sans Mono",monospace';

const hexColor = /^#[\da-f]{6}$/i;

type Palette = {fg: string; bg: string; colors: string[]};

function paletteOf(theme: CastTheme | undefined): Palette {
	const base = paletteFrom(defaultTheme);
	if (!theme) return base;
	const given = String(theme.palette ?? '').split(':').map(color => color.trim().toLowerCase());
	const valid = (given.length === 8 || given.length === 16) && given.every(color => hexColor.test(color));
	const sixteen = valid ? (given.length === 8 ? [...given, ...given] : given) : base.colors.slice(0, 16);
	return {
		fg: hexColor.test(theme.fg ?? '') ? theme.fg.toLowerCase() : base.fg,
		bg: hexColor.test(theme.bg ?? '') ? theme.bg.toLowerCase() : base.bg,
		colors: [...sixteen, ...base.colors.slice(16)],
	};
}

function paletteFrom(theme: CastTheme): Palette {
	const colors = theme.palette.split(':');
	const hex = (value: number) => value.toString(16).padStart(2, '0');
	// xterm's 6×6×6 colour cube and 24-step grey ramp.
	const levels = [0, 95, 135, 175, 215, 255];
	for (let index = 16; index < 232; index++) {
		const n = index - 16;
		colors.push(`#${hex(levels[Math.floor(n / 36)]!)}${hex(levels[Math.floor(n / 6) % 6]!)}${hex(levels[n % 6]!)}`);
	}
	for (let index = 232; index < 256; index++) {
		const grey = 8 + (index - 232) * 10;
		colors.push(`#${hex(grey)}${hex(grey)}${hex(grey)}`);
	}
	return {fg: theme.fg, bg: theme.bg, colors};
}

function resolve(color: CellColor, fallback: string, palette: Palette): string {
	if (color === null) return fallback;
	if (typeof color === 'number') return palette.colors[color] ?? fallback;
	return color.toLowerCase();
}

/** Escapes text for XML content and attribute values; characters XML 1.0 cannot hold become U+FFFD. */
export function escapeXml(text: string): string {
	return text
		// eslint-disable-next-line no-control-regex
		.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;');
}

/** Numbers as short, fixed text: at most three decimals, no trailing zeros. */
function num(value: number): string {
	return String(Math.round(value * 1000) / 1000);
}

/**
 * Styles shared by the whole picture: one CSS class per distinct declaration
 * list, named in order of first use, so repeated colours cost a short class.
 */
class StyleSheet {
	private readonly classes = new Map<string, string>();

	classFor(declarations: string): string {
		let name = this.classes.get(declarations);
		if (name === undefined) {
			name = `c${this.classes.size.toString(36)}`;
			this.classes.set(declarations, name);
		}
		return name;
	}

	css(): string {
		return [...this.classes].map(([declarations, name]) => `.${name}{${declarations}}`).join('');
	}
}

type Painted = {fg: string; bg: string; text: string};

function paint(cell: Cell, palette: Palette, styles: StyleSheet): Painted {
	let fg = resolve(cell.fg, palette.fg, palette);
	let bg = resolve(cell.bg, palette.bg, palette);
	if (cell.inverse) [fg, bg] = [bg, fg];
	const declarations: string[] = [];
	if (fg !== palette.fg) declarations.push(`fill:${fg}`);
	if (cell.bold) declarations.push('font-weight:bold');
	if (cell.italic) declarations.push('font-style:italic');
	if (cell.underline) declarations.push('text-decoration:underline');
	if (cell.dim) declarations.push('opacity:.5');
	const text = declarations.length > 0 ? styles.classFor(declarations.join(';')) : '';
	return {fg, bg, text};
}

/** One row of cells as SVG elements at y=0: background rects, then text runs. */
function renderRow(row: Cell[], palette: Palette, styles: StyleSheet): string {
	const painted = row.map(cell => paint(cell, palette, styles));
	let rects = '';
	for (let x = 0; x < row.length;) {
		const {bg} = painted[x]!;
		let end = x + 1;
		while (end < row.length && painted[end]!.bg === bg) end++;
		if (bg !== palette.bg) {
			rects += `<rect x="${x * cellWidth}" width="${(end - x) * cellWidth}" height="${cellHeight}" class="${styles.classFor(`fill:${bg}`)}"/>`;
		}
		x = end;
	}
	let texts = '';
	let run: {x: number; style: string; chars: string[]} | undefined;
	const flush = () => {
		if (!run) return;
		while (run.chars.at(-1) === ' ') run.chars.pop();
		if (run.chars.length > 0) {
			const style = run.style ? ` class="${run.style}"` : '';
			texts += `<text x="${run.x * cellWidth}" y="${baseline}"${style}>${escapeXml(run.chars.join(''))}</text>`;
		}
		run = undefined;
	};
	for (let x = 0; x < row.length; x++) {
		const cell = row[x]!;
		if (cell.width === 0) continue;
		const style = painted[x]!.text;
		// A blank without underline looks the same in any style: it joins the run it is in.
		const blank = cell.char === ' ' && !cell.underline;
		if (blank) {
			if (run) run.chars.push(' ');
			continue;
		}
		// A wide character is a run of its own, so a font whose wide glyphs are not two cells wide shifts nothing else.
		const wide = cell.width > 1;
		if (!run || run.style !== style || wide) {
			flush();
			run = {x, style, chars: []};
		}
		run.chars.push(cell.char);
		if (wide) flush();
	}
	flush();
	return rects + texts;
}

/** Draws screens as frames made of shared rows. */
class FrameDrawer {
	readonly styles = new StyleSheet();
	readonly rows = new Map<string, string>();
	readonly palette: Palette;
	cols = 0;
	lines = 0;

	constructor(theme: CastTheme | undefined) {
		this.palette = paletteOf(theme);
	}

	/** A frame's content: <use>s of its rows (blank rows left out) and the cursor when shown. */
	frame(screen: Snapshot): string {
		this.cols = Math.max(this.cols, screen.cols);
		this.lines = Math.max(this.lines, screen.rows);
		let content = '';
		screen.cells.forEach((row, y) => {
			const drawn = renderRow(row, this.palette, this.styles);
			if (drawn === '') return;
			let id = this.rows.get(drawn);
			if (id === undefined) {
				id = `r${this.rows.size.toString(36)}`;
				this.rows.set(drawn, id);
			}
			content += `<use href="#${id}"${y > 0 ? ` y="${y * cellHeight}"` : ''}/>`;
		});
		const {cursor} = screen;
		if (cursor.visible && cursor.x < screen.cols && cursor.y < screen.rows) {
			content += `<rect x="${cursor.x * cellWidth}" y="${cursor.y * cellHeight}" width="${cellWidth}" height="${cellHeight}" fill="${this.palette.fg}" opacity=".6"/>`;
		}
		return content;
	}

	defs(): string {
		return [...this.rows].map(([drawn, id]) => `<g id="${id}">${drawn}</g>`).join('');
	}
}

function svgDocument(options: SvgLook, drawer: FrameDrawer, title: string | undefined, extraCss: string, body: string): string {
	const padding = options.padding ?? 12;
	const screenWidth = drawer.cols * cellWidth;
	const screenHeight = drawer.lines * cellHeight;
	const width = screenWidth + 2 * padding;
	const height = screenHeight + 2 * padding;
	const fontFamily = options.fontFamily ?? defaultFontFamily;
	const css = `text{font-family:${fontFamily};font-size:${fontSize}px;white-space:pre;fill:${drawer.palette.fg}}${drawer.styles.css()}${extraCss}`;
	return [
		`<svg xmlns="http://www.w3.org/2000/svg" xml:space="preserve" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
		title ? `<title>${escapeXml(title)}</title>` : '',
		`<style>${escapeXml(css).replace(/&quot;/g, '"')}</style>`,
		`<rect width="${width}" height="${height}" rx="6" fill="${drawer.palette.bg}"/>`,
		`<defs>${drawer.defs()}</defs>`,
		`<svg x="${padding}" y="${padding}" width="${screenWidth}" height="${screenHeight}">${body}</svg>`,
		'</svg>\n',
	].join('');
}

/** A still picture of one screen (the tape command `Screenshot FILE.svg`). */
export function renderScreenSvg(snapshot: Snapshot, options: SvgLook = {}): string {
	const drawer = new FrameDrawer(options.theme);
	const frame = drawer.frame(snapshot);
	return svgDocument(options, drawer, options.title, '', frame);
}

/** A frame of the animation: when it starts (seconds, after idle capping) and the screen's time in the cast. */
export type FramePlan = {start: number; castTime: number};

/**
 * When each frame of the animation starts and which moment of the cast it
 * shows, and how long the whole animation lasts. Pauses longer than the idle
 * limit are shortened to it; the events within one 1/fps slot become one
 * frame showing the slot's last event. Markers and input draw nothing.
 */
export function planFrames(cast: Cast, options: SvgOptions = {}): {frames: FramePlan[]; duration: number} {
	const fps = options.fps ?? 30;
	if (!(fps > 0)) throw new RangeError(`fps must be above 0, got ${fps}`);
	const limit = options.idleTimeLimit === undefined ? cast.header.idle_time_limit : options.idleTimeLimit;
	const played = cappedTimes(cast, limit);
	const frames: FramePlan[] = [];
	cast.events.forEach(([time, code], index) => {
		if (code !== 'o' && code !== 'r') return;
		// A small epsilon keeps times such as 0.1 × 30 in the slot they belong to.
		const start = Math.floor(played[index]! * fps + 1e-6) / fps;
		const last = frames.at(-1);
		if (last && last.start === start) last.castTime = time;
		else frames.push({start, castTime: time});
	});
	if (frames.length === 0 || frames[0]!.start > 0) frames.unshift({start: 0, castTime: -1});
	// The cast's own end (its duration, when past the last event) is capped like any pause.
	const lastTime = cast.events.at(-1)?.[0] ?? 0;
	const end = cappedTimes({header: cast.header, events: [...cast.events, [Math.max(lastTime, cast.header.duration ?? 0), 'o', '']]}, limit).at(-1)!;
	const duration = Math.max(end, frames.at(-1)!.start + (options.minLastFrame ?? 1));
	return {frames, duration};
}

/**
 * An animated SVG of the whole cast, looping. See the module comment for how
 * it is built; `planFrames` gives its timing.
 */
export async function renderSvg(cast: Cast, options: SvgOptions = {}): Promise<string> {
	const {frames, duration} = planFrames(cast, options);
	const drawer = new FrameDrawer(options.theme ?? cast.header.theme);
	const strip: string[] = [];
	const slots = new Map<string, number>();
	const timeline: Array<{start: number; slot: number}> = [];
	let index = 0;
	for await (const screen of screens(cast, frames.map(frame => frame.castTime))) {
		const frame = drawer.frame(screen);
		let slot = slots.get(frame);
		if (slot === undefined) {
			slot = strip.length;
			slots.set(frame, slot);
			strip.push(frame);
		}
		if (timeline.at(-1)?.slot !== slot) timeline.push({start: frames[index]!.start, slot});
		index++;
	}
	const title = options.title ?? cast.header.title;
	if (strip.length === 1) return svgDocument(options, drawer, title, '', strip[0]!);
	const step = drawer.cols * cellWidth;
	const keyframes: string[] = [];
	let lastPercent = '';
	for (const {start, slot} of timeline) {
		const percent = num((start / duration) * 100);
		const rule = `{transform:translateX(${slot === 0 ? 0 : `-${slot * step}px`})}`;
		// Two frames closer than the percentage's precision: the later one wins.
		if (percent === lastPercent) keyframes[keyframes.length - 1] = `${percent}%${rule}`;
		else keyframes.push(`${percent}%${rule}`);
		lastPercent = percent;
	}
	const lastRule = keyframes.at(-1)!.slice(keyframes.at(-1)!.indexOf('{'));
	if (lastPercent !== '100') keyframes.push(`100%${lastRule}`);
	const css = `.strip{animation:strip ${num(duration)}s steps(1,end) infinite}@keyframes strip{${keyframes.join('')}}`;
	const body = `<g class="strip">${strip.map((frame, slot) => `<g${slot > 0 ? ` transform="translate(${slot * step})"` : ''}>${frame}</g>`).join('')}</g>`;
	return svgDocument(options, drawer, title, css, body);
}
