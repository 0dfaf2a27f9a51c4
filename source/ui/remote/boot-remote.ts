/**
 * The dashboard on a real cluster: preferences and theme as for the
 * simulation, then the kubeconfig's context behind the seam. Loaded only in
 * this mode, so client-node costs the simulated dashboard's start-up nothing.
 */
import {BootError, bootSettings, type Settings} from '../boot.js';
import type {Flags} from '../flags.js';
import {ClusterModel} from '../model/cluster-model.js';
import {Simulation} from '../model/simulation.js';
import {KubeconfigError, connectRemote, type RemoteOptions, type RemoteSource} from './remote-source.js';

export type BootedRemote = Settings & {
	source: RemoteSource;
	model: ClusterModel;
	/** The real-time loop: on a real cluster it only flushes what the watches brought. */
	simulation: Simulation;
	namespace: string;
};

export function bootRemote(flags: Flags, env: NodeJS.ProcessEnv = process.env, options: Pick<RemoteOptions, 'backoff'> = {}): BootedRemote {
	const settings = bootSettings(flags, env);
	let source: RemoteSource;
	try {
		source = connectRemote({kubeconfig: flags.kubeconfig, context: flags.context, ...options});
	} catch (error) {
		if (error instanceof KubeconfigError) throw new BootError(error.message);
		throw error;
	}
	const model = new ClusterModel(source);
	const simulation = new Simulation(source, model, {speed: 1});
	return {...settings, source, model, simulation, namespace: flags.namespace ?? 'all'};
}
