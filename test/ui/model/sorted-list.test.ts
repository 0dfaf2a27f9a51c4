import test from 'ava';
import fc from 'fast-check';
import {SortedList} from '../../../source/ui/model/sorted-list.js';

type Item = {key: number; id: number};
const compare = (a: Item, b: Item) => a.key - b.key || a.id - b.id;

test('the sorted list keeps the order of a sorted array through inserts and removals, across many blocks', t => {
	fc.assert(
		fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({min: 0, max: 50}), fc.nat()), {maxLength: 1500}), fc.nat(2000), (steps, initial) => {
			let id = 0;
			const start = Array.from({length: initial}, () => ({key: (id * 37) % 50, id: id++})).sort(compare);
			const list = new SortedList(compare, start);
			const model = [...start];
			for (const [add, key, pick] of steps) {
				if (add || model.length === 0) {
					const item = {key, id: id++};
					list.insert(item);
					model.push(item);
					model.sort(compare);
				} else {
					const [item] = model.splice(pick % model.length, 1);
					t.true(list.remove(item!));
				}
			}
			t.is(list.length, model.length);
			t.deepEqual(list.toArray(), model);
			t.deepEqual(list.slice(3, 700), model.slice(3, 700));
			for (let i = 0; i < model.length; i += 97) {
				t.is(list.at(i), model[i]);
				t.is(list.indexOf(model[i]!), i);
			}
			t.is(list.at(-1), model.at(-1));
			t.is(list.indexOf({key: 1, id: -1}), -1);
			t.false(list.remove({key: 1, id: -1}));
		}),
		{numRuns: 40},
	);
});
