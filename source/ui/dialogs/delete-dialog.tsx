/**
 * k9s' delete dialog: the object, a propagation policy (Background,
 * Foreground, Orphan) picked from a select list, Esc to cancel. Selecting
 * a policy runs exactly one `cluster.delete` and flashes the outcome.
 */
import React from 'react';
import {Box, Text} from 'ink';
import type {KubeObject} from '../../engine/index.js';
import type {AppApi} from '../app/contract.js';
import {sanitizeLine} from '../sanitize.js';
import {SelectList} from '../components/select-list/select-list.js';
import {run} from '../actions/run.js';

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

/** Run the delete and report it in the flash. */
export function deleteWithPolicy(app: AppApi, object: KubeObject, policy: PropagationPolicy): void {
	run(app, () => {
		app.cluster.delete(object.kind, object.metadata.name, {namespace: object.metadata.namespace, propagationPolicy: policy});
		return `${resourceName(object)} deleted (${policy.toLowerCase()})`;
	});
}

function DeleteDialog({app, object, close}: {app: AppApi; object: KubeObject; close: () => void}) {
	const theme = app.theme;
	const where = object.metadata.namespace ? ` in namespace ${sanitizeLine(object.metadata.namespace)}` : '';
	return (
		<Box flexDirection="column">
			<Text color={theme.dialog.label} bold>Delete {resourceName(object)}{where}?</Text>
			<Text color={theme.dialog.fg}>Propagation policy (Enter to delete, Esc to cancel):</Text>
			<SelectList
				items={policyItems}
				onSelect={item => {
					close();
					deleteWithPolicy(app, object, item.value);
				}}
			/>
		</Box>
	);
}

/** Open the delete dialog for an object. */
export function openDeleteDialog(app: AppApi, object: KubeObject): void {
	app.showModal({
		title: `Delete ${resourceName(object)}`,
		render: ({close}) => <DeleteDialog app={app} object={object} close={close}/>,
	});
}
