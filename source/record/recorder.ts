/**
 * Plays a tape against the headless dashboard and writes down what a
 * terminal would have been sent, on the recording's own clock: an asciicast
 * v2 recording, byte for byte the same on every run and every machine.
 */
import {readFileSync} from 'node:fs';
import {themeNames, loadTheme} from '../ui/theme/load.js';
import type {Theme} from '../ui/theme/theme.js';
import {castTime, type Cast, type CastEvent, type CastTheme} from './cast.js';
import {HeadlessDashboard} from './headless.js';
import {ScreenPainter} from './screen-painter.js';
import {formatDuration} from './tape/duration.js';
import {TapeError, type Settings, type Step, type Tape} from './tape/parse.js';

export type Screenshot = {path: string; format: 'txt' | 'svg'; text: string[]; frame: string; cols: number; rows: number; theme: CastTheme};

export type Recording = {
	cast: Cast;
	/** The last screen, as plain text rows. */
	finalText: string[];
	screenshots: Screenshot[];
	/** Simulated time at the end, ms since the cluster's start. */
	clusterMs: number;
};

/** The palette a recording declares, so players show the same colours everywhere (xterm's). */
const palette = [
	'#000000', '#cd0000', '#00cd00', '#cdcd00', '#0000ee', '#cd00cd', '#00cdcd', '#e5e5e5',
	'#7f7f7f', '#ff0000', '#00ff00', '#ffff00', '#5c5cff', '#ff00ff', '#00ffff', '#ffffff',
];

function hex(color: string | undefined, fallback: string): string {
	return color && /^#[0-9a-f]{6}$/i.test(color) ? color.toLowerCase() : fallback;
}

/** The cast header's theme: the dashboard theme's background, a plain text colour on it, xterm's palette. */
export function castTheme(theme: Theme): CastTheme {
	const light = theme.name === 'light';
	return {
		fg: light ? '#1e1e1e' : '#d0d0d0',
		bg: hex(theme.body.bg, light ? '#fafafa' : '#121212'),
		palette: palette.join(':'),
	};
}

/** Loads the tape's theme, or fails at the line that named it. */
export function tapeTheme(tape: Tape, configDir: string | undefined): Theme {
	const name = tape.settings.theme ?? 'default';
	const line = tape.themeLine ?? 1;
	if (!themeNames(configDir).includes(name)) {
		throw new TapeError(tape.file, line, `unknown theme "${name}"; themes: ${themeNames(configDir).join(', ')}`);
	}
	const loaded = loadTheme(name, {configDir});
	if (loaded.warnings.length > 0) throw new TapeError(tape.file, line, loaded.warnings[0]!);
	return loaded.theme;
}

type RunOptions = {
	/** Where user themes are found (default: none, the built-in themes only). */
	configDir?: string;
	/** The theme, when the caller loaded it already. */
	theme?: Theme;
};

/**
 * Records a tape. Throws TapeError (`FILE:LINE: reason`) for a Wait that times
 * out (with the last screen), a manifest the cluster refuses, or a key after
 * the dashboard quit.
 */
export async function recordTape(tape: Tape, options: RunOptions = {}): Promise<Recording> {
	const {settings} = tape;
	const theme = options.theme ?? tapeTheme(tape, options.configDir);
	const dashboard = await HeadlessDashboard.start({
		cols: settings.cols,
		rows: settings.rows,
		seed: settings.seed,
		nodes: settings.nodes,
		cluster: settings.cluster,
		speed: settings.speed,
		theme,
		configDir: options.configDir,
	});
	try {
		return await new TapeRun(tape, settings, dashboard, castTheme(theme)).run();
	} finally {
		await dashboard.stop();
	}
}

/**
 * What the recording keeps of the dashboard: the screen's changes as "o"
 * events and the markers, on the recording clock with hidden stretches cut.
 */
export class CastBuilder {
	private readonly events: CastEvent[] = [];
	private readonly painter = new ScreenPainter();
	private hidden = false;
	/** Recording time spent hidden: it is cut from the recording. */
	private hiddenMs = 0;
	private hiddenSince = 0;
	private lastText: string[];
	private lastFrame: string;

	constructor(
		private readonly dashboard: HeadlessDashboard,
		readonly cols: number,
		readonly rows: number,
		readonly theme: CastTheme,
	) {
		this.lastText = dashboard.text();
		this.lastFrame = dashboard.frame();
		// The alternate screen, as the dashboard uses in a terminal: a player that leaves it gives the screen back.
		this.output(`\x1b[?1049h${this.painter.repaint(this.lastFrame)}`);
	}

	/** Recording time as the recording shows it (hidden stretches cut out). */
	castMs(): number {
		return this.dashboard.now() - this.hiddenMs - (this.hidden ? this.dashboard.now() - this.hiddenSince : 0);
	}

	/** Records what changed on the screen since the last frame; once the dashboard has quit, its last screen stays. */
	draw = (): void => {
		if (this.dashboard.quit) return;
		this.lastText = this.dashboard.text();
		this.lastFrame = this.dashboard.frame();
		this.output(this.painter.paint(this.lastFrame));
	};

	hide(): void {
		if (this.hidden) return;
		this.hidden = true;
		this.hiddenSince = this.dashboard.now();
	}

	show(): void {
		if (!this.hidden) return;
		this.hiddenMs += this.dashboard.now() - this.hiddenSince;
		this.hidden = false;
		if (!this.dashboard.quit) this.output(this.painter.repaint(this.dashboard.frame()));
	}

	marker(title: string): void {
		if (!this.hidden) this.events.push([castTime(this.castMs()), 'm', title]);
	}

	screenshot(path: string, format: 'txt' | 'svg'): Screenshot {
		return {path, format, text: this.lastText, frame: this.lastFrame, cols: this.cols, rows: this.rows, theme: this.theme};
	}

	finish(options: {idleTimeLimitMs?: number; title?: string; screenshots?: Screenshot[]}): Recording {
		this.show();
		const header: Cast['header'] = {version: 2, width: this.cols, height: this.rows};
		header.duration = castTime(this.castMs());
		if (options.idleTimeLimitMs !== undefined) header.idle_time_limit = options.idleTimeLimitMs / 1000;
		if (options.title !== undefined) header.title = options.title;
		header.env = {TERM: 'xterm-256color'};
		header.theme = this.theme;
		return {
			cast: {header, events: this.events},
			finalText: this.lastText,
			screenshots: options.screenshots ?? [],
			clusterMs: this.dashboard.cluster.now(),
		};
	}

	private output(data: string): void {
		if (this.hidden || data === '') return;
		const time = castTime(this.castMs());
		const last = this.events.at(-1);
		// Output at one moment is one event.
		if (last && last[0] === time && last[1] === 'o') last[2] += data;
		else this.events.push([time, 'o', data]);
	}
}

class TapeRun {
	private readonly cast: CastBuilder;
	private readonly screenshots: Screenshot[] = [];
	private typingMs: number;
	private quitLine: number | undefined;

	constructor(
		private readonly tape: Tape,
		private readonly settings: Settings,
		private readonly dashboard: HeadlessDashboard,
		theme: CastTheme,
	) {
		this.typingMs = settings.typingSpeedMs;
		this.cast = new CastBuilder(dashboard, settings.cols, settings.rows, theme);
	}

	async run(): Promise<Recording> {
		for (const step of this.tape.steps) await this.step(step);
		return this.cast.finish({idleTimeLimitMs: this.settings.idleTimeLimitMs, title: this.settings.title, screenshots: this.screenshots});
	}

	private async wait(ms: number): Promise<void> {
		await this.dashboard.runUntil(this.dashboard.now() + ms, this.cast.draw);
	}

	private async press(bytes: string, line: number): Promise<void> {
		if (this.dashboard.quit) throw new TapeError(this.tape.file, line, `the dashboard has quit (line ${this.quitLine}); nothing can be typed after that`);
		await this.dashboard.press(bytes);
		this.cast.draw();
		if (this.dashboard.quit) this.quitLine ??= line;
	}

	private async step(step: Step): Promise<void> {
		switch (step.type) {
			case 'type':
				for (const char of step.text) {
					await this.press(char, step.line);
					await this.wait(step.delayMs ?? this.typingMs);
				}
				return;
			case 'keys':
				for (let i = 0; i < step.count; i++) {
					await this.press(step.bytes, step.line);
					await this.wait(step.delayMs ?? this.typingMs);
				}
				return;
			case 'typing-speed':
				this.typingMs = step.ms;
				return;
			case 'sleep':
				await this.wait(step.ms);
				return;
			case 'wait': {
				const timeout = step.timeoutMs ?? this.settings.waitTimeoutMs;
				const matches = () => {
					const text = this.dashboard.text();
					return step.scope === 'screen' ? step.regex.test(text.join('\n')) : text.some(row => step.regex.test(row));
				};
				if (matches()) return;
				const deadline = this.dashboard.now() + timeout;
				let found = false;
				await this.dashboard.runUntil(deadline, () => {
					this.cast.draw();
					found = matches();
					return found;
				});
				if (!found) {
					const screen = this.dashboard.text().map(row => row.trimEnd()).join('\n').trimEnd();
					throw new TapeError(this.tape.file, step.line, `Wait timed out after ${formatDuration(timeout)}: /${step.regex.source}/ is not on the screen; the last screen:\n${screen}`);
				}
				return;
			}
			case 'hide':
				this.cast.hide();
				return;
			case 'show':
				this.cast.show();
				return;
			case 'screenshot':
				this.screenshots.push(this.cast.screenshot(step.path, step.format));
				return;
			case 'marker':
				this.cast.marker(step.title);
				return;
			case 'apply': {
				const yaml = readFileSync(step.path, 'utf8');
				try {
					await this.dashboard.apply(yaml);
				} catch (error) {
					throw new TapeError(this.tape.file, step.line, `Apply: ${(error as Error).message}`);
				}
				this.cast.draw();
				return;
			}
			case 'advance':
				await this.dashboard.advanceCluster(step.ms);
				this.cast.draw();
				return;
		}
	}
}
