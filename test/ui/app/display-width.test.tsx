import test from 'ava';
import stringWidth from 'string-width';
import {startDashboard} from '../harness.js';

const widest = (frame: string) => Math.max(...frame.split('\n').map(line => stringWidth(line)));

test.serial('a cut line is measured by display width: wide characters never push a line past the terminal', async t => {
	const shell = await startDashboard({size: {columns: 120, rows: 40}});
	try {
		await shell.press(':', 'b'.repeat(91), '한국어한국어', 'b'.repeat(40));
		t.true(widest(shell.frame()) <= 120, 'the prompt line fits');
		await shell.press('enter');
		const frame = await shell.waitFor(f => f.includes('Unknown command'), 'the flash');
		t.true(widest(frame) <= 120, `widest line: ${widest(frame)}`);
		t.true(frame.split('\n').length <= 39);
	} finally {
		await shell.unmount();
	}
});
