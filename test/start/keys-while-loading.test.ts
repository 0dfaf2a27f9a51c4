import {EventEmitter} from 'node:events';
import test from 'ava';
import {quitKeysWhileLoading} from '../../source/start/keys-while-loading.js';

/** A terminal's input as the restore sees it: raw mode as set, keys as typed. */
class FakeTerminal extends EventEmitter {
	isTTY = true;
	raw: boolean[] = [];
	setRawMode(raw: boolean): void {
		this.raw.push(raw);
	}

	type(keys: string): void {
		this.emit('data', Buffer.from(keys));
	}
}

test('while the file is restored, q quits with 0 and Ctrl+C with 130; other keys are dropped', t => {
	for (const [keys, code] of [['q', 0], ['\u0003', 130], ['jk:q', 0], ['x\u0003q', 130], ['jq\u0003', 0]] as const) {
		const terminal = new FakeTerminal();
		const codes: number[] = [];
		const stop = quitKeysWhileLoading(terminal, quit => codes.push(quit));
		t.deepEqual(terminal.raw, [true], 'the keys arrive as typed');
		terminal.type('jj');
		t.deepEqual(codes, []);
		terminal.type(keys);
		t.deepEqual(codes, [code], JSON.stringify(keys));
		stop();
	}
});

test('once the file is restored, the terminal is given back: keys reach nothing here, raw mode is off, and a second stop changes nothing', t => {
	const terminal = new FakeTerminal();
	const codes: number[] = [];
	const stop = quitKeysWhileLoading(terminal, quit => codes.push(quit));
	stop();
	stop();
	terminal.type('q\u0003');
	t.deepEqual(codes, []);
	t.deepEqual(terminal.raw, [true, false]);
	t.is(terminal.listenerCount('data'), 0);
});

test('input that is not a terminal is not listened to', t => {
	const piped = new FakeTerminal();
	piped.isTTY = false;
	const codes: number[] = [];
	const stop = quitKeysWhileLoading(piped, quit => codes.push(quit));
	piped.type('q');
	stop();
	t.deepEqual(codes, []);
	t.deepEqual(piped.raw, []);
	t.is(piped.listenerCount('data'), 0);
});
