/**
 * `s` on a pod: an interactive exec prompt inside the app, against the mock
 * runtime. Every line typed runs in the container through one facade call;
 * stdout and stderr are sanitised into the scrollback. The line is the
 * dashboard's text input (readline keys, ↑/↓ history). `exit`, Ctrl+D on an
 * empty line, or Esc leaves; Ctrl+C abandons the line (prints `^C`, new
 * prompt) instead of quitting the dashboard; PgUp/PgDn scroll; Ctrl+L clears.
 */
import React, {useEffect} from 'react';
import {Box, Text} from 'ink';
import {useApp, usePageKeys, type PageProps, type PageSpec} from '../../app/contract.js';
import {TextInput} from '../../components/text-input/text-input.js';
import {useTextInput} from '../../components/text-input/use-text-input.js';
import {errorMessage} from '../../dialogs/errors.js';
import {sanitize, sanitizeLine} from '../../sanitize.js';
import {displayWidth, truncateToWidth} from '../../text-width.js';
import {useExecState} from './use-exec-state.js';

import type {ShellOutput, ShellSession} from '../../model/cluster-source.js';

export type {ShellOutput as ExecOutput, ShellSession as ExecSession} from '../../model/cluster-source.js';

function outputLines(text: string): string[] {
	if (text === '') return [];
	const lines = sanitize(text).split('\n');
	if (lines[lines.length - 1] === '') lines.pop();
	return lines;
}

function ExecPage({session, banner, width, height}: PageProps & {session: ShellSession; banner: string[]}) {
	const app = useApp();
	const theme = app.theme;
	const [state, dispatch] = useExecState(banner);
	const outputHeight = Math.max(1, height - 1);
	const submit = (line: string) => {
		const prompt = sanitizeLine(session.prompt());
		input.set('');
		if (line.trim() === '') {
			dispatch({type: 'submitted', line, output: [prompt]});
			return;
		}
		const echo = `${prompt}${sanitizeLine(line)}`;
		const show = (result: ShellOutput) => {
			if (result.exited) {
				app.popPage();
				return;
			}
			dispatch({type: 'submitted', line, output: [echo, ...outputLines(result.stdout), ...outputLines(result.stderr)]});
		};
		const failed = (error: unknown) => dispatch({type: 'submitted', line, output: [echo, errorMessage(error)]});
		try {
			const result = session.run(line);
			// A real cluster's shell answers later: its output lands when it comes.
			if (result instanceof Promise) result.then(show, failed);
			else show(result);
		} catch (error) {
			failed(error);
		}
	};
	const input = useTextInput({history: state.history, onSubmit: submit});
	useEffect(() => () => session.close?.(), [session]);
	usePageKeys({
		bindings: [
			{key: 'enter', action: 'exec.run', description: 'Run'},
			{key: 'ctrl-c', action: 'exec.interrupt', description: 'Interrupt'},
			{key: 'ctrl-d', action: 'exec.leave', description: 'Leave (empty line)'},
			{key: 'ctrl-l', action: 'exec.clear', description: 'Clear', visible: false},
			{key: 'pgup', action: 'exec.page-up', description: 'Page up', visible: false},
			{key: 'pgdn', action: 'exec.page-down', description: 'Page down', visible: false},
		],
		handlers: {
			'exec.run': () => submit(input.state.value),
			'exec.interrupt': () => {
				dispatch({type: 'print', output: [`${sanitizeLine(session.prompt())}${sanitizeLine(input.state.value)}^C`]});
				input.set('');
			},
			'exec.leave': () => {
				if (input.state.value === '') app.popPage();
			},
			'exec.clear': () => dispatch({type: 'clear'}),
			'exec.page-up': () => dispatch({type: 'scroll', by: -outputHeight, height: outputHeight}),
			'exec.page-down': () => dispatch({type: 'scroll', by: outputHeight, height: outputHeight}),
		},
		// The line takes every key it knows; Ctrl+D deletes forward on a non-empty line, as in readline.
		onKey: event => {
			if (event.name === 'ctrl-d' && input.state.value !== '') return input.handleKey({...event, name: 'delete'});
			if (event.name === 'tab') return true;
			return input.handleKey(event);
		},
	});
	const end = state.output.length - state.back;
	const visible = state.output.slice(Math.max(0, end - outputHeight), end);
	const prompt = sanitizeLine(session.prompt());
	const back = state.back > 0 ? `  (${state.back} lines back)` : '';
	return (
		<Box flexDirection="column" width={width} height={height}>
			{visible.map((line, i) => <Text key={i} wrap="truncate">{truncateToWidth(line, width) || ' '}</Text>)}
			{visible.length < outputHeight ? <Box height={outputHeight - visible.length}/> : null}
			<Box width={width}>
				<Text color={theme.prompt.fg} bold wrap="truncate">{truncateToWidth(prompt, Math.max(1, width - 2))}</Text>
				<TextInput value={input.state.value} cursor={input.state.cursor} width={Math.max(1, width - displayWidth(prompt) - displayWidth(back))}/>
				{back ? <Text dimColor>{back}</Text> : null}
			</Box>
		</Box>
	);
}

export function execPage(title: string, session: ShellSession, banner: string[] = []): PageSpec {
	return {title: `shell ${title}`, key: `shell:${title}`, render: props => <ExecPage {...props} session={session} banner={banner}/>};
}
