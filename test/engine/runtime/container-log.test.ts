import test from 'ava';
import fc from 'fast-check';
import {ContainerLog, type SavedContainerLog, type StartupLine} from '../../../source/engine/runtime/container-log.js';
import {Ring} from '../../../source/engine/runtime/ring.js';
import type {LogLine} from '../../../source/engine/runtime/cri.js';

const context = {version: '1.27.3', podIP: '10.244.1.5', hostname: 'web-0'};
const startup: StartupLine[] = [
	{at: 0, line: 'starting {version}'},
	{at: 5, line: 'listening on {podIP}', stream: 'stderr'},
	{at: 9, line: 'ready'},
];

/** The same output pushed line by line into a plain ring of `capacity`: what the log must read as. */
function pushedOneByOne(capacity: number, later: LogLine[]): LogLine[] {
	const ring = new Ring<LogLine>(capacity);
	ring.push({at: 1000, stream: 'stdout', text: 'starting 1.27.3'});
	ring.push({at: 1005, stream: 'stderr', text: 'listening on 10.244.1.5'});
	ring.push({at: 1009, stream: 'stdout', text: 'ready'});
	for (const line of later) ring.push(line);
	return ring.toArray();
}

for (const count of [0, 1, 2, 3, 4, 10]) {
	test(`start-up lines kept as one reference read as if pushed one by one, then ${count} more lines into a log of 4`, t => {
		const log = new ContainerLog(4);
		log.begin(1000, startup, context);
		const later = Array.from({length: count}, (_, i): LogLine => ({at: 2000 + i, stream: 'stdout', text: `line ${i}`}));
		for (const line of later) log.push(line);
		t.deepEqual(log.lines(), pushedOneByOne(4, later));
	});
}

test('start-up lines come first: a log that already holds output refuses them', t => {
	const log = new ContainerLog(10);
	log.push({at: 1, stream: 'stdout', text: 'early'});
	t.throws(() => log.begin(0, startup, context), {message: /begins with its start-up lines/});
});

const catalogs: Record<string, StartupLine[]> = {
	web: startup,
	db: [{at: 0, line: '{ts:pg} starting'}, {at: 100, line: 'ready at {ts:iso}', stream: 'stderr'}],
};
const keyOf = (lines: readonly StartupLine[]) => Object.entries(catalogs).find(([, catalog]) => catalog === lines)![0];
const contexts = [context, {version: '16.2', podIP: '10.244.2.9', hostname: 'db-0'}];
type LogOp = {text: string; at: number} | {template: string; at: number; context: number; renderAt?: number} | {read: true};

const logOp: fc.Arbitrary<LogOp> = fc.oneof(
	{weight: 3, arbitrary: fc.record({text: fc.string({maxLength: 6}), at: fc.nat({max: 10_000_000})})},
	{weight: 3, arbitrary: fc.record({template: fc.constantFrom('{ts:nginx} stop', 'bye {hostname}', 'plain'), at: fc.nat({max: 10_000_000}), context: fc.nat({max: 1}), renderAt: fc.option(fc.nat({max: 10_000_000}), {nil: undefined})}, {requiredKeys: ['template', 'at', 'context']})},
	{weight: 1, arbitrary: fc.constant({read: true as const})},
);

/** Apply one operation: a line (text or template, contexts shared between lines) or a read. */
function applyLog(log: ContainerLog, step: LogOp): LogLine[] | undefined {
	if ('read' in step) return log.lines();
	if ('text' in step) log.push({at: step.at, stream: step.at % 2 ? 'stderr' : 'stdout', text: step.text});
	else log.push({at: step.at, stream: 'stderr', template: step.template, context: contexts[step.context]!, ...(step.renderAt === undefined ? {} : {renderAt: step.renderAt})});
	return undefined;
}

test('a container log saved at any point, loaded from JSON, reads and goes on as the one that was not saved', t => {
	const begins = fc.option(fc.record({key: fc.constantFrom('web', 'db'), from: fc.nat({max: 10_000_000}), context: fc.nat({max: 1})}), {nil: undefined});
	fc.assert(fc.property(fc.integer({min: 1, max: 8}), begins, fc.array(logOp, {maxLength: 30}), fc.array(logOp, {maxLength: 30}), (capacity, begin, before, after) => {
		const log = new ContainerLog(capacity);
		if (begin) log.begin(begin.from, catalogs[begin.key]!, contexts[begin.context]!);
		for (const step of before) applyLog(log, step);
		const saved = JSON.parse(JSON.stringify(log.save(keyOf))) as SavedContainerLog;
		const loaded = ContainerLog.fromSaved(saved, key => catalogs[key]!);
		t.deepEqual(loaded.lines(), log.lines());
		for (const step of after) t.deepEqual(applyLog(loaded, step), applyLog(log, step));
		t.deepEqual(loaded.lines(), log.lines());
		t.deepEqual(loaded.save(keyOf), log.save(keyOf));
	}), {numRuns: 300});
});

test('a saved container log keeps template lines as templates, their shared context once, the start-up lines by key', t => {
	const log = new ContainerLog(3);
	log.begin(1000, startup, context);
	log.push({at: 2000, stream: 'stdout', text: 'GET /'});
	log.push({at: 3000, stream: 'stderr', template: 'bye {hostname}', context, renderAt: 2500});
	log.push({at: 3001, stream: 'stderr', template: 'gone', context});
	t.deepEqual(log.save(keyOf), {
		contexts: [context],
		startup: {key: 'web', count: 3, from: 1000, context: 0},
		ring: {capacity: 3, total: 3, items: [
			{at: 2000, stream: 'stdout', text: 'GET /'},
			{at: 3000, stream: 'stderr', template: 'bye {hostname}', context: 0, renderAt: 2500},
			{at: 3001, stream: 'stderr', template: 'gone', context: 0},
		]},
	});
	// The ring is full: the start-up lines were dropped first, and are gone in the loaded log too.
	const loaded = ContainerLog.fromSaved(log.save(keyOf), key => catalogs[key]!);
	t.deepEqual(loaded.lines().map(line => line.text), ['GET /', 'bye web-0', 'gone']);
});

test('a saved container log with start-up lines needs their key to save and their catalog to load', t => {
	const log = new ContainerLog(10);
	log.begin(0, startup, context);
	t.throws(() => log.save(), {message: /key/});
	const saved = log.save(keyOf);
	t.throws(() => ContainerLog.fromSaved(saved), {message: /find them/});
	t.throws(() => ContainerLog.fromSaved(saved, () => startup.slice(1)), {message: /are 2, the saved log had 3/});
	t.throws(() => ContainerLog.fromSaved({...saved, contexts: []}, key => catalogs[key]!), {message: /context 0 of 0/});
});
