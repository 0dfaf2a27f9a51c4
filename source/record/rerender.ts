/**
 * `kubarium record --keys session.keys`: a live session rendered again.
 * The keys file holds the boot settings and every input chunk with its wall
 * and virtual time; the cluster is deterministic, so booting the same
 * cluster and feeding it the same keys at the same simulated moments gives
 * the same session, drawn at another size or in another theme.
 */
import {readFileSync} from 'node:fs';
import {basename, extname} from 'node:path';
import {loadTheme, themeNames} from '../ui/theme/load.js';
import {HeadlessDashboard} from './headless.js';
import {KeysFormatError, parseKeys, type KeysEvent, type KeysFile} from './keys-file.js';
import {CastBuilder, castTheme, type Recording} from './recorder.js';
import {commandLineOutputs, RecordUsageError, renderOutputs, writeAll, type RecordFlags, type RecordResult, type Renderers} from './record-command.js';

/**
 * Simulated time along the recording: at each input the cluster is where it
 * was when that input arrived live, and in between it moves evenly.
 */
export function virtualSchedule(events: readonly KeysEvent[], startVirtual: number): (wallMs: number) => number {
	const points: Array<[number, number]> = [[0, startVirtual]];
	for (const [wall, virtual] of events) {
		const last = points.at(-1)!;
		points.push([Math.max(wall, last[0]), Math.max(virtual, last[1])]);
	}
	return wallMs => {
		for (let i = 1; i < points.length; i++) {
			const [w1, v1] = points[i]!;
			if (wallMs > w1) continue;
			const [w0, v0] = points[i - 1]!;
			return w1 === w0 ? v1 : Math.floor(v0 + ((v1 - v0) * (wallMs - w0)) / (w1 - w0));
		}
		return points.at(-1)![1];
	};
}

export async function recordKeys(keys: KeysFile, options: {cols?: number; rows?: number; theme?: string; configDir?: string}): Promise<Recording> {
	const {header} = keys;
	const themeName = options.theme ?? header.theme;
	if (!themeNames(options.configDir).includes(themeName)) {
		throw new RecordUsageError(`Unknown theme "${themeName}"; themes: ${themeNames(options.configDir).join(', ')}`);
	}
	const theme = loadTheme(themeName, {configDir: options.configDir}).theme;
	const cols = options.cols ?? header.cols;
	const rows = options.rows ?? header.rows;
	const dashboard = await HeadlessDashboard.start({
		cols,
		rows,
		seed: header.seed,
		nodes: header.nodes,
		speed: header.speed,
		theme,
		namespace: header.namespace,
		readonly: header.readonly,
		keys: header.keys,
		view: header.view,
		favorites: header.favorites,
		strictImages: header.strictImages,
		configDir: options.configDir,
	});
	try {
		const cast = new CastBuilder(dashboard, cols, rows, castTheme(theme));
		dashboard.followSchedule(virtualSchedule(keys.events, dashboard.cluster.now()));
		for (const [wallMs, virtualMs, code, data] of keys.events) {
			await dashboard.runUntil(wallMs, cast.draw);
			// The size is the one asked for: a live resize changes nothing here.
			if (code !== 'k' || dashboard.quit) continue;
			await dashboard.catchUp(virtualMs);
			await dashboard.press(data);
			cast.draw();
		}
		return cast.finish({});
	} finally {
		await dashboard.stop();
	}
}

/** Reads a keys file, renders it, and writes the outputs named by -o. */
export async function rerenderKeys(path: string, flags: RecordFlags, renderers: Renderers): Promise<RecordResult> {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		throw new RecordUsageError(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
	}
	let keys: KeysFile;
	try {
		keys = parseKeys(text);
	} catch (error) {
		if (error instanceof KeysFormatError) throw new KeysFormatError(`${path}: ${error.message}`);
		throw error;
	}
	const recording = await recordKeys(keys, flags);
	const files = await renderOutputs(recording, commandLineOutputs(flags.outputs), renderers, basename(path, extname(path)));
	writeAll(files);
	return {files: files.map(file => file.path), recording, warnings: keys.exited ? [] : [`${path} ends without the app's exit (the session was killed); rendered up to its last key`]};
}
