import test from 'ava';
import {formatKeysEvent, formatKeysHeader, keysPathFor, KeysFormatError, parseKeys, type KeysHeader} from '../../source/record/keys-file.js';

const header: KeysHeader = {kubarium: 'keys', version: 1, seed: 7, nodes: 3, speed: 1, theme: 'default', namespace: 'all', readonly: false, cols: 100, rows: 30, keys: {'scroll.down': 'n'}};
const head = formatKeysHeader(header);

test('the header is written in a fixed key order and read back whole', t => {
	t.is(head, '{"kubarium":"keys","version":1,"seed":7,"nodes":3,"speed":1,"theme":"default","namespace":"all","readonly":false,"cols":100,"rows":30,"keys":{"scroll.down":"n"}}');
	const text = [head, formatKeysEvent([0, 1000, 'k', ':'])].join('\n') + '\n';
	t.deepEqual(parseKeys(text), {header, events: [[0, 1000, 'k', ':']], exited: false});
});

test('input chunks, resizes and the exit event are read in order', t => {
	const lines = [head, '[5,1005,"k","\\u001b[A"]', '[5,1005,"k","po\\r"]', '[900,1900,"r","80x24"]', '[1200,2200,"x",""]'];
	const keys = parseKeys(lines.join('\n'));
	t.deepEqual(keys.events.map(e => e[3]), ['\x1b[A', 'po\r', '80x24', '']);
	t.true(keys.exited);
});

test('a last line cut short (a killed recorder) is dropped, the rest stands', t => {
	const keys = parseKeys(`${head}\n[5,1005,"k","j"]\n[7,10`);
	t.deepEqual(keys.events, [[5, 1005, 'k', 'j']]);
	t.false(keys.exited);
});

test('bad files are refused with the line and what is wrong', t => {
	const cases: Array<[string, string]> = [
		['', 'line 1: empty file, expected a keys header'],
		['{"version":2,"width":80,"height":24}', 'line 1: not a Kubarium keys file (the header needs "kubarium":"keys")'],
		[head.replace('"version":1', '"version":2'), 'line 1: version 2 is not supported, expected 1'],
		[head.replace('"speed":1', '"speed":5'), 'line 1: speed 5 is not 0, 1, 10 or 60'],
		[head.replace('"cols":100', '"cols":0'), 'line 1: cols and rows must be positive integers'],
		[head.replace('"n"', '3'), 'line 1: keys.scroll.down must be a key name (a string), got 3'],
		[`${head}\nnot json\n[1,1,"k","j"]`, 'line 2: not JSON'],
		[`${head}\n[1,1,"k"]`, 'line 2: an event is [wallMs, virtualMs, code, data]'],
		[`${head}\n[1.5,1,"k","j"]`, 'line 2: wallMs 1.5 is not a whole number of milliseconds'],
		[`${head}\n[5,1,"k","j"]\n[4,1,"k","j"]`, "line 3: wallMs 4 comes before the previous event's 5"],
		[`${head}\n[5,9,"k","j"]\n[6,8,"k","j"]`, "line 3: virtualMs 8 comes before the previous event's 9"],
		[`${head}\n[5,9,"r","80 by 24"]`, 'line 2: a resize is "COLSxROWS", got "80 by 24"'],
		[`${head}\n[5,9,"q","j"]`, 'line 2: unknown event code "q" (expected "k", "r" or "x")'],
		[`${head}\n[5,9,"x",""]\n[6,9,"k","j"]`, 'line 3: an event after the exit event'],
	];
	for (const [text, message] of cases) t.throws(() => parseKeys(text), {instanceOf: KeysFormatError, message}, message);
});

test('the keys file is the cast path with .keys for its extension', t => {
	t.is(keysPathFor('session.cast'), 'session.keys');
	t.is(keysPathFor('/tmp/demo.v2/take'), '/tmp/demo.v2/take.keys');
	t.is(keysPathFor('out/take.1.cast'), 'out/take.1.keys');
	t.is(keysPathFor('.cast'), '.cast.keys');
});
