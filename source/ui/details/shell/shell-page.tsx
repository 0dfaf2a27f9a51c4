/**
 * `s` on a pod: an interactive exec prompt inside the app, against the mock
 * runtime. Every line typed runs in the container through one facade call;
 * stdout and stderr are sanitised into the scrollback. `exit` (or Esc)
 * leaves, ↑/↓ walk the history, PgUp/PgDn scroll, Ctrl+L clears.
 */
import React from 'react';
import {Box, Text} from 'ink';
import {useApp, usePageKeys, type PageProps, type PageSpec} from '../../app/contract.js';
import {keyText} from '../../app/keys.js';
import {errorMessage} from '../../dialogs/errors.js';
import {sanitize, sanitizeLine} from '../../sanitize.js';
import {useShellState} from './use-shell-state.js';

export type ExecOutput = {stdout: string; stderr: string; exitCode: number};

/** One shell in one container. `run` throws a KubeError when the container is gone. */
export type ShellSession = {
	/** The prompt text, e.g. `root@web-1:/# `. */
	prompt(): string;
	run(line: string): ExecOutput;
};

function outputLines(text: string): string[] {
	if (text === '') return [];
	const lines = sanitize(text).split('\n');
	if (lines[lines.length - 1] === '') lines.pop();
	return lines;
}

function ShellPage({session, banner, width, height}: PageProps & {session: ShellSession; banner: string[]}) {
	const app = useApp();
	const theme = app.theme;
	const [state, dispatch] = useShellState(banner);
	const outputHeight = Math.max(1, height - 1);
	const submit = () => {
		const line = state.input;
		const prompt = sanitizeLine(session.prompt());
		if (line.trim() === 'exit') {
			app.popPage();
			return;
		}
		if (line.trim() === '') {
			dispatch({type: 'submitted', line, output: [prompt]});
			return;
		}
		let output: string[];
		try {
			const result = session.run(line);
			output = [...outputLines(result.stdout), ...outputLines(result.stderr)];
		} catch (error) {
			output = [errorMessage(error)];
		}
		dispatch({type: 'submitted', line, output: [`${prompt}${sanitizeLine(line)}`, ...output]});
	};
	usePageKeys({
		bindings: [{key: 'enter', action: 'shell.run', description: 'Run'}],
		handlers: {'shell.run': submit},
		onKey: event => {
			switch (event.name) {
				case 'esc':
				case 'enter':
				case 'ctrl-c':
					return false;
				case 'backspace': dispatch({type: 'backspace'}); return true;
				case 'up': dispatch({type: 'history', by: -1}); return true;
				case 'down': dispatch({type: 'history', by: 1}); return true;
				case 'pgup': dispatch({type: 'scroll', by: -outputHeight, height: outputHeight}); return true;
				case 'pgdn': dispatch({type: 'scroll', by: outputHeight, height: outputHeight}); return true;
				case 'ctrl-l': dispatch({type: 'clear'}); return true;
				case 'ctrl-u': dispatch({type: 'clear-line'}); return true;
				default: {
					const text = keyText(event);
					if (text) dispatch({type: 'type', text});
					return true;
				}
			}
		},
	});
	const end = state.output.length - state.back;
	const visible = state.output.slice(Math.max(0, end - outputHeight), end);
	return (
		<Box flexDirection="column" width={width} height={height}>
			{visible.map((line, i) => <Text key={i} wrap="truncate">{line || ' '}</Text>)}
			{visible.length < outputHeight ? <Box height={outputHeight - visible.length}/> : null}
			<Text wrap="truncate">
				<Text color={theme.prompt.fg} bold>{sanitizeLine(session.prompt())}</Text>
				<Text>{state.input}</Text>
				<Text inverse> </Text>
				{state.back > 0 ? <Text dimColor>{`  (${state.back} lines back)`}</Text> : null}
			</Text>
		</Box>
	);
}

export function shellPage(title: string, session: ShellSession, banner: string[] = []): PageSpec {
	return {title: `shell ${title}`, key: `shell:${title}`, render: props => <ShellPage {...props} session={session} banner={banner}/>};
}
