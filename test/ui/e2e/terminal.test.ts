/**
 * End to end in a real terminal: the built app (`node dist/bundle/cli.js`,
 * `npm test` builds first) runs in a 120x40 tmux pane with CI unset (Ink
 * draws nothing under CI) and NODE_ENV=production. Opens deployments, scales
 * one, sees the new pods, opens a pod's system-call trace, quits with `:q`,
 * and checks the shell's screen came back and the exit code was 0.
 */
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {canRunE2e, keys, killTmux, openWebScalePrompt, startApp, type, waitFor, removeDir} from './tmux.js';

(canRunE2e ? test.serial : test.serial.skip)('the built app in tmux: :deploy, scale with s, new pods, trace with t, :q restores the terminal', async t => {
	const configDir = mkdtempSync(join(tmpdir(), 'kubarium-e2e-'));
	try {
		await startApp(configDir);

		await openWebScalePrompt();
		keys('BSpace', 'BSpace', 'BSpace');
		await waitFor(s => /Replicas:\s*│/.test(s), 'the field to be emptied');
		type('6');
		await waitFor(s => /Replicas: 6\s/.test(s), 'the typed number');
		keys('Enter');
		await waitFor(s => s.includes('deployment.apps/web scaled to 6'), 'the scale flash');

		type(':po shop');
		keys('Enter');
		await waitFor(s => /pods\(shop\)/.test(s), 'the pods view');
		type('/web-');
		keys('Enter');
		const pods = await waitFor(s => (s.match(/^\s*web-[a-z0-9]+-[a-z0-9]+\s/gm) ?? []).length >= 6, 'six web pods');
		t.true((pods.match(/^\s*web-[a-z0-9]+-[a-z0-9]+\s/gm) ?? []).length >= 6);

		type('t');
		await waitFor(s => s.includes('[1]process') && /trace/.test(s), 'the trace view');
		// The cursor may sit on a pod the scale just created: its calls appear as it starts.
		const trace = await waitFor(s => /[a-z_0-9]+\(.*\) = /.test(s), 'system calls in the live trace');
		t.regex(trace, /[a-z_0-9]+\(.*\) = /, 'system calls are listed');

		keys('Escape');
		await waitFor(s => !s.includes('[1]process'), 'the trace view to close');
		type(':q');
		keys('Enter');
		const after = await waitFor(s => s.includes('app-exit-code='), 'the app to exit');
		t.regex(after, /app-exit-code=0/);
		t.true(after.includes('shell-before-app'), 'the main screen came back: the alternate screen was left');
		t.false(after.includes('Cluster:'), 'no dashboard left on the screen');
	} finally {
		killTmux();
		removeDir(configDir);
	}
});

(canRunE2e ? test.serial : test.serial.skip)('the built app in tmux under load: scaled to 99999 at x60 the header shows the lag, keys answer, Ctrl+C quits and restores the terminal', async t => {
	const configDir = mkdtempSync(join(tmpdir(), 'kubarium-e2e-'));
	try {
		await startApp(configDir);
		await openWebScalePrompt();
		keys('C-u');
		type('99999');
		keys('Enter');
		await waitFor(s => s.includes('deployment.apps/web scaled to 99999'), 'the scale flash');
		// The ReplicaSet creates 20 pods a virtual second, as on kind: at x60 that is more than the machine keeps up with.
		type(':speed 60');
		keys('Enter');
		await waitFor(s => /Clock:.*\(behind \d/.test(s), 'the lag in the header', 30_000);
		type(':ns');
		keys('Enter');
		await waitFor(s => s.includes('namespaces['), 'a view opened while the cluster is behind');
		keys('C-c');
		const after = await waitFor(s => s.includes('app-exit-code='), 'the app to exit', 10_000);
		t.regex(after, /app-exit-code=0/);
		t.true(after.includes('shell-before-app'), 'the main screen came back');
		t.false(after.includes('Cluster:'), 'no dashboard left on the screen');
	} finally {
		killTmux();
		removeDir(configDir);
	}
});
