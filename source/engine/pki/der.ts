/**
 * DER, the encoding of X.509 certificates and PKCS #10 requests (X.690):
 * a value is a tag, a length and its content, and a constructed value's
 * content is more values. Writers build the few structures the cluster's
 * certificate authority signs; the reader walks what a client sends.
 * Node's crypto signs and verifies; it has no encoder for these.
 */

function length(n: number): Buffer {
	if (n < 0x80) return Buffer.from([n]);
	const bytes: number[] = [];
	for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
	return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** A value of `tag` holding `content`. */
export function tlv(tag: number, ...content: Buffer[]): Buffer {
	const body = Buffer.concat(content);
	return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

export const sequence = (...content: Buffer[]) => tlv(0x30, ...content);
/** A SET OF: its values sorted by their encodings, as DER orders them. */
export const set = (...content: Buffer[]) => tlv(0x31, ...[...content].sort(Buffer.compare));
/** `[n]` EXPLICIT: a constructed context-specific value around `content`. */
export const explicit = (n: number, ...content: Buffer[]) => tlv(0xa0 | n, ...content);
export const octetString = (content: Buffer) => tlv(0x04, content);
export const utf8String = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
export const derTrue = Buffer.from([0x01, 0x01, 0xff]);

/** An OBJECT IDENTIFIER from its dotted form (`2.5.4.3`). */
export function oid(dotted: string): Buffer {
	const [first, second, ...rest] = dotted.split('.').map(Number);
	const bytes: number[] = [];
	for (const arc of [first! * 40 + second!, ...rest]) {
		const groups: number[] = [];
		let v = arc;
		do {
			groups.unshift(v & 0x7f);
			v = Math.floor(v / 128);
		} while (v > 0);
		for (let i = 0; i < groups.length - 1; i++) groups[i]! |= 0x80;
		bytes.push(...groups);
	}
	return tlv(0x06, Buffer.from(bytes));
}

/** A non-negative INTEGER from its big-endian bytes (a leading zero is added when the top bit is set, and extra ones dropped). */
export function unsignedInteger(bytes: Buffer): Buffer {
	let start = 0;
	while (start < bytes.length - 1 && bytes[start] === 0 && bytes[start + 1]! < 0x80) start++;
	const trimmed = bytes.subarray(start);
	return tlv(0x02, trimmed[0]! >= 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

export const smallInteger = (n: number) => unsignedInteger(Buffer.from([n]));

/** A BIT STRING of whole bytes. */
export const bitString = (content: Buffer) => tlv(0x03, Buffer.from([0]), content);

/**
 * A BIT STRING of named bits (bit 0 first, as KeyUsage numbers them),
 * without trailing zero bits, as DER wants.
 */
export function namedBits(bits: readonly number[]): Buffer {
	const highest = Math.max(-1, ...bits);
	const bytes = Buffer.alloc(Math.max(0, Math.ceil((highest + 1) / 8)));
	for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
	const unused = bytes.length * 8 - (highest + 1);
	return tlv(0x03, Buffer.from([unused]), bytes);
}

/** UTCTime until 2049, GeneralizedTime from 2050, to the second (RFC 5280 4.1.2.5). */
export function time(ms: number): Buffer {
	const date = new Date(Math.floor(ms / 1000) * 1000);
	const pad = (n: number) => String(n).padStart(2, '0');
	const year = date.getUTCFullYear();
	const rest = `${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
	return year < 2050 ? tlv(0x17, Buffer.from(`${pad(year % 100)}${rest}`, 'ascii')) : tlv(0x18, Buffer.from(`${year}${rest}`, 'ascii'));
}

/** A distinguished name of one attribute a RDN: `[['2.5.4.3', 'kubernetes']]` is `CN=kubernetes`. */
export function distinguishedName(attributes: ReadonlyArray<readonly [type: string, value: string]>): Buffer {
	return sequence(...attributes.map(([type, value]) => set(sequence(oid(type), utf8String(value)))));
}

/** An X.509 Extension: its id, whether it is critical, and its value (DER). */
export function extension(id: string, critical: boolean, value: Buffer): Buffer {
	return sequence(oid(id), ...(critical ? [derTrue] : []), octetString(value));
}

/** Text as PEM: base64 in lines of 64 between the label's lines. */
export function pem(label: string, der: Buffer): string {
	const base64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
	return `-----BEGIN ${label}-----\n${base64}\n-----END ${label}-----\n`;
}

// ----- reading ------------------------------------------------------------------------

/** One value read: its tag, and where its header, its content and it end are in the buffer. */
export type Der = {tag: number; start: number; contentStart: number; end: number; bytes: Buffer};

/** Why DER could not be read, in Go's asn1 words. */
export class DerError extends Error {}

/** The value at `at` in `bytes` (it must end within `limit`). */
export function readDer(bytes: Buffer, at = 0, limit = bytes.length): Der {
	if (at + 2 > limit) throw new DerError('asn1: syntax error: data truncated');
	const tag = bytes[at]!;
	if ((tag & 0x1f) === 0x1f) throw new DerError('asn1: syntax error: high-tag-number form is not supported');
	let size = bytes[at + 1]!;
	let contentStart = at + 2;
	if (size & 0x80) {
		const count = size & 0x7f;
		if (count === 0 || count > 4) throw new DerError('asn1: syntax error: indefinite or too long length');
		if (contentStart + count > limit) throw new DerError('asn1: syntax error: data truncated');
		size = 0;
		for (let i = 0; i < count; i++) size = size * 256 + bytes[contentStart + i]!;
		if (size < 0x80 || bytes[contentStart] === 0) throw new DerError('asn1: structure error: length not minimally-encoded');
		contentStart += count;
	}
	const end = contentStart + size;
	if (end > limit) throw new DerError('asn1: syntax error: data truncated');
	return {tag, start: at, contentStart, end, bytes};
}

/** The values a constructed value holds, in order. */
export function childrenOf(value: Der): Der[] {
	const out: Der[] = [];
	for (let at = value.contentStart; at < value.end;) {
		const child = readDer(value.bytes, at, value.end);
		out.push(child);
		at = child.end;
	}
	return out;
}

/** A value's whole encoding (header and content). */
export const encodingOf = (value: Der) => value.bytes.subarray(value.start, value.end);
/** A value's content. */
export const contentOf = (value: Der) => value.bytes.subarray(value.contentStart, value.end);

/** An OBJECT IDENTIFIER's dotted form. */
export function oidText(value: Der): string {
	const content = contentOf(value);
	const arcs: number[] = [];
	let v = 0;
	for (const byte of content) {
		v = v * 128 + (byte & 0x7f);
		if (byte & 0x80) continue;
		if (arcs.length === 0) arcs.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
		else arcs.push(v);
		v = 0;
	}
	return arcs.join('.');
}

/** A string value's text (UTF8String, PrintableString, IA5String, T61String as Latin-1, BMPString). */
export function stringOf(value: Der): string {
	const content = contentOf(value);
	if (value.tag === 0x1e) {
		let text = '';
		for (let i = 0; i + 1 < content.length; i += 2) text += String.fromCharCode(content.readUInt16BE(i));
		return text;
	}
	return content.toString(value.tag === 0x14 ? 'latin1' : 'utf8');
}

/** A UTCTime or GeneralizedTime, as ms since the epoch. */
export function timeOf(value: Der): number {
	const text = contentOf(value).toString('ascii');
	const match = value.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
	if (!match) throw new DerError(`asn1: time did not serialize back to the original value: ${text}`);
	let year = Number(match[1]);
	if (value.tag === 0x17) year += year < 50 ? 2000 : 1900;
	return Date.UTC(year, Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6]));
}

/** The PEM blocks of a text, in order: each one's label and bytes. */
export function pemBlocks(text: string): Array<{label: string; bytes: Buffer}> {
	const out: Array<{label: string; bytes: Buffer}> = [];
	const pattern = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
	for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
		out.push({label: match[1]!, bytes: Buffer.from(match[2]!.replace(/\s+/g, ''), 'base64')});
	}
	return out;
}
