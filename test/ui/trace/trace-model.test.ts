import test from 'ava';
import {compileCallFilter, initialTraceState, summarize, summaryLines, traceReducer, visibleEntries, windowOf, type TraceEntry} from '../../../source/ui/trace/trace-model.js';

const entry = (at: number, name: string, category: string, ret: number | string = 0): TraceEntry => ({at, pid: 100, name, args: '', ret, category});
const entries: TraceEntry[] = [
	entry(1, 'execve', 'process control'),
	entry(2, 'openat', 'file management', '-1 ENOENT (No such file or directory)'),
	entry(3, 'openat', 'file management', 3),
	entry(4, 'read', 'file management', 12),
	entry(5, 'ioctl', 'device management', 0),
	entry(6, 'getpid', 'information maintenance', 1),
	entry(7, 'accept4', 'communications', 5),
	entry(8, 'sendto', 'communications', '-1 EPIPE (Broken pipe)'),
];

test('a category key shows only that category; the same key again, or all, shows every one', t => {
	let state = traceReducer(initialTraceState(), {type: 'only-category', index: 1});
	t.deepEqual(visibleEntries(entries, state).map(e => e.name), ['openat', 'openat', 'read']);
	state = traceReducer(state, {type: 'only-category', index: 4});
	t.deepEqual(visibleEntries(entries, state).map(e => e.name), ['accept4', 'sendto']);
	state = traceReducer(state, {type: 'only-category', index: 4});
	t.is(visibleEntries(entries, state).length, entries.length);
	state = traceReducer(traceReducer(state, {type: 'only-category', index: 0}), {type: 'all-categories'});
	t.is(visibleEntries(entries, state).length, entries.length);
});

test('call filter: name prefixes, regex, inversion, and a bad regex is an error that filters nothing', t => {
	const cases: Array<[string, string[]]> = [
		['openat', ['openat', 'openat']],
		['read,ioctl', ['read', 'ioctl']],
		['accept', ['accept4']],
		['open', ['openat', 'openat']],
		['se,get', ['getpid', 'sendto']],
		['!open', ['execve', 'read', 'ioctl', 'getpid', 'accept4', 'sendto']],
		['^(send|acc)', ['accept4', 'sendto']],
		['!openat', ['execve', 'read', 'ioctl', 'getpid', 'accept4', 'sendto']],
	];
	for (const [filter, names] of cases) {
		let state = initialTraceState();
		for (let i = 1; i <= filter.length; i++) state = traceReducer(state, {type: 'filter-set', text: filter.slice(0, i)});
		t.deepEqual(visibleEntries(entries, state).map(e => e.name), names, filter);
	}
	const bad = compileCallFilter('open(');
	t.regex(bad.error ?? '', /^Invalid call filter "open\(": /);
	let state = traceReducer(initialTraceState(), {type: 'filter-set', text: 'open('});
	t.truthy(state.filterError);
	t.is(visibleEntries(entries, state).length, entries.length);
	state = traceReducer(state, {type: 'filter-cancel'});
	t.is(state.callFilter, '');
});

test('errors only keeps failed calls', t => {
	const state = traceReducer(initialTraceState(), {type: 'toggle-errors'});
	t.deepEqual(visibleEntries(entries, state).map(e => e.name), ['openat', 'sendto']);
});

test('pause freezes the shown entries while the trace grows; resume catches up', t => {
	let state = traceReducer(initialTraceState(), {type: 'toggle-pause', entries: entries.slice(0, 3)});
	t.is(visibleEntries(entries, state).length, 3);
	state = traceReducer(state, {type: 'toggle-pause', entries});
	t.is(visibleEntries(entries, state).length, entries.length);
});

test('follow shows the newest rows; scrolling up stops following, scrolling to the end resumes', t => {
	let state = initialTraceState();
	t.deepEqual(windowOf(entries, state, 3).rows.map(e => e.at), [6, 7, 8]);
	state = traceReducer(state, {type: 'scroll', by: -2, total: entries.length, height: 3});
	t.false(state.follow);
	t.deepEqual(windowOf(entries, state, 3).rows.map(e => e.at), [4, 5, 6]);
	state = traceReducer(state, {type: 'scroll', by: 5, total: entries.length, height: 3});
	t.true(state.follow);
});

test('summary counts calls, errors and shares per call and per category, like strace -c', t => {
	const summary = summarize(entries);
	t.is(summary.calls, 8);
	t.is(summary.errors, 2);
	t.deepEqual(summary.rows[0], {name: 'openat', category: 'file management', calls: 2, errors: 1, share: 25});
	const file = summary.categories.find(c => c.category === 'file management')!;
	t.deepEqual(file, {category: 'file management', calls: 3, errors: 1, share: 37.5});
	const lines = summaryLines(summary);
	t.regex(lines[0]!, /% calls\s+calls\s+errors\s+category/);
	t.regex(lines[3]!, /^\s+37\.50\s+3\s+1 file management$/);
	t.regex(lines.find(l => /errors\s+syscall/.test(l))!, /% calls\s+calls\s+errors\s+syscall\s+category/);
	t.regex(lines.find(l => l.includes(' openat '))!, /^\s+25\.00\s+2\s+1 openat\s+file management$/);
	t.regex(lines.find(l => l.includes('total'))!, /^ 100\.00\s+8\s+2 total$/);
	t.deepEqual(summarize([]).rows, []);
});
