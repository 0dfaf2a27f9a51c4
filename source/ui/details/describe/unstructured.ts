/**
 * kubectl's describer for custom objects (`printUnstructuredContent`): the
 * header, then every field in key order with kubectl's labels (`API Version`,
 * `UID`), metadata included but for the name, namespace, labels, annotations
 * and managedFields already shown or left out.
 */
import type {KubeObject} from '../../../engine/index.js';
import {Writer, annotations, labels} from './writer.js';

/** Words kubectl writes in capitals (golint's common initialisms). */
const initialisms = new Set(['API', 'ASCII', 'CPU', 'CSS', 'DNS', 'EOF', 'GUID', 'HTML', 'HTTP', 'HTTPS', 'ID', 'IP', 'JSON', 'LHS', 'QPS', 'RAM', 'RHS', 'RPC', 'SLA', 'SMTP', 'SQL', 'SSH', 'TCP', 'TLS', 'TTL', 'UDP', 'UI', 'UID', 'UUID', 'URI', 'URL', 'UTF8', 'VM', 'XML', 'XSRF', 'XSS']);

/** kubectl's smartLabelFor: camelCase split into capitalised words, initialisms in capitals. */
export function smartLabel(field: string): string {
	const words = field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[\s_-]+/).filter(Boolean);
	return words.map(word => (initialisms.has(word.toUpperCase()) ? word.toUpperCase() : word[0]!.toUpperCase() + word.slice(1))).join(' ');
}

const skipped = new Set(['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations']);

function print(w: Writer, level: number, content: Record<string, unknown>, path: string): void {
	for (const field of Object.keys(content).sort()) {
		const fieldPath = `${path}.${field}`;
		if (skipped.has(fieldPath)) continue;
		const value = content[field];
		if (Array.isArray(value)) {
			w.line(level, `${smartLabel(field)}:`);
			for (const item of value) {
				if (item !== null && typeof item === 'object' && !Array.isArray(item)) print(w, level + 1, item as Record<string, unknown>, fieldPath);
				else w.line(level + 1, String(item));
			}
		} else if (value !== null && typeof value === 'object') {
			w.line(level, `${smartLabel(field)}:`);
			print(w, level + 1, value as Record<string, unknown>, fieldPath);
		} else {
			w.line(level, `${smartLabel(field)}:`, String(value));
		}
	}
}

export function describeUnstructured(w: Writer, object: KubeObject): void {
	w.line(0, 'Name:', object.metadata.name);
	if (object.metadata.namespace) w.line(0, 'Namespace:', object.metadata.namespace);
	labels(w, 0, 'Labels', object.metadata.labels);
	annotations(w, 0, object.metadata.annotations);
	print(w, 0, object as Record<string, unknown>, '');
}
