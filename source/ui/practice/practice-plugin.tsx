/**
 * Practice as a dashboard plug-in: the task panel in the layout, and the
 * `:hint`, `:check`, `:reset`, `:solution` and `:next` commands in the
 * dashboard's command registry. It grades as simulated time moves, and
 * records a solve (time and hints) in the preferences.
 */
import React from 'react';
import {formatElapsed} from '../../practice/duration.js';
import type {PracticeSession} from '../../practice/session.js';
import type {AppApi, AppPlugin} from '../app/contract.js';
import {TextView} from '../details/text-view/text-view.js';
import type {Preferences} from '../prefs.js';
import {sanitizeLine} from '../sanitize.js';
import {TaskPanel, taskPanelLines, type TaskPanelState} from './task-panel.js';

export type PracticePluginOptions = {
	session: PracticeSession;
	prefs: Preferences;
	/** The same broken cluster again. */
	reset: () => void;
	/** The next scenario; undefined when there is none (a user's own file). */
	next?: () => void;
};

/** The reference solution as the `:solution` page shows it: each step, its kubectl command and its dashboard keys. */
export function solutionLines(session: PracticeSession): string[] {
	const lines: string[] = [`Reference solution for ${session.scenario.id}: ${session.scenario.title}`, ''];
	session.scenario.solution.forEach((step, i) => {
		lines.push(`${i + 1}. ${step.text}`);
		if (step.kubectl) step.kubectl.trimEnd().split('\n').forEach((line, j) => lines.push(`${j === 0 ? '   kubectl:   ' : '              '}${line}`));
		if (step.keys) lines.push(`   dashboard: ${step.keys}`);
		lines.push('');
	});
	lines.push('The checks grade the outcome: any fix that makes them pass for 30 simulated seconds solves the scenario.');
	return lines.map(sanitizeLine);
}

export function createPracticePlugin(options: PracticePluginOptions): AppPlugin {
	const {session, prefs} = options;
	const state: TaskPanelState = {};
	let app: AppApi | undefined;
	const need = () => {
		if (!app) throw new Error('the practice task is not attached to the dashboard');
		return app;
	};
	return {
		name: 'practice',
		panel: {
			rows: (width, max) => Math.min(max, taskPanelLines(session, state, width, session.cluster.now()).length),
			render: ({width, height}) => app
				? <TaskPanel lines={taskPanelLines(session, state, width, session.cluster.now())} width={width} height={height} theme={app.theme} />
				: null,
		},
		commands: [
			{
				names: ['hint'],
				description: 'Practice: the next hint (each more specific; hints used are counted)',
				run: (_args, current) => {
					const hint = session.nextHint();
					if (!hint) {
						current.flash(`No more hints: all ${session.scenario.hints.length} are shown; :solution shows the reference fix`, 'warn');
						return;
					}
					current.flash(`Hint ${hint.number}/${hint.of} (in the task panel)`);
				},
			},
			{
				names: ['check'],
				description: 'Practice: grade now; each check passes or fails with what was observed',
				run: (_args, current) => {
					const grade = session.check();
					state.checked = true;
					const passing = grade.checks.filter(c => c.passed).length;
					if (session.state === 'solved') current.flash('Solved: every check passes', 'info');
					else if (grade.passed) current.flash(`All ${grade.checks.length} checks pass; they must keep passing for 30 simulated seconds`, 'info');
					else current.flash(`${passing} of ${grade.checks.length} checks pass`, 'warn');
				},
			},
			{
				names: ['reset'],
				description: 'Practice: the same broken cluster again (the timer restarts)',
				run: (_args, current) => {
					void current.confirm({title: 'Reset', message: `Start ${session.scenario.id} again on a new broken cluster? Your changes are lost.`, yes: 'Reset', no: 'Cancel'})
						.then(yes => {
							if (yes) options.reset();
						});
				},
			},
			{
				names: ['solution'],
				description: 'Practice: the reference fix, step by step (asks first)',
				run: (_args, current) => {
					void current.confirm({title: 'Solution', message: 'Show the reference solution? Try the hints first (:hint).', yes: 'Show', no: 'Cancel'})
						.then(yes => {
							if (!yes) return;
							state.solutionShown = true;
							const lines = solutionLines(session);
							current.pushPage({title: `solution ${session.scenario.id}`, key: 'practice-solution', render: page => <TextView lines={lines} width={page.width} height={page.height} wrap />});
						});
				},
			},
			{
				names: ['next'],
				description: 'Practice: the next scenario',
				run: () => {
					if (!options.next) throw new Error('No next scenario: this one came from --file');
					options.next();
				},
			},
		],
		attach(api) {
			app = api;
			const stopTicks = api.onTick(tick => {
				if (!tick.secondChanged) return false;
				const before = session.state;
				session.observe(tick.now);
				return session.state !== before;
			});
			const stopSolved = session.onSolved(run => {
				prefs.recordPractice(session.scenario.id, {solved: true, elapsedMs: run.elapsedMs, hints: run.hintsUsed});
				need().flash(`Solved ${session.scenario.id} in ${formatElapsed(run.elapsedMs)} with ${run.hintsUsed} hint${run.hintsUsed === 1 ? '' : 's'}`);
			});
			return () => {
				stopTicks();
				stopSolved();
				app = undefined;
			};
		},
	};
}
