/** What `createCluster` takes, in a module of its own so that parts of the engine (snapshots) can name it without importing the facade. */
import type {NodeOptions} from './bootstrap.js';

export type ClusterOptions = {
	/** Seed for every random choice (names, IPs, delays). Same seed + same calls = same cluster. */
	seed?: number;
	/** Number of worker nodes to start with (default 3). */
	nodes?: number;
	/** Shape of each node (capacity, labels); defaults to 4 CPU / 16 GiB / 110 pods. */
	node?: NodeOptions;
	/**
	 * Virtual time at creation, ms since the Unix epoch. Default: a fixed
	 * instant, so a seed replays to the same timestamps. A served cluster
	 * starts at the wall clock, so clients' own ages (describe) agree.
	 */
	startTime?: number;
	/** Cluster name shown by the dashboard. */
	name?: string;
	/** Start with the demo workloads (used by the app); default false. */
	demo?: boolean;
	/** Install the simulated ingress-nginx (its namespace, controller and the default `nginx` IngressClass); default: as `demo`. */
	ingressNginx?: boolean;
	/** Run kind's kube-system DaemonSets (kube-proxy, kindnet) on every node; default: as `demo`. */
	systemDaemonSets?: boolean;
	/**
	 * Images of repositories the simulator does not know fail to pull as a
	 * real registry would refuse them; by default they run as generic
	 * containers (with a Warning event saying so).
	 */
	strictImages?: boolean;
	/**
	 * Restore this snapshot (from `cluster.snapshot()`, possibly through
	 * JSON): the cluster is the one that was saved, options and all, so the
	 * other options are not read. Throws SnapshotError when the data is not a
	 * snapshot this build reads.
	 */
	snapshot?: unknown;
	/**
	 * How a snapshot is restored. `exact` (the default) loads the state the
	 * snapshot saved of every part of the simulation, so its cost follows the
	 * cluster's size, not its history; a snapshot that saved none (format 3
	 * and older) is replayed. `replay` replays the snapshot's journal and
	 * checks the replay reached the saved state, every part's included: a
	 * snapshot this build replays differently is refused. `objects` makes
	 * the cluster from the saved objects alone, as a cluster stopped and
	 * started again (`minikube stop`, `minikube start`): the API server's
	 * objects, the clock, the generator and the volumes' data are kept; every
	 * node boots again, so the kubelets restart the pods they find (each
	 * container once), and the controllers work out again from the objects
	 * what was pending (timers, back-offs). Any build restores any snapshot so.
	 */
	restore?: 'exact' | 'replay' | 'objects';
	/**
	 * The snapshot's objects are as a cluster stored them (a state file whose
	 * digest of its objects still matches them): the restore does not judge
	 * each again by the API server's validation, as an API server does not
	 * validate what etcd holds when it starts. Unset, every object of a
	 * built-in kind is judged, so a snapshot changed by hand is refused at
	 * the first object the API server would refuse.
	 */
	objectsIntact?: boolean;
	/**
	 * Told after each timer and reconcile of an exact restore's replay how far
	 * it has come: the virtual ms of the saved history replayed, and all of
	 * it. A restore costs what the history cost to simulate, so a caller can
	 * say how far it is (and should draw at its own pace: this is called
	 * often).
	 */
	onReplay?: (replayedMs: number, totalMs: number) => void;
};
