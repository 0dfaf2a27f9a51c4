/**
 * Errors the engine throws. Each has a `code` modelled on the API server's
 * StatusReason and a message in kubectl's words.
 */
export type ErrorCode =
	| 'NotFound'
	| 'AlreadyExists'
	| 'Invalid'
	| 'Conflict'
	| 'BadRequest'
	| 'Forbidden'
	| 'TooManyRequests'
	| 'InternalError'
	| 'MethodNotAllowed';

export class KubeError extends Error {
	/** Machine-readable reason, as in a Status object's `reason`. */
	readonly code: ErrorCode;
	/** HTTP status code the API server would answer with. */
	readonly status: number;
	/** Which document of a several-document apply was refused (0-based); nothing of the call was written. */
	document?: number;
	/** The Status's `details.causes` (e.g. the DisruptionBudget cause of a refused eviction). */
	causes?: Array<{reason: string; message: string}>;
	/** The Status's `details.retryAfterSeconds`, when the server suggests one. */
	retryAfterSeconds?: number;

	constructor(code: ErrorCode, message: string, extra: {causes?: KubeError['causes']; retryAfterSeconds?: number} = {}) {
		super(message);
		this.name = 'KubeError';
		this.code = code;
		this.status = statusFor(code);
		if (extra.causes) this.causes = extra.causes;
		if (extra.retryAfterSeconds) this.retryAfterSeconds = extra.retryAfterSeconds;
	}
}

function statusFor(code: ErrorCode): number {
	switch (code) {
		case 'NotFound': return 404;
		case 'AlreadyExists': return 409;
		case 'Conflict': return 409;
		case 'Invalid': return 422;
		case 'Forbidden': return 403;
		case 'BadRequest': return 400;
		case 'TooManyRequests': return 429;
		case 'InternalError': return 500;
		case 'MethodNotAllowed': return 405;
	}
}

/** `deployments.apps "web" not found` */
export function notFound(resource: string, name: string): KubeError {
	return new KubeError('NotFound', `${resource} "${name}" not found`);
}

/** `deployments.apps "web" already exists` */
export function alreadyExists(resource: string, name: string): KubeError {
	return new KubeError('AlreadyExists', `${resource} "${name}" already exists`);
}

/** A write that names a resourceVersion the object no longer has (optimistic concurrency). */
export function conflict(resource: string, name: string): KubeError {
	return new KubeError('Conflict', `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
}

export function badRequest(message: string): KubeError {
	return new KubeError('BadRequest', message);
}

/** One field error, as the API server's field.Error renders it. */
export type FieldError = {
	/** JSON path of the field, e.g. `metadata.name`. */
	field: string;
	/** `Invalid value`, `Required value`, `Unsupported value`, `Forbidden`, ... */
	type: string;
	/** The rejected value, rendered in the message when present (as JSON). */
	value?: unknown;
	/** The value as the message shows it, when that is not its JSON (a Go struct the API server prints as `%#v`). */
	shown?: string;
	/** Human explanation. */
	detail: string;
};

export function renderFieldError(error: FieldError): string {
	const value = error.shown !== undefined ? `: ${error.shown}` : error.value === undefined ? '' : `: ${JSON.stringify(error.value)}`;
	return `${error.field}: ${error.type}${value}${error.detail ? `: ${error.detail}` : ''}`;
}

/**
 * `Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`
 * Several errors are joined as the API server does: `[a, b]`.
 */
export function invalid(kindGroup: string, name: string, errors: FieldError[]): KubeError {
	const rendered = errors.map(renderFieldError);
	const body = rendered.length === 1 ? rendered[0] : `[${rendered.join(', ')}]`;
	return new KubeError('Invalid', `${kindGroup} "${name}" is invalid: ${body}`);
}
