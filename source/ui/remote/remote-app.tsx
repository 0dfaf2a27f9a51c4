/**
 * The dashboard on a real cluster: the app over the kubeconfig's current
 * context, and `:ctx` as k9s has it: alone it lists the contexts (the
 * current one marked) to pick one; with a name it switches at once. A switch
 * ends the old context's watches and mounts the app afresh on the new one.
 */
import React, {useEffect, useMemo, useState} from 'react';
import {Box, Text} from 'ink';
import {App, type AppProps} from '../app/app.js';
import type {AppApi, AppPlugin} from '../app/contract.js';
import {SelectList} from '../components/select-list/select-list.js';
import {ClusterModel} from '../model/cluster-model.js';
import {Simulation} from '../model/simulation.js';
import {sanitizeLine} from '../sanitize.js';
import {connectRemote, type RemoteOptions, type RemoteSource} from './remote-source.js';

/** One context's source and the loop that flushes what it brings. */
export type RemoteRun = {source: RemoteSource; model: ClusterModel; simulation: Simulation};

let current: RemoteRun | undefined;

/** End the current context's watches and streams (the cli calls it when the app exits). */
export function disposeCurrent(): void {
	if (!current) return;
	current.simulation.stop();
	current.model.dispose();
	current.source.dispose();
	current = undefined;
}

/** Connect to another context of the same kubeconfig. */
export function connectRun(options: RemoteOptions): RemoteRun {
	const source = connectRemote(options);
	const model = new ClusterModel(source);
	return {source, model, simulation: new Simulation(source, model, {speed: 1})};
}

export type RemoteAppProps = Omit<AppProps, 'cluster' | 'model' | 'simulation' | 'plugins' | 'api'> & {
	initial: RemoteRun;
	/** The kubeconfig file given with --kubeconfig (else `$KUBECONFIG` or ~/.kube/config). */
	kubeconfig?: string;
	/** How the informers back off (tests shorten it). */
	backoff?: RemoteOptions['backoff'];
};

/** `:ctx`: the contexts to pick from, or a switch to the one named. */
export function contextsPlugin(run: RemoteRun, use: (context: string) => void): AppPlugin {
	const switchTo = (name: string, app: AppApi) => {
		if (!run.source.contexts.includes(name)) throw new Error(`no context exists with the name: "${name}"`);
		if (name === run.source.name) {
			app.flash(`Context ${sanitizeLine(name)} is the current one`);
			return;
		}
		use(name);
	};
	return {
		name: 'contexts',
		commands: [{
			names: ['ctx', 'context', 'contexts'],
			description: 'Kubeconfig contexts: list them, or switch to the one named',
			arguments: [...run.source.contexts],
			run(args, app) {
				if (args.length > 0) {
					switchTo(args[0]!, app);
					return;
				}
				const items = run.source.contexts.map(name => ({label: `${name === run.source.name ? '(*) ' : '    '}${sanitizeLine(name)}`, value: name}));
				app.showModal({
					title: 'contexts',
					render: ({close}) => (
						<Box flexDirection="column">
							<Text bold color={app.theme.dialog.label}>Switch context (Enter), Esc to stay:</Text>
							<SelectList items={items} onSelect={item => {
								close();
								try {
									switchTo(item.value, app);
								} catch (error) {
									app.flash((error as Error).message, 'error');
								}
							}}/>
						</Box>
					),
				});
			},
		}],
	};
}

export function RemoteApp(props: RemoteAppProps) {
	const {initial, kubeconfig, backoff, ...appProps} = props;
	const [state, setState] = useState({generation: 0, run: initial});
	const {run, generation} = state;
	current = run;
	useEffect(() => {
		run.simulation.start();
		return () => run.simulation.stop();
	}, [run]);
	const plugins = useMemo(() => [contextsPlugin(run, context => {
		const next = connectRun({kubeconfig, context, backoff});
		disposeCurrent();
		setState(previous => ({generation: previous.generation + 1, run: next}));
	})], [run, kubeconfig, backoff]);
	return (
		<App
			{...appProps}
			key={generation}
			cluster={run.source}
			model={run.model}
			simulation={run.simulation}
			plugins={plugins}
		/>
	);
}
