import test from 'ava';
import {whileHeapOnlyGrows} from '../../source/start/heap.js';

test('a load run while the heap only grows gives its value, or its failure, as it would alone', async t => {
	t.is(await whileHeapOnlyGrows(async () => 42), 42);
	await t.throwsAsync(whileHeapOnlyGrows(async () => {
		throw new Error('the file cannot be read');
	}), {message: 'the file cannot be read'});
});
