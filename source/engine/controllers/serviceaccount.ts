import type {Controller, ControllerContext} from '../controller.js';
import type {KubeObject} from '../api/types.js';
import {installServiceAccountAdmission, rootCaConfigMap} from '../api/service-account.js';
import {sameJson} from '../store.js';

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

/**
 * A controller keeping one object of `kind` named `name` in every live
 * namespace, as `make` makes it. With `kept`, the object is also written
 * back when it no longer is as `kept(made, current)` says it should be
 * (the update to write, or undefined when it is as it should be).
 */
function perNamespace(context: ControllerContext, component: string, kind: string, name: string, make: (namespace: string) => KubeObject, kept?: (made: KubeObject, current: KubeObject) => KubeObject | undefined): Controller {
	const {store} = context;
	return {
		name: component,
		watches: {
			Namespace: ({type, object}) => (type === 'DELETED' || object.metadata.deletionTimestamp ? undefined : object.metadata.name),
			// Deleted, it is made again; changed, it is looked at again when `kept` says how it should be.
			[kind]: ({type, object}) => (object.metadata.name === name && (type === 'DELETED' || (kept && !object.metadata.deletionTimestamp)) ? object.metadata.namespace : undefined),
		},
		start() {
			for (const namespace of store.list('Namespace')) context.queue(component).add(namespace.metadata.name);
		},
		sync(namespace) {
			const owner = store.get('Namespace', undefined, namespace);
			if (!owner || owner.metadata.deletionTimestamp) return;
			const current = store.get(kind, namespace, name);
			if (!current) {
				store.create(make(namespace));
				return;
			}
			const update = kept && !current.metadata.deletionTimestamp ? kept(make(namespace), current) : undefined;
			if (update) store.update(update);
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
	return perNamespace(context, publisherComponent, 'ConfigMap', rootCaConfigMap, namespace => ({
		apiVersion: 'v1', kind: 'ConfigMap',
		metadata: {...meta(rootCaConfigMap, namespace), annotations: {[descriptionAnnotation]: description}},
		data: {'ca.crt': context.services.certificateAuthority!().certificate},
	}), (made, current) => {
		if (sameJson(current['data'], made['data']) && current.metadata.annotations?.[descriptionAnnotation] === description) return undefined;
		return {...current, metadata: {...current.metadata, annotations: {...current.metadata.annotations, [descriptionAnnotation]: description}}, data: made['data']} as KubeObject;
	});
}

/** Have every namespace's `kube-root-ca.crt` checked again (the cluster's authority changed). */
export function republishRootCa(context: ControllerContext): void {
	for (const namespace of context.store.list('Namespace')) context.queue(publisherComponent).add(namespace.metadata.name);
}
