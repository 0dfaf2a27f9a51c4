/** Containers of one pod (Enter on a pod): IDX NAME IMAGE READY STATE RESTARTS PROBES PORTS AGE. */
import type {Container, ContainerStatus, Pod} from '../../engine/index.js';
import {humanDuration, timeOf, type Column, type RenderContext, type Row, type RowStatus} from './columns.js';

export const containerColumnList: Column[] = [
	{name: 'IDX', align: 'right'},
	{name: 'NAME', sortKey: 'n'},
	{name: 'IMAGE'},
	{name: 'READY', sortKey: 'r'},
	{name: 'STATE', sortKey: 's'},
	{name: 'RESTARTS', numeric: true, align: 'right', sortKey: 't'},
	{name: 'PROBES(L:R:S)'},
	{name: 'PORTS'},
	{name: 'AGE', sortKey: 'a', numeric: true},
];

/** k9s' STATE cell: Running, Terminated reason, or the waiting reason. */
export function containerState(status: ContainerStatus | undefined): string {
	if (!status) return 'Waiting';
	if (status.state.running) return 'Running';
	if (status.state.terminated) return status.state.terminated.reason ?? `ExitCode:${status.state.terminated.exitCode}`;
	return status.state.waiting?.reason ?? 'Waiting';
}

function probes(container: Container): string {
	const on = (p: unknown) => (p ? 'on' : 'off');
	return `${on(container.livenessProbe)}:${on(container.readinessProbe)}:${on(container.startupProbe)}`;
}

function health(state: string, status: ContainerStatus | undefined): RowStatus {
	if (state === 'Running') return status?.ready ? 'normal' : 'pending';
	if (state === 'Completed') return 'completed';
	if (state === 'ContainerCreating' || state === 'PodInitializing' || state === 'Waiting') return 'pending';
	return 'error';
}

/** One row per container (init containers first, marked with an `I` index). */
export function containerRows(pod: Pod, {now}: RenderContext): Row[] {
	const rows: Row[] = [];
	const add = (container: Container, status: ContainerStatus | undefined, index: string) => {
		const state = containerState(status);
		const started = timeOf(status?.state.running?.startedAt ?? status?.state.terminated?.startedAt);
		const ageMs = started === undefined ? undefined : now - started;
		rows.push({
			id: `${pod.metadata.uid}/${container.name}`,
			cells: [
				index,
				container.name,
				container.image,
				status?.ready ? 'true' : 'false',
				state,
				String(status?.restartCount ?? 0),
				probes(container),
				(container.ports ?? []).map(p => `${p.name ? `${p.name}:` : ''}${p.containerPort}${p.protocol && p.protocol !== 'TCP' ? `/${p.protocol}` : ''}`).join(',') || '<none>',
				ageMs === undefined ? '' : humanDuration(ageMs),
			],
			sort: [undefined, undefined, undefined, undefined, undefined, status?.restartCount ?? 0, undefined, undefined, started === undefined ? undefined : -started],
			status: pod.metadata.deletionTimestamp ? 'terminating' : health(state, status),
			object: pod,
			container: container.name,
		});
	};
	(pod.spec?.initContainers ?? []).forEach((c, i) => add(c, pod.status?.initContainerStatuses?.find(s => s.name === c.name), `I${i + 1}`));
	(pod.spec?.containers ?? []).forEach((c, i) => add(c, pod.status?.containerStatuses?.find(s => s.name === c.name), String(i + 1)));
	// Those `kubectl debug` added, last, as k9s lists them (E1, E2, ...).
	(pod.spec?.ephemeralContainers ?? []).forEach((c, i) => add(c, pod.status?.ephemeralContainerStatuses?.find(s => s.name === c.name), `E${i + 1}`));
	return rows;
}
