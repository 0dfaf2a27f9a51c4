import React from 'react';
import {Box, Text} from 'ink';
import type {ModalSpec} from './contract.js';

export type ConfirmOptions = {title: string; message: string; yes?: string; no?: string};

/** The yes/no modal behind `app.confirm`: y or Enter answers yes, n (or Esc, or closing) no. */
export function confirmModal(options: ConfirmOptions, answer: (yes: boolean) => void): ModalSpec {
	return {
		title: options.title,
		render: () => (
			<Box flexDirection="column">
				<Text>{options.message}</Text>
				<Text> </Text>
				<Text><Text bold>{`<y> ${options.yes ?? 'Yes'}`}</Text>{'   '}<Text>{`<n> ${options.no ?? 'No'}`}</Text></Text>
			</Box>
		),
		bindings: [
			{key: 'y', action: 'confirm.yes', description: options.yes ?? 'Yes'},
			{key: 'enter', action: 'confirm.yes', description: options.yes ?? 'Yes', visible: false},
			{key: 'n', action: 'confirm.no', description: options.no ?? 'No'},
		],
		handlers: {'confirm.yes': () => answer(true), 'confirm.no': () => answer(false)},
		onClose: () => answer(false),
	};
}
