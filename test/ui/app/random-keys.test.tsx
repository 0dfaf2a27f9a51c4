/**
 * A property of the whole dashboard: random key sequences (single keys,
 * readline keys, wide characters, pastes) never draw a frame wider or taller
 * than the terminal, never throw, and `:pods` still answers afterwards.
 * Fixed seed; `q` and Ctrl+C are left out (they quit, which is right).
 */
import test from 'ava';
import fc from 'fast-check';
import stringWidth from 'string-width';
import {createCluster} from '../../../source/engine/index.js';
import '../../../source/ui/extensions.js';
import {startDashboard} from '../harness.js';

// The edit action runs $KUBE_EDITOR; here it must return at once.
process.env['KUBE_EDITOR'] = 'true';

const single = [
	'j', 'k', 'g', 'shift-g', 'enter', 'esc', 'tab', 'shift-tab', 'd', 'y', 'l', 't', 's', 'x', 'w', 'e', 'u', 'c', 'r', 'n', 'p', 'a', 'b', 'o', 'f', 'z',
	'shift-j', 'shift-n', 'shift-r', '/', ':', '?', '0', '1', '2', '5', '-', ' ', 'space',
	'ctrl-d', 'ctrl-w', 'ctrl-z', 'ctrl-k', 'ctrl-a', 'ctrl-e', 'ctrl-u', 'ctrl-l', 'ctrl-f', 'ctrl-b',
	'backspace', 'delete', 'left', 'right', 'up', 'down', 'pgup', 'pgdn', 'home', 'end', 'alt-b', 'alt-f',
	'한', '😀', 'é',
];
const pastes = ['po\r', 'deploy\r', 'xray deploy\r', 'pulse\r', 'sts shop\r', 'home\r', 'ls /\r', '한국어한국어한국어\r', 'b'.repeat(90)];
const key = fc.oneof({weight: 9, arbitrary: fc.constantFrom(...single)}, {weight: 1, arbitrary: fc.constantFrom(...pastes)});
const sizes = [{columns: 120, rows: 40}, {columns: 80, rows: 24}, {columns: 60, rows: 16}];

function check(frame: string, size: {columns: number; rows: number}, keys: string[]): void {
	const lines = frame.split('\n');
	const wide = lines.find(line => stringWidth(line) > size.columns);
	if (wide !== undefined) throw new Error(`a line is ${stringWidth(wide)} columns wide at ${size.columns} after ${JSON.stringify(keys)}:\n${wide}`);
	if (lines.length > size.rows - 1) throw new Error(`the frame is ${lines.length} rows high at ${size.rows} after ${JSON.stringify(keys)}`);
	if (frame.includes('✗ Error:')) throw new Error(`a key handler threw after ${JSON.stringify(keys)}:\n${frame}`);
}

test.serial('random keys: frames fit the terminal, nothing throws, :pods answers', async t => {
	await fc.assert(fc.asyncProperty(fc.constantFrom(...sizes), fc.array(key, {minLength: 10, maxLength: 40}), async (size, keys) => {
		const shell = await startDashboard({cluster: createCluster({seed: 3, demo: true}), size, initialView: 'home'});
		try {
			await shell.advance(20_000);
			const typed: string[] = [];
			for (const k of keys) {
				typed.push(k);
				await shell.press(k);
				check(shell.frame(), size, typed);
			}
			// Leave whatever is open (prompt, modal, shell, search), then ask for the pods.
			await shell.press('esc', 'esc', 'esc');
			await shell.press(':', 'pods\r');
			await shell.waitFor(f => f.includes('pods('), `:pods after ${JSON.stringify(keys)}`);
			check(shell.frame(), size, typed);
		} finally {
			await shell.unmount();
		}
	}), {seed: Number(process.env['KUBARIUM_KEYS_SEED'] ?? 1919), numRuns: Number(process.env['KUBARIUM_KEYS_RUNS'] ?? 6), endOnFailure: true});
	t.pass();
});
