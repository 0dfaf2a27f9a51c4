/**
 * Describe and YAML pages for any object. Both follow the live object (the
 * text refreshes as the cluster changes) and keep the last text when the
 * object is deleted, marked as gone.
 */
import React, {useMemo, useRef, useState} from 'react';
import type {KubeObject} from '../../engine/index.js';
import {useApp, type KeyBinding, type PageProps, type PageSpec} from '../app/contract.js';
import {sanitizeLine} from '../sanitize.js';
import {describe} from './describe/describe.js';
import {decodedSecretYaml, maskSecret, objectYaml} from './yaml-text.js';
import {TextView} from './text-view/text-view.js';
import {useLive} from '../app/use-live.js';

/** How pages name an object: enough to look it up again after it changes. */
export type ObjectRef = {kind: string; name: string; namespace?: string};

export function refOf(object: KubeObject): ObjectRef {
	return {kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace};
}

/** `pod/web-1` or `default/pod/web-1` style crumb text, sanitised. */
export function objectLabel(ref: ObjectRef): string {
	return sanitizeLine(`${ref.kind.toLowerCase()}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`);
}

/** The live object, or the last one seen (with `gone`) once it is deleted. */
export function useLiveObject(ref: ObjectRef, kinds: readonly string[] = [ref.kind]): {object: KubeObject | undefined; gone: boolean} {
	const {cluster} = useApp();
	useLive(kinds);
	const last = useRef<KubeObject | undefined>(undefined);
	const object = cluster.get(ref.kind, ref.name, ref.namespace);
	if (object) last.current = object;
	return {object: object ?? last.current, gone: !object};
}

function DescribePage({target, ...props}: PageProps & {target: ObjectRef}) {
	const app = useApp();
	const {object, gone} = useLiveObject(target, [target.kind, 'Event', 'Pod', 'ReplicaSet', 'Endpoints']);
	const lines = useMemo(() => (object ? describe(object, app.cluster).split('\n') : []), [object, app.cluster, app.cluster.now()]);
	return <TextView lines={lines} width={props.width} height={props.height} indicator={gone ? '(deleted)' : undefined}/>;
}

const colonKey = /^(\s*-?\s*)([^\s:][^:]*?):(\s|$)/;

/** k9s' YAML view key: `m` shows or hides metadata.managedFields (hidden at first, as k9s and kubectl do). */
export const managedFieldsBinding: KeyBinding = {key: 'm', action: 'yaml.managed-fields', description: 'Toggle ManagedFields'};

function YamlPage({target, decode = false, ...props}: PageProps & {target: ObjectRef; decode?: boolean}) {
	const app = useApp();
	const theme = app.theme;
	const {object, gone} = useLiveObject(target);
	const [decoded, setDecoded] = useState(decode);
	const [managedFields, setManagedFields] = useState(false);
	const isSecret = target.kind === 'Secret';
	const lines = useMemo(() => {
		if (!object) return [];
		if (isSecret) return (decoded ? decodedSecretYaml(object) : objectYaml(maskSecret(object), {managedFields})).trimEnd().split('\n');
		return objectYaml(object, {managedFields}).trimEnd().split('\n');
	}, [object, decoded, isSecret, managedFields]);
	const bindings: KeyBinding[] = [
		...(isSecret ? [{key: 'x', action: 'secret.decode', description: decoded ? 'Mask' : 'Decode'}] : []),
		managedFieldsBinding,
	];
	const indicator = [gone ? '(deleted)' : '', isSecret ? (decoded ? 'decoded' : 'masked') : ''].filter(Boolean).join(' ');
	return (
		<TextView
			lines={lines} width={props.width} height={props.height} indicator={indicator || undefined}
			colorOf={line => (colonKey.test(line) ? theme.views.yaml.key : theme.views.yaml.value)}
			bindings={bindings}
			handlers={{
				'secret.decode': () => setDecoded(d => !d),
				'yaml.managed-fields': () => {
					setManagedFields(shown => !shown);
					app.flash('toggled managed fields');
				},
			}}
		/>
	);
}

export function describePage(ref: ObjectRef): PageSpec {
	return {title: `describe ${objectLabel(ref)}`, key: `describe:${objectLabel(ref)}`, render: props => <DescribePage {...props} target={ref}/>};
}

/** The YAML page; a Secret starts masked unless `decode` is set. */
export function yamlPage(ref: ObjectRef, options: {decode?: boolean} = {}): PageSpec {
	return {title: `yaml ${objectLabel(ref)}`, key: `yaml:${objectLabel(ref)}`, render: props => <YamlPage {...props} target={ref} decode={options.decode}/>};
}
