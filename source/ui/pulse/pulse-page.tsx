/**
 * `:pulse`: a gauge per kind (total and faults) and sparklines of CPU,
 * memory and service requests over simulated time. Tab/arrows move between
 * gauges, Enter opens that kind's view.
 */
import React, {useMemo, useRef, useState} from 'react';
import {Box, Text} from 'ink';
import {registerCommand, useApp, usePageKeys, type AppApi, type PageProps, type PageSpec} from '../app/contract.js';
import {useLive} from '../app/use-live.js';
import {scrollBindings, scrollHandlers} from '../components/scroll-keys.js';
import {kindPulses, PulseHistory, sparkline} from './pulse-model.js';
import {clusterUsage} from './pulse-usage.js';
import {simulationOnly} from '../model/cluster-source.js';

const labels: Record<string, string> = {
	Pod: 'Pods', Deployment: 'Deployments', StatefulSet: 'StatefulSets', DaemonSet: 'DaemonSets', ReplicaSet: 'ReplicaSets',
	Job: 'Jobs', CronJob: 'CronJobs', Service: 'Services', PersistentVolume: 'PVs', PersistentVolumeClaim: 'PVCs', Node: 'Nodes', Event: 'Events',
	HorizontalPodAutoscaler: 'HPAs', Ingress: 'Ingresses', NetworkPolicy: 'NetworkPolicies',
};

const mebibytes = (value: number) => `${Math.round(value / 2 ** 20)}Mi`;

function PulsePage({width, height}: PageProps) {
	const app = useApp();
	const theme = app.theme;
	const tick = useLive();
	const history = useRef<PulseHistory | undefined>(undefined);
	const simulated = Boolean(app.cluster.simulation);
	history.current ??= new PulseHistory(() => clusterUsage(app.cluster, app.model) ?? {cpuMilli: 0, memoryBytes: 0, requestsTotal: 0}, () => app.cluster.now());
	if (simulated) history.current.sample();
	const namespace = app.namespace();
	const pulses = useMemo(() => kindPulses({now: () => app.cluster.now(), list: kind => app.model.list(kind)}, namespace), [tick, namespace, app.model, app.cluster]);
	const [focus, setFocus] = useState(0);
	const move = (by: number) => setFocus(f => (f + by + pulses.length) % pulses.length);
	const columns = Math.max(1, Math.min(4, Math.floor(width / 26)));
	usePageKeys({
		bindings: [
			{key: 'enter', action: 'pulse.open', description: 'Open view'},
			{key: 'tab', action: 'pulse.next', description: 'Next', visible: false},
			{key: 'right', action: 'pulse.next', description: 'Next', visible: false},
			{key: 'l', action: 'pulse.next', description: 'Next', visible: false},
			{key: 'shift-tab', action: 'pulse.previous', description: 'Previous', visible: false},
			{key: 'left', action: 'pulse.previous', description: 'Previous', visible: false},
			{key: 'h', action: 'pulse.previous', description: 'Previous', visible: false},
			...scrollBindings,
		],
		handlers: {
			'pulse.open': () => {
				const pulse = pulses[focus];
				if (pulse) app.openView(pulse.kind);
			},
			'pulse.next': () => move(1),
			'pulse.previous': () => move(-1),
			...scrollHandlers({
				down: () => move(columns),
				up: () => move(-columns),
				pageDown: () => move(columns),
				pageUp: () => move(-columns),
				top: () => setFocus(0),
				bottom: () => setFocus(Math.max(0, pulses.length - 1)),
			}),
		},
	});
	const samples = history.current.samples();
	const last = samples[samples.length - 1];
	const usage = clusterUsage(app.cluster, app.model);
	const sparkWidth = Math.max(10, width - 44);
	const percent = (value: number, capacity: number) => (capacity > 0 ? `${((value * 100) / capacity).toFixed(1)}%` : 'n/a');
	const gaugeRows: Array<typeof pulses> = [];
	for (let i = 0; i < pulses.length; i += columns) gaugeRows.push(pulses.slice(i, i + columns));
	const cellWidth = Math.floor(width / columns);
	return (
		<Box flexDirection="column" width={width} height={height}>
			{gaugeRows.map((row, r) => (
				<Box key={r}>
					{row.map((pulse, c) => {
						const index = r * columns + c;
						const fault = pulse.faults > 0;
						return (
							<Box key={pulse.kind} width={cellWidth}>
								<Text inverse={index === focus} color={fault ? theme.views.charts.fault : theme.views.charts.ok} wrap="truncate">
									{`${(labels[pulse.kind] ?? pulse.kind).padEnd(12)} ${String(pulse.total).padStart(5)}  ${fault ? `✘ ${pulse.faults}` : '✔'}`}
								</Text>
							</Box>
						);
					})}
				</Box>
			))}
			<Text> </Text>
			{usage ? <>
				<Text color={theme.views.charts.cpu} wrap="truncate">{`CPU  ${sparkline(samples.map(s => s.cpu), sparkWidth)}  ${last?.cpu ?? 0}m of ${usage.cpuCapacity}m (${percent(last?.cpu ?? 0, usage.cpuCapacity)})`}</Text>
				<Text color={theme.views.charts.memory} wrap="truncate">{`MEM  ${sparkline(samples.map(s => s.memory), sparkWidth)}  ${mebibytes(last?.memory ?? 0)} of ${mebibytes(usage.memoryCapacity)} (${percent(last?.memory ?? 0, usage.memoryCapacity)})`}</Text>
				<Text color={theme.views.charts.ok} wrap="truncate">{`REQ  ${sparkline(samples.map(s => s.requests), sparkWidth)}  ${last?.requests ?? 0} per ${history.current.intervalMs / 1000}s`}</Text>
				<Text dimColor wrap="truncate">{`One point per ${history.current.intervalMs / 1000}s of simulated time, last ${samples.length} of ${history.current.capacity}.`}</Text>
			</> : <Text dimColor wrap="truncate">{`CPU, memory and request sparklines: ${simulationOnly}.`}</Text>}
		</Box>
	);
}

export function pulsePage(): PageSpec {
	return {title: 'pulse', key: 'pulse', render: props => <PulsePage {...props}/>};
}

registerCommand({
	names: ['pulse', 'pu', 'hz', 'pulses'],
	description: 'Pulse: counts, faults and usage over simulated time',
	run: (args: string[], app: AppApi) => {
		if (args.length > 0) throw new Error(`:pulse takes no arguments, got "${args.join(' ')}"`);
		app.pushPage(pulsePage());
	},
});
