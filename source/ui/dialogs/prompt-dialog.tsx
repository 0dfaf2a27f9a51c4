/**
 * A text prompt in a modal: scale's replicas, set image's `container=image`.
 * The field is the dashboard's text input (readline keys; its keys come
 * from the modal's keymap). `submit` runs the one facade command; when it
 * throws, the error shows under the field and in the flash, the dialog stays
 * open, and nothing changed (the engine validates before it writes).
 */
import React, {useState} from 'react';
import {Box, Text} from 'ink';
import type {AppApi} from '../app/contract.js';
import {usePageKeys} from '../app/use-page-keys.js';
import {TextInput} from '../components/text-input/text-input.js';
import {useTextInput} from '../components/text-input/use-text-input.js';
import {errorMessage} from './errors.js';
import type {MaybePromise} from '../model/cluster-source.js';

export type PromptOptions = {
	title: string;
	/** Label before the field, e.g. `Replicas:`. */
	label: string;
	initial?: string;
	/** A line of help under the field. */
	hint?: string;
	/** Run the command; return the success message to flash (now, or when the cluster answers), or throw. */
	submit: (value: string) => MaybePromise<string>;
};

function PromptDialog({app, options, close, width}: {app: AppApi; options: PromptOptions; close: () => void; width: number}) {
	const theme = app.theme;
	const [error, setError] = useState<string>();
	const input = useTextInput({
		initial: options.initial ?? '',
		onSubmit: value => {
			const done = (message: string) => {
				close();
				app.flash(message);
				app.invalidate();
			};
			const failed = (caught: unknown) => {
				const message = errorMessage(caught);
				setError(message);
				app.flash(message, 'error');
			};
			try {
				const message = options.submit(value);
				if (message instanceof Promise) message.then(done, failed);
				else done(message);
			} catch (caught) {
				failed(caught);
			}
		},
	});
	usePageKeys({bindings: [], handlers: {}, onKey: input.handleKey});
	return (
		<Box flexDirection="column">
			<Box>
				<Text color={theme.dialog.label}>{options.label} </Text>
				<TextInput value={input.state.value} cursor={input.state.cursor} width={Math.max(1, width - options.label.length - 1)} color={theme.dialog.fg}/>
			</Box>
			{error ? <Text color={theme.frame.flash.error} wrap="wrap">{error}</Text> : null}
			<Text color={theme.dialog.fg} dimColor>{options.hint ?? 'Enter to apply, Esc to cancel'}</Text>
		</Box>
	);
}

/** Open a prompt modal. */
export function openPrompt(app: AppApi, options: PromptOptions): void {
	app.showModal({title: options.title, render: ({close, width}) => <PromptDialog app={app} options={options} close={close} width={width}/>});
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
