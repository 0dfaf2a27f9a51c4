/**
 * Recording: each shipped tape in tapes/, recorded headless (the cast only),
 * against the tape's own duration. A minute of demo should take seconds.
 */
import {readdirSync, readFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import type {BenchRow, BenchSection} from './run.js';
import {parseTape} from '../source/record/tape/parse.js';
import {recordTape} from '../source/record/recorder.js';

const tapes = resolve(import.meta.dirname, '../../tapes');

export const section: BenchSection = {
	title: 'record',
	async run() {
		const rows: BenchRow[] = [];
		for (const name of readdirSync(tapes).filter(file => file.endsWith('.tape')).sort()) {
			const file = join(tapes, name);
			const tape = parseTape(readFileSync(file, 'utf8'), file);
			const started = performance.now();
			const cpu = process.cpuUsage();
			const recording = await recordTape(tape);
			const wall = performance.now() - started;
			const used = process.cpuUsage(cpu);
			const duration = recording.cast.header.duration ?? 0;
			rows.push({
				name: `record ${name} (${duration.toFixed(1)} s of demo)`,
				value: `${(wall / 1000).toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU (${(wall / 1000 / duration * 60).toFixed(1)} s per demo minute)`,
				aim: 'a minute of demo in a few seconds',
			});
		}
		return rows;
	},
};
