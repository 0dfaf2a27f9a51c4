import type {Controller, ControllerContext} from '../controller.js';
import type {KubeObject} from '../api/types.js';
import {installServiceAccountAdmission, rootCaConfigMap} from '../api/service-account.js';
import {fnv32a} from './controller-utils.js';

/**
 * What every namespace holds from the start in a real cluster: the
 * `default` ServiceAccount (serviceaccount-controller) and the
 * `kube-root-ca.crt` ConfigMap with the cluster CA (root-ca-cert-publisher),
 * which the pods' token volumes project as ca.crt. Both come back when
 * deleted, and neither is created in a namespace being deleted.
 */

const serviceAccountComponent = 'serviceaccount-controller';
const publisherComponent = 'root-ca-cert-publisher';

/** The cluster CA, PEM: made once from a fixed seed, the same in every run. */
export const clusterCaCertificate: string = (() => {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
	let body = 'MIIDBTCCAe2gAwIBAgIIK';
	let hash = fnv32a('kubarium-ca');
	while (body.length < 1044) {
		hash = fnv32a(String(hash), hash);
		body += alphabet[hash % 64];
	}
	body += '=';
	const lines = body.match(/.{1,64}/g)!;
	return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
})();

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

export function createRootCaPublisher(context: ControllerContext): Controller {
	return perNamespace(context, publisherComponent, 'ConfigMap', rootCaConfigMap, namespace => ({
		apiVersion: 'v1', kind: 'ConfigMap',
		metadata: {...meta(rootCaConfigMap, namespace), annotations: {'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.'}},
		data: {'ca.crt': clusterCaCertificate},
	}));
}
