/**
 * The practice task panel: the scenario and its goal, the simulated timer,
 * the hints given, the last grading (each check ✓ or ✗ with what was
 * observed), the solved line, and the commands. Lines are built by a pure
 * function (`taskPanelLines`) so they are tested without a terminal.
 */
import React from 'react';
import {Box, Text} from 'ink';
import {formatElapsed} from '../../practice/duration.js';
import type {PracticeSession} from '../../practice/session.js';
import type {Theme} from '../theme/theme.js';
import {sanitizeLine} from '../sanitize.js';
import {displayWidth, truncateToWidth, wrapToWidth} from '../text-width.js';

/** What the panel shows besides the session itself. */
export type TaskPanelState = {
	/** `:check` was run: from then on the panel lists the checks, as the session last graded them (every 5 simulated seconds). */
	checked?: boolean;
	/** The reference solution was opened. */
	solutionShown?: boolean;
};

export type PanelLine = {text: string; tone: 'title' | 'goal' | 'hint' | 'pass' | 'fail' | 'solved' | 'muted'};

/** Words of `text` in lines of at most `width` columns; a word longer than a line is cut into pieces. */
export function wrapWords(text: string, width: number): string[] {
	const out: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		const candidate = line ? `${line} ${word}` : word;
		if (displayWidth(candidate) <= width) {
			line = candidate;
			continue;
		}
		if (line) out.push(line);
		const pieces = wrapToWidth(word, width);
		line = pieces.pop() ?? '';
		out.push(...pieces);
	}
	if (line) out.push(line);
	return out;
}

export const practiceCommandsLine = ':hint  :check  :reset  :solution  :next';

function stateText(session: PracticeSession, now: number): string {
	if (session.state === 'solved') return 'solved';
	if (session.state === 'verifying') return `checks pass, holding ${Math.floor(session.passingForMs(now) / 1000)}s/30s`;
	return 'broken';
}

/** The panel's lines at this width, most important first within each part. */
export function taskPanelLines(session: PracticeSession, state: TaskPanelState, width: number, now: number): PanelLine[] {
	const {scenario} = session;
	const lines: PanelLine[] = [];
	const wrap = (text: string, prefix: string, tone: PanelLine['tone'], max: number) => {
		const wrapped = wrapWords(sanitizeLine(text), Math.max(10, width - prefix.length));
		wrapped.slice(0, max).forEach((line, i) => lines.push({text: `${i === 0 ? prefix : ' '.repeat(prefix.length)}${line}`, tone}));
	};
	lines.push({
		text: truncateToWidth(`Practice ${scenario.id} (${scenario.difficulty}, ${scenario.category})  ⏱ ${formatElapsed(session.elapsedMs(now))}  hints ${session.hintsUsed}/${scenario.hints.length}  ${stateText(session, now)}${state.solutionShown ? '  solution shown' : ''}`, width),
		tone: 'title',
	});
	wrap(scenario.goal, 'Goal: ', 'goal', 2);
	const hints = session.hintsShown();
	if (hints.length > 0) wrap(hints[hints.length - 1]!, `Hint ${hints.length}/${scenario.hints.length}: `, 'hint', 2);
	const solved = session.solved;
	if (solved) {
		lines.push({text: truncateToWidth(`✓ Solved in ${formatElapsed(solved.elapsedMs)} with ${solved.hintsUsed} hint${solved.hintsUsed === 1 ? '' : 's'}. :next for another scenario, :reset to try again.`, width), tone: 'solved'});
	}
	const grade = state.checked ? session.grade : undefined;
	if (grade) {
		for (const check of grade.checks) {
			lines.push({text: truncateToWidth(sanitizeLine(`${check.passed ? '✓' : '✗'} ${check.name}: ${check.detail}`), width), tone: check.passed ? 'pass' : 'fail'});
		}
	}
	lines.push({text: truncateToWidth(practiceCommandsLine, width), tone: 'muted'});
	return lines;
}

/** Lines to show in `rows`: the title, goal and commands stay; hints and checks give way first from the end. */
export function fitLines(lines: PanelLine[], rows: number): PanelLine[] {
	if (lines.length <= rows) return lines;
	if (rows <= 1) return lines.slice(0, rows);
	const last = lines[lines.length - 1]!;
	return [...lines.slice(0, rows - 1), last];
}

export function TaskPanel({lines, width, height, theme}: {lines: PanelLine[]; width: number; height: number; theme: Theme}) {
	const colour = (tone: PanelLine['tone']): string | undefined => ({
		title: theme.frame.title.highlight,
		goal: theme.body.fg,
		hint: theme.frame.flash.warn,
		pass: theme.status.completed,
		fail: theme.status.error,
		solved: theme.status.completed,
		muted: theme.frame.menu.fg,
	})[tone];
	return (
		<Box flexDirection="column" width={width} height={height}>
			{fitLines(lines, height).map((line, i) => (
				<Text key={i} color={colour(line.tone)} bold={line.tone === 'title' || line.tone === 'solved'} wrap="truncate">{line.text}</Text>
			))}
		</Box>
	);
}
