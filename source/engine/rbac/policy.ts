import type {Store} from '../store.js';
import type {ClusterRole, Role, RoleBinding} from '../api/rbac-objects.js';
import type {RbacPolicy} from './authorizer.js';

/** The authorizer's view of the store's roles and bindings, read at the moment of asking. */
export function storePolicy(store: Store): RbacPolicy {
	return {
		clusterRoleBindings: store.list('ClusterRoleBinding') as RoleBinding[],
		roleBindings: namespace => store.list('RoleBinding', namespace) as RoleBinding[],
		role: (namespace, name) => store.get('Role', namespace, name) as Role | undefined,
		clusterRole: name => store.get('ClusterRole', undefined, name) as ClusterRole | undefined,
	};
}
