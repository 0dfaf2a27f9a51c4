#!/usr/bin/env node
/**
 * Writes openapi/kubernetes-protobuf.json: the protobuf field numbers of the
 * kinds the API server serves, so that it reads what kubectl's typed clients
 * send as `application/vnd.kubernetes.protobuf` (`create serviceaccount`,
 * `create cronjob`, `debug`, ...). The numbers come from the Go types of
 * k8s.io/api and k8s.io/apimachinery: each field's `protobuf:"…"` tag gives
 * its number, its JSON tag its name, and its Go type whether it is a
 * pointer (a zero value is then kept), a list, a map or a message.
 *
 *   git clone --branch v0.32.9 https://github.com/kubernetes/api
 *   git clone --branch v0.32.9 https://github.com/kubernetes/apimachinery
 *   node scripts/protobuf-fields.mjs api apimachinery v0.32.9
 *
 * A field is `[json name, type, flags, message or map value]`: type `s`
 * string, `i` integer, `b` bool, `f` float, `y` bytes, `t` time, `u` micro
 * time, `q` quantity, `n` int-or-string, `r` raw JSON (RawExtension,
 * FieldsV1), `m` message, `M` map; flags hold `p` (a Go pointer), `r`
 * (repeated) and `i` (an embedded struct whose fields sit in its parent's
 * JSON). Message names are `group/version.Name` (`core/v1.PodSpec`,
 * `meta/v1.ObjectMeta`).
 */
import {readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const [api, machinery, version] = process.argv.slice(2);
if (!api || !machinery || !version) {
	console.error('usage: node scripts/protobuf-fields.mjs <k8s.io/api checkout> <k8s.io/apimachinery checkout> <their version>');
	process.exit(2);
}

/** The served group versions: package key, folder, and the apiVersion their kinds are sent with. */
const served = [
	['core/v1', 'v1'], ['apps/v1', 'apps/v1'], ['batch/v1', 'batch/v1'], ['autoscaling/v1', 'autoscaling/v1'], ['autoscaling/v2', 'autoscaling/v2'],
	['networking/v1', 'networking.k8s.io/v1'], ['policy/v1', 'policy/v1'], ['rbac/v1', 'rbac.authorization.k8s.io/v1'], ['storage/v1', 'storage.k8s.io/v1'],
	['coordination/v1', 'coordination.k8s.io/v1'], ['discovery/v1', 'discovery.k8s.io/v1'], ['authentication/v1', 'authentication.k8s.io/v1'],
	['authorization/v1', 'authorization.k8s.io/v1'], ['scheduling/v1', 'scheduling.k8s.io/v1'], ['certificates/v1', 'certificates.k8s.io/v1'],
];
const packages = new Map(served.map(([key]) => [key, join(api, key)]));
packages.set('meta/v1', join(machinery, 'pkg/apis/meta/v1'));

/** Types of other packages that are not messages of their own here. */
const special = {
	'meta/v1.Time': 't', 'meta/v1.MicroTime': 'u', 'resource.Quantity': 'q', 'intstr.IntOrString': 'n', 'types.UID': 's',
	'runtime.RawExtension': 'r', 'meta/v1.FieldsV1': 'r',
};
const scalars = {string: 's', bool: 'b', int: 'i', int32: 'i', int64: 'i', uint32: 'i', uint64: 'i', float32: 'f', float64: 'f'};

/** Per package: its declarations (`type X struct {…}` fields, or the underlying type) and its imports. */
const declarations = new Map();

function importKey(path) {
	if (path === 'k8s.io/apimachinery/pkg/apis/meta/v1') return 'meta/v1';
	if (path.startsWith('k8s.io/api/')) return path.slice('k8s.io/api/'.length);
	return path.split('/').at(-1); // resource, intstr, types, runtime
}

for (const [key, dir] of packages) {
	const types = new Map();
	const imports = new Map();
	for (const file of readdirSync(dir).filter(f => f.endsWith('.go') && !f.endsWith('_test.go') && !f.startsWith('zz_') && !f.includes('generated'))) {
		const text = readFileSync(join(dir, file), 'utf8');
		for (const m of text.matchAll(/^\s*(?:import\s+)?(\w+\s+)?"(k8s\.io\/[^"]+)"/gm)) {
			const path = m[2];
			const alias = m[1]?.trim() ?? path.split('/').at(-1);
			imports.set(alias, importKey(path));
		}
		const lines = text.split('\n');
		for (let i = 0; i < lines.length; i++) {
			const single = /^type (\w+) ([^{\s]+)\s*$/.exec(lines[i]);
			if (single) {
				types.set(single[1], {underlying: single[2]});
				continue;
			}
			const struct = /^type (\w+) struct \{\s*$/.exec(lines[i]);
			if (!struct) continue;
			const fields = [];
			for (i++; i < lines.length && !/^}/.test(lines[i]); i++) {
				const field = /^\t(?:(\w+)\s+)?([\w.*[\]]+)\s+`([^`]*)`/.exec(lines[i]);
				if (field) fields.push({goName: field[1], goType: field[2], tag: field[3]});
			}
			types.set(struct[1], {fields});
		}
	}
	declarations.set(key, {types, imports});
}

const messages = {};
const wanted = [];

/** Where a Go type name points: a special type, a scalar, or a declaration of some package. */
function resolve(name, pkg) {
	const dot = name.indexOf('.');
	const where = dot < 0 ? pkg : declarations.get(pkg).imports.get(name.slice(0, dot));
	const bare = dot < 0 ? name : name.slice(dot + 1);
	if (!where) throw new Error(`${pkg}: no import for ${name}`);
	const qualified = `${where}.${bare}`;
	if (special[qualified]) return {type: special[qualified]};
	if (dot < 0 && scalars[bare]) return {type: scalars[bare]};
	const declaration = declarations.get(where)?.types.get(bare);
	if (!declaration) throw new Error(`${pkg}: no declaration of ${qualified}`);
	if (declaration.fields) return {type: 'm', message: qualified};
	return {...typeOf(declaration.underlying, where), named: qualified};
}

/** A Go type as a field's type: pointer, list and map forms around a resolved name. */
function typeOf(goType, pkg) {
	let rest = goType;
	const flags = new Set();
	if (rest.startsWith('*')) {
		flags.add('p');
		rest = rest.slice(1);
	}
	if (rest === '[]byte') return {type: 'y', flags};
	if (rest.startsWith('[]')) {
		flags.add('r');
		rest = rest.slice(2);
		if (rest.startsWith('*')) rest = rest.slice(1);
	}
	const map = /^map\[([\w.]+)\](.+)$/.exec(rest);
	if (map) {
		const value = typeOf(map[2], pkg);
		if (value.flags.size > 0 && !(value.type === 'y')) return {type: 'unsupported', flags, why: `map of ${map[2]}`};
		return {type: 'M', value: value.type, flags};
	}
	const resolved = resolve(rest, pkg);
	if (resolved.type === 'M' || resolved.type === 'unsupported') return {...resolved, flags: new Set([...flags, ...(resolved.flags ?? [])])};
	if (resolved.flags?.has('r')) {
		// A named list (authentication's ExtraValue): a message of its own on the wire.
		return {type: 'unsupported', flags, why: `named list ${resolved.named}`};
	}
	return {type: resolved.type, message: resolved.message, flags};
}

function addMessage(qualified) {
	if (messages[qualified]) return;
	const [pkg, name] = [qualified.slice(0, qualified.lastIndexOf('.')), qualified.slice(qualified.lastIndexOf('.') + 1)];
	const declaration = declarations.get(pkg)?.types.get(name);
	if (!declaration?.fields) throw new Error(`no struct ${qualified}`);
	const out = {};
	messages[qualified] = out;
	for (const field of declaration.fields) {
		const protobuf = /protobuf:"(\w+),(\d+),(opt|rep|req),name=(\w+)/.exec(field.tag);
		if (!protobuf) continue;
		const json = /json:"([^",]*)/.exec(field.tag)?.[1] ?? '';
		const type = typeOf(field.goType, pkg);
		if (type.type === 'unsupported') continue; // read only when empty: a value is refused as a field this reader does not know
		const flags = [...type.flags];
		if (json === '' && type.type === 'm') flags.push('i');
		const entry = [json || protobuf[4], type.type, flags.sort().join('')];
		if (type.type === 'm') {
			entry.push(type.message);
			wanted.push(type.message);
		}
		if (type.type === 'M') entry.push(type.value);
		out[protobuf[2]] = entry;
	}
}

const kinds = {};
for (const [key, apiVersion] of served) {
	for (const [name, declaration] of declarations.get(key).types) {
		// A kind: a struct that embeds TypeMeta, has ObjectMeta (or is a review), and is not a list.
		if (!declaration.fields || name.endsWith('List')) continue;
		const typeMeta = declaration.fields.some(f => f.goName === undefined && /(^|\.)TypeMeta$/.test(f.goType));
		if (!typeMeta || !declaration.fields.some(f => f.tag.includes('protobuf:'))) continue;
		kinds[`${apiVersion}/${name}`] = `${key}.${name}`;
		wanted.push(`${key}.${name}`);
	}
}
while (wanted.length > 0) addMessage(wanted.pop());

const out = {source: `the protobuf tags of the Go types of k8s.io/api and k8s.io/apimachinery ${version}`, kinds, messages};
writeFileSync(join(root, 'openapi/kubernetes-protobuf.json'), `${JSON.stringify(out)}\n`);
console.log(`${Object.keys(kinds).length} kinds, ${Object.keys(messages).length} messages`);
