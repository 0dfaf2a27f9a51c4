import type {Controller, ControllerContext} from '../controller.js';
import type {KubeObject} from '../api/types.js';
import {installServiceAccountAdmission, rootCaConfigMap} from '../api/service-account.js';

/**
 * What every namespace holds from the start in a real cluster: the
 * `default` ServiceAccount (serviceaccount-controller) and the
 * `kube-root-ca.crt` ConfigMap with the cluster's certificate authority
 * (root-ca-cert-publisher), which the pods' token volumes project as ca.crt.
 * Both come back when deleted, and neither is created in a namespace being
 * deleted; the ConfigMap is put back as it should be when it was changed,
 * or when the cluster's authority changed (`republishRootCa`).
 */

const serviceAccountComponent = 'serviceaccount-controller';
const publisherComponent = 'root-ca-cert-publisher';

function meta(name: string, namespace: string) {
	return {name, namespace, uid: '', resourceVersion: '', creationTimestamp: ''};
}

/** A controller keeping one object of `kind` named `name` in every live namespace. */
function perNamespace(context: ControllerContext, component: string, kind: string, name: string, make: (namespace: string) => KubeObject): Controller {
	const {store} = context;
	return {
		name: component,
		watches: {
			Namespace: ({type, object}) => (type === 'DELETED' || object.metadata.deletionTimestamp ? undefined : object.metadata.name),
			[kind]: ({type, object}) => (type === 'DELETED' && object.metadata.name === name ? object.metadata.namespace : undefined),
		},
		start() {
			for (const namespace of store.list('Namespace')) context.queue(component).add(namespace.metadata.name);
		},
		sync(namespace) {
			const owner = store.get('Namespace', undefined, namespace);
			if (!owner || owner.metadata.deletionTimestamp) return;
			if (store.get(kind, namespace, name)) return;
			store.create(make(namespace));
		},
	};
}

/** The serviceaccount-controller; it also installs the ServiceAccount admission plugin that names its account on new pods. */
export function createServiceAccountsController(context: ControllerContext): Controller {
	installServiceAccountAdmission(context.store);
	return perNamespace(context, serviceAccountComponent, 'ServiceAccount', 'default', namespace => ({
		apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('default', namespace),
	}));
}

const descriptionAnnotation = 'kubernetes.io/description';
const description = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

/**
 * The root-ca-cert-publisher (`pkg/controller/certificates/rootcacertpublisher`):
 * `kube-root-ca.crt` in every live namespace holds the authority's
 * certificate as `ca.crt`; one deleted is made again, one whose data or
 * description changed is written back.
 */
export function createRootCaPublisher(context: ControllerContext): Controller {
	const {store} = context;
	const data = () => ({'ca.crt': context.services.certificateAuthority!().certificate});
	const base = perNamespace(context, publisherComponent, 'ConfigMap', rootCaConfigMap, namespace => ({
		apiVersion: 'v1', kind: 'ConfigMap',
		metadata: {...meta(rootCaConfigMap, namespace), annotations: {[descriptionAnnotation]: description}},
		data: data(),
	}));
	return {
		...base,
		watches: {
			...base.watches,
			ConfigMap: ({type, object}) => (object.metadata.name !== rootCaConfigMap ? undefined : type === 'DELETED' || !object.metadata.deletionTimestamp ? object.metadata.namespace : undefined),
		},
		sync(namespace) {
			const current = store.get('ConfigMap', namespace, rootCaConfigMap) as (KubeObject & {data?: Record<string, string>}) | undefined;
			if (!current) {
				base.sync(namespace);
				return;
			}
			const owner = store.get('Namespace', undefined, namespace);
			if (!owner || owner.metadata.deletionTimestamp || current.metadata.deletionTimestamp) return;
			const wanted = data();
			if (sameData(current.data, wanted) && current.metadata.annotations?.[descriptionAnnotation] === description) return;
			store.update({...current, metadata: {...current.metadata, annotations: {...current.metadata.annotations, [descriptionAnnotation]: description}}, data: wanted} as KubeObject);
		},
	};
}

function sameData(data: Record<string, string> | undefined, wanted: Record<string, string>): boolean {
	const keys = Object.keys(data ?? {});
	return keys.length === Object.keys(wanted).length && keys.every(key => data![key] === wanted[key]);
}

/** Have every namespace's `kube-root-ca.crt` checked again (the cluster's authority changed). */
export function republishRootCa(context: ControllerContext): void {
	for (const namespace of context.store.list('Namespace')) context.queue(publisherComponent).add(namespace.metadata.name);
}
