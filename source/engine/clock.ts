import {xoroshiro128plus, unsafeUniformIntDistribution, type RandomGenerator} from 'pure-rand';

/** Where virtual time starts: a fixed instant, so a seed replays to the same timestamps. */
export const epochMs = Date.UTC(2026, 0, 1, 9, 0, 0);

/** What a timer carries: JSON-safe data, so a snapshot can record a pending timer as what it is. */
export type TimerArg = string | number | boolean | null | readonly TimerArg[] | {readonly [key: string]: TimerArg | undefined};

/**
 * A kind of timer: its name, unique in the cluster, and what runs when one
 * is due, given the data it was set with. A pending timer is then data (the
 * kind's name and that argument) rather than a closure: a snapshot records
 * it as such, and a restore can set it again.
 */
export type TimerKind<A extends TimerArg = TimerArg> = {
	readonly name: string;
	readonly run: (arg: A, timer: TimerHandle) => void;
};

/** A scheduled timer; it is its own handle (no second object per timer). */
class Timer {
	cancelled = false;

	constructor(readonly at: number, readonly seq: number, readonly kind: TimerKind<any>, readonly arg: TimerArg) {}

	cancel(): void {
		this.cancelled = true;
	}
}

/** Handle to a scheduled timer: when it runs, and its number (unique in the clock: what its owner saves to find it again after a load). */
export type TimerHandle = {cancel(): void; readonly at: number; readonly seq: number};

/** A pending timer as data: when it runs, its scheduling number (ties run in its order), its kind and argument. */
export type PendingTimer = {at: number; seq: number; kind: string; arg?: TimerArg};

/** A clock as data: the time, the number the next timer gets, and the pending timers in the order they run. */
export type ClockState = {now: number; seq: number; timers: PendingTimer[]};

/**
 * Virtual time and a timer queue. Nothing in the engine reads the wall clock:
 * time moves only when `advanceTo` (or `runNext` and `moveTo`) is called, and due timers run in time order
 * (ties in the order they were scheduled).
 */
export class VirtualClock {
	private current: number;
	private seq = 0;
	private readonly heap: Timer[] = [];
	/** The kinds of timer defined, by name. */
	private readonly kinds = new Map<string, TimerKind<any>>();
	/** Kinds of loaded timers not defined yet: their owners define them as they are made. */
	private readonly awaited = new Set<string>();

	/** `start`: where time begins, ms since the Unix epoch (default: the fixed epoch). */
	constructor(start = epochMs) {
		this.current = start;
	}

	/** Current virtual time in ms since the Unix epoch. */
	now(): number {
		return this.current;
	}

	/**
	 * A kind of timer, by a name no other kind of this clock has (a second
	 * kind of the same name is refused: a snapshot names timers by kind).
	 */
	kind<A extends TimerArg>(name: string, run: (arg: A, timer: TimerHandle) => void): TimerKind<A> {
		const loaded = this.kinds.get(name);
		if (loaded && !this.awaited.delete(name)) throw new Error(`timer kind ${name} is already defined`);
		// A kind whose timers were loaded before its owner was made (see `load`) is that owner's now.
		const kind = (loaded ?? {name, run}) as {name: string; run: (arg: A, timer: TimerHandle) => void};
		kind.run = run;
		this.kinds.set(name, kind);
		return kind;
	}

	/** The kinds of loaded timers whose owners have not defined them yet (see `load`). */
	undefinedKinds(): string[] {
		return [...this.awaited];
	}

	/** A timer of `kind` with `arg`, due `delayMs` from now (at least 0). */
	after<A extends TimerArg>(delayMs: number, kind: TimerKind<A>, arg: A): TimerHandle {
		return this.at(this.current + Math.max(0, delayMs), kind, arg);
	}

	/** A timer of `kind` with `arg`, due at virtual time `at` (or now, when `at` is past). */
	at<A extends TimerArg>(at: number, kind: TimerKind<A>, arg: A): TimerHandle {
		const timer = new Timer(Math.max(at, this.current), this.seq++, kind, arg);
		this.push(timer);
		return timer;
	}

	/** The number the next timer gets. */
	get nextSeq(): number {
		return this.seq;
	}

	/** The clock as data (`load` takes it back). */
	state(): ClockState {
		return {now: this.current, seq: this.seq, timers: this.timers()};
	}

	/**
	 * Take a saved clock back: its time, its next number, and each pending
	 * timer under its own number, kind and argument. A kind not defined yet
	 * (its owner is made later, as a node's runtime is when the kubelets load)
	 * must be defined before the timer runs (`undefinedKinds` says which are
	 * still missing). The clock must have no timer of its own. Returns the
	 * timers by number, for their owners to hold their handles again.
	 */
	load(state: ClockState): Map<number, TimerHandle> {
		if (this.heap.length > 0) throw new Error('load: the clock has pending timers');
		const handles = new Map<number, TimerHandle>();
		for (const pending of state.timers) {
			let kind = this.kinds.get(pending.kind);
			if (!kind) {
				kind = {name: pending.kind, run: () => {
					throw new Error(`timer kind ${pending.kind} is not defined`);
				}};
				this.kinds.set(pending.kind, kind);
				this.awaited.add(pending.kind);
			}
			if (pending.seq >= state.seq || handles.has(pending.seq)) throw new Error(`load: timer number ${pending.seq} is used twice or not below the next (${state.seq})`);
			const timer = new Timer(pending.at, pending.seq, kind, pending.arg ?? null);
			this.push(timer);
			handles.set(pending.seq, timer);
		}
		this.current = state.now;
		this.seq = state.seq;
		return handles;
	}

	/** The pending timers by number (what a part's handles are found again by, see `load`). */
	pendingByNumber(): Map<number, TimerHandle> {
		const byNumber = new Map<number, TimerHandle>();
		for (const timer of this.heap) if (!timer.cancelled) byNumber.set(timer.seq, timer);
		return byNumber;
	}

	/** Time of the next live timer, or undefined when none is pending. */
	nextAt(): number | undefined {
		while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
		return this.heap[0]?.at;
	}

	/** The live timers, in the order they will run, as data (what a snapshot records of them). */
	timers(): PendingTimer[] {
		return this.heap.filter(t => !t.cancelled).sort((a, b) => (before(a, b) ? -1 : 1))
			.map(t => ({at: t.at, seq: t.seq, kind: t.kind.name, arg: t.arg}));
	}

	/** Number of timers waiting (cancelled ones included until they surface). */
	get pending(): number {
		return this.heap.length;
	}

	/**
	 * Run the next live timer if it is due at or before `target`, moving `now`
	 * to its time; false when none is due. `advance` calls this one timer at a
	 * time so that it can stop between timers and resume later.
	 */
	runNext(target: number): boolean {
		const next = this.nextAt();
		if (next === undefined || next > target) return false;
		const timer = this.pop()!;
		this.current = timer.at;
		timer.kind.run(timer.arg, timer);
		return true;
	}

	/**
	 * Run every timer due at or before `target`, in order; `between` runs after
	 * each timer. Ends with `now() === target`.
	 */
	advanceTo(target: number, between: () => void): void {
		while (this.runNext(target)) between();
		this.moveTo(target);
	}

	/** Move `now` forward to `target` (never back); call once no timer is due before it. */
	moveTo(target: number): void {
		if (target > this.current) this.current = target;
	}

	private push(timer: Timer): void {
		const heap = this.heap;
		heap.push(timer);
		let i = heap.length - 1;
		while (i > 0) {
			const parent = (i - 1) >> 1;
			if (!before(heap[i]!, heap[parent]!)) break;
			[heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
			i = parent;
		}
	}

	private pop(): Timer | undefined {
		const heap = this.heap;
		const top = heap[0];
		const last = heap.pop();
		if (heap.length > 0 && last) {
			heap[0] = last;
			let i = 0;
			for (;;) {
				const l = 2 * i + 1;
				const r = l + 1;
				let m = i;
				if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
				if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
				if (m === i) break;
				[heap[i], heap[m]] = [heap[m]!, heap[i]!];
				i = m;
			}
		}
		return top;
	}
}

function before(a: Timer, b: Timer): boolean {
	return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

const hexCodes = [...'0123456789abcdef'].map(c => c.charCodeAt(0));
const variantCodes = [...'89ab'].map(c => c.charCodeAt(0));

/** The alphabet the API server draws generated-name suffixes from (no vowels, no look-alikes). */
const suffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The cluster's one source of randomness, seeded (xoroshiro128+ from pure-rand),
 * so the same seed and the same calls give the same names, IPs and delays.
 */
export class SeededRandom {
	private generator: RandomGenerator;

	/** `state`: where a saved generator stood (`state()`), instead of the seed's start. */
	constructor(seed: number, state?: readonly number[]) {
		this.generator = state ? xoroshiro128plus.fromState(state) : xoroshiro128plus(seed);
	}

	/** The generator's internal state (what a snapshot records of it). */
	state(): number[] {
		return [...this.generator.getState()];
	}

	/** Stand where a saved generator stood (`state()`). */
	load(state: readonly number[]): void {
		this.generator = xoroshiro128plus.fromState(state);
	}

	/** Integer in [min, max], both inclusive. */
	int(min: number, max: number): number {
		return unsafeUniformIntDistribution(min, max, this.generator);
	}

	/** Float in [0, 1). */
	next(): number {
		return this.int(0, 0x3fffffff) / 0x40000000;
	}

	/** `base` ± `fraction`·`base`, rounded to whole ms. */
	jitter(base: number, fraction = 0.2): number {
		return Math.round(base * (1 - fraction + 2 * fraction * this.next()));
	}

	pick<T>(items: readonly T[]): T {
		return items[this.int(0, items.length - 1)]!;
	}

	/** The API server's 5-character generateName suffix. */
	nameSuffix(length = 5): string {
		let out = '';
		for (let i = 0; i < length; i++) out += suffixAlphabet[this.int(0, suffixAlphabet.length - 1)];
		return out;
	}

	/** A version-4-shaped UUID drawn from this generator. */
	uuid(): string {
		// The same draws in the same order as ever, written into one reused array of character codes: no string per digit, no array per UUID.
		const codes = uuidCodes;
		for (let i = 0; i < 36; i++) {
			if (i === 8 || i === 13 || i === 14 || i === 18 || i === 23) continue;
			codes[i] = i === 19 ? variantCodes[this.int(0, 3)]! : hexCodes[this.int(0, 15)]!;
		}
		return String.fromCharCode.apply(null, codes);
	}
}

/** A UUID's 36 character codes, the dashes and the version digit in place; `uuid()` writes the rest. */
const uuidCodes: number[] = [...'xxxxxxxx-xxxx-4xxx-xxxx-xxxxxxxxxxxx'].map(c => c.charCodeAt(0));

/** Formatted seconds, by second: a small cache, emptied when full. */
const formattedSeconds = new Map<number, string>();

let lastSecond = Number.NaN;
let lastText = '';

/** RFC 3339 at second precision, as metav1.Time serialises. */
export function rfc3339(ms: number): string {
	const second = Math.floor(ms / 1000);
	// Most calls fall in the current virtual second; the rest mostly in a few
	// recent ones (a pod's start time on every status write): format each once.
	if (second === lastSecond) return lastText;
	let text = formattedSeconds.get(second);
	if (text === undefined) {
		if (formattedSeconds.size >= 4096) formattedSeconds.clear();
		text = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
		formattedSeconds.set(second, text);
	}
	lastSecond = second;
	lastText = text;
	return text;
}

/** `.000000Z` to `.999000Z`: the microsecond tails of whole milliseconds, by millisecond. */
const microTails = Array.from({length: 1000}, (_, ms) => `.${String(ms).padStart(3, '0')}000Z`);

/**
 * RFC 3339 with microseconds, as metav1.MicroTime serialises (a Lease's
 * renewTime, events' eventTime). A thousand nodes renew every 10 s: the
 * second is formatted once (`rfc3339`) and the milliseconds come from a table.
 */
/** The last instant RFC 3339 can write (9999-12-31T23:59:59Z). */
const latestRfc3339Ms = Date.UTC(9999, 11, 31, 23, 59, 59);

/**
 * When an object deleted now with this grace period is due to go: now plus
 * the grace, held at the last time RFC 3339 can write (a grace of 2^53
 * seconds is a valid int64, and a deletion due past it is due never).
 */
export function deletionTime(nowMs: number, gracePeriodSeconds: number): string {
	return rfc3339(Math.min(nowMs + gracePeriodSeconds * 1000, latestRfc3339Ms));
}

export function rfc3339Micro(ms: number): string {
	// A Date drops a fraction of a millisecond towards zero.
	const whole = Math.trunc(ms);
	const second = Math.floor(whole / 1000) * 1000;
	return rfc3339(second).slice(0, -1) + microTails[whole - second]!;
}

/** Parsed timestamps, by text: a small cache, emptied when full. */
const parsedTimes = new Map<string, number>();

let lastParsedText: string | undefined;
let lastParsedMs = Number.NaN;

/**
 * `Date.parse(text)`. The forms the cluster writes, `2026-01-01T09:00:00Z`
 * and a MicroTime's `2026-01-01T09:00:00.123456Z`, are read digit by digit
 * (a thousand Leases renewed every 10 s each bring a new text); any other
 * text is parsed once and looked up after: a cluster's other timestamps are
 * whole seconds that thousands of objects share.
 */
export function timeMs(text: string): number {
	if (text === lastParsedText) return lastParsedMs;
	let ms = utcMs(text);
	if (ms === undefined) {
		ms = parsedTimes.get(text);
		if (ms === undefined) {
			if (parsedTimes.size >= 4096) parsedTimes.clear();
			ms = Date.parse(text);
			parsedTimes.set(text, ms);
		}
	}
	lastParsedText = text;
	lastParsedMs = ms;
	return ms;
}

/** Where the digits of `YYYY-MM-DDTHH:MM:SS` are, and the fixed characters between them. */
const digitsAt = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
const fixedAt: ReadonlyArray<[number, number]> = [[4, 0x2d], [7, 0x2d], [10, 0x54], [13, 0x3a], [16, 0x3a]];

/**
 * The ms of a UTC time in the form `rfc3339` or `rfc3339Micro` writes, as
 * `Date.parse` gives them (a fraction past the milliseconds is dropped);
 * undefined for any other text, and for fields `Date.parse` would judge
 * against the calendar (a day past the 28th, an hour of 24), which it is left to.
 */
function utcMs(text: string): number | undefined {
	// Not a text at all (a field of a hand-edited object): `Date.parse` reads it as it reads any value.
	if (typeof text !== 'string') return undefined;
	const length = text.length;
	if ((length !== 20 && length !== 27) || text.charCodeAt(length - 1) !== 0x5a) return undefined;
	for (const at of digitsAt) {
		const code = text.charCodeAt(at);
		if (code < 0x30 || code > 0x39) return undefined;
	}
	for (const [at, code] of fixedAt) if (text.charCodeAt(at) !== code) return undefined;
	const digit = (at: number) => text.charCodeAt(at) - 0x30;
	const two = (at: number) => digit(at) * 10 + digit(at + 1);
	let fraction = 0;
	if (length === 27) {
		if (text.charCodeAt(19) !== 0x2e) return undefined;
		for (let at = 20; at < 26; at++) {
			const code = text.charCodeAt(at);
			if (code < 0x30 || code > 0x39) return undefined;
		}
		fraction = digit(20) * 100 + two(21);
	}
	const year = two(0) * 100 + two(2);
	const month = two(5);
	const day = two(8);
	const hour = two(11);
	const minute = two(14);
	const second = two(17);
	if (month < 1 || month > 12 || day < 1 || day > 28 || hour > 23 || minute > 59 || second > 59) return undefined;
	return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + fraction;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (`days_from_civil`, H. Hinnant's date algorithms). */
function daysFromCivil(year: number, month: number, day: number): number {
	const y = month <= 2 ? year - 1 : year;
	const era = Math.floor(y / 400);
	const yearOfEra = y - era * 400;
	const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
	const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
	return era * 146_097 + dayOfEra - 719_468;
}

/** Parse an RFC 3339 timestamp back to ms. */
export function parseTime(text: string | undefined): number | undefined {
	if (!text) return undefined;
	const ms = timeMs(text);
	return Number.isNaN(ms) ? undefined : ms;
}
