/**
 * The dashboard on a practice scenario: a broken cluster from the scenario,
 * the app with the practice plug-in, and a new run on `:reset` (the same
 * scenario) or `:next` (the next one). Each run is a new cluster, model and
 * simulation; the app is mounted afresh for it.
 */
import React, {useEffect, useMemo, useRef, useState} from 'react';
import type {Cluster} from '../../engine/index.js';
import type {Scenario} from '../../practice/scenario.js';
import {PracticeSession} from '../../practice/session.js';
import {App, type AppProps} from '../app/app.js';
import type {ServedApi} from '../app/app-container.js';
import {ClusterModel} from '../model/cluster-model.js';
import {engineSource} from '../model/engine-source.js';
import {Simulation, type SimulationOptions} from '../model/simulation.js';
import type {Preferences} from '../prefs.js';
import {createPracticePlugin} from './practice-plugin.js';

export type PracticeRun = {
	scenario: Scenario;
	session: PracticeSession;
	model: ClusterModel;
	simulation: Simulation;
};

/** A Kubernetes API served for a run's cluster (the CLI's, beside the dashboard). */
export type RunApi = {url: string; kubeconfig: string; close(): Promise<void>};

export type PracticeAppProps = Omit<AppProps, 'cluster' | 'model' | 'simulation' | 'plugins' | 'namespace' | 'initialView' | 'api'> & {
	scenario: Scenario;
	/** The catalogue `:next` walks (empty for a user's own file). */
	catalogue: readonly Scenario[];
	prefs: Preferences;
	seed?: number;
	/** The simulation's options (speed; tests pass a fake wall clock). */
	simulation?: SimulationOptions;
	/** Start each run's real-time loop (the CLI); tests drive time themselves. */
	autoStart?: boolean;
	/** Told of every new run (tests drive its simulation). */
	onRun?: (run: PracticeRun) => void;
	/** The first run, when the caller made its cluster already (the CLI boots it with the preferences and theme). */
	initialRun?: PracticeRun;
	/** Serve each run's cluster to kubectl (closed when the run ends); the header shows where, or why not. */
	startApi?: (cluster: Cluster) => Promise<RunApi>;
};

/** A run over a cluster the caller created from the scenario. */
export function runOn(scenario: Scenario, cluster: Cluster, model: ClusterModel, simulation: Simulation, prefs: Preferences): PracticeRun {
	prefs.recordPractice(scenario.id, {solved: false});
	return {scenario, session: new PracticeSession(scenario, cluster), model, simulation};
}

export function startRun(scenario: Scenario, prefs: Preferences, seed: number | undefined, options: SimulationOptions = {}): PracticeRun {
	const cluster = scenario.create({seed});
	const source = engineSource(cluster);
	const model = new ClusterModel(source);
	return runOn(scenario, cluster, model, new Simulation(source, model, options), prefs);
}

export function PracticeApp(props: PracticeAppProps) {
	const {prefs, catalogue, onRun, autoStart} = props;
	const [state, setState] = useState(() => ({generation: 0, run: props.initialRun ?? startRun(props.scenario, prefs, props.seed, props.simulation)}));
	const current = useRef(state.run);
	current.current = state.run;
	const {run, generation} = state;
	const [api, setApi] = useState<{run: PracticeRun; served: ServedApi} | undefined>(undefined);
	const startApi = props.startApi;

	useEffect(() => {
		if (!startApi) return;
		let open: RunApi | undefined;
		let ended = false;
		startApi(run.session.cluster).then(served => {
			if (ended) {
				void served.close();
				return;
			}
			open = served;
			setApi({run, served: {url: served.url, kubeconfig: served.kubeconfig}});
		}, (error: Error) => {
			if (!ended) setApi({run, served: {error: error.message}});
		});
		return () => {
			ended = true;
			void open?.close();
		};
	}, [run, startApi]);

	useEffect(() => {
		onRun?.(run);
		if (autoStart) run.simulation.start();
		return () => {
			run.simulation.stop();
			run.model.dispose();
		};
	}, [run, onRun, autoStart]);

	const plugins = useMemo(() => {
		const replace = (scenario: Scenario) => {
			setState(previous => ({generation: previous.generation + 1, run: startRun(scenario, prefs, props.seed, {...props.simulation, speed: previous.run.simulation.speed})}));
		};
		const index = catalogue.findIndex(s => s.id === run.scenario.id);
		const next = index >= 0 && catalogue.length > 1 ? catalogue[(index + 1) % catalogue.length] : undefined;
		return [createPracticePlugin({
			session: run.session,
			prefs,
			reset: () => replace(run.scenario),
			next: next ? () => replace(next) : undefined,
		})];
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [run]);

	return (
		<App
			{...props}
			key={generation}
			cluster={run.simulation.cluster}
			model={run.model}
			simulation={run.simulation}
			namespace={run.scenario.namespace}
			initialView="Pod"
			plugins={plugins}
			api={api?.run === run ? api.served : undefined}
			onQuit={() => {
				current.current.simulation.stop();
				props.onQuit?.();
			}}
		/>
	);
}
