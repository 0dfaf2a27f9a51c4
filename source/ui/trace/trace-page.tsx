/**
 * The live system-call trace of a pod or container: time, pid, call,
 * arguments and result, coloured by the five categories. 1-5 show only
 * one category (again, or 0, all), `/` filters by call-name prefix, space pauses, `f` follows,
 * `e` shows errors only, `s` switches to the `strace -c` summary.
 */
import React, {useMemo, useRef} from 'react';
import {Box, Text} from 'ink';
import {useApp, usePageKeys, type KeyBinding, type PageProps, type PageSpec} from '../app/contract.js';
import {scrollBindings, scrollHandlers} from '../components/scroll-keys.js';
import {useTextInput} from '../components/text-input/use-text-input.js';
import {TextInput} from '../components/text-input/text-input.js';
import {useLive} from '../app/use-live.js';
import {clockTime} from '../details/time-format.js';
import {errorMessage} from '../dialogs/errors.js';
import {sanitizeLine} from '../sanitize.js';
import {truncateToWidth} from '../text-width.js';
import type {Theme} from '../theme/theme.js';
import {categoryLabels, isError, summarize, summaryLines, traceCategories, visibleEntries, windowOf, type TraceEntry} from './trace-model.js';
import {useTraceState} from './use-trace-state.js';

/** Reads the trace; throws a KubeError when the pod or container is gone. */
export type TraceSource = () => readonly TraceEntry[];

export const traceBindings: KeyBinding[] = [
	{key: '1', action: 'trace.process', description: 'Only process control'},
	{key: '2', action: 'trace.file', description: 'Only file management'},
	{key: '3', action: 'trace.device', description: 'Only device management'},
	{key: '4', action: 'trace.info', description: 'Only information'},
	{key: '5', action: 'trace.comms', description: 'Only communications'},
	{key: '0', action: 'trace.all', description: 'All categories'},
	{key: '/', action: 'trace.filter', description: 'Filter calls (prefix)'},
	{key: 'space', action: 'trace.pause', description: 'Pause/Resume'},
	{key: 'f', action: 'trace.follow', description: 'Follow'},
	{key: 'e', action: 'trace.errors', description: 'Errors only'},
	{key: 's', action: 'trace.summary', description: 'Summary'},
	...scrollBindings,
];

export function categoryColor(theme: Theme, category: string): string | undefined {
	switch (category) {
		case 'process control': return theme.views.trace.process;
		case 'file management': return theme.views.trace.file;
		case 'device management': return theme.views.trace.device;
		case 'information maintenance': return theme.views.trace.info;
		case 'communications': return theme.views.trace.comms;
		default: return undefined;
	}
}

/** One stream row: `12:00:01.000  4242  openat(AT_FDCWD, "/etc/hosts", O_RDONLY) = 3`. */
export function traceLine(entry: TraceEntry): string {
	return `${clockTime(entry.at)} ${String(entry.pid).padStart(6)}  ${sanitizeLine(entry.name)}(${sanitizeLine(entry.args)}) = ${sanitizeLine(String(entry.ret))}`;
}

function TracePage({source, width, height}: PageProps & {source: TraceSource}) {
	const app = useApp();
	const theme = app.theme;
	const tick = useLive(['Pod'], {pollMs: 1000});
	const [state, dispatch] = useTraceState();
	let entries: readonly TraceEntry[] = [];
	let error: string | undefined;
	try {
		entries = source();
	} catch (caught) {
		error = errorMessage(caught);
	}
	const shown = useMemo(() => visibleEntries(entries, state), [entries, state, tick]);
	const bodyHeight = Math.max(1, height - 2 - (state.filterError ? 1 : 0));
	const scroll = (by: number) => dispatch({type: 'scroll', by, total: shown.length, height: bodyHeight});
	// Read at every key, so a filter typed and submitted in one read (a paste) is not lost.
	const editing = useRef(false);
	editing.current = state.editingFilter;
	const filter = useTextInput({
		onChange: text => dispatch({type: 'filter-set', text}),
		onSubmit: () => {
			editing.current = false;
			dispatch({type: 'filter-done'});
		},
		onCancel: () => {
			editing.current = false;
			dispatch({type: 'filter-cancel'});
		},
	});
	usePageKeys({
		bindings: traceBindings,
		handlers: {
			'trace.process': () => dispatch({type: 'only-category', index: 0}),
			'trace.file': () => dispatch({type: 'only-category', index: 1}),
			'trace.device': () => dispatch({type: 'only-category', index: 2}),
			'trace.info': () => dispatch({type: 'only-category', index: 3}),
			'trace.comms': () => dispatch({type: 'only-category', index: 4}),
			'trace.all': () => dispatch({type: 'all-categories'}),
			'trace.filter': () => {
				editing.current = true;
				dispatch({type: 'start-filter'});
				filter.set(state.callFilter);
			},
			'trace.pause': () => dispatch({type: 'toggle-pause', entries}),
			'trace.follow': () => dispatch({type: 'bottom'}),
			'trace.errors': () => dispatch({type: 'toggle-errors'}),
			'trace.summary': () => dispatch({type: 'toggle-summary'}),
			...scrollHandlers({
				down: () => scroll(1),
				up: () => scroll(-1),
				pageDown: () => scroll(bodyHeight),
				pageUp: () => scroll(-bodyHeight),
				top: () => dispatch({type: 'top'}),
				bottom: () => dispatch({type: 'bottom'}),
			}),
		},
		onKey: event => {
			if (!editing.current) return false;
			filter.handleKey(event);
			return event.name !== 'ctrl-c';
		},
	});
	const bar = (
		<Text wrap="truncate">
			{traceCategories.map((category, i) => (
				<Text key={category} color={state.categories.has(category) ? categoryColor(theme, category) : undefined} dimColor={!state.categories.has(category)} strikethrough={!state.categories.has(category) && theme.mono}>
					{`[${i + 1}]${categoryLabels[category]} `}
				</Text>
			))}
			<Text color={state.filterError ? theme.frame.flash.error : theme.frame.title.filter}>
				{state.editingFilter ? ' call:/' : state.callFilter ? ` call:/${state.callFilter}` : ''}
			</Text>
			{state.editingFilter ? <TextInput value={filter.state.value} cursor={filter.state.cursor} width={Math.max(8, Math.floor(width / 3))}/> : null}
			<Text color={theme.views.logs.indicator}>
				{`  ${state.paused ? 'PAUSED' : state.follow ? 'following' : 'scrolled'}${state.errorsOnly ? '  errors only' : ''}  ${shown.length}/${entries.length} calls`}
			</Text>
		</Text>
	);
	if (error) {
		return (
			<Box flexDirection="column" width={width} height={height}>
				{bar}
				<Text color={theme.frame.flash.error} wrap="wrap">{error}</Text>
			</Box>
		);
	}
	if (state.mode === 'summary') {
		const lines = summaryLines(summarize(shown));
		return (
			<Box flexDirection="column" width={width} height={height}>
				{bar}
				<Text color={theme.views.logs.indicator}>{`strace -c  (shares by number of calls)`}</Text>
				{lines.slice(0, bodyHeight).map((line, i) => {
					const category = traceCategories.find(c => line.endsWith(c));
					return <Text key={i} color={category ? categoryColor(theme, category) : undefined} bold={i === 0} wrap="truncate">{line || ' '}</Text>;
				})}
			</Box>
		);
	}
	const window = windowOf(shown, state, bodyHeight);
	return (
		<Box flexDirection="column" width={width} height={height}>
			{bar}
			<Text bold color={theme.views.table.header.fg} wrap="truncate">{`${'TIME'.padEnd(12)} ${'PID'.padStart(6)}  CALL(ARGS) = RESULT`}</Text>
			{window.rows.map((entry, i) => (
				<Text key={window.top + i} color={isError(entry) ? theme.views.trace.error : categoryColor(theme, entry.category)} wrap="truncate">{truncateToWidth(traceLine(entry), width)}</Text>
			))}
			{state.filterError ? <Text color={theme.frame.flash.error} wrap="truncate">{state.filterError}</Text> : null}
		</Box>
	);
}

export function tracePage(title: string, source: TraceSource): PageSpec {
	return {title: `trace ${title}`, key: `trace:${title}`, render: props => <TracePage {...props} source={source}/>};
}
