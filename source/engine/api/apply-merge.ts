/**
 * The merge `kubectl apply` performs: the new manifest over the live object,
 * with what the previous apply set but the new manifest leaves out removed
 * (a three-way merge against the last-applied configuration). Maps merge
 * key by key; lists of objects merge by their strategic merge key (`name`,
 * `containerPort`, `port`, ...); other lists and scalars are replaced.
 * Fields the server or controllers set and no manifest mentioned (a pod's
 * nodeName, a Service's clusterIP, a claim's volumeName) survive.
 */


type Json = unknown;
type JsonMap = Record<string, Json>;

const mergeKeys = ['name', 'containerPort', 'port', 'mountPath', 'devicePath', 'ip', 'type', 'key'];

function isMap(value: Json): value is JsonMap {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeKeyOf(items: Json[]): string | undefined {
	if (items.length === 0 || !items.every(isMap)) return undefined;
	return mergeKeys.find(key => items.every(item => (item as JsonMap)[key] !== undefined));
}

/** Merge `desired` over `live`, dropping what `previous` had and `desired` no longer has. */
export function threeWayMerge(live: Json, previous: Json, desired: Json): Json {
	if (isMap(desired) && isMap(live)) {
		const out: JsonMap = {...live};
		const before = isMap(previous) ? previous : {};
		// A key whose value is undefined is absent (the facade's manifests are JS objects, not parsed JSON).
		for (const key of Object.keys(before)) if (before[key] !== undefined && desired[key] === undefined) delete out[key];
		for (const [key, value] of Object.entries(desired)) {
			if (value === undefined) continue;
			out[key] = value === null ? undefined : threeWayMerge(live[key], before[key], value);
			if (out[key] === undefined) delete out[key];
		}
		return out;
	}
	if (Array.isArray(desired) && Array.isArray(live)) {
		const key = mergeKeyOf(desired);
		if (!key || mergeKeyOf(live) !== key) return desired;
		const liveByKey = new Map(live.map(item => [(item as JsonMap)[key], item]));
		const previousByKey = new Map(Array.isArray(previous) ? previous.filter(isMap).map(item => [item[key], item]) : []);
		// Order and membership follow the manifest, as strategic merge does for the fields it owns.
		return desired.map(item => {
			const id = (item as JsonMap)[key];
			return liveByKey.has(id) ? threeWayMerge(liveByKey.get(id), previousByKey.get(id), item) : item;
		});
	}
	return desired;
}
