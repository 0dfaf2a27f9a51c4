/**
 * The dashboard on a practice scenario: a broken cluster from the scenario,
 * the app with the practice plug-in, and a new run on `:reset` (the same
 * scenario) or `:next` (the next one). Each run is a new cluster, model and
 * simulation; the app is mounted afresh for it.
 */
import React, {useEffect, useMemo, useRef, useState} from 'react';
import {PracticeSession, type Scenario} from '../../practice/index.js';
import {App, type AppProps} from '../app/app.js';
import {ClusterModel} from '../model/cluster-model.js';
import {Simulation, type SimulationOptions} from '../model/simulation.js';
import type {Preferences} from '../prefs.js';
import {createPracticePlugin} from './practice-plugin.js';

export type PracticeRun = {
	scenario: Scenario;
	session: PracticeSession;
	model: ClusterModel;
	simulation: Simulation;
};

export type PracticeAppProps = Omit<AppProps, 'cluster' | 'model' | 'simulation' | 'plugins' | 'namespace' | 'initialView'> & {
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
};

export function startRun(scenario: Scenario, prefs: Preferences, seed: number | undefined, options: SimulationOptions = {}): PracticeRun {
	const cluster = scenario.create({seed});
	const model = new ClusterModel(cluster);
	const simulation = new Simulation(cluster, model, options);
	prefs.recordPractice(scenario.id, {solved: false});
	return {scenario, session: new PracticeSession(scenario, cluster), model, simulation};
}

export function PracticeApp(props: PracticeAppProps) {
	const {prefs, catalogue, onRun, autoStart} = props;
	const [state, setState] = useState(() => ({generation: 0, run: startRun(props.scenario, prefs, props.seed, props.simulation)}));
	const current = useRef(state.run);
	current.current = state.run;
	const {run, generation} = state;

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
			cluster={run.session.cluster}
			model={run.model}
			simulation={run.simulation}
			namespace={run.scenario.namespace}
			initialView="Pod"
			plugins={plugins}
			onQuit={() => {
				current.current.simulation.stop();
				props.onQuit?.();
			}}
		/>
	);
}
