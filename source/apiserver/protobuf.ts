/**
 * Protobuf request bodies. kubectl 1.32's typed clients (`create
 * deployment|service|serviceaccount|cronjob|…`, `debug`, `autoscale`,
 * `auth can-i`) POST `application/vnd.kubernetes.protobuf` and do not fall
 * back to JSON. This reads the `k8s\0` envelope (runtime.Unknown) and the
 * object in it, field by field, into the Kubernetes JSON form. The field
 * numbers, names and Go types of every served kind are in
 * openapi/kubernetes-protobuf.json (made by scripts/protobuf-fields.mjs from
 * k8s.io/api's Go types), read at the first protobuf body. A zero value is
 * kept only where the Go field is a pointer (proto2 writes every other field,
 * zero or not, and the JSON form leaves those out); a non-empty field this
 * reader does not know is refused, never guessed.
 */
import {readFileSync} from 'node:fs';
import {packageFile} from '../package-files.js';
import {ApiError} from './status.js';

/**
 * `[json name, type, flags, message or map value]`: type `s` string, `i`
 * integer, `b` bool, `f` float, `y` bytes, `t` time, `u` micro time, `q`
 * quantity, `n` int-or-string, `r` raw JSON, `m` message, `M` map; flags `p`
 * pointer, `r` repeated, `i` inline (an embedded struct).
 */
type Field = [name: string, type: string, flags: string, extra?: string];
type Fields = {kinds: Record<string, string>; messages: Record<string, Record<string, Field>>};

let loaded: Fields | undefined;

function protobufFields(): Fields {
	if (loaded) return loaded;
	const file = packageFile('openapi/kubernetes-protobuf.json');
	loaded = file ? JSON.parse(readFileSync(file, 'utf8')) as Fields : {kinds: {}, messages: {}};
	return loaded;
}

class Reader {
	offset = 0;
	constructor(readonly bytes: Buffer) {}
	done(): boolean {
		return this.offset >= this.bytes.length;
	}
	varint(): bigint {
		let result = 0n;
		let shift = 0n;
		for (;;) {
			if (this.offset >= this.bytes.length) throw malformed('truncated varint');
			const byte = this.bytes[this.offset++]!;
			result |= BigInt(byte & 0x7f) << shift;
			if ((byte & 0x80) === 0) return result;
			shift += 7n;
			if (shift > 70n) throw malformed('varint too long');
		}
	}
	chunk(): Buffer {
		const length = Number(this.varint());
		if (this.offset + length > this.bytes.length) throw malformed('truncated field');
		const out = this.bytes.subarray(this.offset, this.offset + length);
		this.offset += length;
		return out;
	}
}

function malformed(detail: string): ApiError {
	return new ApiError(400, 'BadRequest', `the protobuf body could not be read: ${detail}`);
}

function unsupported(message: string, field: number): ApiError {
	return new ApiError(415, 'UnsupportedMediaType', `this server cannot read field ${field} of ${message} in a protobuf body yet; send the object as JSON or YAML (kubectl create -f)`);
}

function toInt(value: bigint): number {
	return Number(BigInt.asIntN(64, value));
}

type Raw = {wire: number; value: bigint | Buffer};

function fields(bytes: Buffer): Array<[number, Raw]> {
	const reader = new Reader(bytes);
	const out: Array<[number, Raw]> = [];
	while (!reader.done()) {
		const tag = Number(reader.varint());
		const number = tag >> 3;
		const wire = tag & 7;
		if (wire === 0) out.push([number, {wire, value: reader.varint()}]);
		else if (wire === 2) out.push([number, {wire, value: reader.chunk()}]);
		else if (wire === 1 || wire === 5) {
			const size = wire === 1 ? 8 : 4;
			if (reader.offset + size > bytes.length) throw malformed('truncated field');
			out.push([number, {wire, value: bytes.subarray(reader.offset, reader.offset + size)}]);
			reader.offset += size;
		} else throw malformed(`wire type ${wire}`);
	}
	return out;
}

function isEmpty(raw: Raw): boolean {
	if (raw.wire === 0) return raw.value === 0n;
	const bytes = raw.value as Buffer;
	return raw.wire === 2 ? bytes.length === 0 : bytes.every(byte => byte === 0);
}

function decodeMessage(name: string, bytes: Buffer): Record<string, unknown> {
	const schema = protobufFields().messages[name];
	if (!schema) throw new ApiError(415, 'UnsupportedMediaType', `this server cannot read ${name} in a protobuf body; send the object as JSON or YAML (kubectl create -f)`);
	const out: Record<string, unknown> = {};
	for (const [number, raw] of fields(bytes)) {
		const field = schema[number];
		if (!field) {
			if (isEmpty(raw)) continue;
			throw unsupported(name, number);
		}
		const [key, type, flags] = field;
		const value = decodeValue(name, number, field, raw);
		if (value === undefined) continue;
		if (flags.includes('i')) {
			Object.assign(out, value);
		} else if (type === 'M') {
			const [entry, item] = value as [string, unknown];
			out[key] = {...(out[key] as object ?? {}), [entry]: item};
		} else if (flags.includes('r')) {
			out[key] = [...(out[key] as unknown[] ?? []), value];
		} else {
			out[key] = value;
		}
	}
	return out;
}

function bytesOf(message: string, number: number, raw: Raw): Buffer {
	if (raw.wire !== 2) throw malformed(`field ${number} of ${message} has the wrong wire type`);
	return raw.value as Buffer;
}

function numberOf(message: string, number: number, raw: Raw): bigint {
	if (raw.wire !== 0) throw malformed(`field ${number} of ${message} has the wrong wire type`);
	return raw.value as bigint;
}

/** A Timestamp's seconds and nanoseconds as RFC 3339, to the second (Time) or the microsecond (MicroTime). */
function timeText(bytes: Buffer, micro: boolean): string | undefined {
	const parts = new Map(fields(bytes));
	const seconds = toInt((parts.get(1)?.value as bigint | undefined) ?? 0n);
	const nanos = toInt((parts.get(2)?.value as bigint | undefined) ?? 0n);
	if (seconds === 0 && nanos === 0) return undefined;
	const whole = new Date(seconds * 1000).toISOString().slice(0, 19);
	return micro ? `${whole}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${whole}Z`;
}

/** A scalar of a map's value or a list's item: the same rules as a field's, its zero kept. */
function decodeValue(message: string, number: number, field: Field, raw: Raw): unknown {
	const [, type, flags, extra] = field;
	const keepZero = flags.includes('p') || flags.includes('r');
	switch (type) {
		case 's': {
			const text = bytesOf(message, number, raw).toString('utf8');
			return text === '' && !keepZero ? undefined : text;
		}
		case 'y': {
			const bytes = bytesOf(message, number, raw);
			return bytes.length === 0 && !keepZero ? undefined : bytes.toString('base64');
		}
		case 'r': {
			// RawExtension and FieldsV1: the JSON text itself, in field 1.
			const raw_ = new Map(fields(bytesOf(message, number, raw))).get(1)?.value as Buffer | undefined;
			if (!raw_ || raw_.length === 0) return undefined;
			try {
				return JSON.parse(raw_.toString('utf8')) as unknown;
			} catch {
				throw malformed(`field ${number} of ${message} holds no JSON`);
			}
		}
		case 'i': {
			const value = toInt(numberOf(message, number, raw));
			return value === 0 && !keepZero ? undefined : value;
		}
		case 'b': {
			const value = numberOf(message, number, raw) !== 0n;
			return !value && !keepZero ? undefined : value;
		}
		case 'f': {
			if (raw.wire !== 1) throw malformed(`field ${number} of ${message} has the wrong wire type`);
			const value = (raw.value as Buffer).readDoubleLE(0);
			return value === 0 && !keepZero ? undefined : value;
		}
		case 't':
		case 'u':
			return timeText(bytesOf(message, number, raw), type === 'u');
		case 'q': {
			const text = fields(bytesOf(message, number, raw)).find(([n]) => n === 1)?.[1];
			return text ? (text.value as Buffer).toString('utf8') : undefined;
		}
		case 'n': {
			const parts = new Map(fields(bytesOf(message, number, raw)));
			const kind = parts.get(1)?.value ?? 0n;
			if (kind === 1n) return (parts.get(3)?.value as Buffer | undefined)?.toString('utf8') ?? '';
			return toInt((parts.get(2)?.value as bigint | undefined) ?? 0n);
		}
		case 'm': {
			const value = decodeMessage(extra!, bytesOf(message, number, raw));
			// An empty struct is no value, but an empty pointer is one: `emptyDir: {}`.
			return Object.keys(value).length === 0 && !keepZero ? undefined : value;
		}
		case 'M': {
			const entry = new Map(fields(bytesOf(message, number, raw)));
			const key = (entry.get(1)?.value as Buffer | undefined)?.toString('utf8') ?? '';
			const item = entry.get(2);
			const value = item ? decodeValue(message, number, [key, extra!, 'p'], item) : extra === 's' || extra === 'y' ? '' : undefined;
			return [key, value ?? ''];
		}
		default:
			throw unsupported(message, number);
	}
}

/** A `k8s\0`-framed protobuf body as the Kubernetes JSON object it encodes. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
	if (body.length < 4 || body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw malformed('the body does not start with the k8s\\0 magic');
	// runtime.Unknown: 1 TypeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType.
	const envelope = new Map(fields(body.subarray(4)));
	const typeMeta = envelope.get(1);
	const meta = typeMeta?.wire === 2 ? new Map(fields(typeMeta.value as Buffer)) : new Map<number, Raw>();
	const text = (raw: Raw | undefined) => (raw?.wire === 2 ? (raw.value as Buffer).toString('utf8') : undefined);
	const apiVersion = text(meta.get(1));
	const kind = text(meta.get(2));
	const root = protobufFields().kinds[`${apiVersion}/${kind}`];
	if (!root) {
		throw new ApiError(415, 'UnsupportedMediaType', `this server cannot read a ${kind ?? 'object'} in a protobuf body; send it as JSON or YAML (kubectl create -f)`);
	}
	const raw = envelope.get(2);
	if (raw?.wire !== 2) throw malformed('the envelope holds no object');
	return {apiVersion, kind, ...decodeMessage(root, raw.value as Buffer)};
}
