/**
 * Actions on any object (k9s: y d e ctrl-d shift-j) and the ones that only
 * need the core facade: scale, kill, show node, secret decode.
 */
import type {KubeObject} from '../../engine/index.js';
import {registerActions, type AppApi} from '../app/contract.js';
import {describePage, refOf, yamlPage} from '../details/object-pages.js';
import {openDeleteDialog, resourceName} from '../dialogs/delete-dialog.js';
import {openPrompt, parseReplicas} from '../dialogs/prompt-dialog.js';
import {sanitizeLine} from '../sanitize.js';
import {editObject} from './edit.js';
import {confirmThenRun, run} from './run.js';
import {then} from '../model/cluster-source.js';

export {run};

/** The controller owner of an object, if it still exists. */
export function ownerOf(app: AppApi, object: KubeObject): KubeObject | undefined {
	const reference = object.metadata.ownerReferences?.find(r => r.controller) ?? object.metadata.ownerReferences?.[0];
	if (!reference) return undefined;
	return app.cluster.get(reference.kind, reference.name, object.metadata.namespace);
}

export function jumpToOwner(app: AppApi, object: KubeObject): void {
	const reference = object.metadata.ownerReferences?.find(r => r.controller) ?? object.metadata.ownerReferences?.[0];
	if (!reference) {
		app.flash(`${resourceName(object)} has no owner`, 'warn');
		return;
	}
	const owner = ownerOf(app, object);
	if (!owner) {
		app.flash(`owner ${sanitizeLine(`${reference.kind}/${reference.name}`)} not found`, 'error');
		return;
	}
	app.openView(owner.kind, {namespace: owner.metadata.namespace ?? 'all', fieldSelector: `metadata.name=${owner.metadata.name}`, title: sanitizeLine(`${owner.kind.toLowerCase()}/${owner.metadata.name}`)});
}

/** `s` on Deployments and StatefulSets: a replicas prompt, then one `cluster.scale`. */
export function openScale(app: AppApi, object: KubeObject): void {
	openPrompt(app, {
		title: `Scale ${resourceName(object)}`,
		label: 'Replicas:',
		initial: String(object.spec?.replicas ?? 1),
		submit: value => {
			const replicas = parseReplicas(value);
			return then(app.cluster.scale(object.kind, object.metadata.name, replicas, {namespace: object.metadata.namespace}), () => `${resourceName(object)} scaled to ${replicas}`);
		},
	});
}

registerActions('*', [
	{binding: {key: 'd', action: 'describe', description: 'Describe'}, handler: ({app, selection}) => app.pushPage(describePage(refOf(selection.object)))},
	{binding: {key: 'y', action: 'yaml', description: 'YAML'}, handler: ({app, selection}) => app.pushPage(yamlPage(refOf(selection.object)))},
	{binding: {key: 'e', action: 'edit', description: 'Edit', dangerous: true}, handler: ({app, selection}) => editObject(app, selection.object)},
	{binding: {key: 'ctrl-d', action: 'delete', description: 'Delete', dangerous: true}, handler: ({app, selection}) => openDeleteDialog(app, selection.object)},
	{
		binding: {key: 'shift-j', action: 'jump-owner', description: 'Jump Owner'},
		handler: ({app, selection}) => jumpToOwner(app, selection.object),
		when: selection => (selection.object?.metadata.ownerReferences?.length ?? 0) > 0,
	},
]);

registerActions('Pod', [
	{
		binding: {key: 'ctrl-k', action: 'pod.kill', description: 'Kill', dangerous: true},
		handler: ({app, selection}) => confirmThenRun(app, {
			title: 'Kill pod',
			message: `Kill ${resourceName(selection.object)}? It is deleted at once, without a grace period.`,
			yes: 'Kill',
		}, () => {
			return then(app.cluster.delete('Pod', selection.object.metadata.name, {namespace: selection.object.metadata.namespace, gracePeriodSeconds: 0}), () => `${resourceName(selection.object)} killed`);
		}),
	},
	{
		binding: {key: 'o', action: 'pod.show-node', description: 'Show Node'},
		handler: ({app, selection}) => {
			const node = selection.object.spec?.nodeName as string | undefined;
			if (!node) app.flash(`${resourceName(selection.object)} is not scheduled on a node yet`, 'warn');
			else app.openView('Node', {namespace: 'all', fieldSelector: `metadata.name=${node}`, title: sanitizeLine(`node/${node}`)});
		},
	},
]);

registerActions('Deployment', [
	{binding: {key: 's', action: 'deployment.scale', description: 'Scale', dangerous: true}, handler: ({app, selection}) => openScale(app, selection.object)},
]);

registerActions('StatefulSet', [
	{binding: {key: 's', action: 'statefulset.scale', description: 'Scale', dangerous: true}, handler: ({app, selection}) => openScale(app, selection.object)},
]);

registerActions('Secret', [
	{binding: {key: 'x', action: 'secret.decode', description: 'Decode'}, handler: ({app, selection}) => app.pushPage(yamlPage(refOf(selection.object), {decode: true}))},
]);
