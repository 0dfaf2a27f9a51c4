/**
 * A self-signed certificate for 127.0.0.1, made at start. kubectl sends a
 * bearer token only over TLS (clientcmd drops user credentials for a plain
 * http server), so the API is served over https and the kubeconfig carries
 * this certificate as its certificate authority. Encoded by hand (a few DER
 * structures) and signed with node:crypto, so no dependency is needed.
 */
import {generateKeyPairSync, randomBytes, sign} from 'node:crypto';

function length(n: number): Buffer {
	if (n < 0x80) return Buffer.from([n]);
	const bytes: number[] = [];
	for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
	return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
	const body = Buffer.concat(content);
	return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const sequence = (...content: Buffer[]) => tlv(0x30, ...content);
const oid = (hex: string) => Buffer.from(hex, 'hex');
const ecdsaWithSha256 = oid('06082a8648ce3d040302');

function utcTime(date: Date): Buffer {
	const pad = (n: number) => String(n).padStart(2, '0');
	const text = `${pad(date.getUTCFullYear() % 100)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
	return tlv(0x17, Buffer.from(text, 'ascii'));
}

function extension(id: Buffer, critical: boolean, value: Buffer): Buffer {
	return sequence(id, ...(critical ? [Buffer.from([0x01, 0x01, 0xff])] : []), tlv(0x04, value));
}

function pem(label: string, der: Buffer): string {
	const base64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
	return `-----BEGIN ${label}-----\n${base64}\n-----END ${label}-----\n`;
}

export type Credentials = {key: string; cert: string};

/** A fresh P-256 key and a certificate for 127.0.0.1 and localhost, valid for a year. */
export function selfSignedCertificate(now = new Date()): Credentials {
	const {privateKey, publicKey} = generateKeyPairSync('ec', {namedCurve: 'prime256v1'});
	const serial = randomBytes(16);
	serial[0] = serial[0]! & 0x7f | 0x01;
	const name = sequence(tlv(0x31, sequence(oid('0603550403'), tlv(0x0c, Buffer.from('kubarium', 'utf8')))));
	const extensions = sequence(
		extension(oid('0603551d13'), true, sequence(Buffer.from([0x01, 0x01, 0xff]))),
		extension(oid('0603551d0f'), true, Buffer.from([0x03, 0x02, 0x02, 0x84])),
		extension(oid('0603551d25'), false, sequence(oid('06082b06010505070301'))),
		extension(oid('0603551d11'), false, sequence(tlv(0x87, Buffer.from([127, 0, 0, 1])), tlv(0x82, Buffer.from('localhost', 'ascii')))),
	);
	const tbs = sequence(
		tlv(0xa0, Buffer.from([0x02, 0x01, 0x02])),
		tlv(0x02, serial),
		sequence(ecdsaWithSha256),
		name,
		sequence(utcTime(new Date(now.getTime() - 3600_000)), utcTime(new Date(now.getTime() + 365 * 24 * 3600_000))),
		name,
		publicKey.export({type: 'spki', format: 'der'}),
		tlv(0xa3, extensions),
	);
	const signature = sign('sha256', tbs, privateKey);
	const certificate = sequence(tbs, sequence(ecdsaWithSha256), tlv(0x03, Buffer.from([0x00]), signature));
	return {key: privateKey.export({type: 'pkcs8', format: 'pem'}) as string, cert: pem('CERTIFICATE', certificate)};
}
