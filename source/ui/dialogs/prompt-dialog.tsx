/**
 * A text prompt in a modal (ink-text-input): scale's replicas, set image's
 * `container=image`. `submit` runs the one facade command; when it throws,
 * the error shows under the field and in the flash, the dialog stays open,
 * and nothing changed (the engine validates before it writes).
 */
import React, {useRef} from 'react';
import {Box, Text} from 'ink';
import TextInput from 'ink-text-input';
import type {AppApi} from '../app/contract.js';
import {errorMessage} from './errors.js';
import {usePromptState} from './use-prompt-state.js';
import {useBackspaceBurst} from './use-backspace-burst.js';

export type PromptOptions = {
	title: string;
	/** Label before the field, e.g. `Replicas:`. */
	label: string;
	initial?: string;
	/** A line of help under the field. */
	hint?: string;
	/** Run the command; return the success message to flash, or throw. */
	submit: (value: string) => string;
};

function PromptDialog({app, options, close}: {app: AppApi; options: PromptOptions; close: () => void}) {
	const theme = app.theme;
	const [state, dispatch] = usePromptState(options.initial ?? '');
	const value = useRef(state.value);
	value.current = state.value;
	useBackspaceBurst(count => dispatch({type: 'change', value: [...value.current].slice(0, -count).join('')}));
	const onSubmit = (value: string) => {
		try {
			const message = options.submit(value);
			close();
			app.flash(message);
			app.invalidate();
		} catch (error) {
			const message = errorMessage(error);
			dispatch({type: 'error', message});
			app.flash(message, 'error');
		}
	};
	// ink-text-input submits the value of the render its key handler was made in, which can be
	// one render behind when Enter follows the last key quickly: the prompt submits what it shows.
	// Text and Enter that arrive in one read (fast typing, a paste, tmux send-keys) reach
	// ink-text-input as one string with the newline in it: the part before it is submitted.
	const onChange = (next: string) => {
		const newline = next.search(/[\r\n]/);
		if (newline < 0) {
			dispatch({type: 'change', value: next});
			return;
		}
		const line = next.slice(0, newline);
		dispatch({type: 'change', value: line});
		onSubmit(line);
	};
	return (
		<Box flexDirection="column">
			<Box>
				<Text color={theme.dialog.label}>{options.label} </Text>
				<TextInput value={state.value} onChange={onChange} onSubmit={() => onSubmit(value.current)}/>
			</Box>
			{state.error ? <Text color={theme.frame.flash.error} wrap="wrap">{state.error}</Text> : null}
			<Text color={theme.dialog.fg} dimColor>{options.hint ?? 'Enter to apply, Esc to cancel'}</Text>
		</Box>
	);
}

/** Open a prompt modal. */
export function openPrompt(app: AppApi, options: PromptOptions): void {
	app.showModal({title: options.title, render: ({close}) => <PromptDialog app={app} options={options} close={close}/>});
}

/**
 * Parse a replica count typed in a prompt: a whole number, else the error
 * kubectl gives for `--replicas=abc`. Negative numbers pass through so the
 * API server's own validation message reaches the user.
 */
export function parseReplicas(text: string): number {
	const trimmed = text.trim();
	if (!/^-?\d+$/.test(trimmed)) throw new Error(`invalid argument "${trimmed}" for "--replicas" flag: strconv.ParseInt: parsing "${trimmed}": invalid syntax`);
	return Number(trimmed);
}
