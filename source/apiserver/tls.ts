/**
 * A self-signed certificate for 127.0.0.1, made at start. kubectl sends a
 * bearer token only over TLS (clientcmd drops user credentials for a plain
 * http server), so the API is served over https and the kubeconfig carries
 * this certificate as its certificate authority. Encoded with the engine's
 * DER writer (a few structures) and signed with node:crypto.
 */
import {generateKeyPairSync, randomBytes, sign} from 'node:crypto';
import {der} from '../engine/index.js';

const {derTrue, distinguishedName, extension, oid, pem, sequence, time, tlv} = der;

const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'));

export type Credentials = {key: string; cert: string};

/** A fresh P-256 key and a certificate for 127.0.0.1 and localhost, valid for a year. */
export function selfSignedCertificate(now = new Date()): Credentials {
	const {privateKey, publicKey} = generateKeyPairSync('ec', {namedCurve: 'prime256v1'});
	const serial = randomBytes(16);
	serial[0] = serial[0]! & 0x7f | 0x01;
	const name = distinguishedName([['2.5.4.3', 'kubarium']]);
	const extensions = sequence(
		extension('2.5.29.19', true, sequence(derTrue)),
		extension('2.5.29.15', true, Buffer.from([0x03, 0x02, 0x02, 0x84])),
		extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))),
		extension('2.5.29.17', false, sequence(tlv(0x87, Buffer.from([127, 0, 0, 1])), tlv(0x82, Buffer.from('localhost', 'ascii')))),
	);
	const tbs = sequence(
		tlv(0xa0, Buffer.from([0x02, 0x01, 0x02])),
		tlv(0x02, serial),
		ecdsaWithSha256,
		name,
		sequence(time(now.getTime() - 3600_000), time(now.getTime() + 365 * 24 * 3600_000)),
		name,
		publicKey.export({type: 'spki', format: 'der'}),
		tlv(0xa3, extensions),
	);
	const signature = sign('sha256', tbs, privateKey);
	const certificate = sequence(tbs, ecdsaWithSha256, tlv(0x03, Buffer.from([0x00]), signature));
	return {key: privateKey.export({type: 'pkcs8', format: 'pem'}) as string, cert: pem('CERTIFICATE', certificate)};
}
