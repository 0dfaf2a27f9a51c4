/**
 * Container logs, as k9s shows them: follow (`s` autoscroll), wrap (`w`,
 * the text view's), timestamps (`t`), previous instance (`p`), search (`/`),
 * ←/→ across long lines. Lines are
 * sanitised before they reach the screen.
 */
import React, {useEffect, useMemo, useRef, useState} from 'react';
import {useApp, type PageProps, type PageSpec} from '../../app/contract.js';
import {errorMessage} from '../../dialogs/errors.js';
import {sanitize} from '../../sanitize.js';
import {TextView} from '../text-view/text-view.js';
import type {TextViewAction, TextViewState} from '../text-view/use-text-view-state.js';
import {useLive} from '../../app/use-live.js';

export type LogOptions = {previous: boolean; timestamps: boolean};
/** Reads the log text so far; throws a KubeError (e.g. no previous instance). `close` stops following when the page goes. */
export type LogSource = ((options: LogOptions) => string) & {close?: () => void};

export type LogToggles = LogOptions;

/** Log text → display lines (sanitised, trailing newline dropped). */
export function logLines(text: string): string[] {
	const clean = sanitize(text);
	const lines = clean.split('\n');
	if (lines[lines.length - 1] === '') lines.pop();
	return lines;
}

function LogsPage({source, initialPrevious, width, height}: PageProps & {source: LogSource; initialPrevious: boolean}) {
	const app = useApp();
	const tick = useLive(['Pod'], {pollMs: 1000});
	const [toggles, setToggles] = useState<LogToggles>({previous: initialPrevious, timestamps: false});
	useEffect(() => () => source.close?.(), [source]);
	const control = useRef<{state: TextViewState; dispatch: (action: TextViewAction) => void} | undefined>(undefined);
	const {lines, error} = useMemo(() => {
		try {
			return {lines: logLines(source({previous: toggles.previous, timestamps: toggles.timestamps})), error: undefined};
		} catch (caught) {
			return {lines: [] as string[], error: errorMessage(caught)};
		}
	}, [source, toggles.previous, toggles.timestamps, tick, app.cluster]);
	const flag = (name: string, on: boolean) => `${name}:${on ? 'On' : 'Off'}`;
	const indicator = (state: TextViewState) => [flag('Autoscroll', state.follow), flag('Timestamps', toggles.timestamps), flag('Wrap', state.wrap), flag('Previous', toggles.previous)].join('  ');
	return (
		<TextView
			lines={error ? [error] : lines.length === 0 ? ['Waiting for logs...'] : lines}
			width={width} height={height} follow indicator={indicator} indicatorHasWrap
			colorOf={line => (error || /\b(error|fatal|panic)\b/i.test(line) ? app.theme.frame.flash.error : /\bwarn/i.test(line) ? app.theme.frame.flash.warn : app.theme.views.logs.fg)}
			control={(state, dispatch) => {
				control.current = {state, dispatch};
			}}
			bindings={[
				{key: 's', action: 'logs.autoscroll', description: 'Autoscroll'},
				{key: 't', action: 'logs.timestamps', description: 'Timestamps'},
				{key: 'p', action: 'logs.previous', description: 'Previous'},
			]}
			handlers={{
				'logs.autoscroll': () => control.current?.dispatch({type: 'follow', on: !control.current.state.follow}),
				'logs.timestamps': () => setToggles(t => ({...t, timestamps: !t.timestamps})),
				'logs.previous': () => setToggles(t => ({...t, previous: !t.previous})),
			}}
		/>
	);
}

export function logsPage(title: string, source: LogSource, options: {previous?: boolean} = {}): PageSpec {
	return {title: `logs ${title}`, key: `logs:${title}`, render: props => <LogsPage {...props} source={source} initialPrevious={options.previous ?? false}/>};
}
