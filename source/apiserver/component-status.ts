/**
 * ComponentStatus (`kubectl get componentstatuses`, `cs`): deprecated since
 * 1.19 and still served by kube-apiserver, which answers it by probing the
 * scheduler's and the controller manager's /healthz and etcd when asked
 * (`pkg/registry/core/componentstatus`). Nothing is stored; a get or a list
 * is all it serves, each with the deprecation warning. The simulated
 * control plane is always up: every component is Healthy, `ok`.
 */
import type {ResourceType} from '../engine/index.js';
import {objectSelector} from '../engine/index.js';
import {sendJson} from './http.js';
import type {RequestContext} from './resources.js';
import {ApiError, methodNotAllowed} from './status.js';
import {column, tableType, toTable, wantsTable, type Printer} from './tables.js';

export const componentStatusType: ResourceType = {
	kind: 'ComponentStatus', plural: 'componentstatuses', singular: 'componentstatus', shortNames: ['cs'],
	group: '', version: 'v1', namespaced: false, nameValidator: 'subdomain',
};

/** What the API server warns of with every ComponentStatus request. */
export const componentStatusWarning = '299 - "v1 ComponentStatus is deprecated in v1.19+"';

type ComponentStatus = {
	kind: 'ComponentStatus';
	apiVersion: 'v1';
	metadata: {name: string; creationTimestamp: null; labels?: Record<string, string>};
	conditions: Array<{type: 'Healthy'; status: 'True' | 'False' | 'Unknown'; message?: string; error?: string}>;
};

/** The components, in the order a kind cluster's answer usually lists them (the server probes them side by side). */
const components = ['scheduler', 'controller-manager', 'etcd-0'];

function componentStatus(name: string): ComponentStatus {
	return {kind: 'ComponentStatus', apiVersion: 'v1', metadata: {name, creationTimestamp: null}, conditions: [{type: 'Healthy', status: 'True', message: 'ok'}]};
}

/** printComponentStatus: the Healthy condition's status in words, its message and its error. */
const componentStatusPrinter: Printer = {
	columns: [
		{name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0},
		{...column('Status'), description: 'Status of the component conditions'},
		{...column('Message'), description: 'Message of the component conditions'},
		{...column('Error'), description: 'Error of the component conditions'},
	],
	row: (status: ComponentStatus) => {
		const healthy = status.conditions.find(condition => condition.type === 'Healthy');
		const words = !healthy ? 'Unknown' : healthy.status === 'True' ? 'Healthy' : 'Unhealthy';
		return [status.metadata.name, words, healthy?.message ?? '', healthy?.error ?? ''];
	},
};

export function handleComponentStatus({request, response, query, target}: RequestContext): void {
	const method = request.method ?? 'GET';
	if (method !== 'GET') throw methodNotAllowed(method);
	// Nothing is stored, so nothing can be watched.
	if (query.get('watch') === 'true' || query.get('watch') === '1') throw methodNotAllowed(method);
	response.setHeader('Warning', componentStatusWarning);
	const {name} = target;
	if (name !== undefined && !components.includes(name)) throw new ApiError(404, 'NotFound', `componentstatus "${name}" not found`, {kind: 'componentstatuses', name});
	// One by name, or the list with its selectors.
	const matches = name !== undefined ? (status: ComponentStatus) => status.metadata.name === name
		: objectSelector({labelSelector: query.get('labelSelector') ?? undefined, fieldSelector: query.get('fieldSelector') ?? undefined}) ?? (() => true);
	const items = components.map(componentStatus).filter(status => matches(status));
	if (wantsTable(request.headers.accept)) sendJson(response, 200, toTable('ComponentStatus', items, {now: 0, printer: componentStatusPrinter}), tableType);
	else sendJson(response, 200, name !== undefined ? items[0] : {kind: 'ComponentStatusList', apiVersion: 'v1', metadata: {}, items});
}
