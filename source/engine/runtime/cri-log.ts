import type {CriCall} from './cri.js';

/**
 * The CRI calls one node keeps, oldest first out past `capacity`: the same
 * ring as `Ring<CriCall>`, held as columns. A busy node keeps hundreds of
 * calls; as objects each would cost an object and a boxed time (epoch
 * milliseconds are past V8's small integers), here a slot in a
 * Float64Array and three in string arrays. Calls are made objects only
 * when read.
 */
export class CriLog {
	private at = new Float64Array(64);
	private readonly method: string[] = [];
	private readonly request: string[] = [];
	private readonly response: string[] = [];
	/** Where the oldest call is, once the ring is full. */
	private head = 0;

	constructor(readonly capacity: number) {
		if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`CRI log capacity must be a positive integer, got ${capacity}`);
	}

	get length(): number {
		return this.method.length;
	}

	push(call: CriCall): void {
		const size = this.method.length;
		if (size < this.capacity) {
			if (size === this.at.length) {
				const grown = new Float64Array(Math.min(this.capacity, size * 2));
				grown.set(this.at);
				this.at = grown;
			}
			this.at[size] = call.at;
			this.method.push(call.method);
			this.request.push(call.request);
			this.response.push(call.response);
			return;
		}
		const slot = this.head;
		this.at[slot] = call.at;
		this.method[slot] = call.method;
		this.request[slot] = call.request;
		this.response[slot] = call.response;
		this.head = (slot + 1) % this.capacity;
	}

	/** The calls kept, oldest first. */
	toArray(): CriCall[] {
		const size = this.method.length;
		const out: CriCall[] = [];
		for (let i = 0; i < size; i++) {
			const slot = (this.head + i) % size;
			out.push({at: this.at[slot]!, method: this.method[slot]!, request: this.request[slot]!, response: this.response[slot]!});
		}
		return out;
	}

	/**
	 * The log as data: its calls oldest first, as columns (as it holds them;
	 * a call's field names are not repeated). Where the oldest call sits in
	 * the columns is not kept: a log loaded with the oldest first drops the
	 * same calls in the same order.
	 */
	save(): SavedCriLog {
		const size = this.method.length;
		const out: SavedCriLog = {capacity: this.capacity, at: [], method: [], request: [], response: []};
		for (let i = 0; i < size; i++) {
			const slot = (this.head + i) % size;
			out.at.push(this.at[slot]!);
			out.method.push(this.method[slot]!);
			out.request.push(this.request[slot]!);
			out.response.push(this.response[slot]!);
		}
		return out;
	}

	/** A log that reads and goes on as the one `data` was saved from. */
	static fromSaved(data: SavedCriLog): CriLog {
		const log = new CriLog(data.capacity);
		const size = data.method.length;
		if (size > data.capacity || data.at.length !== size || data.request.length !== size || data.response.length !== size) throw new Error(`a saved CRI log of ${data.capacity} has columns of ${data.at.length}, ${size}, ${data.request.length} and ${data.response.length} calls`);
		if (data.at.some(at => typeof at !== 'number')) throw new Error('a saved CRI log has a call with no time');
		for (let i = 0; i < size; i++) log.push({at: data.at[i]!, method: data.method[i]!, request: data.request[i]!, response: data.response[i]!});
		return log;
	}
}

/** A CRI log as data (`CriLog.save`): its capacity and its calls oldest first, one array per field. */
export type SavedCriLog = {capacity: number; at: number[]; method: string[]; request: string[]; response: string[]};
