import test from 'ava';
import {PodIpAllocator} from '../../../source/engine/node/pod-ips.js';
import type {Node} from '../../../source/engine/api/types.js';

/** host-local IPAM: the lowest free host of the node's podCIDR, from .2. */

const node = (name: string, podCIDR: string) => ({apiVersion: 'v1', kind: 'Node', metadata: {name}, spec: {podCIDR}}) as unknown as Node;

test('each pod gets the lowest free address of its node\'s range; a released one is handed out again first', t => {
	const ips = new PodIpAllocator();
	const a = node('a', '10.244.1.0/24');
	const b = node('b', '10.244.2.0/24');
	t.deepEqual([ips.allocate(a), ips.allocate(a), ips.allocate(b), ips.allocate(a), ips.allocate(a)], ['10.244.1.2', '10.244.1.3', '10.244.2.2', '10.244.1.4', '10.244.1.5']);
	ips.release('a', '10.244.1.4');
	ips.release('a', '10.244.1.3');
	t.is(ips.allocate(a), '10.244.1.3');
	t.is(ips.allocate(a), '10.244.1.4');
	t.is(ips.allocate(a), '10.244.1.6');
	// Releasing an address nobody holds (or one of another node) frees nothing.
	ips.release('a', '10.244.1.200');
	ips.release('b', '10.244.1.2');
	t.is(ips.allocate(a), '10.244.1.7');
});

test('a full range gives its last address again; a halted node\'s addresses are all free', t => {
	const ips = new PodIpAllocator();
	const a = node('a', '10.244.3.0/24');
	for (let host = 2; host < 255; host++) t.is(ips.allocate(a), `10.244.3.${host}`);
	t.is(ips.allocate(a), '10.244.3.254');
	ips.release('a', '10.244.3.9');
	t.is(ips.allocate(a), '10.244.3.9');
	ips.forgetNode('a');
	t.is(ips.allocate(a), '10.244.3.2');
	t.is(ips.allocate(undefined), '10.244.0.2', 'no node: the default range');
});
