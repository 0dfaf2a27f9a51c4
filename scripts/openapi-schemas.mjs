#!/usr/bin/env node
/**
 * Writes openapi/kubernetes-schemas.json: the OpenAPI v3 component schemas of
 * the kinds the API server serves, with Kubernetes' own descriptions, for
 * `kubectl explain`. The text comes from the `kubernetes-types` package
 * (Apache-2.0), which is generated from the Kubernetes OpenAPI spec and keeps
 * every description verbatim, paragraphs included. Its version is the
 * Kubernetes minor the descriptions belong to.
 *
 *   npm pack kubernetes-types@1.30.0 && tar xzf kubernetes-types-1.30.0.tgz
 *   node scripts/openapi-schemas.mjs package
 *
 * Each interface becomes an object schema named as upstream names it
 * (io.k8s.api.apps.v1.Deployment, io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta),
 * a field of an object type refers to it with allOf/$ref as the v3 documents
 * do, and only the schemas reachable from the served kinds are kept.
 */
import {readFileSync, readdirSync, statSync, writeFileSync, mkdirSync} from 'node:fs';
import {join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = process.argv[2];
if (!source) {
	console.error('usage: node scripts/openapi-schemas.mjs <unpacked kubernetes-types package>');
	process.exit(2);
}
const packageVersion = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')).version;

/** The served kinds, as group/version/Kind (the API server's resource registry). */
const served = [
	'/v1/Pod', '/v1/Node', '/v1/Namespace', '/v1/Service', '/v1/Endpoints', '/v1/ConfigMap', '/v1/Secret', '/v1/Event',
	'/v1/PersistentVolume', '/v1/PersistentVolumeClaim', '/v1/ServiceAccount', '/v1/ResourceQuota', '/v1/LimitRange', '/v1/ComponentStatus',
	'apps/v1/Deployment', 'apps/v1/ReplicaSet', 'apps/v1/StatefulSet', 'apps/v1/DaemonSet', 'apps/v1/ControllerRevision',
	'batch/v1/Job', 'batch/v1/CronJob', 'storage.k8s.io/v1/StorageClass', 'discovery.k8s.io/v1/EndpointSlice',
	'coordination.k8s.io/v1/Lease', 'policy/v1/PodDisruptionBudget', 'policy/v1/Eviction', 'autoscaling/v2/HorizontalPodAutoscaler',
	'autoscaling/v1/HorizontalPodAutoscaler', 'autoscaling/v1/Scale',
	'networking.k8s.io/v1/Ingress', 'networking.k8s.io/v1/IngressClass', 'networking.k8s.io/v1/NetworkPolicy',
	'rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/RoleBinding',
	'rbac.authorization.k8s.io/v1/ClusterRoleBinding', 'apiextensions.k8s.io/v1/CustomResourceDefinition',
	'authorization.k8s.io/v1/SelfSubjectAccessReview', 'authorization.k8s.io/v1/SelfSubjectRulesReview',
	'authentication.k8s.io/v1/SelfSubjectReview', 'scheduling.k8s.io/v1/PriorityClass', 'certificates.k8s.io/v1/CertificateSigningRequest',
];

/** The upstream name prefix of a file of the package (`apps/v1.d.ts` → io.k8s.api.apps.v1). */
function prefixOf(file) {
	const rel = relative(source, file).replace(/\.d\.ts$/, '').split('/');
	if (rel[0] === 'meta') return `io.k8s.apimachinery.pkg.apis.meta.${rel[1]}`;
	if (rel[0] === 'api' && rel[1] === 'resource') return 'io.k8s.apimachinery.pkg.api.resource';
	if (rel[0] === 'runtime') return 'io.k8s.apimachinery.pkg.runtime';
	if (rel[0] === 'version') return 'io.k8s.apimachinery.pkg.version';
	if (rel[0] === 'apiextensions') return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${rel[1]}`;
	return `io.k8s.api.${rel.join('.')}`;
}

function files(dir) {
	return readdirSync(dir).flatMap(name => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : files(path);
		return name.endsWith('.d.ts') ? [path] : [];
	});
}

const program = ts.createProgram(files(source), {noResolve: false});
const checker = program.getTypeChecker();

const intOrString = {
	description: 'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
	format: 'int-or-string',
	oneOf: [{type: 'integer'}, {type: 'string'}],
};

const schemas = {'io.k8s.apimachinery.pkg.util.intstr.IntOrString': intOrString};
const ref = name => ({$ref: `#/components/schemas/${name}`});

function docOf(node) {
	const symbol = node.name ? checker.getSymbolAtLocation(node.name) : undefined;
	return symbol ? ts.displayPartsToString(symbol.getDocumentationComment(checker)) : '';
}

/** The upstream name of the declaration a type reference names. */
function nameOfReference(typeNode) {
	const symbol = checker.getSymbolAtLocation(typeNode.typeName);
	const target = symbol && (symbol.flags & ts.SymbolFlags.Alias) ? checker.getAliasedSymbol(symbol) : symbol;
	const declaration = target?.declarations?.[0];
	if (!declaration) throw new Error(`unresolved type ${typeNode.getText()}`);
	return `${prefixOf(declaration.getSourceFile().fileName)}.${target.name}`;
}

/** The schema of a field's type; `inProperty` wraps references in allOf, as the v3 documents do for fields. */
function schemaOf(typeNode, owner, field) {
	switch (typeNode.kind) {
		case ts.SyntaxKind.StringKeyword: return {type: 'string'};
		case ts.SyntaxKind.BooleanKeyword: return {type: 'boolean'};
		case ts.SyntaxKind.NumberKeyword:
			// JSONSchemaProps' bounds are float64; every other number of the API is an integer.
			return owner.endsWith('.JSONSchemaProps') && ['maximum', 'minimum', 'multipleOf'].includes(field) ? {type: 'number', format: 'double'} : {type: 'integer'};
		case ts.SyntaxKind.LiteralType: return {type: 'string'};
		case ts.SyntaxKind.UnionType: {
			const text = typeNode.getText();
			if (text === 'number | string' || text === 'string | number') return {allOf: [ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString')]};
			if (typeNode.types.every(t => t.kind === ts.SyntaxKind.LiteralType)) return {type: 'string'};
			throw new Error(`union ${text} in ${owner}.${field}`);
		}
		case ts.SyntaxKind.TypeLiteral: {
			const index = typeNode.members.find(m => m.kind === ts.SyntaxKind.IndexSignature);
			if (!index) return {type: 'object'};
			return {type: 'object', additionalProperties: itemSchema(index.type, owner, field)};
		}
		case ts.SyntaxKind.ArrayType: return {type: 'array', items: itemSchema(typeNode.elementType, owner, field)};
		case ts.SyntaxKind.TypeReference: {
			if (typeNode.typeName.getText() === 'Array') return {type: 'array', items: itemSchema(typeNode.typeArguments[0], owner, field)};
			return {allOf: [ref(nameOfReference(typeNode))]};
		}
		default: throw new Error(`type ${typeNode.getText()} in ${owner}.${field}`);
	}
}

/** An array's or map's element: a reference stands alone there, as upstream writes it. */
function itemSchema(typeNode, owner, field) {
	const schema = schemaOf(typeNode, owner, field);
	return schema.allOf ? {allOf: schema.allOf} : schema;
}

function visit(node, prefix) {
	if (ts.isInterfaceDeclaration(node)) {
		const name = `${prefix}.${node.name.text}`;
		const schema = {};
		const description = docOf(node);
		if (description) schema.description = description;
		const properties = {};
		const required = [];
		let group;
		let version;
		let kind;
		for (const member of node.members) {
			if (!ts.isPropertySignature(member)) continue;
			const field = member.name.text ?? member.name.getText();
			const property = schemaOf(member.type, name, field);
			const doc = docOf(member);
			const ordered = {...(property.allOf ? {allOf: property.allOf} : {}), ...(doc ? {description: doc} : {}), ...property};
			properties[field] = ordered;
			if (!member.questionToken) required.push(field);
			if (field === 'apiVersion' && ts.isLiteralTypeNode(member.type)) [group, version] = member.type.literal.text.includes('/') ? member.type.literal.text.split('/') : ['', member.type.literal.text];
			if (field === 'kind' && ts.isLiteralTypeNode(member.type)) kind = member.type.literal.text;
		}
		if (Object.keys(properties).length > 0) schema.properties = properties;
		if (required.length > 0) schema.required = required;
		schema.type = 'object';
		if (kind) schema['x-kubernetes-group-version-kind'] = [{group, kind, version}];
		schemas[name] = schema;
	} else if (ts.isTypeAliasDeclaration(node)) {
		const name = `${prefix}.${node.name.text}`;
		const description = docOf(node);
		const base = description ? {description} : {};
		switch (node.name.text) {
			case 'Time': schemas[name] = {...base, format: 'date-time', type: 'string'}; break;
			case 'MicroTime': schemas[name] = {...base, format: 'date-time', type: 'string'}; break;
			case 'Quantity': schemas[name] = {...base, oneOf: [{type: 'string'}, {type: 'number'}]}; break;
			// The apiextensions unions (JSONSchemaPropsOrArray, ...) are free-form values upstream.
			default: schemas[name] = {...base};
		}
	}
}

for (const file of program.getSourceFiles()) {
	if (!file.fileName.startsWith(source.replace(/\/$/, '')) && !file.fileName.startsWith(join(process.cwd(), source))) continue;
	if (file.fileName.includes('node_modules')) continue;
	const prefix = prefixOf(file.fileName);
	ts.forEachChild(file, node => visit(node, prefix));
}
// JSON and the JSONSchemaProps unions hold any value: upstream they are schemas with a description only.
const apiextensions = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';
if (schemas[`${apiextensions}.JSON`]) delete schemas[`${apiextensions}.JSON`].type;

/** The schema names a kind needs, its own first. */
function reachable(start, into) {
	if (into.has(start)) return;
	const schema = schemas[start];
	if (!schema) throw new Error(`no schema ${start}`);
	into.add(start);
	JSON.stringify(schema, (key, value) => {
		if (key === '$ref' && typeof value === 'string') reachable(value.slice('#/components/schemas/'.length), into);
		return value;
	});
}

const kinds = {};
const kept = new Set();
for (const entry of served) {
	const [group, version, kind] = entry.split('/');
	const name = Object.keys(schemas).find(n => schemas[n]['x-kubernetes-group-version-kind']?.some(g => g.group === group && g.version === version && g.kind === kind));
	if (!name) throw new Error(`no schema for ${entry}`);
	kinds[entry] = name;
	reachable(name, kept);
}
const out = {
	source: `kubernetes-types ${packageVersion}: the OpenAPI spec of Kubernetes v${packageVersion.split('.').slice(0, 2).join('.')}`,
	kinds,
	schemas: Object.fromEntries([...kept].sort().map(name => [name, schemas[name]])),
};
mkdirSync(join(root, 'openapi'), {recursive: true});
writeFileSync(join(root, 'openapi/kubernetes-schemas.json'), `${JSON.stringify(out)}\n`);
console.log(`${kept.size} schemas for ${served.length} kinds`);
