import type {Container, ContainerState, ContainerStatus, KubeEvent, KubeObject, Probe, Volume} from '../../engine/index.js';
import {sanitizeLine} from '../sanitize.js';
import {tabwrite} from './tabwriter.js';
import {rfc1123z, since} from './time-format.js';

/** What describe reads from the cluster: a structural subset of the facade, so tests pass the real one. */
export type DescribeSource = {
	now(): number;
	eventsFor(object: KubeObject): KubeObject[];
	list(kind: string, options?: {namespace?: string}): KubeObject[];
	get(kind: string, name: string, namespace?: string): KubeObject | undefined;
};

/**
 * A line writer like kubectl's PrefixWriter: `level` indents by two spaces,
 * cells are joined with tabs for the tabwriter, and every cell is sanitised,
 * so object text can carry no control sequence and no line break.
 */
class Writer {
	readonly lines: string[] = [];
	line(level: number, ...cells: unknown[]): void {
		const text = cells.map(cell => sanitizeLine(String(cell ?? ''))).join('\t');
		this.lines.push('  '.repeat(level) + text);
	}
	/** A raw line that is already safe (section rules, blank lines). */
	raw(text: string): void {
		this.lines.push(text);
	}
	text(): string {
		return tabwrite(this.lines).join('\n');
	}
}

const maxAnnotationLength = 140;

/**
 * `kubectl describe` text for any object, with its events at the end. The
 * common kinds have their own layout; others print their fields as nested
 * `Key: value` lines, as kubectl's generic describer does.
 */
export function describe(object: KubeObject, source: DescribeSource): string {
	const w = new Writer();
	const describer = describers[object.kind] ?? describeGeneric;
	describer(w, object, source);
	if (object.kind !== 'Event') describeEvents(w, source.eventsFor(object) as KubeEvent[], source.now());
	return w.text();
}

type Describer = (w: Writer, object: KubeObject, source: DescribeSource) => void;

const describers: Record<string, Describer> = {
	Pod: describePod,
	Deployment: describeDeployment,
	ReplicaSet: describeReplicaSet,
	StatefulSet: describeStatefulSet,
	DaemonSet: describeDaemonSet,
	Node: describeNode,
	Service: describeService,
	Endpoints: describeEndpoints,
	ConfigMap: describeConfigMap,
	Secret: describeSecret,
	PersistentVolumeClaim: describeClaim,
	PersistentVolume: describeVolume,
	Job: describeJob,
	CronJob: describeCronJob,
	Namespace: describeNamespace,
	Event: describeEvent,
};

function header(w: Writer, object: KubeObject, options: {labelsFirst?: boolean} = {}): void {
	w.line(0, 'Name:', object.metadata.name);
	if (object.metadata.namespace !== undefined) w.line(0, 'Namespace:', object.metadata.namespace);
	if (!options.labelsFirst) return;
	labels(w, 0, 'Labels', object.metadata.labels);
	annotations(w, 0, object.metadata.annotations);
}

function labels(w: Writer, level: number, title: string, map: Record<string, string> | undefined): void {
	const keys = Object.keys(map ?? {}).sort();
	if (keys.length === 0) {
		w.line(level, `${title}:`, '<none>');
		return;
	}
	keys.forEach((key, i) => w.line(level, i === 0 ? `${title}:` : '', `${key}=${map![key]}`));
}

function annotations(w: Writer, level: number, map: Record<string, string> | undefined): void {
	const keys = Object.keys(map ?? {}).sort();
	if (keys.length === 0) {
		w.line(level, 'Annotations:', '<none>');
		return;
	}
	keys.forEach((key, i) => {
		let value = map![key]!;
		if (value.length > maxAnnotationLength || value.includes('\n')) value = `${value.split('\n')[0]!.slice(0, maxAnnotationLength)}...`;
		w.line(level, i === 0 ? 'Annotations:' : '', `${key}: ${value}`);
	});
}

function controlledBy(w: Writer, object: KubeObject): void {
	const owner = object.metadata.ownerReferences?.find(reference => reference.controller);
	if (owner) w.line(0, 'Controlled By:', `${owner.kind}/${owner.name}`);
}

function selectorText(selector: {matchLabels?: Record<string, string>; matchExpressions?: Array<{key: string; operator: string; values?: string[]}>} | undefined): string {
	if (!selector) return '<none>';
	const parts = Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`);
	for (const expression of selector.matchExpressions ?? []) {
		const values = (expression.values ?? []).join(',');
		if (expression.operator === 'In') parts.push(`${expression.key} in (${values})`);
		else if (expression.operator === 'NotIn') parts.push(`${expression.key} notin (${values})`);
		else if (expression.operator === 'Exists') parts.push(expression.key);
		else if (expression.operator === 'DoesNotExist') parts.push(`!${expression.key}`);
	}
	return parts.length === 0 ? '<none>' : parts.join(',');
}

function mapSelectorText(map: Record<string, string> | undefined): string {
	const keys = Object.keys(map ?? {}).sort();
	return keys.length === 0 ? '<none>' : keys.map(key => `${key}=${map![key]}`).join(',');
}

// ---------- Pods ----------

function describePod(w: Writer, pod: KubeObject, source: DescribeSource): void {
	const spec = pod.spec ?? {};
	const status = pod.status ?? {};
	header(w, pod);
	if (spec.priority !== undefined) w.line(0, 'Priority:', spec.priority);
	if (spec.priorityClassName) w.line(0, 'Priority Class Name:', spec.priorityClassName);
	w.line(0, 'Service Account:', spec.serviceAccountName ?? 'default');
	w.line(0, 'Node:', spec.nodeName ? (status.hostIP ? `${spec.nodeName}/${status.hostIP}` : spec.nodeName) : '<none>');
	if (status.startTime) w.line(0, 'Start Time:', rfc1123z(status.startTime));
	labels(w, 0, 'Labels', pod.metadata.labels);
	annotations(w, 0, pod.metadata.annotations);
	if (pod.metadata.deletionTimestamp) {
		w.line(0, 'Status:', `Terminating (lasts ${since(pod.metadata.deletionTimestamp, source.now())})`);
		w.line(0, 'Termination Grace Period:', `${pod.metadata.deletionGracePeriodSeconds ?? 0}s`);
	} else {
		w.line(0, 'Status:', status.phase ?? 'Pending');
	}
	if (status.reason) w.line(0, 'Reason:', status.reason);
	if (status.message) w.line(0, 'Message:', status.message);
	w.line(0, 'IP:', status.podIP ?? '');
	const ips: Array<{ip: string}> = status.podIPs ?? [];
	if (ips.length === 0) w.line(0, 'IPs:', '<none>');
	else {
		w.line(0, 'IPs:');
		for (const ip of ips) w.line(1, 'IP:', ip.ip);
	}
	controlledBy(w, pod);
	const statuses: ContainerStatus[] = status.containerStatuses ?? [];
	const initStatuses: ContainerStatus[] = status.initContainerStatuses ?? [];
	if ((spec.initContainers ?? []).length > 0) {
		w.line(0, 'Init Containers:');
		for (const container of spec.initContainers as Container[]) describeContainer(w, container, initStatuses.find(s => s.name === container.name));
	}
	w.line(0, 'Containers:');
	for (const container of (spec.containers ?? []) as Container[]) describeContainer(w, container, statuses.find(s => s.name === container.name));
	const conditions: Array<{type: string; status: string}> = status.conditions ?? [];
	if (conditions.length > 0) {
		w.line(0, 'Conditions:');
		w.line(1, 'Type', 'Status');
		for (const condition of conditions) w.line(1, `${condition.type} `, `${condition.status} `);
	}
	describeVolumes(w, spec.volumes ?? []);
	if (status.qosClass) w.line(0, 'QoS Class:', status.qosClass);
	w.line(0, 'Node-Selectors:', mapSelectorText(spec.nodeSelector).replaceAll(',', ' '));
	const tolerations: Array<{key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number}> = spec.tolerations ?? [];
	if (tolerations.length === 0) w.line(0, 'Tolerations:', '<none>');
	tolerations.forEach((t, i) => {
		let text = t.key ?? '';
		if (t.value) text += `=${t.value}`;
		if (t.effect) text += `:${t.effect}`;
		if (t.operator === 'Exists' && !t.value) text += ' op=Exists';
		if (t.tolerationSeconds !== undefined) text += ` for ${t.tolerationSeconds}s`;
		w.line(0, i === 0 ? 'Tolerations:' : '', text);
	});
}

function describeContainer(w: Writer, container: Container, status: ContainerStatus | undefined): void {
	w.line(1, `${container.name}:`);
	if (status?.containerID) w.line(2, 'Container ID:', status.containerID);
	w.line(2, 'Image:', container.image);
	w.line(2, 'Image ID:', status?.imageID ?? '');
	const ports = container.ports ?? [];
	if (ports.length === 0) w.line(2, 'Port:', '<none>');
	else if (ports.length === 1) w.line(2, 'Port:', `${ports[0]!.containerPort}/${ports[0]!.protocol ?? 'TCP'}`);
	else w.line(2, 'Ports:', ports.map(p => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', '));
	if (ports.length <= 1) w.line(2, 'Host Port:', ports.length === 0 ? '<none>' : `${ports[0]!.hostPort ?? 0}/${ports[0]!.protocol ?? 'TCP'}`);
	else w.line(2, 'Host Ports:', ports.map(p => `${p.hostPort ?? 0}/${p.protocol ?? 'TCP'}`).join(', '));
	if (container.command?.length) {
		w.line(2, 'Command:');
		for (const part of container.command) w.line(3, part);
	}
	if (container.args?.length) {
		w.line(2, 'Args:');
		for (const part of container.args) w.line(3, part);
	}
	if (status) {
		containerState(w, 'State', status.state);
		if (status.lastState && Object.keys(status.lastState).length > 0) containerState(w, 'Last State', status.lastState);
		w.line(2, 'Ready:', status.ready ? 'True' : 'False');
		w.line(2, 'Restart Count:', status.restartCount);
	}
	for (const [title, list] of [['Limits', container.resources?.limits], ['Requests', container.resources?.requests]] as const) {
		if (!list || Object.keys(list).length === 0) continue;
		w.line(2, `${title}:`);
		for (const key of Object.keys(list).sort()) w.line(3, `${key}:`, list[key]);
	}
	for (const [title, probe] of [['Liveness', container.livenessProbe], ['Readiness', container.readinessProbe], ['Startup', container.startupProbe]] as const) {
		if (probe) w.line(2, `${title}:`, probeText(probe));
	}
	describeEnv(w, container);
	const mounts = container.volumeMounts ?? [];
	if (mounts.length === 0) w.line(2, 'Mounts:', '<none>');
	else {
		w.line(2, 'Mounts:');
		for (const mount of mounts) w.line(3, `${mount.mountPath} from ${mount.name} (${mount.readOnly ? 'ro' : 'rw'}${mount.subPath ? `,path="${mount.subPath}"` : ''})`);
	}
}

/** `Environment Variables from:` and `Environment:` as kubectl prints them, references spelled out. */
function describeEnv(w: Writer, container: Container): void {
	const env = container.env ?? [];
	const envFrom = container.envFrom ?? [];
	if (envFrom.length > 0) {
		w.line(2, 'Environment Variables from:');
		for (const from of envFrom) {
			if (from.configMapRef) w.line(3, from.configMapRef.name, `ConfigMap  Optional: ${from.configMapRef.optional ?? false}`);
			if (from.secretRef) w.line(3, from.secretRef.name, `Secret  Optional: ${from.secretRef.optional ?? false}`);
		}
	}
	if (env.length === 0) w.line(2, 'Environment:', '<none>');
	else {
		w.line(2, 'Environment:');
		for (const variable of env) {
			const from = variable.valueFrom;
			let value = variable.value ?? '';
			if (from?.configMapKeyRef) value = `<set to the key '${from.configMapKeyRef.key}' of config map '${from.configMapKeyRef.name}'>  Optional: ${from.configMapKeyRef.optional ?? false}`;
			else if (from?.secretKeyRef) value = `<set to the key '${from.secretKeyRef.key}' in secret '${from.secretKeyRef.name}'>  Optional: ${from.secretKeyRef.optional ?? false}`;
			else if (from?.fieldRef) value = ` (${from.fieldRef.apiVersion ?? 'v1'}:${from.fieldRef.fieldPath})`;
			w.line(3, `${variable.name}:`, value);
		}
	}
}

function containerState(w: Writer, title: string, state: ContainerState | undefined): void {
	if (state?.running) {
		w.line(2, `${title}:`, 'Running');
		w.line(3, 'Started:', rfc1123z(state.running.startedAt));
	} else if (state?.terminated) {
		const t = state.terminated;
		w.line(2, `${title}:`, 'Terminated');
		if (t.reason) w.line(3, 'Reason:', t.reason);
		if (t.message) w.line(3, 'Message:', t.message);
		w.line(3, 'Exit Code:', t.exitCode);
		if (t.signal) w.line(3, 'Signal:', t.signal);
		w.line(3, 'Started:', rfc1123z(t.startedAt));
		w.line(3, 'Finished:', rfc1123z(t.finishedAt));
	} else {
		w.line(2, `${title}:`, 'Waiting');
		if (state?.waiting?.reason) w.line(3, 'Reason:', state.waiting.reason);
	}
}

/** `http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3`. */
export function probeText(probe: Probe): string {
	let action = 'unknown';
	if (probe.exec) action = `exec [${probe.exec.command.join(' ')}]`;
	else if (probe.httpGet) action = `http-get ${(probe.httpGet.scheme ?? 'HTTP').toLowerCase()}://:${probe.httpGet.port}${probe.httpGet.path ?? '/'}`;
	else if (probe.tcpSocket) action = `tcp-socket :${probe.tcpSocket.port}`;
	else if (probe.grpc) action = `grpc <pod>:${probe.grpc.port}`;
	return `${action} delay=${probe.initialDelaySeconds ?? 0}s timeout=${probe.timeoutSeconds ?? 1}s period=${probe.periodSeconds ?? 10}s #success=${probe.successThreshold ?? 1} #failure=${probe.failureThreshold ?? 3}`;
}

function describeVolumes(w: Writer, volumes: Volume[], level = 0): void {
	if (volumes.length === 0) {
		w.line(level, 'Volumes:', '<none>');
		return;
	}
	w.line(level, 'Volumes:');
	for (const volume of volumes) {
		w.line(level + 1, `${volume.name}:`);
		const l = level + 2;
		if (volume.configMap) {
			w.line(l, 'Type:', 'ConfigMap (a volume populated by a ConfigMap)');
			w.line(l, 'Name:', volume.configMap.name);
			w.line(l, 'Optional:', volume.configMap.optional ?? false);
		} else if (volume.secret) {
			w.line(l, 'Type:', 'Secret (a volume populated by a Secret)');
			w.line(l, 'SecretName:', volume.secret.secretName);
			w.line(l, 'Optional:', volume.secret.optional ?? false);
		} else if (volume.persistentVolumeClaim) {
			w.line(l, 'Type:', 'PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)');
			w.line(l, 'ClaimName:', volume.persistentVolumeClaim.claimName);
			w.line(l, 'ReadOnly:', volume.persistentVolumeClaim.readOnly ?? false);
		} else if (volume.emptyDir) {
			w.line(l, 'Type:', "EmptyDir (a temporary directory that shares a pod's lifetime)");
			w.line(l, 'Medium:', volume.emptyDir.medium ?? '');
			w.line(l, 'SizeLimit:', volume.emptyDir.sizeLimit ?? '<unset>');
		} else if (volume.hostPath) {
			w.line(l, 'Type:', 'HostPath (bare host directory volume)');
			w.line(l, 'Path:', volume.hostPath.path);
			w.line(l, 'HostPathType:', volume.hostPath.type ?? '');
		} else {
			const type = Object.keys(volume).find(key => key !== 'name') ?? 'unknown';
			w.line(l, 'Type:', type);
		}
	}
}

function podTemplate(w: Writer, template: {metadata?: {labels?: Record<string, string>; annotations?: Record<string, string>}; spec?: {containers?: Container[]; initContainers?: Container[]; volumes?: Volume[]; serviceAccountName?: string}} | undefined): void {
	w.line(0, 'Pod Template:');
	labels(w, 1, 'Labels', template?.metadata?.labels);
	if (template?.metadata?.annotations && Object.keys(template.metadata.annotations).length > 0) annotations(w, 1, template.metadata.annotations);
	if (template?.spec?.serviceAccountName) w.line(1, 'Service Account:', template.spec.serviceAccountName);
	w.line(1, 'Containers:');
	for (const container of template?.spec?.containers ?? []) {
		w.line(1, ` ${container.name}:`);
		w.line(2, 'Image:', container.image);
		const ports = container.ports ?? [];
		w.line(2, 'Port:', ports.length === 0 ? '<none>' : ports.map(p => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', '));
		w.line(2, 'Host Port:', ports.length === 0 ? '<none>' : ports.map(p => `${p.hostPort ?? 0}/${p.protocol ?? 'TCP'}`).join(', '));
		if (container.command?.length) {
			w.line(2, 'Command:');
			for (const part of container.command) w.line(3, part);
		}
		if (container.args?.length) {
			w.line(2, 'Args:');
			for (const part of container.args) w.line(3, part);
		}
		for (const [title, list] of [['Limits', container.resources?.limits], ['Requests', container.resources?.requests]] as const) {
			if (!list || Object.keys(list).length === 0) continue;
			w.line(2, `${title}:`);
			for (const key of Object.keys(list).sort()) w.line(3, `${key}:`, list[key]);
		}
		describeEnv(w, container);
		const mounts = container.volumeMounts ?? [];
		if (mounts.length === 0) w.line(2, 'Mounts:', '<none>');
		else {
			w.line(2, 'Mounts:');
			for (const mount of mounts) w.line(3, `${mount.mountPath} from ${mount.name} (${mount.readOnly ? 'ro' : 'rw'})`);
		}
	}
	describeVolumes(w, template?.spec?.volumes ?? [], 1);
}

function podsStatus(source: DescribeSource, owner: KubeObject): string {
	const counts = {Running: 0, Pending: 0, Succeeded: 0, Failed: 0};
	for (const pod of source.list('Pod', {namespace: owner.metadata.namespace})) {
		if (!pod.metadata.ownerReferences?.some(reference => reference.uid === owner.metadata.uid)) continue;
		const phase = (pod.status?.phase ?? 'Pending') as keyof typeof counts;
		if (phase in counts) counts[phase]++;
	}
	return `${counts.Running} Running / ${counts.Pending} Waiting / ${counts.Succeeded} Succeeded / ${counts.Failed} Failed`;
}

function conditionsTable(w: Writer, conditions: Array<{type: string; status: string; reason?: string}> | undefined): void {
	if (!conditions || conditions.length === 0) return;
	w.line(0, 'Conditions:');
	w.line(1, 'Type', 'Status', 'Reason');
	w.line(1, '----', '------', '------');
	for (const condition of conditions) w.line(1, condition.type, condition.status, condition.reason ?? '');
}

// ---------- Workloads ----------

function describeDeployment(w: Writer, deployment: KubeObject, source: DescribeSource): void {
	const spec = deployment.spec ?? {};
	const status = deployment.status ?? {};
	header(w, deployment);
	w.line(0, 'CreationTimestamp:', rfc1123z(deployment.metadata.creationTimestamp));
	labels(w, 0, 'Labels', deployment.metadata.labels);
	annotations(w, 0, deployment.metadata.annotations);
	w.line(0, 'Selector:', selectorText(spec.selector));
	w.line(0, 'Replicas:', `${spec.replicas ?? 1} desired | ${status.updatedReplicas ?? 0} updated | ${status.replicas ?? 0} total | ${status.availableReplicas ?? 0} available | ${status.unavailableReplicas ?? 0} unavailable`);
	w.line(0, 'StrategyType:', spec.strategy?.type ?? 'RollingUpdate');
	w.line(0, 'MinReadySeconds:', spec.minReadySeconds ?? 0);
	if (spec.strategy?.rollingUpdate) {
		const ru = spec.strategy.rollingUpdate;
		w.line(0, 'RollingUpdateStrategy:', `${ru.maxUnavailable ?? '25%'} max unavailable, ${ru.maxSurge ?? '25%'} max surge`);
	}
	podTemplate(w, spec.template);
	conditionsTable(w, status.conditions);
	const sets = source.list('ReplicaSet', {namespace: deployment.metadata.namespace})
		.filter(rs => rs.metadata.ownerReferences?.some(reference => reference.uid === deployment.metadata.uid));
	const revision = (rs: KubeObject) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
	const newest = sets.reduce<KubeObject | undefined>((best, rs) => (!best || revision(rs) > revision(best) ? rs : best), undefined);
	const old = sets.filter(rs => rs !== newest && ((rs.spec?.replicas ?? 0) > 0 || (rs.status?.replicas ?? 0) > 0));
	const created = (rs: KubeObject) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created)`;
	w.line(0, 'OldReplicaSets:', old.length === 0 ? '<none>' : old.map(created).join(', '));
	w.line(0, 'NewReplicaSet:', newest ? created(newest) : '<none>');
}

function describeReplicaSet(w: Writer, rs: KubeObject, source: DescribeSource): void {
	header(w, rs);
	w.line(0, 'Selector:', selectorText(rs.spec?.selector));
	labels(w, 0, 'Labels', rs.metadata.labels);
	annotations(w, 0, rs.metadata.annotations);
	controlledBy(w, rs);
	w.line(0, 'Replicas:', `${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas ?? 0} desired`);
	w.line(0, 'Pods Status:', podsStatus(source, rs));
	podTemplate(w, rs.spec?.template);
	conditionsTable(w, rs.status?.conditions);
}

function describeStatefulSet(w: Writer, sts: KubeObject, source: DescribeSource): void {
	const spec = sts.spec ?? {};
	header(w, sts);
	w.line(0, 'CreationTimestamp:', rfc1123z(sts.metadata.creationTimestamp));
	w.line(0, 'Selector:', selectorText(spec.selector));
	labels(w, 0, 'Labels', sts.metadata.labels);
	annotations(w, 0, sts.metadata.annotations);
	w.line(0, 'Replicas:', `${spec.replicas ?? 1} desired | ${sts.status?.replicas ?? 0} total`);
	w.line(0, 'Update Strategy:', spec.updateStrategy?.type ?? 'RollingUpdate');
	if (spec.updateStrategy?.rollingUpdate?.partition !== undefined) w.line(1, 'Partition:', spec.updateStrategy.rollingUpdate.partition);
	w.line(0, 'Pods Status:', podsStatus(source, sts));
	podTemplate(w, spec.template);
	const claims: KubeObject[] = spec.volumeClaimTemplates ?? [];
	if (claims.length === 0) w.line(0, 'Volume Claims:', '<none>');
	else {
		w.line(0, 'Volume Claims:');
		for (const claim of claims) {
			w.line(1, 'Name:', claim.metadata?.name);
			w.line(1, 'StorageClass:', claim.spec?.storageClassName ?? '');
			labels(w, 1, 'Labels', claim.metadata?.labels);
			annotations(w, 1, claim.metadata?.annotations);
			w.line(1, 'Capacity:', claim.spec?.resources?.requests?.storage ?? '');
			w.line(1, 'Access Modes:', `[${(claim.spec?.accessModes ?? []).join(' ')}]`);
		}
	}
}

function describeDaemonSet(w: Writer, ds: KubeObject, source: DescribeSource): void {
	const status = ds.status ?? {};
	header(w, ds);
	w.line(0, 'Selector:', selectorText(ds.spec?.selector));
	w.line(0, 'Node-Selector:', mapSelectorText(ds.spec?.template?.spec?.nodeSelector));
	labels(w, 0, 'Labels', ds.metadata.labels);
	annotations(w, 0, ds.metadata.annotations);
	w.line(0, 'Desired Number of Nodes Scheduled:', status.desiredNumberScheduled ?? 0);
	w.line(0, 'Current Number of Nodes Scheduled:', status.currentNumberScheduled ?? 0);
	w.line(0, 'Number of Nodes Scheduled with Up-to-date Pods:', status.updatedNumberScheduled ?? 0);
	w.line(0, 'Number of Nodes Scheduled with Available Pods:', status.numberAvailable ?? 0);
	w.line(0, 'Number of Nodes Misscheduled:', status.numberMisscheduled ?? 0);
	w.line(0, 'Pods Status:', podsStatus(source, ds));
	podTemplate(w, ds.spec?.template);
}

function describeJob(w: Writer, job: KubeObject, source: DescribeSource): void {
	const spec = job.spec ?? {};
	const status = job.status ?? {};
	header(w, job);
	w.line(0, 'Selector:', selectorText(spec.selector));
	labels(w, 0, 'Labels', job.metadata.labels);
	annotations(w, 0, job.metadata.annotations);
	controlledBy(w, job);
	w.line(0, 'Parallelism:', spec.parallelism ?? 1);
	w.line(0, 'Completions:', spec.completions ?? '<unset>');
	w.line(0, 'Completion Mode:', spec.completionMode ?? 'NonIndexed');
	w.line(0, 'Suspend:', spec.suspend ?? false);
	w.line(0, 'Backoff Limit:', spec.backoffLimit ?? 6);
	if (status.startTime) w.line(0, 'Start Time:', rfc1123z(status.startTime));
	if (status.completionTime) {
		w.line(0, 'Completed At:', rfc1123z(status.completionTime));
		if (status.startTime) w.line(0, 'Duration:', since(status.startTime, Date.parse(status.completionTime)));
	}
	w.line(0, 'Pods Statuses:', `${status.active ?? 0} Active (${status.ready ?? 0} Ready) / ${status.succeeded ?? 0} Succeeded / ${status.failed ?? 0} Failed`);
	podTemplate(w, spec.template);
	void source;
}

function describeCronJob(w: Writer, cronJob: KubeObject, _source: DescribeSource): void {
	const spec = cronJob.spec ?? {};
	const status = cronJob.status ?? {};
	header(w, cronJob);
	labels(w, 0, 'Labels', cronJob.metadata.labels);
	annotations(w, 0, cronJob.metadata.annotations);
	w.line(0, 'Schedule:', spec.schedule ?? '');
	w.line(0, 'Concurrency Policy:', spec.concurrencyPolicy ?? 'Allow');
	w.line(0, 'Suspend:', spec.suspend ? 'True' : 'False');
	w.line(0, 'Successful Job History Limit:', spec.successfulJobsHistoryLimit ?? 3);
	w.line(0, 'Failed Job History Limit:', spec.failedJobsHistoryLimit ?? 1);
	w.line(0, 'Starting Deadline Seconds:', spec.startingDeadlineSeconds === undefined ? '<unset>' : `${spec.startingDeadlineSeconds}s`);
	const jobSpec = spec.jobTemplate?.spec ?? {};
	w.line(0, 'Selector:', jobSpec.selector ? selectorText(jobSpec.selector) : '<unset>');
	w.line(0, 'Parallelism:', jobSpec.parallelism ?? '<unset>');
	w.line(0, 'Completions:', jobSpec.completions ?? '<unset>');
	podTemplate(w, jobSpec.template);
	w.line(0, 'Last Schedule Time:', status.lastScheduleTime ? rfc1123z(status.lastScheduleTime) : '<unset>');
	const active: Array<{name: string}> = status.active ?? [];
	w.line(0, 'Active Jobs:', active.length === 0 ? '<none>' : active.map(job => job.name).join(', '));
}

// ---------- Nodes ----------

function describeNode(w: Writer, node: KubeObject, source: DescribeSource): void {
	const spec = node.spec ?? {};
	const status = node.status ?? {};
	w.line(0, 'Name:', node.metadata.name);
	const roles = Object.keys(node.metadata.labels ?? {}).filter(key => key.startsWith('node-role.kubernetes.io/')).map(key => key.slice('node-role.kubernetes.io/'.length));
	w.line(0, 'Roles:', roles.length === 0 ? '<none>' : roles.join(','));
	labels(w, 0, 'Labels', node.metadata.labels);
	annotations(w, 0, node.metadata.annotations);
	w.line(0, 'CreationTimestamp:', rfc1123z(node.metadata.creationTimestamp));
	const taints: Array<{key: string; value?: string; effect: string}> = spec.taints ?? [];
	if (taints.length === 0) w.line(0, 'Taints:', '<none>');
	taints.forEach((t, i) => w.line(0, i === 0 ? 'Taints:' : '', `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`));
	w.line(0, 'Unschedulable:', spec.unschedulable ? 'true' : 'false');
	const conditions: Array<{type: string; status: string; lastHeartbeatTime?: string; lastTransitionTime?: string; reason?: string; message?: string}> = status.conditions ?? [];
	w.line(0, 'Conditions:');
	w.line(1, 'Type', 'Status', 'LastHeartbeatTime', 'LastTransitionTime', 'Reason', 'Message');
	w.line(1, '----', '------', '-----------------', '------------------', '------', '-------');
	for (const c of conditions) w.line(1, c.type, c.status, rfc1123z(c.lastHeartbeatTime), rfc1123z(c.lastTransitionTime), c.reason ?? '', c.message ?? '');
	w.line(0, 'Addresses:');
	for (const address of (status.addresses ?? []) as Array<{type: string; address: string}>) w.line(1, `${address.type}:`, address.address);
	for (const [title, list] of [['Capacity', status.capacity], ['Allocatable', status.allocatable]] as const) {
		w.line(0, `${title}:`);
		for (const key of Object.keys(list ?? {}).sort()) w.line(1, `${key}:`, list[key]);
	}
	const info: Record<string, string> = status.nodeInfo ?? {};
	w.line(0, 'System Info:');
	for (const [title, key] of [
		['Machine ID', 'machineID'], ['System UUID', 'systemUUID'], ['Boot ID', 'bootID'], ['Kernel Version', 'kernelVersion'],
		['OS Image', 'osImage'], ['Operating System', 'operatingSystem'], ['Architecture', 'architecture'],
		['Container Runtime Version', 'containerRuntimeVersion'], ['Kubelet Version', 'kubeletVersion'], ['Kube-Proxy Version', 'kubeProxyVersion'],
	] as const) w.line(1, `${title}:`, info[key] ?? '');
	if (spec.podCIDR) w.line(0, 'PodCIDR:', spec.podCIDR);
	if (spec.podCIDRs) w.line(0, 'PodCIDRs:', spec.podCIDRs.join(','));
	if (spec.providerID) w.line(0, 'ProviderID:', spec.providerID);
	const pods = source.list('Pod').filter(pod => pod.spec?.nodeName === node.metadata.name && !['Succeeded', 'Failed'].includes(pod.status?.phase));
	w.line(0, `Non-terminated Pods:`, `(${pods.length} in total)`);
	w.line(1, 'Namespace', 'Name', 'CPU Requests', 'CPU Limits', 'Memory Requests', 'Memory Limits', 'Age');
	w.line(1, '---------', '----', '------------', '----------', '---------------', '-------------', '---');
	for (const pod of pods) {
		const sum = (field: 'requests' | 'limits', resource: string) => {
			const values = (pod.spec?.containers ?? []).map((c: Container) => c.resources?.[field]?.[resource]).filter(Boolean) as string[];
			return values.length === 0 ? '0 (0%)' : values.join('+');
		};
		w.line(1, pod.metadata.namespace, pod.metadata.name, sum('requests', 'cpu'), sum('limits', 'cpu'), sum('requests', 'memory'), sum('limits', 'memory'), since(pod.metadata.creationTimestamp, source.now()));
	}
}

// ---------- Services, config, storage ----------

function describeService(w: Writer, service: KubeObject, source: DescribeSource): void {
	const spec = service.spec ?? {};
	header(w, service, {labelsFirst: true});
	w.line(0, 'Selector:', mapSelectorText(spec.selector));
	w.line(0, 'Type:', spec.type ?? 'ClusterIP');
	w.line(0, 'IP Family Policy:', spec.ipFamilyPolicy ?? 'SingleStack');
	w.line(0, 'IP Families:', (spec.ipFamilies ?? ['IPv4']).join(','));
	w.line(0, 'IP:', spec.clusterIP ?? '');
	w.line(0, 'IPs:', (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])).join(','));
	const endpoints = source.get('Endpoints', service.metadata.name, service.metadata.namespace);
	const addresses = ((endpoints?.['subsets'] ?? []) as Array<{addresses?: Array<{ip: string}>; ports?: Array<{port: number}>}>)
		.flatMap(subset => (subset.addresses ?? []).flatMap(address => (subset.ports ?? [{port: 0}]).map(port => `${address.ip}:${port.port}`)));
	for (const port of (spec.ports ?? []) as Array<{name?: string; port: number; targetPort?: number | string; protocol?: string; nodePort?: number}>) {
		w.line(0, 'Port:', `${port.name || '<unset>'}  ${port.port}/${port.protocol ?? 'TCP'}`);
		w.line(0, 'TargetPort:', `${port.targetPort ?? port.port}/${port.protocol ?? 'TCP'}`);
		if (port.nodePort) w.line(0, 'NodePort:', `${port.name || '<unset>'}  ${port.nodePort}/${port.protocol ?? 'TCP'}`);
		w.line(0, 'Endpoints:', addresses.length === 0 ? '<none>' : addresses.slice(0, 3).join(',') + (addresses.length > 3 ? ` + ${addresses.length - 3} more...` : ''));
	}
	w.line(0, 'Session Affinity:', spec.sessionAffinity ?? 'None');
	w.line(0, 'Internal Traffic Policy:', spec.internalTrafficPolicy ?? 'Cluster');
}

function describeEndpoints(w: Writer, endpoints: KubeObject): void {
	header(w, endpoints, {labelsFirst: true});
	const subsets = (endpoints['subsets'] ?? []) as Array<{addresses?: Array<{ip: string}>; notReadyAddresses?: Array<{ip: string}>; ports?: Array<{name?: string; port: number; protocol?: string}>}>;
	w.line(0, 'Subsets:');
	for (const subset of subsets) {
		w.line(1, 'Addresses:', (subset.addresses ?? []).map(a => a.ip).join(',') || '<none>');
		w.line(1, 'NotReadyAddresses:', (subset.notReadyAddresses ?? []).map(a => a.ip).join(',') || '<none>');
		w.line(1, 'Ports:');
		w.line(2, 'Name', 'Port', 'Protocol');
		w.line(2, '----', '----', '--------');
		for (const port of subset.ports ?? []) w.line(2, port.name || '<unset>', port.port, port.protocol ?? 'TCP');
	}
}

function describeConfigMap(w: Writer, configMap: KubeObject): void {
	header(w, configMap, {labelsFirst: true});
	w.raw('');
	w.raw('Data');
	w.raw('====');
	const data = (configMap['data'] ?? {}) as Record<string, string>;
	for (const key of Object.keys(data).sort()) {
		w.line(0, `${key}:`);
		w.raw('----');
		for (const line of String(data[key]).split('\n')) w.line(0, line);
		w.raw('');
	}
	w.raw('');
	w.raw('BinaryData');
	w.raw('====');
	for (const key of Object.keys((configMap['binaryData'] ?? {}) as object).sort()) w.line(0, `${key}: ${((configMap['binaryData'] as Record<string, string>)[key] ?? '').length} bytes`);
	w.raw('');
}

function describeSecret(w: Writer, secret: KubeObject): void {
	header(w, secret, {labelsFirst: true});
	w.raw('');
	w.line(0, 'Type:', secret['type'] ?? 'Opaque');
	w.raw('');
	w.raw('Data');
	w.raw('====');
	const data = (secret['data'] ?? {}) as Record<string, string>;
	for (const key of Object.keys(data).sort()) w.line(0, `${key}:`, `${Buffer.from(data[key] ?? '', 'base64').length} bytes`);
}

function describeClaim(w: Writer, claim: KubeObject, source: DescribeSource): void {
	const spec = claim.spec ?? {};
	const status = claim.status ?? {};
	header(w, claim);
	w.line(0, 'StorageClass:', spec.storageClassName ?? '');
	w.line(0, 'Status:', claim.metadata.deletionTimestamp ? `Terminating (lasts ${since(claim.metadata.deletionTimestamp, source.now())})` : status.phase ?? 'Pending');
	w.line(0, 'Volume:', spec.volumeName ?? '');
	labels(w, 0, 'Labels', claim.metadata.labels);
	annotations(w, 0, claim.metadata.annotations);
	w.line(0, 'Finalizers:', `[${(claim.metadata.finalizers ?? []).join(' ')}]`);
	w.line(0, 'Capacity:', status.capacity?.storage ?? '');
	w.line(0, 'Access Modes:', (status.accessModes ?? []).join(','));
	w.line(0, 'VolumeMode:', spec.volumeMode ?? 'Filesystem');
	const users = source.list('Pod', {namespace: claim.metadata.namespace})
		.filter(pod => (pod.spec?.volumes ?? []).some((v: Volume) => v.persistentVolumeClaim?.claimName === claim.metadata.name))
		.map(pod => pod.metadata.name);
	if (users.length === 0) w.line(0, 'Used By:', '<none>');
	users.forEach((name, i) => w.line(0, i === 0 ? 'Used By:' : '', name));
}

function describeVolume(w: Writer, volume: KubeObject): void {
	const spec = volume.spec ?? {};
	const status = volume.status ?? {};
	w.line(0, 'Name:', volume.metadata.name);
	labels(w, 0, 'Labels', volume.metadata.labels);
	annotations(w, 0, volume.metadata.annotations);
	w.line(0, 'Finalizers:', `[${(volume.metadata.finalizers ?? []).join(' ')}]`);
	w.line(0, 'StorageClass:', spec.storageClassName ?? '');
	w.line(0, 'Status:', status.phase ?? 'Pending');
	w.line(0, 'Claim:', spec.claimRef ? `${spec.claimRef.namespace}/${spec.claimRef.name}` : '');
	w.line(0, 'Reclaim Policy:', spec.persistentVolumeReclaimPolicy ?? 'Retain');
	w.line(0, 'Access Modes:', (spec.accessModes ?? []).join(','));
	w.line(0, 'VolumeMode:', spec.volumeMode ?? 'Filesystem');
	w.line(0, 'Capacity:', spec.capacity?.storage ?? '');
	w.line(0, 'Node Affinity:', spec.nodeAffinity ? 'Required Terms' : '<none>');
	w.line(0, 'Message:', status.message ?? '');
	w.line(0, 'Source:');
	if (spec.hostPath) {
		w.line(1, 'Type:', 'HostPath (bare host directory volume)');
		w.line(1, 'Path:', spec.hostPath.path);
	} else if (spec.local) {
		w.line(1, 'Type:', 'LocalVolume (a persistent volume backed by local storage on a node)');
		w.line(1, 'Path:', spec.local.path);
	} else if (spec.csi) {
		w.line(1, 'Type:', 'CSI (a Container Storage Interface (CSI) volume source)');
		w.line(1, 'Driver:', spec.csi.driver);
		w.line(1, 'VolumeHandle:', spec.csi.volumeHandle);
	}
}

function describeNamespace(w: Writer, namespace: KubeObject): void {
	w.line(0, 'Name:', namespace.metadata.name);
	labels(w, 0, 'Labels', namespace.metadata.labels);
	annotations(w, 0, namespace.metadata.annotations);
	w.line(0, 'Status:', namespace.status?.phase ?? 'Active');
	w.raw('');
	w.raw('No resource quota.');
	w.raw('');
	w.raw('No LimitRange resource.');
}

function describeEvent(w: Writer, event: KubeObject): void {
	const e = event as KubeEvent;
	header(w, event, {labelsFirst: true});
	w.line(0, 'API Version:', event.apiVersion);
	w.line(0, 'Count:', e.count);
	w.line(0, 'First Timestamp:', e.firstTimestamp);
	w.line(0, 'Involved Object:');
	w.line(1, 'Kind:', e.involvedObject.kind);
	w.line(1, 'Name:', e.involvedObject.name);
	if (e.involvedObject.namespace) w.line(1, 'Namespace:', e.involvedObject.namespace);
	if (e.involvedObject.fieldPath) w.line(1, 'Field Path:', e.involvedObject.fieldPath);
	w.line(0, 'Kind:', 'Event');
	w.line(0, 'Last Timestamp:', e.lastTimestamp);
	w.line(0, 'Message:', e.message);
	w.line(0, 'Reason:', e.reason);
	w.line(0, 'Source:');
	w.line(1, 'Component:', e.source.component);
	if (e.source.host) w.line(1, 'Host:', e.source.host);
	w.line(0, 'Type:', e.type);
}

/** kubectl's generic describer: every field as nested `Key: value` lines with capitalised keys. */
function describeGeneric(w: Writer, object: KubeObject): void {
	header(w, object, {labelsFirst: true});
	const {metadata: _metadata, ...fields} = object;
	const title = (key: string) => key.replace(/^[a-z]/, c => c.toUpperCase()).replace(/([a-z])([A-Z])/g, '$1 $2');
	const walk = (level: number, value: unknown, key: string): void => {
		if (Array.isArray(value)) {
			w.line(level, `${title(key)}:`);
			for (const item of value) {
				if (item !== null && typeof item === 'object') for (const [k, v] of Object.entries(item)) walk(level + 1, v, k);
				else w.line(level + 1, String(item));
			}
		} else if (value !== null && typeof value === 'object') {
			w.line(level, `${title(key)}:`);
			for (const [k, v] of Object.entries(value)) walk(level + 1, v, k);
		} else {
			w.line(level, `${title(key)}:`, String(value));
		}
	};
	for (const [key, value] of Object.entries(fields)) walk(0, value, key);
}

// ---------- Events ----------

/** The `Events:` table: `Type Reason Age From Message`, ages as `12m (x3 over 20m)` for repeats. */
function describeEvents(w: Writer, events: KubeEvent[], now: number): void {
	if (events.length === 0) {
		w.line(0, 'Events:', '<none>');
		return;
	}
	w.line(0, 'Events:');
	w.line(1, 'Type', 'Reason', 'Age', 'From', 'Message');
	w.line(1, '----', '------', '----', '----', '-------');
	for (const event of events) {
		const age = event.count > 1
			? `${since(event.lastTimestamp, now)} (x${event.count} over ${since(event.firstTimestamp, now)})`
			: since(event.firstTimestamp, now);
		w.line(1, event.type, event.reason, age, event.source?.component || event.reportingComponent || '', event.message.trim());
	}
}
