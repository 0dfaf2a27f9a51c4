/**
 * The `kubarium record` subcommand: flags, the recording, the files, and an
 * exit code (0 written, 2 a bad tape or bad flags, nothing written).
 */
import {relative} from 'node:path';
import {renderers} from './outputs.js';
import {parseRecordFlags, recordTapeFile, recordUsage, RecordUsageError} from './record-command.js';
import {rerenderKeys} from './rerender.js';
import {TapeError} from './tape/parse.js';
import {KeysFormatError} from './keys-file.js';

function seconds(ms: number): string {
	return `${(ms / 1000).toFixed(1)} s`;
}

export async function runRecord(argv: readonly string[]): Promise<number> {
	const started = performance.now();
	try {
		const flags = parseRecordFlags(argv);
		if (flags.help) {
			process.stdout.write(`${recordUsage}\n`);
			return 0;
		}
		const result = flags.keys !== undefined
			? await rerenderKeys(flags.keys, flags, renderers)
			: await recordTapeFile(flags.tape!, flags.outputs, renderers, flags.configDir);
		for (const warning of result.warnings) process.stderr.write(`kubarium record: ${warning}\n`);
		const duration = (result.recording.cast.header.duration ?? 0) * 1000;
		const names = result.files.map(file => relative(process.cwd(), file) || file).join(', ');
		process.stdout.write(`Wrote ${names}: ${seconds(duration)} of recording in ${seconds(performance.now() - started)}\n`);
		return 0;
	} catch (error) {
		if (error instanceof TapeError || error instanceof RecordUsageError || error instanceof KeysFormatError) {
			process.stderr.write(`kubarium record: ${error.message}\n`);
			return 2;
		}
		throw error;
	}
}
