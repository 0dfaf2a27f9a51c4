/**
 * `kubarium record DEMO.tape [-o FILE]...`: records a tape headless and
 * writes the recordings it names. Every file is written whole or not at all
 * (a temporary file, then a rename), and only once the whole tape has run.
 */
import {mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {basename, dirname, extname, join, resolve} from 'node:path';
import {serializeCast} from './cast.js';
import {recordTape, type Recording, type Screenshot} from './recorder.js';
import {formatOf, outputFormats, parseTape, TapeError, type OutputFormat} from './tape/parse.js';

export class RecordUsageError extends Error {}

export const recordUsage = `Usage: kubarium record DEMO.tape [-o FILE]... [--config-dir DIR]
       kubarium record --keys SESSION.keys -o FILE [--cols N] [--rows N] [--theme NAME]

Records a tape (VHS's tape language, plus Marker, Apply and Advance) against
the simulated cluster, headless and on virtual time: the same tape gives the
same bytes on every run. Writes the files named by the tape's Output lines
and by -o: .cast (asciicast v2), .svg (animated), .html (an offline page with
a player), .txt (the last screen).

With --keys, renders a live session recorded with \`kubarium --record\` again,
at another size or in another theme.`;

export type RecordFlags = {
	tape?: string;
	keys?: string;
	outputs: string[];
	cols?: number;
	rows?: number;
	theme?: string;
	configDir?: string;
	help: boolean;
};

function integer(flag: string, value: string | undefined, min: number, max: number): number {
	if (value === undefined || !/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
		throw new RecordUsageError(`Invalid value for ${flag}: "${value ?? ''}" (expected an integer ${min}-${max})`);
	}
	return Number(value);
}

export function parseRecordFlags(argv: readonly string[]): RecordFlags {
	const flags: RecordFlags = {outputs: [], help: false};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		const value = () => {
			const next = argv[++i];
			if (next === undefined || next.startsWith('-')) throw new RecordUsageError(`Flag ${arg} needs a value`);
			return next;
		};
		switch (arg) {
			case '-h':
			case '--help':
				flags.help = true;
				break;
			case '-o':
			case '--output':
				flags.outputs.push(value());
				break;
			case '--keys':
				flags.keys = value();
				break;
			case '--cols':
				flags.cols = integer(arg, value(), 40, 500);
				break;
			case '--rows':
				flags.rows = integer(arg, value(), 10, 200);
				break;
			case '--theme':
				flags.theme = value();
				break;
			case '--config-dir':
				flags.configDir = value();
				break;
			default:
				if (arg.startsWith('-')) throw new RecordUsageError(`Unknown flag ${arg} (see kubarium record --help)`);
				if (flags.tape !== undefined) throw new RecordUsageError(`One tape at a time: "${flags.tape}" and "${arg}"`);
				flags.tape = arg;
		}
	}
	if (flags.help) return flags;
	if (flags.tape === undefined && flags.keys === undefined) throw new RecordUsageError('Name a tape to record (kubarium record DEMO.tape), or a live session with --keys');
	if (flags.tape !== undefined && flags.keys !== undefined) throw new RecordUsageError('Record a tape or re-render --keys, not both');
	if (flags.tape !== undefined && (flags.cols !== undefined || flags.rows !== undefined || flags.theme !== undefined)) {
		throw new RecordUsageError('--cols, --rows and --theme go with --keys; a tape sets them with Set Cols, Set Rows and Set Theme');
	}
	if (flags.keys !== undefined && flags.outputs.length === 0) throw new RecordUsageError('Name the recording to write: -o FILE.cast (or .svg, .html, .txt)');
	for (const output of flags.outputs) {
		if (!(outputFormats as readonly string[]).includes(formatOf(output))) {
			throw new RecordUsageError(`-o ${output}: Kubarium writes .cast, .svg, .html and .txt`);
		}
	}
	return flags;
}

/** The outputs named with -o on the command line (checked by parseRecordFlags), resolved against the working folder. */
export function commandLineOutputs(paths: readonly string[]): Array<{path: string; format: OutputFormat}> {
	return paths.map(path => ({path: resolve(path), format: formatOf(path) as OutputFormat}));
}

/** The last screen as text: rows without trailing blanks, no blank rows at the end. */
export function screenText(rows: readonly string[]): string {
	const lines = rows.map(row => row.trimEnd());
	while (lines.length > 0 && lines.at(-1) === '') lines.pop();
	return lines.join('\n') + '\n';
}

export type Renderers = {
	svg(recording: Recording): Promise<string>;
	html(recording: Recording, title: string): Promise<string>;
	screenshotSvg(screenshot: Screenshot): Promise<string>;
};

/** What goes in each file, computed before any file is touched. */
export async function renderOutputs(recording: Recording, outputs: ReadonlyArray<{path: string; format: OutputFormat}>, renderers: Renderers, title: string): Promise<Array<{path: string; content: string}>> {
	const files: Array<{path: string; content: string}> = [];
	for (const {path, format} of outputs) {
		const content = format === 'cast'
			? serializeCast(recording.cast)
			: format === 'txt'
				? screenText(recording.finalText)
				: format === 'svg'
					? await renderers.svg(recording)
					: await renderers.html(recording, title);
		files.push({path, content});
	}
	for (const shot of recording.screenshots) {
		files.push({path: shot.path, content: shot.format === 'txt' ? screenText(shot.text) : await renderers.screenshotSvg(shot)});
	}
	return files;
}

/** Writes every file or none: all go to temporary names first, then each is renamed into place. */
export function writeAll(files: ReadonlyArray<{path: string; content: string}>): void {
	const written: string[] = [];
	try {
		for (const file of files) {
			mkdirSync(dirname(file.path), {recursive: true});
			const temporary = join(dirname(file.path), `.${basename(file.path)}.${process.pid}.tmp`);
			written.push(temporary);
			writeFileSync(temporary, file.content);
		}
		files.forEach((file, index) => renameSync(written[index]!, file.path));
	} catch (error) {
		for (const temporary of written) rmSync(temporary, {force: true});
		throw error;
	}
}

export type RecordResult = {files: string[]; recording: Recording; warnings: string[]};

/** Records a tape file and writes its outputs (the tape's Output lines, then `extraOutputs`). */
export async function recordTapeFile(tapePath: string, extraOutputs: readonly string[], renderers: Renderers, configDir?: string): Promise<RecordResult> {
	let text: string;
	try {
		text = readFileSync(tapePath, 'utf8');
	} catch (error) {
		throw new RecordUsageError(`${tapePath}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
	}
	const tape = parseTape(text, tapePath);
	const outputs = [...tape.outputs, ...commandLineOutputs(extraOutputs)];
	if (outputs.length === 0) {
		const fallback = join(dirname(resolve(tapePath)), `${basename(tapePath, extname(tapePath))}.cast`);
		outputs.push({path: fallback, format: 'cast', line: 0} as (typeof tape.outputs)[number]);
	}
	const recording = await recordTape(tape, {configDir});
	const title = tape.settings.title ?? basename(tapePath, extname(tapePath));
	const files = await renderOutputs(recording, outputs, renderers, title);
	writeAll(files);
	return {files: files.map(file => file.path), recording, warnings: tape.warnings};
}

export {TapeError};
