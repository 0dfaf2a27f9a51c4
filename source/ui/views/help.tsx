/** Help (`?`): generated from the keymaps active on the page below, k9s' sections. */
import React from 'react';
import {Box, Text} from 'ink';
import {useApp, usePageKeys, type KeyBinding, type PageProps} from '../app/contract.js';
import {TitleLine} from './resource-view.js';

export type HelpSection = {title: string; bindings: KeyBinding[]};

export function HelpView({width, height, sections}: PageProps & {sections: HelpSection[]}) {
	const app = useApp();
	const theme = app.theme.help;
	usePageKeys({
		bindings: [
			{key: '?', action: 'help.close', description: 'Close help'},
			{key: 'q', action: 'help.close', description: 'Close help', visible: false},
			{key: 'enter', action: 'help.close', description: 'Close help', visible: false},
		],
		handlers: {'help.close': () => app.popPage()},
	});
	const columnWidth = Math.max(28, Math.floor(width / Math.max(1, Math.min(sections.length, Math.floor(width / 28)))));
	return (
		<Box flexDirection="column" width={width} height={height}>
			<TitleLine text="help" width={width} />
			<Box flexDirection="row" flexWrap="wrap" width={width}>
				{sections.filter(s => s.bindings.length > 0).map(section => {
					const seen = new Set<string>();
					const rows = section.bindings.filter(b => {
						const id = `${b.key}:${b.action}`;
						if (seen.has(id)) return false;
						seen.add(id);
						return true;
					});
					return (
						<Box key={section.title} flexDirection="column" width={columnWidth} marginBottom={1}>
							<Text color={theme.section} bold>{section.title}</Text>
							{rows.slice(0, Math.max(1, height - 3)).map(b => (
								<Text key={`${b.key}:${b.action}`} wrap="truncate">
									<Text color={/^\d$/.test(b.key) ? theme.numKey : theme.key}>{`<${b.key}>`.padEnd(12)}</Text>
									<Text color={b.dangerous ? app.theme.status.error : theme.fg}>{b.description}</Text>
								</Text>
							))}
						</Box>
					);
				})}
			</Box>
		</Box>
	);
}
