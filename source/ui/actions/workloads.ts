/**
 * Deployment, ReplicaSet, StatefulSet and CronJob actions (k9s keys). Each
 * calls one facade command and flashes its outcome or its KubeError.
 */
import type {KubeObject} from '../../engine/index.js';
import {registerActions, type AppApi} from '../app/contract.js';
import {historyPage, rollbackTo} from '../details/history/history-page.js';
import {refOf} from '../details/object-pages.js';
import {resourceName} from '../dialogs/delete-dialog.js';
import {openPrompt} from '../dialogs/prompt-dialog.js';
import {sanitizeLine} from '../sanitize.js';
import {confirmThenRun, run} from './run.js';
import {then} from '../model/cluster-source.js';

function restart(app: AppApi, object: KubeObject): void {
	confirmThenRun(app, {
		title: 'Restart',
		message: `Restart ${resourceName(object)}? Its pods are replaced, as \`kubectl rollout restart\` does.`,
		yes: 'Restart',
	}, () => {
		return then(app.cluster.restart(object.kind, object.metadata.name, {namespace: object.metadata.namespace}), () => `${resourceName(object)} restarted`);
	});
}

/** Parse `container=image` as `kubectl set image` takes it. */
export function parseContainerImage(text: string): {container: string; image: string} {
	const trimmed = text.trim();
	const at = trimmed.indexOf('=');
	if (at <= 0 || at === trimmed.length - 1) throw new Error(`error: expected CONTAINER=IMAGE, got "${trimmed}"`);
	return {container: trimmed.slice(0, at).trim(), image: trimmed.slice(at + 1).trim()};
}

function openSetImage(app: AppApi, object: KubeObject): void {
	const first = object.spec?.template?.spec?.containers?.[0] as {name: string; image: string} | undefined;
	openPrompt(app, {
		title: `Set image of ${resourceName(object)}`,
		label: 'Container=Image:',
		initial: first ? `${first.name}=${first.image}` : '',
		hint: 'CONTAINER=IMAGE (`*=IMAGE` for every container); Enter to apply, Esc to cancel',
		submit: value => {
			const {container, image} = parseContainerImage(value);
			return then(app.cluster.setImage(object.kind, object.metadata.name, container, image, {namespace: object.metadata.namespace}), () => `${resourceName(object)} image updated`);
		},
	});
}

/** `ctrl-l` on a ReplicaSet: roll its Deployment back to the ReplicaSet's revision. */
function rollbackToReplicaSet(app: AppApi, rs: KubeObject): void {
	const owner = rs.metadata.ownerReferences?.find(r => r.controller && r.kind === 'Deployment');
	if (!owner) {
		app.flash(`${resourceName(rs)} is not owned by a Deployment`, 'warn');
		return;
	}
	const revision = Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision']);
	if (!Number.isInteger(revision) || revision <= 0) {
		app.flash(`${resourceName(rs)} has no revision annotation`, 'error');
		return;
	}
	rollbackTo(app, {kind: 'Deployment', name: owner.name, namespace: rs.metadata.namespace}, revision);
}

registerActions('Deployment', [
	{binding: {key: 'r', action: 'deployment.restart', description: 'Restart', dangerous: true}, handler: ({app, selection}) => restart(app, selection.object)},
	{binding: {key: 'i', action: 'deployment.set-image', description: 'Set Image', dangerous: true}, handler: ({app, selection}) => openSetImage(app, selection.object)},
	{binding: {key: 'h', action: 'deployment.history', description: 'History'}, handler: ({app, selection}) => app.pushPage(historyPage(refOf(selection.object)))},
	{binding: {key: 'u', action: 'deployment.undo', description: 'Undo', dangerous: true}, handler: ({app, selection}) => rollbackTo(app, refOf(selection.object))},
]);

registerActions('ReplicaSet', [
	{binding: {key: 'ctrl-l', action: 'replicaset.rollback', description: 'Rollback', dangerous: true}, handler: ({app, selection}) => rollbackToReplicaSet(app, selection.object)},
]);

registerActions('StatefulSet', [
	{binding: {key: 'r', action: 'statefulset.restart', description: 'Restart', dangerous: true}, handler: ({app, selection}) => restart(app, selection.object)},
]);

registerActions('DaemonSet', [
	{binding: {key: 'r', action: 'daemonset.restart', description: 'Restart', dangerous: true}, handler: ({app, selection}) => restart(app, selection.object)},
]);

registerActions('CronJob', [
	{
		binding: {key: 't', action: 'cronjob.trigger', description: 'Trigger', dangerous: true},
		handler: ({app, selection}) => run(app, () => then(
			app.cluster.triggerCronJob(selection.object.metadata.name, {namespace: selection.object.metadata.namespace}),
			job => `job.batch/${sanitizeLine(job.metadata.name)} created`,
		)),
	},
	{
		binding: {key: 's', action: 'cronjob.suspend', description: 'Suspend/Resume', dangerous: true},
		handler: ({app, selection}) => run(app, () => {
			const suspend = !selection.object.spec?.suspend;
			return then(app.cluster.suspendCronJob(selection.object.metadata.name, suspend, {namespace: selection.object.metadata.namespace}), () => `${resourceName(selection.object)} ${suspend ? 'suspended' : 'resumed'}`);
		}),
	},
]);
