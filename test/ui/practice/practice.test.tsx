/**
 * Practice in the dashboard (ink-testing-library, virtual time): the task
 * panel shows the goal and the timer; :hint gives the next hint; :check
 * grades with ✓/✗ lines; the learner fixes the cluster with the dashboard's
 * own set-image action; the run is solved once the checks have passed for
 * 30 simulated seconds, and the preferences record it. :reset gives the
 * broken cluster again; :next the next scenario; :solution asks first.
 */
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import React, {act} from 'react';
import test from 'ava';
import {render} from 'ink-testing-library';
import {findScenario, loadScenarios} from '../../../source/practice/index.js';
import {PracticeApp, type PracticeAppProps, type PracticeRun} from '../../../source/ui/practice/practice-app.js';
import type {Cluster} from '../../../source/engine/index.js';
import {Preferences} from '../../../source/ui/prefs.js';
import {loadTheme} from '../../../source/ui/theme/load.js';
import {registeredCommands} from '../../../source/ui/app/command-registry.js';
import {pressKeys, settle} from '../harness.js';
import '../../../source/ui/extensions.js';

(globalThis as {IS_REACT_ACT_ENVIRONMENT?: boolean}).IS_REACT_ACT_ENVIRONMENT = true;

async function startPractice(id: string, size = {columns: 120, rows: 40}, startApi?: PracticeAppProps['startApi']) {
	const configDir = mkdtempSync(join(tmpdir(), 'kubarium-practice-'));
	const prefs = new Preferences(configDir);
	let run!: PracticeRun;
	let ui!: ReturnType<typeof render>;
	await act(async () => {
		ui = render(
			<PracticeApp
				scenario={findScenario(id)} catalogue={loadScenarios()} prefs={prefs} seed={7}
				theme={loadTheme('default', {configDir}).theme} configDir={configDir} size={size}
				simulation={{speed: 0}} runExternal={fn => fn()} startApi={startApi} onRun={r => {
					run = r;
				}}
			/>,
		);
	});
	Object.defineProperty(ui.stdout, 'columns', {get: () => size.columns});
	for (let i = 0; i < 200 && ui.stdin.listenerCount('readable') === 0; i++) await act(settle);
	const app = {
		prefs,
		get run() {
			return run;
		},
		frame: () => ui.lastFrame() ?? '',
		press: (...keys: string[]) => pressKeys(ui.stdin, keys),
		async command(line: string) {
			await app.press(':', ...line, 'enter');
		},
		async advance(ms: number) {
			for (let done = 0; done < ms; done += 1000) {
				await act(async () => {
					run.simulation.advance(1000);
					await settle();
				});
			}
		},
		async waitFor(check: (frame: string) => boolean, what: string) {
			for (let i = 0; i < 400; i++) {
				if (check(app.frame())) return app.frame();
				await act(i < 200 ? settle : () => new Promise<void>(resolve => setTimeout(resolve, 5)));
			}
			throw new Error(`Timed out waiting for ${what}; last frame:\n${app.frame()}`);
		},
		async unmount() {
			await act(async () => ui.unmount());
		},
	};
	return app;
}

test.serial('image-tag-typo from broken to solved: goal and timer, :hint, :check, the fix with set image, solved after 30 seconds', async t => {
	const app = await startPractice('image-tag-typo');
	try {
		let frame = await app.waitFor(f => f.includes('Practice image-tag-typo'), 'the task panel');
		t.regex(frame, /Goal: Since this morning's update nobody can open the shop/);
		t.regex(frame, /⏱ 0m00s/);
		t.regex(frame, /:hint {2}:check {2}:reset {2}:solution {2}:next/);
		t.true(frame.split('\n').length <= 39, 'the frame keeps to rows - 1');
		t.regex(frame, /ImagePullBackOff|ErrImagePull/, 'the pods view shows the symptom');

		await app.advance(5000);
		t.regex(app.frame(), /⏱ 0m05s/, 'the timer runs on the simulated clock');

		await app.command('hint');
		frame = await app.waitFor(f => f.includes('Hint 1/3:'), 'the first hint');
		t.true(frame.includes("Look at the web pods' STATUS column"));
		t.regex(frame, /hints 1\/3/);

		await app.command('check');
		frame = await app.waitFor(f => f.includes('✗ web answers through its Service'), 'the failed checks');
		t.regex(frame, /✗ the web Deployment has 3 ready replicas: deployment\/web status\.readyReplicas = 0/);
		t.regex(frame, /0 of 3 checks pass/);

		// The fix, with the dashboard's own action: :deploy, filter web, i, edit the tag.
		await app.press(':', ...'deploy', 'enter');
		await app.waitFor(f => /deployments\(shop\)/.test(f), 'the deployments view');
		await app.press('/', ...'web', 'enter');
		await app.press('i');
		await app.waitFor(f => f.includes('Container=Image:'), 'the set image prompt');
		await app.press('backspace', 'backspace', 'backspace', 'backspace', 'backspace', ...'1.27', 'enter');
		await app.waitFor(f => f.includes('deployment.apps/web image updated'), 'the set image flash');

		await app.advance(15_000);
		await app.command('check');
		frame = await app.waitFor(f => f.includes('✓ web answers through its Service'), 'passing checks');
		t.regex(frame, /All 3 checks pass; they must keep passing for 30 simulated seconds/);
		t.is(app.run.session.state, 'verifying');
		// After :check, the panel's checks follow the session's grading as time moves.
		await app.advance(6000);
		t.regex(app.frame(), /checks pass, holding \d+s\/30s/);

		await app.advance(35_000);
		frame = await app.waitFor(f => f.includes('✓ Solved in'), 'the solved line');
		t.regex(frame, /Solved image-tag-typo in \dm\d\ds with 1 hint/);
		const record = app.prefs.get().practice['image-tag-typo'];
		t.is(record?.status, 'solved');
		t.is(record?.hints, 1);
		t.true((record?.bestMs ?? 0) > 0);
		// A fresh Preferences reads what was written.
		t.is(new Preferences(join(app.prefs.file, '..')).get().practice['image-tag-typo']?.status, 'solved');
	} finally {
		await app.unmount();
	}
	t.false(registeredCommands().some(c => c.names.includes('hint')), 'the practice commands leave the registry with the app');
});

test.serial(':reset gives the same broken cluster again, :next the next scenario, :solution asks first and lists kubectl and keys', async t => {
	const app = await startPractice('image-tag-typo');
	try {
		await app.waitFor(f => f.includes('Practice image-tag-typo'), 'the task panel');
		const first = app.run;
		first.session.cluster.setImage('Deployment', 'web', 'web', 'nginx:1.27', {namespace: 'shop'});
		await app.command('hint');
		await app.command('reset');
		await app.waitFor(f => f.includes('Start image-tag-typo again'), 'the reset question');
		await app.press('y');
		let frame = await app.waitFor(f => f.includes('hints 0/3'), 'a new run');
		t.not(app.run, first);
		t.is(app.run.session.cluster.get('Deployment', 'web', 'shop')!.spec!['template'].spec.containers[0].image, 'nginx:1.277', 'broken again');
		t.regex(frame, /⏱ 0m00s/);

		await app.command('solution');
		await app.waitFor(f => f.includes('Show the reference solution?'), 'the question');
		await app.press('y');
		frame = await app.waitFor(f => f.includes('kubectl:'), 'the solution page');
		t.regex(frame, /1\. Set the web container's image to a tag nginx publishes\./);
		t.regex(frame, /kubectl: {3}kubectl -n shop set image deployment\/web web=nginx:1\.27/);
		t.regex(frame, /dashboard: :deploy shop⏎, select web, i \(set image\)/);
		t.regex(frame, /solution shown/);
		await app.press('esc');

		await app.command('next');
		frame = await app.waitFor(f => !f.includes('Practice image-tag-typo') && /Practice [a-z-]+ \(/.test(f), 'the next scenario');
		t.not(app.run.scenario.id, 'image-tag-typo');
		t.regex(frame, new RegExp(`Practice ${app.run.scenario.id}`));
	} finally {
		await app.unmount();
	}
});

test.serial('on a small terminal the panel gives way and the frame keeps to rows - 1', async t => {
	const app = await startPractice('configmap-key-missing', {columns: 80, rows: 20});
	try {
		await app.command('hint');
		await app.command('check');
		const frame = await app.waitFor(f => f.includes('Practice configmap-key-missing'), 'the task panel');
		t.true(frame.split('\n').length <= 19, frame);
		t.true(frame.includes(':hint  :check'), 'the commands line stays');
	} finally {
		await app.unmount();
	}
});

test.serial('each run\'s cluster is served to kubectl: the header shows where, and :reset serves the new cluster and closes the old', async t => {
	const served: Array<{cluster: Cluster; closed: boolean}> = [];
	const startApi = async (cluster: Cluster) => {
		const entry = {cluster, closed: false};
		served.push(entry);
		return {url: `https://127.0.0.1:${6443 + served.length}`, kubeconfig: '/tmp/kubeconfig', close: async () => {
			entry.closed = true;
		}};
	};
	const app = await startPractice('image-tag-typo', undefined, startApi);
	try {
		await app.waitFor(f => f.includes('https://127.0.0.1:6444'), 'the API in the header');
		t.is(served[0]!.cluster, app.run.session.cluster);
		await app.command('reset');
		await app.press('y');
		await app.waitFor(f => f.includes('https://127.0.0.1:6445'), 'the new run served');
		t.is(served.length, 2);
		t.true(served[0]!.closed, 'the old run\'s API is closed');
		t.is(served[1]!.cluster, app.run.session.cluster);
	} finally {
		await app.unmount();
	}
	t.true(served[1]!.closed, 'closed when the dashboard ends');
});
