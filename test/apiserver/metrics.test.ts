import test from 'ava';
import {createCluster} from '../../source/engine/index.js';
import {metricsVerb} from '../../source/apiserver/metrics.js';
import type {ResourceTarget} from '../../source/apiserver/paths.js';

test('the metrics\' verb of a request, as kube-apiserver names it: LIST and WATCH for collections, DELETECOLLECTION, APPLY, and CONNECT for a log read, exec, attach and port-forward', t => {
	const cluster = createCluster({seed: 1, nodes: 1});
	const pods = cluster.resourceTypes().find(type => type.kind === 'Pod')!;
	const target = (extra: Partial<ResourceTarget> = {}): ResourceTarget => ({type: pods, namespace: 'default', ...extra});
	const query = (text = '') => new URLSearchParams(text);
	t.is(metricsVerb('GET', target(), query(), undefined), 'LIST');
	t.is(metricsVerb('GET', target(), query('watch=true'), undefined), 'WATCH');
	t.is(metricsVerb('GET', target(), query('watch=1'), undefined), 'WATCH');
	t.is(metricsVerb('GET', target(), query('watch=false'), undefined), 'LIST');
	t.is(metricsVerb('GET', target({name: 'web'}), query(), undefined), 'GET');
	t.is(metricsVerb('DELETE', target(), query(), undefined), 'DELETECOLLECTION');
	t.is(metricsVerb('DELETE', target({name: 'web'}), query(), undefined), 'DELETE');
	t.is(metricsVerb('PATCH', target({name: 'web'}), query(), 'application/apply-patch+yaml'), 'APPLY');
	t.is(metricsVerb('PATCH', target({name: 'web'}), query(), 'application/merge-patch+json'), 'PATCH');
	for (const subresource of ['log', 'exec', 'attach', 'portforward']) t.is(metricsVerb('GET', target({name: 'web', subresource}), query(), undefined), 'CONNECT', subresource);
	t.is(metricsVerb('PUT', target({name: 'web', subresource: 'status'}), query(), undefined), 'PUT');
	t.is(metricsVerb('POST', target(), query(), undefined), 'POST');
});
