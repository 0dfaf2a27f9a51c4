import test from 'ava';
import {ContainerLog, type StartupLine} from '../../../source/engine/runtime/container-log.js';
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
