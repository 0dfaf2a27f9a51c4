/** The text writer and the header pieces every describer shares (kubectl's PrefixWriter and describe helpers). */
import type {KubeObject, LabelSelector} from '../../../engine/index.js';
import {sanitizeLine} from '../../sanitize.js';
import {selectorString} from '../../render/selectors.js';
import {tabwrite} from '../tabwriter.js';

/** What describe reads from the cluster: a structural subset of the facade, so tests pass the real one. */
export type DescribeSource = {
	now(): number;
	eventsFor(object: KubeObject): KubeObject[];
	list(kind: string, options?: {namespace?: string}): KubeObject[];
	get(kind: string, name: string, namespace?: string): KubeObject | undefined;
};

/**
 * A line writer like kubectl's PrefixWriter: `level` indents by two spaces,
 * cells are joined with tabs for the tabwriter, and every cell is sanitised,
 * so object text can carry no control sequence and no line break.
 */
export class Writer {
	readonly lines: string[] = [];
	line(level: number, ...cells: unknown[]): void {
		const text = cells.map(cell => sanitizeLine(String(cell ?? ''))).join('\t');
		this.lines.push('  '.repeat(level) + text);
	}
	/** A raw line that is already safe (section rules, blank lines). */
	raw(text: string): void {
		this.lines.push(text);
	}
	text(): string {
		return tabwrite(this.lines).join('\n');
	}
}

export const maxAnnotationLength = 140;

export type Describer = (w: Writer, object: KubeObject, source: DescribeSource) => void;

export function header(w: Writer, object: KubeObject, options: {labelsFirst?: boolean} = {}): void {
	w.line(0, 'Name:', object.metadata.name);
	if (object.metadata.namespace !== undefined) w.line(0, 'Namespace:', object.metadata.namespace);
	if (!options.labelsFirst) return;
	labels(w, 0, 'Labels', object.metadata.labels);
	annotations(w, 0, object.metadata.annotations);
}

export function labels(w: Writer, level: number, title: string, map: Record<string, string> | undefined): void {
	const keys = Object.keys(map ?? {}).sort();
	if (keys.length === 0) {
		w.line(level, `${title}:`, '<none>');
		return;
	}
	keys.forEach((key, i) => w.line(level, i === 0 ? `${title}:` : '', `${key}=${map![key]}`));
}

export function annotations(w: Writer, level: number, map: Record<string, string> | undefined): void {
	const keys = Object.keys(map ?? {}).sort();
	if (keys.length === 0) {
		w.line(level, 'Annotations:', '<none>');
		return;
	}
	keys.forEach((key, i) => {
		let value = map![key]!;
		if (value.length > maxAnnotationLength || value.includes('\n')) value = `${value.split('\n')[0]!.slice(0, maxAnnotationLength)}...`;
		w.line(level, i === 0 ? 'Annotations:' : '', `${key}: ${value}`);
	});
}

export function controlledBy(w: Writer, object: KubeObject): void {
	const owner = object.metadata.ownerReferences?.find(reference => reference.controller);
	if (owner) w.line(0, 'Controlled By:', `${owner.kind}/${owner.name}`);
}

export function selectorText(selector: LabelSelector | undefined): string {
	return selectorString(selector) || '<none>';
}

export function mapSelectorText(map: Record<string, string> | undefined): string {
	return selectorString(map ?? {}) || '<none>';
}

export function podsStatus(source: DescribeSource, owner: KubeObject): string {
	const counts = {Running: 0, Pending: 0, Succeeded: 0, Failed: 0};
	for (const pod of source.list('Pod', {namespace: owner.metadata.namespace})) {
		if (!pod.metadata.ownerReferences?.some(reference => reference.uid === owner.metadata.uid)) continue;
		const phase = (pod.status?.phase ?? 'Pending') as keyof typeof counts;
		if (phase in counts) counts[phase]++;
	}
	return `${counts.Running} Running / ${counts.Pending} Waiting / ${counts.Succeeded} Succeeded / ${counts.Failed} Failed`;
}

export function conditionsTable(w: Writer, conditions: Array<{type: string; status: string; reason?: string}> | undefined): void {
	if (!conditions || conditions.length === 0) return;
	w.line(0, 'Conditions:');
	w.line(1, 'Type', 'Status', 'Reason');
	w.line(1, '----', '------', '------');
	for (const condition of conditions) w.line(1, condition.type, condition.status, condition.reason ?? '');
}

