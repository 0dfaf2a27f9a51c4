/**
 * The API server's serving certificate, made at start: a fresh P-256 key
 * and a certificate the cluster's authority signs (CN=kube-apiserver, for
 * 127.0.0.1, the `kubernetes` Service's address and names, and localhost),
 * as kubeadm makes `apiserver.crt`. kubectl sends a bearer token only over
 * TLS (clientcmd drops user credentials for a plain http server), so the
 * API is served over https, and the kubeconfig carries the authority's
 * certificate: the same one as the nodes' /etc/kubernetes/pki/ca.crt, so a
 * kubeconfig made from that file trusts the server too.
 */
import {generateKeyPairSync, randomBytes} from 'node:crypto';
import type {Cluster} from '../engine/index.js';

export type Credentials = {key: string; cert: string};

/** The names the certificate is for: kube-apiserver's own (`kubernetes.default.svc…`), the Service's address, and where it listens. */
export function servingNames(cluster: Cluster): string[] {
	const serviceIp = (cluster.get('Service', 'kubernetes', 'default') as {spec?: {clusterIP?: string}} | undefined)?.spec?.clusterIP ?? '10.96.0.1';
	return ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'localhost', serviceIp, '127.0.0.1'];
}

/** A fresh P-256 key and its certificate from the cluster's authority, valid for a year from an hour ago (by this machine's clock, which clients check it against). */
export function servingCertificate(cluster: Cluster, now = Date.now()): Credentials {
	const {privateKey, publicKey} = generateKeyPairSync('ec', {namedCurve: 'prime256v1'});
	const serial = randomBytes(16);
	serial[0] = serial[0]! & 0x7f | 0x01;
	const cert = cluster.issueServingCertificate(publicKey.export({type: 'spki', format: 'der'}), servingNames(cluster), {serial, notBefore: now - 3600_000, notAfter: now + 365 * 24 * 3600_000});
	return {key: privateKey.export({type: 'pkcs8', format: 'pem'}) as string, cert};
}
