/** Pods: `kubectl describe pod`, and the container, volume and pod-template blocks the workloads reuse. */
import type {Container, ContainerState, ContainerStatus, KubeObject, Probe, Volume} from '../../../engine/index.js';
import {Writer, annotations, controlledBy, header, labels, mapSelectorText, type DescribeSource} from './writer.js';
import {rfc1123z, since} from '../time-format.js';

export function describePod(w: Writer, pod: KubeObject, source: DescribeSource): void {
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
	// Those `kubectl debug` added, after the pod's own (`describePod`).
	if ((spec.ephemeralContainers ?? []).length > 0) {
		const ephemeralStatuses: ContainerStatus[] = status.ephemeralContainerStatuses ?? [];
		w.line(0, 'Ephemeral Containers:');
		for (const container of spec.ephemeralContainers as Container[]) describeContainer(w, container, ephemeralStatuses.find(s => s.name === container.name));
	}
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

/** A container's command and args, one part a line (`describeContainerCommand`). */
function describeContainerCommand(w: Writer, container: Container): void {
	if (container.command?.length) {
		w.line(2, 'Command:');
		for (const part of container.command) w.line(3, part);
	}
	if (container.args?.length) {
		w.line(2, 'Args:');
		for (const part of container.args) w.line(3, part);
	}
}

/** A container's limits and requests, sorted by resource (`describeContainerResource`). */
function describeContainerResources(w: Writer, container: Container): void {
	for (const [title, list] of [['Limits', container.resources?.limits], ['Requests', container.resources?.requests]] as const) {
		if (!list || Object.keys(list).length === 0) continue;
		w.line(2, `${title}:`);
		for (const key of Object.keys(list).sort()) w.line(3, `${key}:`, list[key]);
	}
}

export function describeContainer(w: Writer, container: Container, status: ContainerStatus | undefined): void {
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
	describeContainerCommand(w, container);
	if (status) {
		containerState(w, 'State', status.state);
		if (status.lastState && Object.keys(status.lastState).length > 0) containerState(w, 'Last State', status.lastState);
		w.line(2, 'Ready:', status.ready ? 'True' : 'False');
		w.line(2, 'Restart Count:', status.restartCount);
	}
	describeContainerResources(w, container);
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
export function describeEnv(w: Writer, container: Container): void {
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

export function containerState(w: Writer, title: string, state: ContainerState | undefined): void {
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

export function describeVolumes(w: Writer, volumes: Volume[], level = 0): void {
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

export function podTemplate(w: Writer, template: {metadata?: {labels?: Record<string, string>; annotations?: Record<string, string>}; spec?: {containers?: Container[]; initContainers?: Container[]; volumes?: Volume[]; serviceAccountName?: string}} | undefined): void {
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
		describeContainerCommand(w, container);
		describeContainerResources(w, container);
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

