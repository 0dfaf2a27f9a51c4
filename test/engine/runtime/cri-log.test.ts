import test from 'ava';
import fc from 'fast-check';
import {CriLog} from '../../../source/engine/runtime/cri-log.js';
import {Ring} from '../../../source/engine/runtime/ring.js';
import type {CriCall} from '../../../source/engine/runtime/cri.js';

test('the CRI log keeps what a ring of calls keeps, oldest first, times exact', t => {
	fc.assert(fc.property(fc.integer({min: 1, max: 300}), fc.integer({min: 0, max: 900}), (capacity, count) => {
		const log = new CriLog(capacity);
		const ring = new Ring<CriCall>(capacity);
		for (let i = 0; i < count; i++) {
			const call = {at: 1_767_258_000_000 + i * 0.5, method: `M${i % 7}`, request: `req ${i}`, response: i % 3 ? 'ok' : `id=${i}`};
			log.push(call);
			ring.push(call);
		}
		t.deepEqual(log.toArray(), ring.toArray());
		t.is(log.length, ring.length);
	}), {numRuns: 200});
});

test('a CRI log of no room is refused', t => {
	t.throws(() => new CriLog(0), {message: /positive integer/});
});
