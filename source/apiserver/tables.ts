/**
 * Server-side Tables (meta.k8s.io/v1): the columns and cells `kubectl get`
 * prints, one printer per kind, after upstream pkg/printers/internalversion/printers.go
 * (v1.32). As in the API server, every row carries the wide (priority 1) cells too.
 */
import {accessModeShort, csrConditionText, labelSelectorFromObject, selectorToString, type KubeObject} from '../engine/index.js';

export type Column = {name: string; type: string; format: string; description: string; priority: number};
/** A cell; null where a custom column's path finds nothing (kubectl prints `<none>`). */
export type Cell = string | number | boolean | null;
export type Printer = {columns: Column[]; row: (object: any, now: number) => Cell[]};

export function column(name: string, type = 'string', priority = 0, format = ''): Column {
	return {name, type, format, description: name, priority};
}

const nameColumn = column('Name', 'string', 0, 'name');
const age = column('Age');
const wide = (...names: string[]) => names.map(n => column(n, 'string', 1));

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration. */
export function humanDuration(ms: number): string {
	const seconds = Math.floor(ms / 1000);
	if (seconds < -1) return '<invalid>';
	if (seconds < 0) return '0s';
	if (seconds < 120) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
	if (minutes < 180) return `${minutes}m`;
	const hours = Math.floor(minutes / 60);
	if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
	if (hours < 48) return `${hours}h`;
	if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
	if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
	if (hours < 24 * 365 * 8) {
		const days = Math.floor(hours / 24) % 365;
		return days === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${days}d`;
	}
	return `${Math.floor(hours / 24 / 365)}y`;
}

/** translateTimestampSince: `<unknown>` for no time. */
export function since(timestamp: string | undefined | null, now: number): string {
	if (!timestamp) return '<unknown>';
	return humanDuration(now - Date.parse(timestamp));
}

/** labels.FormatLabels: sorted `k=v` pairs, `<none>` when empty. */
function formatLabels(labels: Record<string, string> | undefined): string {
	const keys = Object.keys(labels ?? {}).sort();
	return keys.length === 0 ? '<none>' : keys.map(k => `${k}=${labels![k]}`).join(',');
}

function selectorString(selector: any): string {
	return selectorToString(labelSelectorFromObject(selector));
}

function containerCells(podSpec: any): Cell[] {
	const containers: any[] = podSpec?.containers ?? [];
	return [containers.map(c => c.name).join(','), containers.map(c => c.image).join(',')];
}

function accessModes(modes: string[] | undefined): string {
	const order = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];
	return order.filter(m => modes?.includes(m)).map(m => accessModeShort[m as keyof typeof accessModeShort]).join(',');
}

function podRow(pod: any, now: number): Cell[] {
	const spec = pod.spec ?? {};
	const status = pod.status ?? {};
	let restarts = 0;
	let lastRestart = 0;
	let ready = 0;
	let reason: string = status.reason || status.phase || '';
	let initializing = false;
	const initStatuses: any[] = status.initContainerStatuses ?? [];
	for (const [i, container] of initStatuses.entries()) {
		restarts += container.restartCount ?? 0;
		const state = container.state ?? {};
		if (state.terminated && state.terminated.exitCode === 0) continue;
		if (state.terminated) {
			reason = state.terminated.reason ? `Init:${state.terminated.reason}` : state.terminated.signal ? `Init:Signal:${state.terminated.signal}` : `Init:ExitCode:${state.terminated.exitCode}`;
		} else if (state.waiting?.reason && state.waiting.reason !== 'PodInitializing') {
			reason = `Init:${state.waiting.reason}`;
		} else {
			reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
		}
		initializing = true;
		break;
	}
	const initialized = (status.conditions ?? []).some((c: any) => c.type === 'Initialized' && c.status === 'True');
	if (!initializing || initialized) {
		restarts = 0;
		let hasRunning = false;
		const statuses: any[] = status.containerStatuses ?? [];
		for (let i = statuses.length - 1; i >= 0; i--) {
			const container = statuses[i];
			restarts += container.restartCount ?? 0;
			const finished = container.lastState?.terminated?.finishedAt;
			if (finished) lastRestart = Math.max(lastRestart, Date.parse(finished));
			const state = container.state ?? {};
			if (state.waiting?.reason) reason = state.waiting.reason;
			else if (state.terminated?.reason) reason = state.terminated.reason;
			else if (state.terminated) reason = state.terminated.signal ? `Signal:${state.terminated.signal}` : `ExitCode:${state.terminated.exitCode}`;
			else if (container.ready && state.running) {
				hasRunning = true;
				ready++;
			}
		}
		if (reason === 'Completed' && hasRunning) {
			reason = (status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
		}
	}
	if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
	else if (pod.metadata.deletionTimestamp && status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';
	const restartText = restarts !== 0 && lastRestart ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
	const gates: any[] = spec.readinessGates ?? [];
	let gateText = '<none>';
	if (gates.length > 0) {
		const conditions: any[] = status.conditions ?? [];
		const trueGates = gates.filter(g => conditions.some(c => c.type === g.conditionType && c.status === 'True')).length;
		gateText = `${trueGates}/${gates.length}`;
	}
	return [
		pod.metadata.name, `${ready}/${(spec.containers ?? []).length}`, reason, restartText, since(pod.metadata.creationTimestamp, now),
		status.podIPs?.[0]?.ip || status.podIP || '<none>', spec.nodeName || '<none>', status.nominatedNodeName || '<none>', gateText,
	];
}

function serviceExternalIp(svc: any): string {
	const spec = svc.spec ?? {};
	const external: string[] = spec.externalIPs ?? [];
	switch (spec.type) {
		case 'ClusterIP':
		case 'NodePort':
		case undefined:
			return external.length > 0 ? external.join(',') : '<none>';
		case 'LoadBalancer': {
			const ingress = (svc.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip || i.hostname).filter(Boolean);
			const all = [...ingress, ...external];
			return all.length > 0 ? all.join(',') : '<pending>';
		}
		case 'ExternalName':
			return spec.externalName ?? '<none>';
		default:
			return '<unknown>';
	}
}

function servicePorts(ports: any[] | undefined): string {
	const text = (ports ?? []).map(p => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
	return text || '<none>';
}

function endpointsText(endpoints: any): string {
	const subsets: any[] = endpoints.subsets ?? [];
	if (subsets.length === 0) return '<none>';
	const list: string[] = [];
	const max = 3;
	let more = false;
	let count = 0;
	for (const subset of subsets) {
		const addresses: any[] = subset.addresses ?? [];
		const ports: any[] = subset.ports ?? [];
		if (ports.length === 0) {
			count += addresses.length;
			for (const address of addresses) {
				if (list.length === max) {
					more = true;
					break;
				}
				list.push(address.ip);
			}
			continue;
		}
		for (const port of ports) {
			count += addresses.length;
			for (const address of addresses) {
				if (list.length === max) {
					more = true;
					break;
				}
				list.push(address.ip.includes(':') ? `[${address.ip}]:${port.port}` : `${address.ip}:${port.port}`);
			}
		}
	}
	const text = list.join(',');
	return more ? `${text} + ${count - max} more...` : text;
}

function nodeRoles(labels: Record<string, string> | undefined): string {
	const roles = new Set<string>();
	for (const [key, value] of Object.entries(labels ?? {})) {
		if (key.startsWith('node-role.kubernetes.io/')) roles.add(key.slice('node-role.kubernetes.io/'.length));
		else if (key === 'kubernetes.io/role' && value) roles.add(value);
	}
	return [...roles].filter(Boolean).sort().join(',') || '<none>';
}

function jobStatus(job: any): string {
	const has = (type: string) => (job.status?.conditions ?? []).some((c: any) => c.type === type && c.status === 'True');
	if (has('Complete')) return 'Complete';
	if (has('Failed')) return 'Failed';
	if (job.metadata.deletionTimestamp) return 'Terminating';
	if (has('Suspended')) return 'Suspended';
	if (has('FailureTarget')) return 'FailureTarget';
	if (has('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
	return 'Running';
}

const printers: Record<string, Printer> = {
	Pod: {
		columns: [nameColumn, column('Ready'), column('Status'), column('Restarts'), age, ...wide('IP', 'Node', 'Nominated Node', 'Readiness Gates')],
		row: podRow,
	},
	Deployment: {
		columns: [nameColumn, column('Ready'), column('Up-to-date', 'integer'), column('Available', 'integer'), age, ...wide('Containers', 'Images', 'Selector')],
		row: (o, now) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, o.status?.updatedReplicas ?? 0, o.status?.availableReplicas ?? 0,
			since(o.metadata.creationTimestamp, now), ...containerCells(o.spec?.template?.spec), selectorString(o.spec?.selector)],
	},
	ReplicaSet: {
		columns: [nameColumn, column('Desired', 'integer'), column('Current', 'integer'), column('Ready', 'integer'), age, ...wide('Containers', 'Images', 'Selector')],
		row: (o, now) => [o.metadata.name, o.spec?.replicas ?? 0, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0,
			since(o.metadata.creationTimestamp, now), ...containerCells(o.spec?.template?.spec), selectorString(o.spec?.selector)],
	},
	StatefulSet: {
		columns: [nameColumn, column('Ready'), age, ...wide('Containers', 'Images')],
		row: (o, now) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, since(o.metadata.creationTimestamp, now), ...containerCells(o.spec?.template?.spec)],
	},
	DaemonSet: {
		columns: [nameColumn, column('Desired', 'integer'), column('Current', 'integer'), column('Ready', 'integer'), column('Up-to-date', 'integer'), column('Available', 'integer'),
			column('Node Selector'), age, ...wide('Containers', 'Images', 'Selector')],
		row: (o, now) => [o.metadata.name, o.status?.desiredNumberScheduled ?? 0, o.status?.currentNumberScheduled ?? 0, o.status?.numberReady ?? 0,
			o.status?.updatedNumberScheduled ?? 0, o.status?.numberAvailable ?? 0, formatLabels(o.spec?.template?.spec?.nodeSelector),
			since(o.metadata.creationTimestamp, now), ...containerCells(o.spec?.template?.spec), selectorString(o.spec?.selector)],
	},
	Job: {
		columns: [nameColumn, column('Status'), column('Completions'), column('Duration'), age, ...wide('Containers', 'Images', 'Selector')],
		row: (o, now) => {
			const spec = o.spec ?? {};
			const succeeded = o.status?.succeeded ?? 0;
			const completions = spec.completions !== undefined && spec.completions !== null
				? `${succeeded}/${spec.completions}`
				: (spec.parallelism ?? 0) > 1 ? `${succeeded}/1 of ${spec.parallelism}` : `${succeeded}/1`;
			const start = o.status?.startTime;
			const end = o.status?.completionTime;
			const duration = !start ? '' : humanDuration((end ? Date.parse(end) : now) - Date.parse(start));
			return [o.metadata.name, jobStatus(o), completions, duration, since(o.metadata.creationTimestamp, now),
				...containerCells(spec.template?.spec), selectorString(spec.selector)];
		},
	},
	CronJob: {
		columns: [nameColumn, column('Schedule'), column('Timezone'), column('Suspend', 'boolean'), column('Active', 'integer'), column('Last Schedule'), age,
			...wide('Containers', 'Images', 'Selector')],
		row: (o, now) => {
			const spec = o.spec ?? {};
			const jobSpec = spec.jobTemplate?.spec ?? {};
			return [o.metadata.name, spec.schedule ?? '', spec.timeZone ?? '<none>', spec.suspend === undefined || spec.suspend === null ? '<unset>' : spec.suspend ? 'True' : 'False',
				(o.status?.active ?? []).length, o.status?.lastScheduleTime ? since(o.status.lastScheduleTime, now) : '<none>', since(o.metadata.creationTimestamp, now),
				...containerCells(jobSpec.template?.spec), jobSpec.selector ? selectorString(jobSpec.selector) : '<none>'];
		},
	},
	Service: {
		columns: [nameColumn, column('Type'), column('Cluster-IP'), column('External-IP'), column('Port(s)'), age, ...wide('Selector')],
		row: (o, now) => [o.metadata.name, o.spec?.type ?? '', o.spec?.clusterIPs?.[0] ?? o.spec?.clusterIP ?? '<none>', serviceExternalIp(o), servicePorts(o.spec?.ports),
			since(o.metadata.creationTimestamp, now), formatLabels(o.spec?.selector)],
	},
	Endpoints: {
		columns: [nameColumn, column('Endpoints'), age],
		row: (o, now) => [o.metadata.name, endpointsText(o), since(o.metadata.creationTimestamp, now)],
	},
	ConfigMap: {
		columns: [nameColumn, column('Data', 'integer'), age],
		row: (o, now) => [o.metadata.name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, since(o.metadata.creationTimestamp, now)],
	},
	Secret: {
		columns: [nameColumn, column('Type'), column('Data'), age],
		row: (o, now) => [o.metadata.name, o.type ?? 'Opaque', Object.keys(o.data ?? {}).length, since(o.metadata.creationTimestamp, now)],
	},
	Node: {
		columns: [nameColumn, column('Status'), column('Roles'), age, column('Version'), ...wide('Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime')],
		row: (o, now) => {
			const readyCondition = (o.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
			const status = readyCondition ? [readyCondition.status === 'True' ? 'Ready' : 'NotReady'] : ['Unknown'];
			if (o.spec?.unschedulable) status.push('SchedulingDisabled');
			const info = o.status?.nodeInfo ?? {};
			const address = (type: string) => (o.status?.addresses ?? []).find((a: any) => a.type === type)?.address ?? '<none>';
			return [o.metadata.name, status.join(','), nodeRoles(o.metadata.labels), since(o.metadata.creationTimestamp, now), info.kubeletVersion ?? '',
				address('InternalIP'), address('ExternalIP'), info.osImage || '<unknown>', info.kernelVersion || '<unknown>', info.containerRuntimeVersion || '<unknown>'];
		},
	},
	Namespace: {
		columns: [nameColumn, column('Status'), age],
		row: (o, now) => [o.metadata.name, o.status?.phase ?? '', since(o.metadata.creationTimestamp, now)],
	},
	Event: {
		columns: [column('Last Seen'), column('Type'), column('Reason'), column('Object'), ...wide('Subobject', 'Source'), column('Message'),
			...wide('First Seen', 'Count'), column('Name', 'string', 1, 'name')],
		row: (o, now) => {
			const first = o.firstTimestamp ? since(o.firstTimestamp, now) : since(o.eventTime, now);
			let last = o.lastTimestamp ? since(o.lastTimestamp, now) : first;
			let count = o.count || 1;
			if (o.series) {
				last = since(o.series.lastObservedTime, now);
				count = o.series.count;
			}
			const involved = o.involvedObject ?? {};
			const target = involved.name ? `${String(involved.kind ?? '').toLowerCase()}/${involved.name}` : String(involved.kind ?? '').toLowerCase();
			const component = o.source?.component || o.reportingComponent || '';
			const instance = o.source?.host || o.reportingInstance || '';
			return [last, o.type ?? '', o.reason ?? '', target, involved.fieldPath ?? '', instance ? `${component}, ${instance}` : component,
				String(o.message ?? '').trim(), first, count, o.metadata.name];
		},
	},
	PersistentVolume: {
		columns: [nameColumn, column('Capacity'), column('Access Modes'), column('Reclaim Policy'), column('Status'), column('Claim'), column('StorageClass'),
			column('VolumeAttributesClass'), column('Reason'), age, ...wide('VolumeMode')],
		row: (o, now) => {
			const spec = o.spec ?? {};
			const claim = spec.claimRef ? `${spec.claimRef.namespace}/${spec.claimRef.name}` : '';
			return [o.metadata.name, spec.capacity?.storage ?? '', accessModes(spec.accessModes), spec.persistentVolumeReclaimPolicy ?? '',
				o.metadata.deletionTimestamp ? 'Terminating' : o.status?.phase ?? '', claim, spec.storageClassName ?? '', spec.volumeAttributesClassName ?? '<unset>',
				o.status?.reason ?? '', since(o.metadata.creationTimestamp, now), spec.volumeMode ?? '<unset>'];
		},
	},
	PersistentVolumeClaim: {
		columns: [nameColumn, column('Status'), column('Volume'), column('Capacity'), column('Access Modes'), column('StorageClass'), column('VolumeAttributesClass'),
			age, ...wide('VolumeMode')],
		row: (o, now) => {
			const spec = o.spec ?? {};
			const bound = Boolean(spec.volumeName);
			return [o.metadata.name, o.metadata.deletionTimestamp ? 'Terminating' : o.status?.phase ?? '', spec.volumeName ?? '',
				bound ? o.status?.capacity?.storage ?? '' : '', bound ? accessModes(o.status?.accessModes) : '', spec.storageClassName ?? '',
				spec.volumeAttributesClassName ?? '<unset>', since(o.metadata.creationTimestamp, now), spec.volumeMode ?? '<unset>'];
		},
	},
	StorageClass: {
		columns: [nameColumn, column('Provisioner'), column('ReclaimPolicy'), column('VolumeBindingMode'), column('AllowVolumeExpansion'), age],
		row: (o, now) => {
			const annotations = o.metadata.annotations ?? {};
			const isDefault = annotations['storageclass.kubernetes.io/is-default-class'] === 'true' || annotations['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
			return [isDefault ? `${o.metadata.name} (default)` : o.metadata.name, o.provisioner ?? '', o.reclaimPolicy ?? 'Delete',
				o.volumeBindingMode ?? 'Immediate', o.allowVolumeExpansion ?? false, since(o.metadata.creationTimestamp, now)];
		},
	},
	ServiceAccount: {
		columns: [nameColumn, column('Secrets', 'integer'), age],
		row: (o, now) => [o.metadata.name, (o.secrets ?? []).length, since(o.metadata.creationTimestamp, now)],
	},
	ResourceQuota: {
		columns: [nameColumn, age, column('Request'), column('Limit')],
		row: (o, now) => [o.metadata.name, since(o.metadata.creationTimestamp, now), ...quotaCells(o)],
	},
	LimitRange: {
		columns: [nameColumn, column('Created At', 'date')],
		row: o => [o.metadata.name, o.metadata.creationTimestamp],
	},
	PodDisruptionBudget: {
		columns: [nameColumn, column('Min Available'), column('Max Unavailable'), column('Allowed Disruptions', 'integer'), age],
		row: (o, now) => [o.metadata.name, intOrStringCell(o.spec?.minAvailable), intOrStringCell(o.spec?.maxUnavailable), o.status?.disruptionsAllowed ?? 0,
			since(o.metadata.creationTimestamp, now)],
	},
	HorizontalPodAutoscaler: {
		columns: [nameColumn, column('Reference'), column('Targets'), column('MinPods'), column('MaxPods', 'integer'), column('Replicas', 'integer'), age],
		row: (o, now) => {
			const spec = o.spec ?? {};
			return [o.metadata.name, `${spec.scaleTargetRef?.kind ?? ''}/${spec.scaleTargetRef?.name ?? ''}`, formatHpaMetrics(spec.metrics, o.status?.currentMetrics),
				spec.minReplicas === undefined ? '<unset>' : String(spec.minReplicas), spec.maxReplicas ?? 0, o.status?.currentReplicas ?? 0, since(o.metadata.creationTimestamp, now)];
		},
	},
	Ingress: {
		columns: [nameColumn, column('Class'), column('Hosts'), column('Address'), column('Ports'), age],
		row: (o, now) => [o.metadata.name, o.spec?.ingressClassName ?? '<none>', formatIngressHosts(o.spec?.rules), ingressAddress(o.status?.loadBalancer),
			(o.spec?.tls ?? []).length > 0 ? '80, 443' : '80', since(o.metadata.creationTimestamp, now)],
	},
	IngressClass: {
		columns: [nameColumn, column('Controller'), column('Parameters'), age],
		row: (o, now) => {
			const p = o.spec?.parameters;
			const parameters = p ? `${p.apiGroup ? `${p.kind}.${p.apiGroup}` : p.kind}/${p.name}` : '<none>';
			return [o.metadata.name, o.spec?.controller ?? '', parameters, since(o.metadata.creationTimestamp, now)];
		},
	},
	PriorityClass: {
		columns: [nameColumn, column('Value', 'integer'), column('Global-Default', 'boolean'), age, column('PreemptionPolicy')],
		row: (o, now) => [o.metadata.name, o.value ?? 0, o.globalDefault ?? false, since(o.metadata.creationTimestamp, now), o.preemptionPolicy ?? '<unset>'],
	},
	CertificateSigningRequest: {
		columns: [nameColumn, age, column('SignerName'), column('Requestor'), column('RequestedDuration'), column('Condition')],
		row: (o, now) => [o.metadata.name, since(o.metadata.creationTimestamp, now), o.spec?.signerName ?? '', o.spec?.username ?? '',
			typeof o.spec?.expirationSeconds === 'number' ? humanDuration(o.spec.expirationSeconds * 1000) : '<none>', csrConditionText(o)],
	},
	Lease: {
		columns: [nameColumn, column('Holder'), age],
		row: (o, now) => [o.metadata.name, o.spec?.holderIdentity ?? '', since(o.metadata.creationTimestamp, now)],
	},
	EndpointSlice: {
		columns: [nameColumn, column('AddressType'), column('Ports'), column('Endpoints'), age],
		row: (o, now) => [o.metadata.name, o.addressType ?? '', discoveryPorts(o.ports), discoveryEndpoints(o.endpoints), since(o.metadata.creationTimestamp, now)],
	},
	ControllerRevision: {
		columns: [nameColumn, column('Controller'), column('Revision', 'integer'), age],
		row: (o, now) => {
			const owner = (o.metadata.ownerReferences ?? []).find((r: any) => r.controller === true);
			const group = owner ? String(owner.apiVersion ?? '').split('/').slice(0, -1).join('/') : '';
			const controller = owner ? `${`${owner.kind}${group ? `.${group}` : ''}`.toLowerCase()}/${owner.name}` : '<none>';
			return [o.metadata.name, controller, o.revision ?? 0, since(o.metadata.creationTimestamp, now)];
		},
	},
	NetworkPolicy: {
		columns: [nameColumn, column('Pod-Selector'), age],
		row: (o, now) => [o.metadata.name, formatLabelSelector(o.spec?.podSelector), since(o.metadata.creationTimestamp, now)],
	},
};

/** Up to three of a list, then ` + N more...`; `<unset>` when empty (printers.go's listWithMoreString). */
function firstThree(list: string[]): string {
	if (list.length > 3) return `${list.slice(0, 3).join(',')} + ${list.length - 3} more...`;
	return list.length === 0 ? '<unset>' : list.join(',');
}

/** An EndpointSlice's ports: the number, else the name, else `*`. */
function discoveryPorts(ports: any[] | undefined): string {
	return firstThree((ports ?? []).map(p => (typeof p.port === 'number' ? String(p.port) : typeof p.name === 'string' ? p.name : '*')));
}

/** An EndpointSlice's addresses, over all its endpoints. */
function discoveryEndpoints(endpoints: any[] | undefined): string {
	return firstThree((endpoints ?? []).flatMap(e => (e.addresses ?? []).map(String)));
}

/** An IntOrString spec field, or `N/A` when unset (the PDB columns). */
function intOrStringCell(value: unknown): string {
	return value === undefined || value === null ? 'N/A' : String(value);
}

/** `printResourceQuota`: `used/hard` of each resource, limits.* in LIMIT and the rest in REQUEST. */
function quotaCells(quota: any): [string, string] {
	const hard: Record<string, string> = quota.status?.hard ?? {};
	const used: Record<string, string> = quota.status?.used ?? {};
	const request: string[] = [];
	const limit: string[] = [];
	for (const name of Object.keys(hard).sort()) {
		(name.startsWith('limits.') ? limit : request).push(`${name}: ${used[name] ?? '0'}/${hard[name]}`);
	}
	return [request.join(', '), limit.join(', ')];
}

/** printers.go formatHPAMetrics: `cpu: 250%/50%`, at most two, then `+ N more...`. */
export function formatHpaMetrics(specs: any[] | undefined, statuses: any[] | undefined | null): string {
	if (!specs || specs.length === 0) return '<none>';
	const list: string[] = [];
	for (const [i, spec] of specs.entries()) {
		const status = statuses?.[i];
		const source = spec.type === 'Resource' ? spec.resource : spec.type === 'ContainerResource' ? spec.containerResource : undefined;
		const current = spec.type === 'Resource' ? status?.resource?.current : spec.type === 'ContainerResource' ? status?.containerResource?.current : undefined;
		if (source) {
			if (source.target?.averageValue !== undefined) list.push(`${source.name}: ${current?.averageValue ?? '<unknown>'}/${source.target.averageValue}`);
			else {
				const now = current?.averageUtilization === undefined ? '<unknown>' : `${current.averageUtilization}%`;
				const target = source.target?.averageUtilization === undefined ? '<auto>' : `${source.target.averageUtilization}%`;
				list.push(`${source.name}: ${now}/${target}`);
			}
		} else if (spec.type === 'Pods') {
			list.push(`${status?.pods?.current?.averageValue ?? '<unknown>'}/${spec.pods?.target?.averageValue ?? ''}`);
		} else if (spec.type === 'Object' || spec.type === 'External') {
			const field = spec.type === 'Object' ? 'object' : 'external';
			const target = spec[field]?.target ?? {};
			const value = status?.[field]?.current;
			list.push(target.averageValue !== undefined ? `${value?.averageValue ?? '<unknown>'}/${target.averageValue} (avg)` : `${value?.value ?? '<unknown>'}/${target.value ?? ''}`);
		} else list.push('<unknown type>');
	}
	return list.length > 2 ? `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...` : list.join(', ');
}

/** printers.go formatHosts: up to three hosts, `*` for none. */
function formatIngressHosts(rules: any[] | undefined): string {
	const list: string[] = [];
	let more = false;
	for (const rule of rules ?? []) {
		if (list.length === 3) more = true;
		if (!more && rule.host) list.push(rule.host);
	}
	if (list.length === 0) return '*';
	return more ? `${list.join(',')} + ${(rules ?? []).length - 3} more...` : list.join(',');
}

/** ingressLoadBalancerStatusStringer, not wide: cut to 16 characters. */
function ingressAddress(status: any): string {
	const r = (status?.ingress ?? []).map((i: any) => i.ip || i.hostname).filter(Boolean).join(',');
	return r.length > 16 ? `${r.slice(0, 13)}...` : r;
}

/** metav1.FormatLabelSelector: `<none>` for an empty selector. */
function formatLabelSelector(selector: any): string {
	const text = selector ? selectorString(selector) : '';
	return text === '' ? '<none>' : text;
}

const fallback: Printer = {columns: [nameColumn, age], row: (o, now) => [o.metadata.name, since(o.metadata.creationTimestamp, now)]};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** A Table of objects of one kind, as `kubectl get` asks for it. */
export function toTable(kind: string, objects: ReadonlyArray<{readonly metadata: object}>, options: {now: number; resourceVersion?: string; includeObject?: IncludeObject; columns?: boolean; printer?: Printer; page?: {continue?: string; remainingItemCount?: number}}) {
	const printer = options.printer ?? printers[kind] ?? fallback;
	const include = options.includeObject ?? 'Metadata';
	return {
		kind: 'Table',
		apiVersion: 'meta.k8s.io/v1',
		metadata: {...(options.resourceVersion ? {resourceVersion: options.resourceVersion} : {}), ...options.page},
		columnDefinitions: options.columns === false ? [] : printer.columns,
		rows: objects.map(object => ({
			cells: printer.row(object, options.now),
			...(include === 'None' ? {} : {object: include === 'Object' ? object : {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata}}),
		})),
	};
}

/** The content type of a Table response. */
export const tableType = 'application/json;as=Table;v=v1;g=meta.k8s.io';

/** Whether the Accept header asks for a Table. */
export function wantsTable(accept: string | undefined): boolean {
	return Boolean(accept && accept.split(',').some(part => part.includes('as=Table') && part.includes('g=meta.k8s.io')));
}
