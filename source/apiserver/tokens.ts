/**
 * ServiceAccount tokens, as the API server's TokenRequest subresource makes
 * them (`kubectl create token NAME`) and its authenticator takes them back:
 * a JWT signed with RS256, issued by `https://kubernetes.default.svc.cluster.local`
 * for that audience, whose subject is `system:serviceaccount:NAMESPACE:NAME`
 * and whose private claims name the account and its uid. A request that
 * carries one acts as the account, authorized by RBAC; the token stops
 * working when it expires (by the cluster's clock) or when its account is
 * deleted (the uid no longer matches). The signing key is made at the first
 * token, and kept in a file when the server has one (the config dir's
 * `service-account.key`), so tokens outlast a restart.
 */
import {createHash, createPublicKey, createSign, createVerify, generateKeyPairSync, randomUUID, type KeyObject} from 'node:crypto';
import {readKeyFile, writeKeyFile} from './key-file.js';
import {rfc3339, type Cluster} from '../engine/index.js';
import {ApiError} from './status.js';

const issuer = 'https://kubernetes.default.svc.cluster.local';
/** The API server's defaults and bounds for expirationSeconds. */
const defaultSeconds = 3600;
const minimumSeconds = 600;
const maximumSeconds = 2 ** 32;

type Claims = {
	aud: string[];
	exp: number;
	iat: number;
	iss: string;
	jti: string;
	'kubernetes.io': {namespace: string; serviceaccount: {name: string; uid: string}};
	nbf: number;
	sub: string;
};

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export class TokenIssuer {
	private keys: {privateKey: KeyObject; publicKey: KeyObject; kid: string} | undefined;

	/**
	 * `keyFile`: where the signing key is kept (PEM, readable by its owner
	 * only), as kube-apiserver keeps `sa.key`: read when the first token is
	 * issued or checked, made and written there when there is none (or one
	 * that is no private key), so the tokens a server issued are still good
	 * after a restart. Without it the key lives as long as the issuer.
	 */
	constructor(private readonly keyFile?: string) {}

	/** The key pair, made when there is none unless `make` is false (a token checked before any was issued). */
	private signingKeys(make: false): TokenIssuer['keys'];
	private signingKeys(make?: true): NonNullable<TokenIssuer['keys']>;
	private signingKeys(make = true) {
		if (!this.keys) {
			const kept = this.keptKey();
			if (!kept && !make) return undefined;
			const privateKey = kept ?? this.newKey();
			const publicKey = createPublicKey(privateKey);
			const kid = base64url(createHash('sha256').update(publicKey.export({type: 'spki', format: 'der'})).digest());
			this.keys = {privateKey, publicKey, kid};
		}
		return this.keys;
	}

	/** The RSA key the key file holds, if it holds one. */
	private keptKey(): KeyObject | undefined {
		return readKeyFile(this.keyFile, 'rsa');
	}

	/** A new key, written to the key file when there is one. */
	private newKey(): KeyObject {
		const {privateKey} = generateKeyPairSync('rsa', {modulusLength: 2048});
		writeKeyFile(this.keyFile, privateKey);
		return privateKey;
	}

	/**
	 * Answer a TokenRequest for the ServiceAccount `name` in `namespace`: the
	 * request's spec with its defaults, and the token in its status.
	 */
	issue(cluster: Cluster, namespace: string, name: string, body: unknown): Record<string, unknown> {
		const account = cluster.get('ServiceAccount', name, namespace);
		if (!account) throw new ApiError(404, 'NotFound', `serviceaccounts "${name}" not found`, {name, kind: 'serviceaccounts'});
		const spec = (typeof body === 'object' && body !== null ? (body as {spec?: unknown}).spec ?? {} : {}) as {audiences?: unknown; expirationSeconds?: unknown; boundObjectRef?: unknown};
		const audiences = Array.isArray(spec.audiences) && spec.audiences.length > 0 ? spec.audiences.map(String) : [issuer];
		const seconds = spec.expirationSeconds ?? defaultSeconds;
		const invalid = (message: string) => new ApiError(422, 'Invalid', `TokenRequest.authentication.k8s.io "${name}" is invalid: ${message}`, {
			name, group: 'authentication.k8s.io', kind: 'TokenRequest', causes: [{reason: 'FieldValueInvalid', message: message.slice(message.indexOf(': ') + 2), field: 'spec.expirationSeconds'}],
		});
		if (typeof seconds !== 'number' || !Number.isInteger(seconds)) throw invalid(`spec.expirationSeconds: Invalid value: ${JSON.stringify(seconds)}: must be a whole number of seconds`);
		if (seconds < minimumSeconds) throw invalid(`spec.expirationSeconds: Invalid value: ${seconds}: may not specify a duration less than 10 minutes`);
		if (seconds > maximumSeconds) throw invalid(`spec.expirationSeconds: Invalid value: ${seconds}: may not specify a duration larger than 2^32 seconds`);
		const now = Math.floor(cluster.now() / 1000);
		const claims: Claims = {
			aud: audiences, exp: now + seconds, iat: now, iss: issuer, jti: randomUUID(),
			'kubernetes.io': {namespace, serviceaccount: {name, uid: account.metadata.uid}}, nbf: now, sub: `system:serviceaccount:${namespace}:${name}`,
		};
		const {privateKey, kid} = this.signingKeys();
		const signed = `${base64url(JSON.stringify({alg: 'RS256', kid}))}.${base64url(JSON.stringify(claims))}`;
		const signature = createSign('RSA-SHA256').update(signed).sign(privateKey);
		return {
			kind: 'TokenRequest',
			apiVersion: 'authentication.k8s.io/v1',
			metadata: {name, namespace, creationTimestamp: null},
			spec: {audiences, expirationSeconds: seconds, boundObjectRef: spec.boundObjectRef ?? null},
			status: {token: `${signed}.${base64url(signature)}`, expirationTimestamp: rfc3339(claims.exp * 1000)},
		};
	}

	/**
	 * The ServiceAccount user a bearer token names, when this server signed
	 * it for the API server's audience, it has not expired, and its account
	 * still stands under the same uid; undefined otherwise.
	 */
	authenticate(cluster: Cluster, token: string): string | undefined {
		const keys = this.signingKeys(false);
		if (!keys) return undefined;
		const parts = token.split('.');
		if (parts.length !== 3) return undefined;
		const [header, payload, signature] = parts as [string, string, string];
		const verified = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(keys.publicKey, Buffer.from(signature, 'base64url'));
		if (!verified) return undefined;
		let claims: Claims;
		try {
			claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
		} catch {
			return undefined;
		}
		const now = Math.floor(cluster.now() / 1000);
		if (!claims.aud.includes(issuer) || now >= claims.exp || now < claims.nbf) return undefined;
		const {namespace, serviceaccount} = claims['kubernetes.io'];
		const account = cluster.get('ServiceAccount', serviceaccount.name, namespace);
		if (!account || account.metadata.uid !== serviceaccount.uid) return undefined;
		return claims.sub;
	}
}
