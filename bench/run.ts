/**
 * `npm run bench`: every benchmark section, one after another, printed as a
 * table. Each section is a module in bench/ exporting `section`.
 * Run with NODE_ENV=production and --expose-gc (the npm script does both).
 */
import {sections} from './sections.js';
import {limitHeapGrowth} from '../source/start/heap.js';

export type BenchRow = {
	/** What was measured, e.g. `converge 10,000 pods`. */
	name: string;
	/** The figure, already formatted with its unit, e.g. `4.2 s`. */
	value: string;
	/** The aim from the issue, when there is one, e.g. `< 10 s`. */
	aim?: string;
};

export type BenchSection = {
	title: string;
	run(): Promise<BenchRow[]> | BenchRow[];
};

// Measured as the app runs: with its cap on the heap's growth.
limitHeapGrowth();
const only = process.argv.slice(2);
const rows: Array<BenchRow & {section: string}> = [];
for (const section of sections) {
	if (only.length > 0 && !only.some(word => section.title.toLowerCase().includes(word.toLowerCase()))) continue;
	process.stderr.write(`running: ${section.title}\n`);
	globalThis.gc?.();
	for (const row of await section.run()) {
		rows.push({...row, section: section.title});
		process.stdout.write(`${section.title} | ${row.name} | ${row.value}${row.aim ? ` | aim ${row.aim}` : ''}\n`);
	}
}
process.stdout.write('\n| section | figure | value | aim |\n|---|---|---|---|\n');
for (const row of rows) process.stdout.write(`| ${row.section} | ${row.name} | ${row.value} | ${row.aim ?? ''} |\n`);
