/**
 * The dashboard's layout: header (cluster info and key hints), prompt line,
 * the page or modal, crumbs and flash. It only lays out what the container
 * hands it; no state, no keys.
 */
import React from 'react';
import {Box, Text} from 'ink';
import type {FlashLevel, LayoutPanel, ModalSpec, PageChannel, PageSpec} from './contract.js';
import {PageContext} from './page-context.js';
import {Crumbs, Flash, Header, headerHeight, PromptLine, type HeaderInfo, type Hint} from './frame.js';
import type {Theme} from '../theme/theme.js';
import type {PromptMode} from '../model/prompt-buffer.js';

export type AppLayoutProps = {
	width: number;
	/** Rows the frame may take (the terminal's rows minus one). */
	height: number;
	theme: Theme;
	info: HeaderInfo;
	hints: Hint[];
	/** The open `:` or `/` line, if any. */
	prompt?: {mode: PromptMode; text: string; cursor: number; suggestion?: string};
	page: {id: number; spec: PageSpec; filter: string; channel: PageChannel};
	modal?: {id: number; spec: ModalSpec; channel: PageChannel; close: () => void};
	crumbs: string[];
	flash?: {message: string; level: FlashLevel};
	/** Plug-ins' panels, shown under the header, in order. */
	panels?: LayoutPanel[];
};

/** Rows the frame takes besides the content: header, crumbs, flash, and the prompt when open. */
export function contentHeight(height: number, promptOpen: boolean): number {
	return Math.max(1, height - headerHeight - 2 - (promptOpen ? 1 : 0));
}

export function AppLayout(props: AppLayoutProps) {
	const {width, height, theme, page, modal} = props;
	let content = contentHeight(height, Boolean(props.prompt));
	// Panels take rows from the page, which keeps at least a third of them (and 3 rows).
	const panels: Array<{panel: LayoutPanel; rows: number}> = [];
	for (const panel of props.panels ?? []) {
		const max = Math.max(0, content - Math.max(3, Math.ceil(content / 3)));
		const rows = Math.max(0, Math.min(max, Math.floor(panel.rows(width, max))));
		if (rows === 0) continue;
		panels.push({panel, rows});
		content -= rows;
	}
	const focused = !props.prompt && !modal;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Header info={props.info} hints={props.hints} width={width} theme={theme} />
			{panels.map(({panel, rows}, i) => (
				<Box key={i} width={width} height={rows} flexDirection="column" overflow="hidden">
					{panel.render({width, height: rows})}
				</Box>
			))}
			{props.prompt ? <PromptLine {...props.prompt} width={width} theme={theme} /> : null}
			<Box width={width} height={content} flexDirection="column">
				{modal ? (
					<PageContext.Provider value={modal.channel}>
						<ModalHost key={modal.id} spec={modal.spec} width={width} height={content} theme={theme} close={modal.close} />
					</PageContext.Provider>
				) : (
					<PageContext.Provider value={page.channel}>
						<PageHost key={page.id} spec={page.spec} width={width} height={content} focused={focused} filter={page.filter} />
					</PageContext.Provider>
				)}
			</Box>
			<Crumbs titles={props.crumbs} width={width} theme={theme} />
			<Flash message={props.flash?.message} level={props.flash?.level} width={width} theme={theme} />
		</Box>
	);
}

function PageHost({spec, width, height, focused, filter}: {spec: PageSpec; width: number; height: number; focused: boolean; filter: string}) {
	return <>{spec.render({width, height, focused, filter})}</>;
}

function ModalHost({spec, width, height, theme, close}: {spec: ModalSpec; width: number; height: number; theme: Theme; close: () => void}) {
	const boxWidth = Math.min(width, Math.max(40, Math.floor(width * 0.7)));
	return (
		<Box width={width} height={height} justifyContent="center" alignItems="center">
			<Box flexDirection="column" width={boxWidth} borderStyle="round" borderColor={theme.dialog.border} paddingX={1}>
				<Text color={theme.dialog.label} bold>{spec.title}</Text>
				{spec.render({width: boxWidth - 4, height: Math.max(1, height - 3), close})}
			</Box>
		</Box>
	);
}
