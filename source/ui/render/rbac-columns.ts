/**
 * RBAC kinds and CustomResourceDefinitions as k9s renders them
 * (render/{ro,cr,rb,crb,crd}.go): Roles and ClusterRoles NAME LABELS(w) AGE;
 * RoleBindings NAME ROLE KIND SUBJECTS LABELS(w) AGE; ClusterRoleBindings
 * NAME CLUSTERROLE SUBJECT-KIND SUBJECTS LABELS(w) AGE; definitions NAME
 * GROUP KIND VERSIONS SCOPE ALIASES(w) LABELS(w) VALID(w) AGE;
 * CertificateSigningRequests as k9s's generic view shows the API server's
 * table, AGE last: NAME SIGNERNAME REQUESTOR REQUESTEDDURATION CONDITION AGE.
 */
import {csrConditionText, type CertificateSigningRequest, type KubeObject} from '../../engine/index.js';
import {age, ageColumn, humanDuration, labelsText, nameColumn, terminating, type ColumnSet} from './columns.js';

const health = (object: KubeObject) => (terminating(object) ? 'terminating' as const : 'normal' as const);

function roleColumns(kind: string): ColumnSet {
	return {
		kind,
		columns: [nameColumn, {name: 'LABELS', wide: true}, ageColumn],
		row(object, {now}) {
			const [ageText, ageMs] = age(object, now);
			return {cells: [object.metadata.name, labelsText(object.metadata.labels), ageText], sort: [undefined, undefined, ageMs]};
		},
		health,
	};
}

/** k9s' subject kind aliases. */
function subjectAlias(kind: string): string {
	switch (kind) {
		case 'User': return 'USR';
		case 'Group': return 'GRP';
		case 'ServiceAccount': return 'SA';
		default: return kind.toUpperCase();
	}
}

/** k9s' renderSubjects: the (last) subject kind, and the names joined with commas. */
export function subjectsText(subjects: Array<{kind: string; name: string}> | undefined): [string, string] {
	if (!subjects || subjects.length === 0) return ['n/a', ''];
	return [subjectAlias(subjects[subjects.length - 1]!.kind), subjects.map(s => s.name).join(',')];
}

function bindingColumns(kind: string, roleHeader: string, kindHeader: string): ColumnSet {
	return {
		kind,
		columns: [nameColumn, {name: roleHeader}, {name: kindHeader}, {name: 'SUBJECTS'}, {name: 'LABELS', wide: true}, ageColumn],
		row(object, {now}) {
			const [ageText, ageMs] = age(object, now);
			const [subjectKind, subjects] = subjectsText(object['subjects'] as Array<{kind: string; name: string}> | undefined);
			const ref = (object['roleRef'] ?? {}) as {name?: string};
			return {
				cells: [object.metadata.name, ref.name ?? '', subjectKind, subjects, labelsText(object.metadata.labels), ageText],
				sort: [undefined, undefined, undefined, undefined, undefined, ageMs],
			};
		},
		health,
	};
}

export const namespacedRoleColumns = roleColumns('Role');

/** ServiceAccounts (k9s render/sa.go): NAME SECRET LABELS(w) AGE, SECRET counting the listed secrets. */
export const serviceAccountColumns: ColumnSet = {
	kind: 'ServiceAccount',
	columns: [nameColumn, {name: 'SECRET', numeric: true, align: 'right'}, {name: 'LABELS', wide: true}, ageColumn],
	row(object, {now}) {
		const [ageText, ageMs] = age(object, now);
		const secrets = ((object['secrets'] as unknown[] | undefined) ?? []).length;
		return {cells: [object.metadata.name, String(secrets), labelsText(object.metadata.labels), ageText], sort: [undefined, secrets, undefined, ageMs]};
	},
	health,
};
export const certificateSigningRequestColumns: ColumnSet = {
	kind: 'CertificateSigningRequest',
	columns: [nameColumn, {name: 'SIGNERNAME'}, {name: 'REQUESTOR'}, {name: 'REQUESTEDDURATION'}, {name: 'CONDITION'}, ageColumn],
	row(object, {now}) {
		const csr = object as CertificateSigningRequest;
		const [ageText, ageMs] = age(object, now);
		const seconds = csr.spec?.expirationSeconds;
		return {
			cells: [object.metadata.name, csr.spec?.signerName ?? '', csr.spec?.username ?? '', typeof seconds === 'number' ? humanDuration(seconds * 1000) : '<none>', csrConditionText(csr), ageText],
			sort: [undefined, undefined, undefined, seconds, undefined, ageMs],
		};
	},
	// Pending asks for a decision; Denied and Failed issued nothing.
	health(object) {
		if (terminating(object)) return 'terminating';
		const condition = csrConditionText(object as CertificateSigningRequest);
		return condition.startsWith('Denied') || condition.includes('Failed') ? 'error' : condition === 'Pending' ? 'pending' : 'normal';
	},
};
export const clusterRoleColumns = roleColumns('ClusterRole');
export const roleBindingColumns = bindingColumns('RoleBinding', 'ROLE', 'KIND');
export const clusterRoleBindingColumns = bindingColumns('ClusterRoleBinding', 'CLUSTERROLE', 'SUBJECT-KIND');

type Version = {name: string; served?: boolean; deprecated?: boolean; deprecationWarning?: string};

/** k9s' VALID column: why a definition is not healthy, or `OK`. */
function diagnose(name: string, versions: Version[]): string {
	if (versions.length === 0) return `unable to assert CRD servers versions for ${name}`;
	const problems: string[] = [];
	for (const version of versions) {
		if (version.deprecated) problems.push(version.deprecationWarning ?? `${name}[${version.name}] is deprecated`);
	}
	if (!versions.some(v => v.served)) problems.push(`CRD ${name} is no longer served by the api server`);
	return problems.length === 0 ? 'OK' : problems.join(' - ');
}

export const crdColumns: ColumnSet = {
	kind: 'CustomResourceDefinition',
	columns: [nameColumn, {name: 'GROUP'}, {name: 'KIND'}, {name: 'VERSIONS'}, {name: 'SCOPE'}, {name: 'ALIASES', wide: true}, {name: 'LABELS', wide: true}, {name: 'VALID', wide: true}, ageColumn],
	row(object, {now}) {
		const [ageText, ageMs] = age(object, now);
		const spec = (object.spec ?? {}) as {group?: string; scope?: string; names?: {plural?: string; kind?: string; shortNames?: string[]}; versions?: Version[]};
		const versions = (spec.versions ?? []).filter(v => v.served).map(v => (v.deprecated ? `${v.name}!` : v.name));
		const shortNames = spec.names?.shortNames ?? [];
		return {
			cells: [
				spec.names?.plural ?? object.metadata.name, spec.group ?? '', spec.names?.kind ?? '', versions.length ? versions.join(',') : 'n/a', spec.scope ?? '',
				shortNames.length ? shortNames.join(',') : 'n/a', labelsText(object.metadata.labels), diagnose(object.metadata.name, spec.versions ?? []), ageText,
			],
			sort: [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, ageMs],
		};
	},
	health: object => {
		if (terminating(object)) return 'terminating';
		const established = (object.status?.conditions as Array<{type: string; status: string}> | undefined)?.some(c => c.type === 'Established' && c.status === 'True');
		return established ? 'normal' : 'pending';
	},
};
