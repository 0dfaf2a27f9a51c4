/**
 * Kinds as the dashboard finds them: the built-in ones by the engine's
 * registry, and the kinds the cluster's CustomResourceDefinitions define
 * (served from when a definition is established until it is gone), each with
 * its column set.
 */
import {resolveResource, type Cluster, type KubeObject, type ResourceType} from '../../engine/index.js';
import type {ColumnSet} from '../render/columns.js';
import {columnSetFor} from '../render/registry.js';
import {customColumnSet} from '../render/custom-columns.js';

type KindSource = {
	resolveResource?: Cluster['resolveResource'];
	get?: (kind: string, name: string, namespace?: string) => KubeObject | undefined;
};

/** The type a kind name, plural, singular or short name stands for now; throws kubectl's error for an unknown one. */
export function kindType(cluster: KindSource | undefined, kind: string): ResourceType {
	return typeof cluster?.resolveResource === 'function' ? cluster.resolveResource(kind) : resolveResource(kind);
}

/** A custom kind the name stands for, or undefined (a built-in kind, or nothing). */
export function customKind(cluster: KindSource | undefined, name: string): string | undefined {
	try {
		const type = kindType(cluster, name);
		return type.definition ? type.kind : undefined;
	} catch {
		return undefined;
	}
}

/** The column set of a kind: its own renderer, or its definition's printer columns. */
export function columnsFor(cluster: KindSource | undefined, kind: string): ColumnSet | undefined {
	const builtin = columnSetFor(kind);
	if (builtin) return builtin;
	try {
		const type = kindType(cluster, kind);
		const definition = type.definition ? cluster?.get?.('CustomResourceDefinition', type.definition) : undefined;
		return definition ? customColumnSet(definition) : undefined;
	} catch {
		return undefined;
	}
}
