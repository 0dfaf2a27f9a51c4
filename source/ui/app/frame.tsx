/**
 * The frame around pages: header (cluster info + key hints generated from
 * the active keymap), prompt line, crumbs and flash. Layout only.
 */
import React from 'react';
import {Box, Text} from 'ink';
import type {KeyBinding, FlashLevel} from './contract.js';
import type {Theme} from '../theme/theme.js';
import {cleanCell} from '../components/table/table.js';
import {TextInput} from '../components/text-input/text-input.js';
import {displayWidth, truncateToWidth} from '../text-width.js';

/** Lines the header takes (k9s: menu columns of at most 6 rows). */
export const headerHeight = 6;

export type HeaderInfo = {
	cluster: string;
	/** host:port of the Kubernetes API served beside the dashboard. */
	api?: string;
	clock: string;
	speed: string;
	nodes: string;
	cpu: string;
	mem: string;
	namespace: string;
	readonly: boolean;
	/** A real cluster that cannot be reached: why, and when it is asked again (the header says so in the error colour). */
	disconnected?: string;
};

export type Hint = {key: string; description: string; numeric?: boolean; dangerous?: boolean};

/** Hints in columns of `rows`, each column as wide as its widest hint. */
export function hintColumns(hints: Hint[], rows: number): Hint[][] {
	const columns: Hint[][] = [];
	for (let i = 0; i < hints.length; i += rows) columns.push(hints.slice(i, i + rows));
	return columns;
}

/** Visible bindings as hints, one per action (first key wins). */
export function hintsFrom(bindings: KeyBinding[]): Hint[] {
	const seen = new Set<string>();
	const out: Hint[] = [];
	for (const b of bindings) {
		if (b.visible === false || seen.has(b.action)) continue;
		seen.add(b.action);
		out.push({key: b.key, description: b.description, dangerous: b.dangerous});
	}
	return out;
}

export function Header({info, hints, width, theme}: {info: HeaderInfo; hints: Hint[]; width: number; theme: Theme}) {
	const rows: Array<[string, string, string | undefined]> = [
		['Cluster:', info.cluster + (info.api ? ` ${info.api}` : '') + (info.readonly ? ' 🔒' : ''), theme.info.fg],
		info.disconnected !== undefined
			? ['Clock:', `${info.clock} ✘ disconnected: ${info.disconnected}`, theme.frame.flash.error]
			: ['Clock:', `${info.clock} ${info.speed}`, theme.info.fg],
		['Nodes:', info.nodes, theme.info.fg],
		['CPU:', info.cpu, theme.info.cpu],
		['MEM:', info.mem, theme.info.mem],
		['NS:', info.namespace, theme.info.fg],
	];
	// A long row (the clock with how far behind it is) widens the column, up to 45% of the screen.
	const longest = Math.max(...rows.map(([, value]) => 9 + displayWidth(value) + 1));
	const infoWidth = Math.min(Math.max(36, Math.floor(width * 0.45)), Math.max(Math.min(36, Math.max(31, Math.floor(width * 0.3))), longest));
	const columns = hintColumns(hints, headerHeight);
	const hintWidth = width - infoWidth;
	const widths = columns.map(col => Math.max(...col.map(h => h.key.length + 3 + h.description.length)) + 2);
	let fit = 0;
	let used = 0;
	for (const w of widths) {
		if (used + w > hintWidth) break;
		used += w;
		fit++;
	}
	return (
		<Box flexDirection="row" width={width} height={headerHeight}>
			<Box flexDirection="column" width={infoWidth}>
				{rows.map(([label, value, color]) => (
					<Text key={label} wrap="truncate">
						<Text color={theme.info.section}>{label.padEnd(9)}</Text>
						<Text color={color} bold>{cleanCell(value)}</Text>
					</Text>
				))}
			</Box>
			{columns.slice(0, fit).map((column, c) => (
				<Box key={c} flexDirection="column" width={widths[c]}>
					{column.map((hint, i) => (
						<Text key={`${hint.key}:${i}`} wrap="truncate">
							<Text color={hint.numeric ? theme.frame.menu.numKey : theme.frame.menu.key}>{`<${hint.key}>`}</Text>
							<Text color={hint.dangerous ? theme.status.error : theme.frame.menu.fg}>{` ${hint.description}`}</Text>
						</Text>
					))}
				</Box>
			))}
		</Box>
	);
}

export function Crumbs({titles, width, theme}: {titles: string[]; width: number; theme: Theme}) {
	// Cut by display width: a crumb that does not fit is cut, the ones after it dropped.
	const crumbs: string[] = [];
	let room = width;
	for (const title of titles) {
		if (room <= 0) break;
		const text = truncateToWidth(` ${cleanCell(title)} `, room);
		crumbs.push(text);
		room -= displayWidth(text) + 1;
	}
	return (
		<Box width={width} height={1}>
			<Text wrap="truncate">
				{crumbs.map((text, i) => {
					const active = i === titles.length - 1;
					return (
						<Text key={i}>
							<Text color={theme.frame.crumbs.fg} backgroundColor={active ? theme.frame.crumbs.active : theme.frame.crumbs.bg} inverse={theme.mono && active}>{text}</Text>
							{room > 0 || i < crumbs.length - 1 ? <Text> </Text> : null}
						</Text>
					);
				})}
			</Text>
		</Box>
	);
}

export function Flash({message, level, width, theme}: {message?: string; level?: FlashLevel; width: number; theme: Theme}) {
	const color = level === 'error' ? theme.frame.flash.error : level === 'warn' ? theme.frame.flash.warn : theme.frame.flash.info;
	const icon = level === 'error' ? '✗ ' : level === 'warn' ? '! ' : '';
	return (
		<Box width={width} height={1}>
			<Text color={color} bold={theme.mono && level === 'error'} wrap="truncate">{message ? truncateToWidth(`${icon}${cleanCell(message)}`, width) : ' '}</Text>
		</Box>
	);
}

/** The `:` or `/` line: the sigil, then the text input with its suggestion. */
export function PromptLine({mode, text, cursor, suggestion, width, theme}: {mode: 'command' | 'filter'; text: string; cursor: number; suggestion?: string; width: number; theme: Theme}) {
	const sigil = mode === 'command' ? ':> ' : '/> ';
	return (
		<Box width={width} height={1}>
			<Text color={mode === 'command' ? theme.prompt.border : theme.prompt.filterBorder} bold>{sigil}</Text>
			<TextInput value={text} cursor={cursor} width={Math.max(1, width - sigil.length)} color={theme.prompt.fg} suggestion={suggestion} suggestionColor={theme.prompt.suggest}/>
		</Box>
	);
}

export function TooSmall({columns, rows, min}: {columns: number; rows: number; min: {columns: number; rows: number}}) {
	return (
		<Box flexDirection="column">
			<Text wrap="truncate">Terminal too small: {columns}x{rows}.</Text>
			<Text wrap="truncate">Kubarium needs at least {min.columns}x{min.rows}.</Text>
			<Text wrap="truncate">Resize the window, or press q to quit.</Text>
		</Box>
	);
}
