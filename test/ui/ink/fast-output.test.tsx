import test from 'ava';
import React from 'react';
import chalk from 'chalk';
import fc from 'fast-check';
import {renderToString} from 'ink';
import {fastStyledChars, inkStyledChars, installFastOutput} from '../../../source/ui/ink/fast-output.js';
import {Table} from '../../../source/ui/components/table/table.js';
import {fallbackTheme} from '../../../source/ui/theme/load.js';
import type {Column} from '../../../source/ui/render/columns.js';
import type {TableRow} from '../../../source/ui/model/table-data.js';

// Colours as a true-colour terminal gets them (Ink colours through this chalk).
chalk.level = 3;

const codes = ['\x1b[31m', '\x1b[39m', '\x1b[1m', '\x1b[22m', '\x1b[2m', '\x1b[7m', '\x1b[27m', '\x1b[0m', '\x1b[m', '\x1b[1;31m', '\x1b[38;2;12;200;7m', '\x1b[48;2;0;0;95m', '\x1b[49m', '\x1b[38;5;208m', '\x1b[4;38;2;1;2;3m', '\x1b[24m'];

test('a line of ASCII and colour codes reads as Ink reads it', t => {
	const pieces = fc.oneof(fc.constantFrom(...codes), fc.constantFrom('a', 'Z', ' ', '~', '1/1', 'Running', '<ctrl-d>'));
	fc.assert(fc.property(fc.array(pieces, {maxLength: 40}).map(a => a.join('')), line => {
		t.deepEqual(fastStyledChars(line), inkStyledChars(line));
	}), {numRuns: 500});
});

test('any other line is left to Ink', t => {
	for (const line of ['한국어', 'a─b', '\x1b]8;;http://x\x07link\x1b]8;;\x07', '\x1b[2Jx', 'tab\there', 'NAME↑', '\x1b[31m😀\x1b[39m']) {
		t.is(fastStyledChars(line), undefined, JSON.stringify(line));
	}
});

const columns: Column[] = [
	{name: 'NAMESPACE', align: 'left'},
	{name: 'NAME', align: 'left', ellipsis: 'middle'},
	{name: 'STATUS', align: 'left'},
	{name: 'AGE', align: 'right'},
] as Column[];

function row(id: string, status: TableRow['status'], cells: string[], change?: TableRow['change']): TableRow {
	return {id, status, cells, change, object: {}} as unknown as TableRow;
}

const rows = [
	row('a', 'normal', ['default', 'web-0', 'Running', '5m']),
	row('b', 'error', ['default', 'web-1', 'CrashLoopBackOff', '2m']),
	row('c', 'pending', ['kube-system', 'dns-7b9c', 'Pending', '10s']),
	row('d', 'normal', ['default', 'web-2', 'Running', '1h'], 'MODIFIED'),
	row('e', 'terminating', ['default', 'web-3 한국', 'Terminating', '3d']),
	row('f', 'completed', ['batch', 'job-x', 'Completed', '7s']),
];

function frame(): string {
	return renderToString(
		<Table columns={columns} rows={rows} cursor={1} offset={0} width={80} height={6} theme={fallbackTheme} sort={{column: 'NAME', ascending: true}}/>,
		{columns: 80},
	);
}

test('the table is drawn with the same characters and colours through the fast reader', t => {
	const before = frame();
	t.true(before.includes('\x1b[38;2;'), 'rows are coloured');
	installFastOutput();
	t.is(frame(), before);
	// Read again from the caches kept across frames.
	t.is(frame(), before);
});
