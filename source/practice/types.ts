/**
 * A practice scenario as its YAML file declares it: what the learner is
 * told, how the cluster is broken, the hints, the checks that grade the
 * outcome, and the reference solution. Plain data; `schema.ts` checks a
 * parsed file against these shapes.
 */

export const categories = ['workloads', 'configuration', 'scheduling', 'networking', 'storage', 'nodes', 'batch', 'namespaces', 'policy', 'security'] as const;
export type Category = (typeof categories)[number];

export const difficulties = ['easy', 'medium', 'hard'] as const;
export type Difficulty = (typeof difficulties)[number];

export const comparators = ['eq', 'ne', 'contains', 'matches', 'gte', 'exists', 'absent'] as const;
export type Comparator = (typeof comparators)[number];

/** Which objects a check or step is about: one by name, or those a label selector picks. */
export type ObjectRef = {
	kind: string;
	/** Default: the scenario's namespace. */
	namespace?: string;
	name?: string;
	/** kubectl label selector, e.g. `app=web`. */
	selector?: string;
};

/** A field of the objects compared with a value. */
export type FieldCheck = ObjectRef & {
	/** Field path (see field-path.ts), e.g. `status.conditions[type=Ready].status`. */
	field: string;
	op: Comparator;
	/** The value to compare with (not for exists/absent). */
	value?: string | number | boolean;
	/** With a selector: at least this many objects must match it (default 1), and every one must pass. */
	count?: number;
	/** With a selector: `count` passing objects are enough; the others may fail. */
	some?: boolean;
};

/** An event about the objects (reason, and a text its message contains or matches). */
export type EventCheck = ObjectRef & {
	event: {reason: string; type?: 'Normal' | 'Warning'; message?: string; matches?: string};
};

/** Requests to a Service through the traffic simulator: the last `seconds` all succeeded. */
export type TrafficCheck = {
	traffic: {service: string; namespace?: string; seconds?: number};
};

/** A command run in a pod (by name, or the first Running pod a selector picks): exit code and output. */
export type ExecCheck = {
	exec: {pod?: string; selector?: string; namespace?: string; container?: string; command: string[]; exitCode?: number; contains?: string};
};

/** An object is gone (a namespace finished terminating, a Job was replaced...). */
export type GoneCheck = {
	gone: ObjectRef;
};

/** `check` is the sentence the learner sees (`web answers through its Service`). */
/** The latest drain of a node (`cluster.drainStatus`): a line it printed, or that it is done. */
export type DrainCheck = {
	drain: {node: string; line?: string; done?: boolean};
};

/**
 * What RBAC lets a user do, as `kubectl auth can-i VERB RESOURCE --as USER
 * --as-group GROUP -n NAMESPACE` asks it: allowed (the default) or not.
 */
export type AccessCheck = {
	access: {user: string; groups?: string[]; verb: string; resource: string; group?: string; namespace?: string; allowed?: boolean};
};

export type CheckSpec = {check: string} & (FieldCheck | EventCheck | TrafficCheck | ExecCheck | GoneCheck | DrainCheck | AccessCheck);

/** One thing done to the cluster, by the setup or by a solution. */
export type Step =
	| {apply: string}
	| {advance: string}
	| {killNode: string}
	| {restoreNode: string}
	| {deleteNode: string}
	| {cordon: string}
	| {uncordon: string}
	| {drain: {node: string; ignoreDaemonSets?: boolean; force?: boolean; deleteEmptyDirData?: boolean}}
	| {traffic: {service: string; namespace?: string; rps?: number}}
	| {delete: ObjectRef}
	| {scale: ObjectRef & {name: string; replicas: number}}
	| {setImage: ObjectRef & {name: string; container: string; image: string}}
	| {edit: ObjectRef & {name: string; set: Record<string, unknown>}}
	| {rollback: {name: string; namespace?: string}}
	| {expose: ObjectRef & {name: string; port?: number; targetPort?: number | string; serviceName?: string}}
	| {trigger: {cronJob: string; namespace?: string; jobName?: string}}
	/** `kubectl certificate approve NAME`. */
	| {approve: string}
	/** `kubectl exec POD -- COMMAND…`: it must exit 0. */
	| {exec: {pod: string; namespace?: string; container?: string; command: string[]}};

/** One step of the reference solution: what to do, the kubectl command, the dashboard's keys, and the step the tests run. */
export type SolutionStep = {
	text: string;
	kubectl?: string;
	keys?: string;
	do?: Step[];
};

export type ScenarioSpec = {
	id: string;
	title: string;
	category: Category;
	difficulty: Difficulty;
	/** The symptom as a user would report it, never the cause. */
	goal: string;
	/** The namespace checks and steps use when they name none (default `default`). */
	namespace: string;
	/** Options for createCluster. */
	cluster: {nodes?: number; strictImages?: boolean; systemDaemonSets?: boolean};
	/** Applied first, as one kubectl apply. */
	manifests?: string;
	setup: Step[];
	/** What the learner sees once the setup has run; create() advances until all of it holds. */
	symptom: CheckSpec[];
	/** Up to three, each more specific. */
	hints: string[];
	checks: CheckSpec[];
	solution: SolutionStep[];
	/** A plausible fix that is no fix (deleting or scaling away the workload); the tests run it and expect grading to fail. */
	wrongFix: Step[];
	/** Where the spec was read from (for messages). */
	file: string;
};
