/**
 * k9s' delete dialog: the object, a propagation policy (Background,
 * Foreground, Orphan), a grace period and Force, as `kubectl delete
 * --cascade --grace-period --force` take them. Tab moves between the
 * fields, ↑/↓ pick the policy, Space ticks Force, Enter deletes, Esc
 * cancels. Deleting runs exactly one `cluster.delete` and flashes the
 * outcome; a grace period that is not a number stays in the dialog with
 * kubectl's message.
 */
import React, {useReducer, useRef} from 'react';
import {Box, Text} from 'ink';
import type {DeleteOptions, KubeObject} from '../../engine/index.js';
import type {AppApi} from '../app/contract.js';
import {usePageKeys} from '../app/use-page-keys.js';
import {sanitizeLine} from '../sanitize.js';
import {TextInput} from '../components/text-input/text-input.js';
import {createTextInput, editText, type TextInputState} from '../components/text-input/text-input-state.js';
import {run} from '../actions/run.js';
import {then} from '../model/cluster-source.js';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export const policyItems: Array<{label: string; value: PropagationPolicy}> = [
	{label: 'Background  delete now, the garbage collector removes dependents', value: 'Background'},
	{label: 'Foreground  delete dependents first, then the object', value: 'Foreground'},
	{label: 'Orphan      delete the object, keep its dependents', value: 'Orphan'},
];

/** `deployment.apps/web`, as kubectl names what it deleted. */
export function resourceName(object: KubeObject): string {
	const group = object.apiVersion.includes('/') ? `.${object.apiVersion.split('/')[0]}` : '';
	return sanitizeLine(`${object.kind.toLowerCase()}${group}/${object.metadata.name}`);
}

/** What the dialog's fields hold. */
export type DeleteChoice = {
	policy: PropagationPolicy;
	/** The grace period field as typed; '' or -1 mean the object's own. */
	grace: string;
	force: boolean;
};

/**
 * The grace period kubectl sends for `--grace-period` and `--force`:
 * undefined (the object's own) for a negative value, 0 with --force when
 * none was given, and 1 for 0 without --force (kubectl turns an immediate
 * delete into a one-second one unless forced). Throws kubectl's message
 * for text that is not a whole number.
 */
export function kubectlGrace(text: string, force: boolean): number | undefined {
	const trimmed = text.trim();
	if (trimmed !== '' && !/^-?\d+$/.test(trimmed)) {
		throw new Error(`invalid argument "${trimmed}" for "--grace-period" flag: strconv.ParseInt: parsing "${trimmed}": invalid syntax`);
	}
	let grace = trimmed === '' ? -1 : Number(trimmed);
	if (grace === 0 && !force) grace = 1;
	if (force && grace < 0) grace = 0;
	return grace < 0 ? undefined : grace;
}

/** Run the delete with the dialog's choice and report it in the flash. */
export function deleteWithChoice(app: AppApi, object: KubeObject, choice: DeleteChoice): void {
	run(app, () => {
		const grace = kubectlGrace(choice.grace, choice.force);
		const options: DeleteOptions = {namespace: object.metadata.namespace, propagationPolicy: choice.policy};
		if (grace !== undefined) options.gracePeriodSeconds = grace;
		const details = [choice.policy.toLowerCase(), ...(grace === undefined ? [] : [`grace ${grace}s`])].join(', ');
		return then(app.cluster.delete(object.kind, object.metadata.name, options), () => `${resourceName(object)} ${choice.force ? 'force deleted' : 'deleted'} (${details})`);
	});
}

/** Run the delete with a policy and the object's own grace period. */
export function deleteWithPolicy(app: AppApi, object: KubeObject, policy: PropagationPolicy): void {
	deleteWithChoice(app, object, {policy, grace: '', force: false});
}

type Field = 'policy' | 'grace' | 'force';
const labelWidth = 16;
const fields: Field[] = ['policy', 'grace', 'force'];

type FormState = {field: Field; policy: number; grace: TextInputState; force: boolean; error?: string};

function DeleteDialog({app, object, close, width}: {app: AppApi; object: KubeObject; close: () => void; width: number}) {
	const theme = app.theme;
	const [, bump] = useReducer((n: number) => n + 1, 0);
	// Keys are applied to the ref at once, so a run of keys read together lands in order.
	const form = useRef<FormState>(undefined as unknown as FormState);
	if (!form.current) form.current = {field: 'policy', policy: 0, grace: createTextInput('-1'), force: false};
	const update = (change: Partial<FormState>) => {
		form.current = {...form.current, ...change};
		bump();
	};
	const moveField = (by: number) => {
		const at = fields.indexOf(form.current.field);
		update({field: fields[(at + by + fields.length) % fields.length]!});
	};
	const submit = () => {
		const state = form.current;
		const choice = {policy: policyItems[state.policy]!.value, grace: state.grace.value, force: state.force};
		try {
			kubectlGrace(choice.grace, choice.force);
		} catch (error) {
			update({field: 'grace', error: (error as Error).message});
			return;
		}
		close();
		deleteWithChoice(app, object, choice);
	};
	usePageKeys({
		bindings: [
			{key: 'tab', action: 'delete.next-field', description: 'Next field'},
			{key: 'shift-tab', action: 'delete.previous-field', description: 'Previous field', visible: false},
			{key: 'enter', action: 'delete.ok', description: 'Delete'},
		],
		handlers: {
			'delete.next-field': () => moveField(1),
			'delete.previous-field': () => moveField(-1),
			'delete.ok': submit,
		},
		onKey: event => {
			const state = form.current;
			if (event.name === 'tab' || event.name === 'shift-tab' || event.name === 'enter' || event.name === 'esc') return false;
			if (state.field === 'policy') {
				const by = event.name === 'down' || event.name === 'j' ? 1 : event.name === 'up' || event.name === 'k' ? -1 : 0;
				if (by !== 0) update({policy: (state.policy + by + policyItems.length) % policyItems.length});
				else if (/^[1-3]$/.test(event.name)) update({policy: Number(event.name) - 1});
				return true;
			}
			if (state.field === 'force') {
				if (event.name === 'space' || event.name === 'x') update({force: !state.force});
				else if (event.name === 'up') moveField(-1);
				return true;
			}
			if (event.name === 'up' || event.name === 'down') {
				moveField(event.name === 'up' ? -1 : 1);
				return true;
			}
			const {state: grace} = editText(state.grace, event);
			if (grace !== state.grace) update({grace, error: undefined});
			return true;
		},
	});
	const state = form.current;
	const where = object.metadata.namespace ? ` in namespace ${sanitizeLine(object.metadata.namespace)}` : '';
	const label = (field: Field, text: string) => (
		<Box width={labelWidth} flexShrink={0}>
			<Text color={state.field === field ? theme.dialog.label : theme.dialog.fg} bold={state.field === field} wrap="truncate">
				{`${state.field === field ? '▸' : ' '} ${text}`}
			</Text>
		</Box>
	);
	const isPod = object.kind === 'Pod';
	return (
		<Box flexDirection="column">
			<Text color={theme.dialog.label} bold wrap="truncate">Delete {resourceName(object)}{where}?</Text>
			<Text> </Text>
			{policyItems.map((item, i) => (
				<Box key={item.value}>
					{i === 0 ? label('policy', 'Propagation:') : <Box width={labelWidth} flexShrink={0}/>}
					<Text color={i === state.policy ? theme.dialog.label : theme.dialog.fg} bold={i === state.policy} wrap="truncate">
						{`${i === state.policy ? '❯' : ' '} ${item.label}`}
					</Text>
				</Box>
			))}
			<Box>
				{label('grace', 'Grace period:')}
				<Box width={8} flexShrink={0}>
					<TextInput value={state.grace.value} cursor={state.grace.cursor} width={7} focus={state.field === 'grace'} color={theme.dialog.field}/>
				</Box>
				<Text color={theme.dialog.fg} dimColor wrap="truncate">
					{`seconds; -1 = the object's own${isPod ? ` (${String(object.spec?.terminationGracePeriodSeconds ?? 30)}s)` : ''}, 0 needs Force`}
				</Text>
			</Box>
			<Box>
				{label('force', 'Force:')}
				<Box width={3} flexShrink={0}>
					<Text color={state.force ? theme.dialog.label : theme.dialog.fg} bold={state.force}>{state.force ? '[x]' : '[ ]'}</Text>
				</Box>
				<Text color={theme.dialog.fg} dimColor wrap="truncate"> remove at once, without waiting for the kubelet</Text>
			</Box>
			{state.error ? <Text color={theme.frame.flash.error} wrap="wrap">{state.error}</Text> : null}
			<Text> </Text>
			<Text color={theme.dialog.fg} dimColor wrap="truncate">
				{width >= 70 ? 'Tab next field · ↑↓ policy · Space ticks Force · Enter deletes · Esc cancels' : 'Tab field · Space Force · Enter delete · Esc cancel'}
			</Text>
		</Box>
	);
}

/** Open the delete dialog for an object. */
export function openDeleteDialog(app: AppApi, object: KubeObject): void {
	app.showModal({
		title: `Delete ${resourceName(object)}`,
		render: ({close, width}) => <DeleteDialog app={app} object={object} close={close} width={width}/>,
	});
}
