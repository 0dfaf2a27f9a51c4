/**
 * Help (`?`): the sections generated from the registered keymaps and
 * commands (see app/help-sections.ts), laid out in columns that fit the
 * width, and scrolled with the shared scrolling keys.
 */
import React, {useState} from 'react';
import {Box, Text} from 'ink';
import {useApp, usePageKeys, type PageProps} from '../app/contract.js';
import type {HelpSection} from '../app/help-sections.js';
import {scrollBindings, scrollHandlers} from '../components/scroll-keys.js';
import {displayWidth, fitToWidth} from '../text-width.js';
import {TitleLine} from './resource-view.js';

export type {HelpSection} from '../app/help-sections.js';

/** One cell of a help line: a section title, a key with its text, or nothing. */
type Cell = {title: string} | {key: string; description: string; keyWidth: number; dangerous?: boolean} | undefined;

/** Width of one help column. */
const columnWidth = 34;

/**
 * The help text as lines of cells: sections side by side, as many per row
 * as the width holds, each as long as its bindings (duplicates dropped).
 */
export function helpLines(sections: readonly HelpSection[], width: number): Cell[][] {
	const columns = Math.max(1, Math.floor(width / columnWidth));
	const blocks = sections.filter(s => s.bindings.length > 0).map(section => {
		const seen = new Set<string>();
		const rows = section.bindings.filter(b => {
			const id = `${b.key}:${b.action}`;
			if (seen.has(id)) return false;
			seen.add(id);
			return true;
		});
		const keyWidth = Math.max(...rows.map(b => displayWidth(b.key) + 2)) + 1;
		return [{title: section.title}, ...rows.map(b => ({key: b.key, description: b.description, keyWidth, dangerous: b.dangerous}))] as Cell[];
	});
	const lines: Cell[][] = [];
	for (let i = 0; i < blocks.length; i += columns) {
		const row = blocks.slice(i, i + columns);
		const height = Math.max(...row.map(b => b.length));
		for (let line = 0; line < height; line++) lines.push(row.map(block => block[line]));
		lines.push([]);
	}
	return lines;
}

export function HelpView({width, height, sections}: PageProps & {sections: HelpSection[]}) {
	const app = useApp();
	const theme = app.theme.help;
	const [top, setTop] = useState(0);
	const lines = helpLines(sections, width);
	const bodyHeight = Math.max(1, height - 1);
	const maxTop = Math.max(0, lines.length - bodyHeight);
	const scroll = (by: number) => setTop(t => Math.max(0, Math.min(maxTop, t + by)));
	usePageKeys({
		bindings: [
			{key: '?', action: 'help.close', description: 'Close help'},
			{key: 'q', action: 'help.close', description: 'Close help', visible: false},
			{key: 'enter', action: 'help.close', description: 'Close help', visible: false},
			...scrollBindings,
		],
		handlers: {
			'help.close': () => app.popPage(),
			...scrollHandlers({
				down: () => scroll(1),
				up: () => scroll(-1),
				pageDown: () => scroll(bodyHeight),
				pageUp: () => scroll(-bodyHeight),
				top: () => setTop(0),
				bottom: () => setTop(maxTop),
			}),
		},
	});
	const shown = lines.slice(Math.min(top, maxTop), Math.min(top, maxTop) + bodyHeight);
	const cellWidth = Math.min(columnWidth, width);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<TitleLine text={lines.length > bodyHeight ? `help [${Math.min(top, maxTop) + 1}-${Math.min(lines.length, Math.min(top, maxTop) + bodyHeight)}/${lines.length}]` : 'help'} width={width} />
			{shown.map((cells, i) => (
				<Text key={i} wrap="truncate">
					{cells.length === 0 ? ' ' : cells.map((cell, c) => {
						if (!cell) return <Text key={c}>{' '.repeat(cellWidth)}</Text>;
						if ('title' in cell) return <Text key={c} color={theme.section} bold>{fitToWidth(cell.title, cellWidth)}</Text>;
						const key = fitToWidth(`<${cell.key}>`, Math.min(cell.keyWidth, cellWidth - 1));
						return (
							<Text key={c}>
								<Text color={/^\d$/.test(cell.key) ? theme.numKey : theme.key}>{key}</Text>
								<Text color={cell.dangerous ? app.theme.status.error : theme.fg}>{fitToWidth(cell.description, Math.max(0, cellWidth - displayWidth(key)))}</Text>
							</Text>
						);
					})}
				</Text>
			))}
		</Box>
	);
}
