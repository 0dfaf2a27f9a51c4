/** HTTP plumbing shared by the handlers: JSON replies, Status replies and request bodies with the API server's limit. */
import type {IncomingMessage, ServerResponse} from 'node:http';
import {parse as parseYaml} from 'yaml';
import {decodeProtobufObject} from './protobuf.js';
import {badRequest, tooLarge, unsupportedMediaType, type Status} from './status.js';

/** The API server refuses request bodies over 3 MiB. */
export const maxBodyBytes = 3 * 1024 * 1024;

export function sendJson(response: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
	const text = JSON.stringify(body);
	response.writeHead(code, {'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private'});
	response.end(text);
}

export function sendStatus(response: ServerResponse, status: Status): void {
	if (response.headersSent) {
		response.destroy();
		return;
	}
	sendJson(response, status.code, status);
}

/** The raw body, refused with 413 past the limit. */
export function readBody(request: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const declared = Number(request.headers['content-length'] ?? 0);
		if (declared > maxBodyBytes) {
			request.resume();
			reject(tooLarge());
			return;
		}
		const chunks: Buffer[] = [];
		let size = 0;
		let refused = false;
		request.on('data', (chunk: Buffer) => {
			if (refused) return;
			size += chunk.length;
			if (size > maxBodyBytes) {
				refused = true;
				reject(tooLarge());
				return;
			}
			chunks.push(chunk);
		});
		request.on('end', () => {
			if (!refused) resolve(Buffer.concat(chunks));
		});
		request.on('error', reject);
	});
}

/** The media type of a request, without parameters. */
export function mediaType(request: IncomingMessage): string {
	return String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * The object a create or replace sends: JSON or YAML, or protobuf as
 * kubectl's typed clients send it. No Content-Type is JSON, the first type
 * the API server serves (kubectl scale --current-replicas sends none).
 */
export function decodeObjectBody(body: Buffer, type: string): unknown {
	if (type === 'application/vnd.kubernetes.protobuf') return decodeProtobufObject(body);
	return decodeBody(body, type || 'application/json', ['application/json', 'application/yaml']);
}

/** A JSON or YAML request body as a value; 415 for other media types, 400 when it does not parse. */
export function decodeBody(body: Buffer, type: string, allowed: readonly string[]): unknown {
	if (!allowed.includes(type)) {
		throw unsupportedMediaType(allowed);
	}
	const text = body.toString('utf8');
	if (text.trim() === '') throw badRequest('the request body is empty');
	if (type.endsWith('yaml')) {
		try {
			return parseYaml(text);
		} catch (error) {
			throw badRequest(`error converting YAML to JSON: ${(error as Error).message.split('\n')[0]}`);
		}
	}
	try {
		return JSON.parse(text);
	} catch (error) {
		throw badRequest(`couldn't get version/kind; json parse error: ${(error as Error).message}`);
	}
}
