import test from 'ava';
import stringWidth from 'string-width';
import '../../../source/ui/extensions.js';
import {startDashboard} from '../harness.js';

test.serial('help is generated from the registered commands, fits 80x24, and scrolls', async t => {
	const app = await startDashboard({size: {columns: 80, rows: 24}});
	try {
		await app.press(':', ...'po', 'enter');
		await app.waitFor(f => f.includes('pods('), 'the pods view');
		await app.press('?');
		let frame = await app.waitFor(f => f.includes('RESOURCE'), 'help');
		t.true(frame.split('\n').length <= 23);
		t.true(frame.split('\n').every(line => stringWidth(line) <= 80));
		const seen = new Set<string>();
		for (let i = 0; i < 12; i++) {
			for (const line of frame.split('\n')) seen.add(line);
			await app.press('pgdn');
			frame = app.frame();
		}
		const all = [...seen].join('\n');
		for (const command of ['<:xray KIND>', '<:pulse>', '<:home>', '<:po>', '<:svc>', '<:theme NAME>', '<:speed N>']) t.true(all.includes(command), command);
		t.regex(all, /<:theme NAME> +Switch theme/, 'a gap after each key');
	} finally {
		await app.unmount();
	}
});
