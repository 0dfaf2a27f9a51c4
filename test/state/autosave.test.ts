import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {Autosave, type AutosaveTimers} from '../../source/state/autosave.js';
import {writeStateFile} from '../../source/state/state-file.js';
import {readSnapshotText} from '../../source/state/snapshot-json.js';

/** A wall clock and timers that move only when told. */
function fakeTime() {
	let now = 0;
	let nextId = 1;
	const pending = new Map<number, {at: number; callback: () => void}>();
	const timers: AutosaveTimers = {
		setTimeout(callback, ms) {
			const id = nextId++;
			pending.set(id, {at: now + ms, callback});
			return id;
		},
		clearTimeout: handle => void pending.delete(handle as number),
	};
	/** Move the clock to `to`, running each timer due on the way at its own time. */
	const advanceTo = async (to: number) => {
		for (;;) {
			const due = [...pending.entries()].filter(([, timer]) => timer.at <= to).sort((a, b) => a[1].at - b[1].at)[0];
			if (!due) break;
			pending.delete(due[0]);
			now = Math.max(now, due[1].at);
			due[1].callback();
			// Let the write's promise settle before the next timer.
			await new Promise(resolve => setImmediate(resolve));
		}
		now = to;
	};
	return {now: () => now, timers, advanceTo, pending: () => pending.size};
}

const asText = (data: string | readonly Buffer[]) => (typeof data === 'string' ? data : Buffer.concat(data).toString('utf8'));

function saver(time: ReturnType<typeof fakeTime>) {
	const written: Array<{at: number; text: string; blocking: boolean}> = [];
	let state = 0;
	const autosave = new Autosave({
		file: '/state.json',
		snapshot: () => ({kind: 'KubariumSnapshot', version: 1, state}),
		now: time.now,
		timers: time.timers,
		write: async (_file, data) => void written.push({at: time.now(), text: asText(data), blocking: false}),
		writeSync: (_file, data) => void written.push({at: time.now(), text: asText(data), blocking: true}),
	});
	return {autosave, written, set: (value: number) => (state = value)};
}

test('the first change of a quiet spell is saved at once; more changes within 2 s wait for the 2 s to pass, and make one save', async t => {
	const time = fakeTime();
	const {autosave, written, set} = saver(time);
	set(1);
	autosave.changed();
	await time.advanceTo(0);
	t.deepEqual(written.map(w => w.at), [0]);
	for (const at of [100, 500, 1900]) {
		await time.advanceTo(at);
		set(at);
		autosave.changed();
	}
	await time.advanceTo(1999);
	t.is(written.length, 1, 'nothing before 2 s after the last save');
	await time.advanceTo(2000);
	t.deepEqual(written.map(w => w.at), [0, 2000]);
	t.is(JSON.parse(written[1]!.text).state, 1900, 'the save holds the latest state');
});

test('no change, no save: a quiet cluster is not written again', async t => {
	const time = fakeTime();
	const {autosave, written} = saver(time);
	autosave.changed();
	await time.advanceTo(0);
	await time.advanceTo(60_000);
	t.is(written.length, 1);
	t.is(time.pending(), 0, 'no timer waits');
});

test('changes all the time: one save every 2 s, never more', async t => {
	const time = fakeTime();
	const {autosave, written, set} = saver(time);
	for (let at = 0; at <= 10_000; at += 100) {
		await time.advanceTo(at);
		set(at);
		autosave.changed();
	}
	await time.advanceTo(12_000);
	// The save due at 10 s ran before the change made at 10 s, which the next one holds.
	t.deepEqual(written.map(w => w.at), [0, 2000, 4000, 6000, 8000, 10_000, 12_000]);
	t.is(JSON.parse(written.at(-2)!.text).state, 9900);
	t.is(JSON.parse(written.at(-1)!.text).state, 10_000);
});

test('the exit save writes what changed since the last save, blocking; with nothing new it writes nothing', async t => {
	const time = fakeTime();
	const {autosave, written, set} = saver(time);
	autosave.changed();
	await time.advanceTo(0);
	await time.advanceTo(500);
	set(7);
	autosave.changed();
	autosave.flush();
	t.deepEqual(written.map(w => [w.at, w.blocking, JSON.parse(w.text).state]), [[0, false, 0], [500, true, 7]]);
	await time.advanceTo(5000);
	t.is(written.length, 2, 'stopped: the pending timer was cleared');
	autosave.changed();
	autosave.flush();
	t.is(written.length, 2);

	const quiet = saver(fakeTime());
	quiet.autosave.flush();
	t.is(quiet.written.length, 1, 'a cluster that never changed is still written once at exit, so the next start finds it');
});

test('a failed save is reported and tried again after the next interval', async t => {
	const time = fakeTime();
	const errors: string[] = [];
	let fail = true;
	const writes: number[] = [];
	const autosave = new Autosave({
		file: '/state.json',
		snapshot: () => ({}),
		now: time.now,
		timers: time.timers,
		write: async () => {
			writes.push(time.now());
			if (fail) throw new Error('ENOSPC: no space left on device');
		},
		onError: error => errors.push(error.message),
	});
	autosave.changed();
	await time.advanceTo(0);
	t.deepEqual(errors, ['ENOSPC: no space left on device']);
	t.true(autosave.pending);
	fail = false;
	await time.advanceTo(2000);
	t.deepEqual(writes, [0, 2000]);
	t.false(autosave.pending);
	t.is(autosave.saves, 1);
});

/** A snapshot shaped as the engine's (objects in `store`, a journal beside them) whose journal a test may change after it is taken. */
function slicedSaver(objects: number, options: {sliceMs: number}) {
	let clock = 0;
	const time = fakeTime();
	const journal = [{call: 'advance', args: [1000]}];
	const store = {resourceVersion: '9', objects: Array.from({length: objects}, (_, i) => ({kind: 'Pod', metadata: {name: `p-${i}`}}))};
	const written: Array<{text: string; blocking: boolean}> = [];
	const saved: number[] = [];
	const pauses: number[] = [];
	let taken = '';
	const autosave = new Autosave({
		file: '/state.json',
		snapshot: () => {
			const snapshot = {kind: 'KubariumSnapshot', version: 2, store: {...store, objects: [...store.objects]}, journal};
			taken = JSON.stringify(snapshot);
			return snapshot;
		},
		// Each reading of the wall clock is one ms later: serialising an object costs about one.
		now: () => clock++,
		timers: time.timers,
		sliceMs: options.sliceMs,
		pause: async () => {
			pauses.push(clock);
			// The cluster goes on between slices: its journal grows and its last advance gets longer.
			journal[0]!.args[0]! += 1000;
			store.objects = [...store.objects, {kind: 'Pod', metadata: {name: `late-${pauses.length}`}}];
			await new Promise(resolve => setImmediate(resolve));
		},
		write: async (_file, data) => void written.push({text: asText(data), blocking: false}),
		writeSync: (_file, data) => void written.push({text: asText(data), blocking: true}),
		onSaved: info => saved.push(info.blockedMs),
	});
	return {autosave, time, written, saved, pauses, taken: () => taken};
}

test('a background save serialises the objects in slices, letting the event loop turn between them, and writes the snapshot as it was when taken', async t => {
	const {autosave, time, written, saved, pauses, taken} = slicedSaver(200, {sliceMs: 10});
	autosave.changed();
	await time.advanceTo(0);
	await autosave.settled();
	t.true(pauses.length >= 10, `the 200 objects were serialised in ${pauses.length + 1} slices`);
	t.is(written.length, 1);
	t.deepEqual(readSnapshotText(written[0]!.text), JSON.parse(taken()), 'what the cluster did between the slices is not in the file');
	t.true(saved[0]! <= 14, `the event loop was held at most ${saved[0]} ms at a time`);
});

test('slicing is true from a background save\'s first slice to its last, and only then', async t => {
	const {autosave, time, pauses} = slicedSaver(200, {sliceMs: 10});
	t.false(autosave.slicing, 'before any change');
	autosave.changed();
	t.false(autosave.slicing, 'a change waits for its save');
	await time.advanceTo(0);
	t.true(pauses.length > 0, 'the save is between two slices');
	t.true(autosave.slicing);
	await autosave.settled();
	t.false(autosave.slicing, 'written');
});

test('an exit during a sliced save writes the newest state, blocking, and the slices stop without writing', async t => {
	const {autosave, time, written, pauses, taken} = slicedSaver(200, {sliceMs: 10});
	autosave.changed();
	await time.advanceTo(0);
	t.true(pauses.length > 0 && pauses.length < 10, 'the save is between two slices');
	autosave.changed();
	autosave.flush();
	const exitText = taken();
	await autosave.settled();
	t.deepEqual(written.map(w => w.blocking), [true], 'only the exit save was written');
	t.deepEqual(readSnapshotText(written[0]!.text), JSON.parse(exitText));
	t.true(JSON.parse(exitText).store.objects.some((o: {metadata: {name: string}}) => o.metadata.name.startsWith('late-')), 'the exit save holds what came after the background save began');
});

test('an exit while a background save is being written keeps the exit save: the older write\'s rename, however late, does not replace it', async t => {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-autosave-'));
	t.teardown(() => rmSync(dir, {recursive: true, force: true}));
	const file = join(dir, 'state.json');
	const time = fakeTime();
	let state = 1;
	const errors: string[] = [];
	const autosave: Autosave = new Autosave({
		file,
		snapshot: () => ({kind: 'KubariumSnapshot', version: 2, state}),
		timers: time.timers,
		onError: error => errors.push(error.message),
		// The real write; the process is told to exit just before its rename reaches the file system.
		write: (path, data, hooks) => writeStateFile(path, data, {
			...hooks,
			beforeRename() {
				state = 2;
				autosave.changed();
				autosave.flush();
			},
		}),
	});
	autosave.changed();
	await time.advanceTo(0);
	await autosave.settled();
	t.is(JSON.parse(readFileSync(file, 'utf8')).state, 2, 'the exit save, written last, is the file');
	t.deepEqual(readdirSync(dir), ['state.json'], 'no temporary file left');
	t.deepEqual(errors, [], 'the older write failing after the exit save is no error to report');
});

/** A snapshot made in `pieces` steps, each a ms of the (fake) wall clock, as the engine makes one. */
function steppedSaver(pieces: number) {
	let clock = 0;
	const time = fakeTime();
	let state = 0;
	const written: Array<{text: string; blocking: boolean}> = [];
	const pauses: Array<{at: number; stepping: boolean}> = [];
	let stepping: {left: number; state: number} | undefined;
	let cancelled = 0;
	const autosave = new Autosave({
		file: '/state.json',
		snapshot: () => ({kind: 'KubariumSnapshot', version: 1, state}),
		snapshotInSteps() {
			const taking = {left: pieces, state};
			stepping = taking;
			return {
				step(stop) {
					while (taking.left > 0) {
						taking.left--;
						clock++;
						if (taking.left > 0 && stop()) return undefined;
					}
					stepping = undefined;
					return {kind: 'KubariumSnapshot', version: 1, state: taking.state};
				},
				cancel: () => void cancelled++,
			};
		},
		now: () => clock,
		timers: time.timers,
		sliceMs: 10,
		pause: async () => {
			pauses.push({at: clock, stepping: stepping !== undefined});
			await new Promise(resolve => setImmediate(resolve));
		},
		write: async (_file, data) => void written.push({text: asText(data), blocking: false}),
		writeSync: (_file, data) => void written.push({text: asText(data), blocking: true}),
	});
	return {autosave, time, written, pauses, set: (value: number) => (state = value), cancelled: () => cancelled};
}

test('a background save takes a snapshot made in steps in slices, letting the event loop turn between them, and writes the snapshot made', async t => {
	const {autosave, time, written, pauses, set} = steppedSaver(100);
	set(7);
	autosave.changed();
	await time.advanceTo(0);
	await autosave.settled();
	const whileStepping = pauses.filter(p => p.stepping).length;
	t.true(whileStepping >= 9, `the 100 steps were taken in ${whileStepping + 1} slices`);
	t.deepEqual(written.map(w => JSON.parse(w.text).state), [7]);
	t.is(autosave.saves, 1);
});

test('an exit while a snapshot is made in steps gives it up and writes the exit save, blocking, from a snapshot taken at once', async t => {
	const {autosave, time, written, pauses, set, cancelled} = steppedSaver(100);
	set(1);
	autosave.changed();
	await time.advanceTo(0);
	t.true(pauses.length > 0 && pauses.every(p => p.stepping), 'the save is between two steps of its snapshot');
	set(2);
	autosave.changed();
	autosave.flush();
	await autosave.settled();
	t.is(cancelled(), 1);
	t.deepEqual(written.map(w => [w.blocking, JSON.parse(w.text).state]), [[true, 2]]);
});
