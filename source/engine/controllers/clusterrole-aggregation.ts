import type {Controller, ControllerContext} from '../controller.js';
import type {ClusterRole, PolicyRule} from '../api/rbac-objects.js';
import {labelSelectorFromObject, matchesLabels} from '../api/selectors.js';
import {sameJson} from '../store.js';
import {fixedUidOptions} from './controller-utils.js';
import {bootstrapClusterRoleBindings, bootstrapClusterRoles} from '../rbac/bootstrap-policy.js';
import '../api/rbac-objects.js';

/**
 * The ClusterRole aggregation controller (`pkg/controller/clusterroleaggregation`):
 * a ClusterRole with an aggregationRule gets as its rules the union of the
 * rules of every ClusterRole its selectors match, in name order, without
 * duplicates. It reacts only to ClusterRole writes, so idle roles cost
 * nothing. Its start also stores the default roles and bindings, as the
 * API server's RBAC bootstrap does.
 */

const component = 'clusterrole-aggregation-controller';

function selects(role: ClusterRole, labels: Record<string, string> | undefined): boolean {
	return (role.aggregationRule?.clusterRoleSelectors ?? []).some(selector => matchesLabels(labelSelectorFromObject(selector), labels));
}

export function createClusterRoleAggregationController(context: ControllerContext): Controller {
	const {store} = context;
	const aggregated = () => (store.list('ClusterRole') as ClusterRole[]).filter(role => role.aggregationRule);

	return {
		name: component,
		watches: {
			ClusterRole: ({object, old}) => {
				const keys: string[] = [];
				if ((object as ClusterRole).aggregationRule) keys.push(object.metadata.name);
				for (const role of aggregated()) {
					if (role.metadata.name === object.metadata.name) continue;
					if (selects(role, object.metadata.labels) || (old && selects(role, old.metadata.labels))) keys.push(role.metadata.name);
				}
				return keys;
			},
		},
		start() {
			// Fixed uids: the default policy takes nothing from the seeded generator, so seeds replay as before it existed.
			for (const role of bootstrapClusterRoles()) {
				if (!store.get('ClusterRole', undefined, role.metadata.name)) store.create(role, fixedUidOptions(store, `ClusterRole/${role.metadata.name}`));
			}
			for (const binding of bootstrapClusterRoleBindings()) {
				if (!store.get('ClusterRoleBinding', undefined, binding.metadata.name)) store.create(binding, fixedUidOptions(store, `ClusterRoleBinding/${binding.metadata.name}`));
			}
		},
		sync(name) {
			const role = store.get('ClusterRole', undefined, name) as ClusterRole | undefined;
			if (!role?.aggregationRule || role.metadata.deletionTimestamp) return;
			const sources = (store.list('ClusterRole') as ClusterRole[])
				.filter(other => other.metadata.name !== name && selects(role, other.metadata.labels))
				.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
			const rules: PolicyRule[] = [];
			for (const source of sources) {
				for (const rule of source.rules ?? []) if (!rules.some(known => sameJson(known, rule))) rules.push(rule);
			}
			if (sameJson(rules, role.rules ?? [])) return;
			store.update({...role, metadata: {...role.metadata, resourceVersion: ''}, rules});
		},
	};
}
