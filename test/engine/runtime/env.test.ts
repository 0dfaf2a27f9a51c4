import test from 'ava';
import {expandReferences, fieldValue} from '../../../source/engine/runtime/env.js';
import type {Pod} from '../../../source/engine/api/types.js';

const references: Array<[text: string, expanded: string]> = [
	['$(A)', 'alpha'],
	['x-$(A)-$(B)', 'x-alpha-beta'],
	['$(MISSING)', '$(MISSING)'],
	['$$(A)', '$(A)'],
	['$$', '$'],
	['$A', '$A'],
];

for (const [text, expanded] of references) {
	test(`$(VAR) expansion: ${JSON.stringify(text)} → ${JSON.stringify(expanded)}`, t => {
		t.is(expandReferences(text, {A: 'alpha', B: 'beta'}), expanded);
	});
}

const pod = {
	apiVersion: 'v1', kind: 'Pod',
	metadata: {name: 'web-0', namespace: 'shop', uid: 'u-1', labels: {app: 'web', tier: 'front'}, annotations: {note: 'x'}},
	spec: {nodeName: 'worker-1', containers: []},
	status: {podIP: '10.244.1.9', hostIP: '172.18.0.3'},
} as unknown as Pod;

const fields: Array<[path: string, value: string | undefined]> = [
	['metadata.name', 'web-0'],
	['metadata.namespace', 'shop'],
	['metadata.uid', 'u-1'],
	["metadata.labels['tier']", 'front'],
	["metadata.annotations['note']", 'x'],
	['metadata.labels', 'app="web"\ntier="front"'],
	['spec.nodeName', 'worker-1'],
	['spec.serviceAccountName', 'default'],
	['status.podIP', '10.244.1.9'],
	['status.hostIP', '172.18.0.3'],
	['spec.unknown', undefined],
];

for (const [path, value] of fields) {
	test(`downward API: ${path}`, t => {
		t.is(fieldValue(pod, path), value);
	});
}

test('downward API: the pod IP the kubelet allocated wins over a stale status', t => {
	t.is(fieldValue(pod, 'status.podIP', '10.244.1.10'), '10.244.1.10');
});
