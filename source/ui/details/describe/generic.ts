/** Namespaces, Events, kubectl's generic describer for other kinds, and the Events table under every object. */
import type {KubeEvent, KubeObject} from '../../../engine/index.js';
import {Writer, annotations, header, labels, type DescribeSource} from './writer.js';
import {describeNamespacePolicies} from './policy.js';
import {since} from '../time-format.js';

export function describeNamespace(w: Writer, namespace: KubeObject, source: DescribeSource): void {
	w.line(0, 'Name:', namespace.metadata.name);
	labels(w, 0, 'Labels', namespace.metadata.labels);
	annotations(w, 0, namespace.metadata.annotations);
	w.line(0, 'Status:', namespace.status?.phase ?? 'Active');
	describeNamespacePolicies(w, namespace.metadata.name, source);
}

export function describeEvent(w: Writer, event: KubeObject): void {
	const e = event as KubeEvent;
	header(w, event, {labelsFirst: true});
	w.line(0, 'API Version:', event.apiVersion);
	w.line(0, 'Count:', e.count);
	w.line(0, 'First Timestamp:', e.firstTimestamp);
	w.line(0, 'Involved Object:');
	w.line(1, 'Kind:', e.involvedObject.kind);
	w.line(1, 'Name:', e.involvedObject.name);
	if (e.involvedObject.namespace) w.line(1, 'Namespace:', e.involvedObject.namespace);
	if (e.involvedObject.fieldPath) w.line(1, 'Field Path:', e.involvedObject.fieldPath);
	w.line(0, 'Kind:', 'Event');
	w.line(0, 'Last Timestamp:', e.lastTimestamp);
	w.line(0, 'Message:', e.message);
	w.line(0, 'Reason:', e.reason);
	w.line(0, 'Source:');
	w.line(1, 'Component:', e.source.component);
	if (e.source.host) w.line(1, 'Host:', e.source.host);
	w.line(0, 'Type:', e.type);
}

/** kubectl's generic describer: every field as nested `Key: value` lines with capitalised keys. */
export function describeGeneric(w: Writer, object: KubeObject): void {
	header(w, object, {labelsFirst: true});
	const {metadata: _metadata, ...fields} = object;
	const title = (key: string) => key.replace(/^[a-z]/, c => c.toUpperCase()).replace(/([a-z])([A-Z])/g, '$1 $2');
	const walk = (level: number, value: unknown, key: string): void => {
		if (Array.isArray(value)) {
			w.line(level, `${title(key)}:`);
			for (const item of value) {
				if (item !== null && typeof item === 'object') for (const [k, v] of Object.entries(item)) walk(level + 1, v, k);
				else w.line(level + 1, String(item));
			}
		} else if (value !== null && typeof value === 'object') {
			w.line(level, `${title(key)}:`);
			for (const [k, v] of Object.entries(value)) walk(level + 1, v, k);
		} else {
			w.line(level, `${title(key)}:`, String(value));
		}
	};
	for (const [key, value] of Object.entries(fields)) walk(0, value, key);
}

/** The `Events:` table: `Type Reason Age From Message`, ages as `12m (x3 over 20m)` for repeats. */
export function describeEvents(w: Writer, events: KubeEvent[], now: number): void {
	if (events.length === 0) {
		w.line(0, 'Events:', '<none>');
		return;
	}
	w.line(0, 'Events:');
	w.line(1, 'Type', 'Reason', 'Age', 'From', 'Message');
	w.line(1, '----', '------', '----', '----', '-------');
	for (const event of events) {
		const age = event.count > 1
			? `${since(event.lastTimestamp, now)} (x${event.count} over ${since(event.firstTimestamp, now)})`
			: since(event.firstTimestamp, now);
		w.line(1, event.type, event.reason, age, event.source?.component || event.reportingComponent || '', event.message.trim());
	}
}

