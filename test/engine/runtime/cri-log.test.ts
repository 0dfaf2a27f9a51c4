import test from 'ava';
import fc from 'fast-check';
import {CriLog, type SavedCriLog} from '../../../source/engine/runtime/cri-log.js';
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

test('a CRI log saved at any point, loaded from JSON, reads and goes on as the one that was not saved', t => {
	const call = fc.record({at: fc.double({min: 1_767_258_000_000, max: 1_767_300_000_000, noNaN: true}), method: fc.constantFrom('RunPodSandbox', 'CreateContainer', 'StartContainer'), request: fc.string({maxLength: 5}), response: fc.string({maxLength: 5})});
	fc.assert(fc.property(fc.integer({min: 1, max: 150}), fc.array(call, {maxLength: 400}), fc.array(call, {maxLength: 400}), (capacity, before, after) => {
		const log = new CriLog(capacity);
		for (const c of before) log.push(c);
		const loaded = CriLog.fromSaved(JSON.parse(JSON.stringify(log.save())) as SavedCriLog);
		t.deepEqual(loaded.toArray(), log.toArray());
		for (const [i, c] of after.entries()) {
			log.push(c);
			loaded.push(c);
			if (i % 37 === 0) t.deepEqual(loaded.toArray(), log.toArray());
		}
		t.deepEqual(loaded.toArray(), log.toArray());
		t.is(loaded.length, log.length);
		t.deepEqual(loaded.save(), log.save());
	}), {numRuns: 200});
});

test('a saved CRI log is its calls oldest first, as columns; one whose columns disagree or lack a time is refused', t => {
	const log = new CriLog(2);
	for (let i = 0; i < 3; i++) log.push({at: 1_767_258_000_000.5 + i, method: `M${i}`, request: `q${i}`, response: `r${i}`});
	const saved = log.save();
	t.deepEqual(saved, {capacity: 2, at: [1_767_258_000_001.5, 1_767_258_000_002.5], method: ['M1', 'M2'], request: ['q1', 'q2'], response: ['r1', 'r2']});
	t.throws(() => CriLog.fromSaved({...saved, at: [1]}), {message: /columns/});
	t.throws(() => CriLog.fromSaved({...saved, capacity: 1}), {message: /columns/});
	t.throws(() => CriLog.fromSaved({...saved, at: [1, null as unknown as number]}), {message: /no time/});
});
