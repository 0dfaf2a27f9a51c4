/**
 * Practice end to end in a real terminal (the built app in a 120x40 tmux
 * pane, CI unset, NODE_ENV=production): the list, then image-tag-typo
 * opened from it, a hint, a failed check, the fix with the dashboard's set
 * image action, time sped up, solved, and the list showing it solved with
 * its best time.
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {canRunE2e, cli, keys, killTmux, startCli, type, waitFor, removeDir} from './tmux.js';

function list(configDir: string): string {
	const env: NodeJS.ProcessEnv = {...process.env, NODE_ENV: 'production'};
	delete env['CI'];
	return execFileSync('node', [cli, 'practice', '--config-dir', configDir], {encoding: 'utf8', env});
}

(canRunE2e ? test.serial : test.serial.skip)('the built app in tmux: the practice list, image-tag-typo with :hint and :check, fixed, solved, recorded', async t => {
	const configDir = mkdtempSync(join(tmpdir(), 'kubarium-e2e-practice-'));
	try {
		const before = list(configDir);
		t.regex(before, /\nimage-tag-typo\s+The shop's web front end is down after an update\s+workloads\s+easy\s+new\s+-\n/);

		startCli(['practice', 'image-tag-typo', '--config-dir', configDir]);
		let screen = await waitFor(s => s.includes('Practice image-tag-typo') && /ImagePullBackOff|ErrImagePull/.test(s), 'the task panel over the broken pods', 60_000);
		t.regex(screen, /Goal: Since this morning's update nobody can open the shop/);

		type(':hint');
		keys('Enter');
		await waitFor(s => s.includes("Hint 1/3: Look at the web pods' STATUS column"), 'the first hint');
		type(':check');
		keys('Enter');
		screen = await waitFor(s => s.includes('✗ web answers through its Service'), 'the failed checks');
		t.regex(screen, /✗ the web Deployment has 3 ready replicas/);

		type(':deploy');
		keys('Enter');
		await waitFor(s => /deployments\(shop\)/.test(s), 'the deployments view');
		type('/web');
		keys('Enter');
		type('i');
		await waitFor(s => s.includes('Container=Image:'), 'the set image prompt');
		keys('BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace');
		type('1.27');
		keys('Enter');
		await waitFor(s => s.includes('deployment.apps/web image updated'), 'the set image flash');
		type(':speed 60');
		keys('Enter');
		screen = await waitFor(s => s.includes('✓ Solved in'), 'solved', 60_000);
		t.regex(screen, /✓ Solved in \dm\d\ds with 1 hint/);

		type(':q');
		keys('Enter');
		const after = await waitFor(s => s.includes('app-exit-code='), 'the app to exit');
		t.regex(after, /app-exit-code=0/);
		t.regex(list(configDir), /\nimage-tag-typo\s+.*\s+solved\s+\dm\d\ds \(1 hint\)\n/);
	} finally {
		killTmux();
		removeDir(configDir);
	}
});
