import type {Container, KubeObject, Pod, Volume} from './types.js';
import {prepareForCreate, type Store} from '../store.js';
import {fnv32a} from '../controllers/controller-utils.js';
import {copyWith} from '../memory.js';

/**
 * The ServiceAccount admission plugin (`plugin/pkg/admission/serviceaccount`),
 * which mutates pods on create only (never their updates, never workload
 * templates). First step: a pod that names no service account runs as
 * `default` (both `serviceAccountName` and its deprecated alias
 * `serviceAccount`, as the v1 conversion writes them). Mirror pods are left
 * as they are. It runs in the create admission chain, so a dry run shows it.
 */
export const defaultServiceAccountName = 'default';

export function admitServiceAccountName(object: KubeObject): KubeObject {
	if (object.kind !== 'Pod') return object;
	const spec = (object as Pod).spec;
	if (typeof spec !== 'object' || spec === null || !Array.isArray(spec.containers) || spec.serviceAccountName) return object;
	if (object.metadata.annotations?.['kubernetes.io/config.mirror']) return object;
	return {...object, spec: {...spec, serviceAccountName: defaultServiceAccountName, serviceAccount: defaultServiceAccountName}};
}

/** Put the plugin in the store's create admission (upstream orders it after LimitRanger, before ResourceQuota). */
export function installServiceAccountAdmission(store: Pick<Store, 'admission'>): void {
	store.admission.push(admitServiceAccountName);
}

/**
 * The plugin's token volume: every new pod that does not opt
 * out (`automountServiceAccountToken: false`, mirror pods) gets a projected
 * volume `kube-api-access-<5 characters>` (a bound token, the cluster CA
 * from `kube-root-ca.crt`, and the namespace), mounted read-only at
 * /var/run/secrets/kubernetes.io/serviceaccount in every container that
 * has nothing mounted there yet.
 */

export const serviceAccountVolumePrefix = 'kube-api-access-';
export const serviceAccountMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
/** `WarnOnlyBoundTokenExpirationSeconds`: the token's requested lifetime. */
export const tokenExpirationSeconds = 3607;
/** The ConfigMap the root CA publisher keeps in every namespace. */
export const rootCaConfigMap = 'kube-root-ca.crt';

const suffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** The volume's 5-character suffix: random-looking, derived from the pod's uid so no random draw is spent. */
function volumeSuffix(uid: string): string {
	let hash = fnv32a(uid);
	let out = '';
	for (let i = 0; i < 5; i++) {
		out += suffixAlphabet[hash % suffixAlphabet.length];
		hash = Math.floor(hash / suffixAlphabet.length) ^ fnv32a(`${uid}${i}`);
		hash >>>= 0;
	}
	return out;
}

/**
 * The token volume's sources, the same in every pod: one frozen value that
 * every pod's volume shares (stored objects are never changed in place),
 * rather than eleven objects per pod.
 */
const tokenSources = deepFreeze([
	{serviceAccountToken: {expirationSeconds: tokenExpirationSeconds, path: 'token'}},
	{configMap: {name: rootCaConfigMap, items: [{key: 'ca.crt', path: 'ca.crt'}]}},
	{downwardAPI: {items: [{fieldRef: {apiVersion: 'v1', fieldPath: 'metadata.namespace'}, path: 'namespace'}]}},
]);

/** `TokenVolumeSource`: token, ca.crt and namespace, mode 0644. */
export function tokenVolume(name: string): Volume {
	return {name, projected: {defaultMode: 420, sources: tokenSources}};
}

function deepFreeze<T>(value: T): T {
	if (value && typeof value === 'object') {
		for (const child of Object.values(value)) deepFreeze(child);
		Object.freeze(value);
	}
	return value;
}

export function mountServiceAccountToken(object: KubeObject): KubeObject {
	const pod = object as Pod;
	const spec = pod.spec;
	if (!spec || !Array.isArray(spec.containers)) return object;
	if (spec.automountServiceAccountToken === false) return object;
	if (pod.metadata.annotations?.['kubernetes.io/config.mirror']) return object;
	const existing = (spec.volumes ?? []).find(v => v.name.startsWith(serviceAccountVolumePrefix));
	const name = existing?.name ?? `${serviceAccountVolumePrefix}${volumeSuffix(pod.metadata.uid)}`;
	let needsVolume = false;
	const withMount = (container: Container): Container => {
		if ((container.volumeMounts ?? []).some(m => m.mountPath === serviceAccountMountPath)) return container;
		needsVolume = true;
		// concat sizes the array exactly: a spread reserves 17 slots, and every pod keeps this one.
		return copyWith(container, {volumeMounts: (container.volumeMounts ?? []).concat([{name, readOnly: true, mountPath: serviceAccountMountPath}])});
	};
	const initContainers = spec.initContainers?.map(withMount);
	const containers = spec.containers.map(withMount);
	if (!needsVolume) return object;
	return {
		...pod,
		spec: {
			...spec,
			...(initContainers ? {initContainers} : {}),
			containers,
			volumes: existing ? spec.volumes : (spec.volumes ?? []).concat([tokenVolume(name)]),
		},
	};
}

prepareForCreate.set('Pod', mountServiceAccountToken);
