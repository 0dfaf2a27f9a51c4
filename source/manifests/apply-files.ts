/**
 * `kubectl apply -f FILE|DIR` over any cluster that can apply manifests:
 * the files are read as kubectl reads them (a directory's `.json`, `.yaml`
 * and `.yml` files in lexical order, not its subdirectories; every document
 * of a multi-document file), checked as kubectl checks them before sending
 * anything, then applied in one all-or-nothing call. The result is one line
 * per object in kubectl's words (`deployment.apps/web configured`), or the
 * error that refused the whole apply, naming the file and the document.
 */
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {homedir} from 'node:os';
import path from 'node:path';
import {parseAllDocuments} from 'yaml';
import type {KubeObject, Manifest} from '../engine/index.js';

/**
 * What an apply needs of a cluster: the embedded engine's facade answers at
 * once, a cluster behind an API may answer with a promise.
 */
export type ApplyTarget = {
	/** Apply every manifest or none; throws (or rejects with) the refusal, with `document`, the index of the refused manifest, when it knows. */
	apply(manifests: Manifest[]): KubeObject[] | Promise<KubeObject[]>;
	/** The live object, or undefined (may throw for a kind the cluster does not know). */
	get(kind: string, name: string, namespace?: string): KubeObject | undefined;
};

/** One document of a manifest file. */
export type ManifestDocument = {
	manifest: Manifest;
	/** The file as kubectl names it: the argument, or the directory joined with the file's name. */
	file: string;
	/** 1-based position among the file's non-empty documents. */
	document: number;
};

/** A path or file that cannot be applied: the message is kubectl's (without its `error: ` prefix). */
export class ManifestFileError extends Error {}

/** The extensions kubectl reads from a directory. */
export const manifestExtensions = ['.json', '.yaml', '.yml'];

/** Where `~`, `~/x` and relative paths point: the home and working directories. */
export type PathBase = {cwd?: string; home?: string};

/** `~` and `~/...` against the home directory, relative paths against the working directory. */
export function resolveUserPath(argument: string, base: PathBase = {}): string {
	const home = base.home ?? homedir();
	const expanded = argument === '~' ? home : argument.startsWith('~/') ? path.join(home, argument.slice(2)) : argument;
	return path.resolve(base.cwd ?? process.cwd(), expanded);
}

/** The files `-f argument` names: the file itself, or a directory's manifest files in lexical order. */
export function manifestFiles(argument: string, base: PathBase = {}): Array<{file: string; absolute: string}> {
	const absolute = resolveUserPath(argument, base);
	let stat;
	try {
		stat = statSync(absolute);
	} catch {
		throw new ManifestFileError(`the path "${argument}" does not exist`);
	}
	if (!stat.isDirectory()) return [{file: argument, absolute}];
	let names: string[];
	try {
		names = readdirSync(absolute);
	} catch (error) {
		throw new ManifestFileError(`error reading [${argument}]: ${(error as Error).message}`);
	}
	const files = names
		.filter(name => manifestExtensions.includes(path.extname(name)))
		// Go's filepath.Walk order: bytewise, so upper case before lower case.
		.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
		.filter(name => {
			try {
				return !statSync(path.join(absolute, name)).isDirectory();
			} catch {
				return false;
			}
		})
		.map(name => ({file: path.join(argument, name), absolute: path.join(absolute, name)}));
	if (files.length === 0) throw new ManifestFileError(`error reading [${argument}]: recognized file extensions are [${manifestExtensions.join(' ')}]`);
	return files;
}

/** kubectl's client-side check of one document: an object with apiVersion and kind. */
function validationError(value: unknown): string | undefined {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'invalid object to validate';
	const fields = value as Record<string, unknown>;
	const errors: string[] = [];
	if (fields['apiVersion'] === undefined || fields['apiVersion'] === null || fields['apiVersion'] === '') errors.push('apiVersion not set');
	if (fields['kind'] === undefined || fields['kind'] === null || fields['kind'] === '') errors.push('kind not set');
	if (errors.length === 0) return undefined;
	return errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
}

/** The documents of one file's text; a `kind: List` stands for its items. */
export function parseManifestText(text: string, file: string): ManifestDocument[] {
	const out: ManifestDocument[] = [];
	let document = 0;
	for (const parsed of parseAllDocuments(text, {uniqueKeys: false})) {
		const error = parsed.errors[0];
		if (error) {
			const line = error.linePos?.[0]?.line;
			throw new ManifestFileError(`error parsing ${file}: error converting YAML to JSON: yaml: ${line ? `line ${line}: ` : ''}${error.message.split('\n')[0]}`);
		}
		const value: unknown = parsed.toJS({maxAliasCount: 100});
		if (value === null || value === undefined) continue;
		document++;
		const invalid = validationError(value);
		if (invalid) throw new ManifestFileError(`error validating "${file}": error validating data: ${invalid}; if you choose to ignore these errors, turn validation off with --validate=false`);
		const manifest = value as Manifest;
		if (manifest.kind === 'List' && Array.isArray(manifest['items'])) {
			for (const item of manifest['items'] as unknown[]) {
				const itemInvalid = validationError(item);
				if (itemInvalid) throw new ManifestFileError(`error validating "${file}": error validating data: ${itemInvalid}; if you choose to ignore these errors, turn validation off with --validate=false`);
				out.push({manifest: item as Manifest, file, document});
			}
		} else {
			out.push({manifest, file, document});
		}
	}
	return out;
}

/** Every document `-f argument` names, in the order kubectl sends them. */
export function readManifests(argument: string, base: PathBase = {}): ManifestDocument[] {
	const out: ManifestDocument[] = [];
	for (const {file, absolute} of manifestFiles(argument, base)) {
		let text: string;
		try {
			text = readFileSync(absolute, 'utf8');
		} catch (error) {
			throw new ManifestFileError(`error reading ${file}: ${(error as Error).message}`);
		}
		out.push(...parseManifestText(text, file));
	}
	if (out.length === 0) throw new ManifestFileError('no objects passed to apply');
	return out;
}

export type ApplyOutcome = 'created' | 'configured' | 'unchanged';

/** One applied object. */
export type AppliedObject = {object: KubeObject; outcome: ApplyOutcome; line: string};

/** `deployment.apps/web`, `service/web`: how kubectl names an object in its result lines. */
export function objectRef(object: {apiVersion?: string; kind?: string; metadata?: {name?: string}}): string {
	const apiVersion = object.apiVersion ?? '';
	const group = apiVersion.includes('/') ? `.${apiVersion.slice(0, apiVersion.indexOf('/'))}` : '';
	return `${(object.kind ?? '').toLowerCase()}${group}/${object.metadata?.name ?? ''}`;
}

/** An apply the cluster refused: nothing of it was written. */
export class ApplyRefused extends Error {
	/** The document refused, when the refusal names one. */
	readonly document?: ManifestDocument;
	constructor(message: string, document?: ManifestDocument) {
		super(message);
		if (document) this.document = document;
	}
}

function liveObject(target: ApplyTarget, manifest: Manifest): KubeObject | undefined {
	const name = manifest.metadata?.name;
	if (typeof name !== 'string' || name === '' || typeof manifest.kind !== 'string') return undefined;
	try {
		return target.get(manifest.kind, name, typeof manifest.metadata?.namespace === 'string' && manifest.metadata.namespace !== '' ? manifest.metadata.namespace : undefined);
	} catch {
		// A kind the cluster does not know: the apply says so.
		return undefined;
	}
}

/** The refusal in kubectl's words, with the file and the document. */
function refusal(error: unknown, documents: readonly ManifestDocument[], existed: readonly boolean[]): ApplyRefused {
	const index = (error as {document?: number}).document ?? (documents.length === 1 ? 0 : undefined);
	const at = index === undefined ? undefined : documents[index];
	const message = error instanceof Error ? error.message : String(error);
	if (!at) return new ApplyRefused(message);
	const {manifest, file, document} = at;
	const where = `"${file}"${countIn(documents, file) > 1 ? ` (document ${document})` : ''}`;
	const noMatch = /^no matches for kind /.test(message);
	if (noMatch) {
		const namespace = typeof manifest.metadata?.namespace === 'string' ? manifest.metadata.namespace : '';
		return new ApplyRefused(`resource mapping not found for name: "${manifest.metadata?.name ?? ''}" namespace: "${namespace}" from ${where}: ${message}; ensure CRDs are installed first`, at);
	}
	const code = (error as {code?: string}).code;
	const verb = existed[index!] ? 'patching' : 'creating';
	return new ApplyRefused(`${code ? `Error from server (${code}): ` : ''}error when ${verb} ${where}: ${message}`, at);
}

function countIn(documents: readonly ManifestDocument[], file: string): number {
	let documentsInFile = 0;
	for (const d of documents) if (d.file === file) documentsInFile = Math.max(documentsInFile, d.document);
	return documentsInFile;
}

/**
 * Apply the documents in one call: all are written or none. Returns a line
 * per object (`configmap/web created`, `... configured`, `... unchanged`);
 * throws ApplyRefused with kubectl's message when any is refused.
 */
export function applyDocuments(target: ApplyTarget, documents: readonly ManifestDocument[]): AppliedObject[] | Promise<AppliedObject[]> {
	// What each object was before the call, or what an earlier document of the call made of it.
	const before = documents.map(d => liveObject(target, d.manifest));
	let stored: KubeObject[] | Promise<KubeObject[]>;
	try {
		stored = target.apply(documents.map(d => d.manifest));
	} catch (error) {
		throw refusal(error, documents, before.map(Boolean));
	}
	if (stored instanceof Promise) {
		return stored.then(objects => resultLines(objects, before), error => {
			throw refusal(error, documents, before.map(Boolean));
		});
	}
	return resultLines(stored, before);
}

/** kubectl's line per stored object: created, or configured or unchanged by its resourceVersion. */
function resultLines(stored: readonly KubeObject[], before: ReadonlyArray<KubeObject | undefined>): AppliedObject[] {
	const seen = new Map<string, KubeObject>();
	return stored.map((object, index) => {
		const key = `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
		const previous = seen.get(key) ?? before[index];
		seen.set(key, object);
		const outcome: ApplyOutcome = !previous ? 'created' : previous.metadata.resourceVersion === object.metadata.resourceVersion ? 'unchanged' : 'configured';
		return {object, outcome, line: `${objectRef(object)} ${outcome}`};
	});
}

/** `kubectl apply -f argument`: read, check and apply; throws ManifestFileError or ApplyRefused (a promise rejects with ApplyRefused). */
export function applyPath(target: ApplyTarget, argument: string, base: PathBase = {}): AppliedObject[] | Promise<AppliedObject[]> {
	return applyDocuments(target, readManifests(argument, base));
}
