/**
 * Status objects: how the API server reports every failure (and a few
 * successes), so kubectl prints `Error from server (NotFound): …`.
 */
import {KubeError} from '../engine/index.js';

export type StatusCause = {reason?: string; message: string; field?: string};

export type Status = {
	kind: 'Status';
	apiVersion: 'v1';
	/** Empty, but for a 410 on a paged list: the token that continues at the latest version. */
	metadata: {continue?: string};
	status: 'Failure' | 'Success';
	message?: string;
	reason?: string;
	details?: {name?: string; group?: string; kind?: string; causes?: StatusCause[]; retryAfterSeconds?: number};
	code: number;
};

/** An error that becomes a Status reply: reason and HTTP code as the API server gives them. */
export class ApiError extends Error {
	constructor(
		readonly code: number,
		readonly reason: string,
		message: string,
		readonly details?: Status['details'],
	) {
		super(message);
		this.name = 'ApiError';
	}

	/** For an expired continue token: the token that goes on at the latest version (the Status's metadata.continue). */
	listContinue?: string;
}

export function statusOf(code: number, reason: string, message: string, details?: Status['details']): Status {
	return {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? {details} : {}), code};
}

/** What a resource is called in errors and details: `deployments` plus its group. */
export type ErrorSubject = {resource: string; kind: string; group: string; name?: string};

/**
 * The Status for anything thrown while serving: ApiErrors as they are, the
 * engine's KubeErrors mapped to their StatusReason (with `details` naming the
 * object, and field causes for Invalid), anything else as a 500.
 */
export function statusFromError(error: unknown, subject?: ErrorSubject): Status {
	if (error instanceof ApiError) {
		const status = statusOf(error.code, error.reason, error.message, error.details);
		return error.listContinue ? {...status, metadata: {continue: error.listContinue}} : status;
	}
	if (error instanceof KubeError) {
		const details: Status['details'] = subject ? {...(subject.name ? {name: subject.name} : {}), ...(subject.group ? {group: subject.group} : {}), kind: subject.resource} : undefined;
		if (error.code === 'Invalid' && details && subject) {
			// kubectl prints `The <kind> "<name>" is invalid: <causes>` from these.
			details.kind = subject.kind;
			details.causes = invalidCauses(error.message);
		}
		if (error.causes || error.retryAfterSeconds) {
			// A refusal with its own causes (a disruption budget's) names no object.
			return statusOf(error.status, error.code, error.message, {
				...(error.causes ? {causes: error.causes} : {}),
				...(error.retryAfterSeconds ? {retryAfterSeconds: error.retryAfterSeconds} : {}),
			});
		}
		return statusOf(error.status, error.code, error.message, details);
	}
	return statusOf(500, 'InternalError', `Internal error occurred: ${(error as Error)?.message ?? String(error)}`);
}

/**
 * Field causes parsed back from an Invalid message
 * (`Kind "x" is invalid: [a: Invalid value: …, b: Required value]`).
 */
function invalidCauses(message: string): StatusCause[] {
	const at = message.indexOf(' is invalid: ');
	if (at < 0) return [];
	let body = message.slice(at + ' is invalid: '.length);
	if (body.startsWith('[') && body.endsWith(']')) body = body.slice(1, -1);
	const parts = body.split(/, (?=[a-zA-Z0-9_.[\]<>-]+: (?:Invalid value|Required value|Unsupported value|Forbidden|Duplicate value|Too long|Too many|Not found))/);
	return parts.map(part => {
		const match = /^([^:]+): (Invalid value|Required value|Unsupported value|Forbidden|Duplicate value|Too long|Too many|Not found)(?::\s?)?([^]*)$/.exec(part);
		if (!match) return {message: part};
		const reason = {
			'Invalid value': 'FieldValueInvalid', 'Required value': 'FieldValueRequired', 'Unsupported value': 'FieldValueNotSupported',
			Forbidden: 'FieldValueForbidden', 'Duplicate value': 'FieldValueDuplicate', 'Too long': 'FieldValueTooLong',
			'Too many': 'FieldValueTooMany', 'Not found': 'FieldValueNotFound',
		}[match[2]!];
		return {reason, message: `${match[2]}${match[3] ? `: ${match[3]}` : ''}`, field: match[1]};
	});
}

export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);
/** An unknown path: NewNotFound of no resource, whose empty details kubectl reads (`kubectl debug` tells a missing subresource from a missing pod by them). */
export const notFoundPath = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
export const methodNotAllowed = (method: string) => new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`);
export const unauthorized = () => new ApiError(401, 'Unauthorized', 'Unauthorized');
export const unsupportedMediaType = (accepted: readonly string[]) => new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
export const tooLarge = () => new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
export const gone = (message: string) => new ApiError(410, 'Expired', message);
