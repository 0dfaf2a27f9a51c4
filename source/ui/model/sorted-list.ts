/**
 * A sorted list that finds, inserts and removes an item in O(log n + B)
 * and reads the i-th item in O(log n): items are kept in blocks of at most
 * 2B, each block sorted and every block before the next. A table of
 * 100,000 rows moves a changed row without copying the others.
 */

const blockSize = 256;

export class SortedList<T> {
	private blocks: T[][] = [];
	/** `starts[b]`: the index of block b's first item; rebuilt after a change, lazily. */
	private starts: number[] = [];
	private startsValid = true;
	private size = 0;
	private readonly compare: (a: T, b: T) => number;

	constructor(compare: (a: T, b: T) => number, sorted: readonly T[] = []) {
		this.compare = compare;
		this.reset(sorted);
	}

	get length(): number {
		return this.size;
	}

	/** Replace every item by `sorted` (already in order). */
	reset(sorted: readonly T[]): void {
		this.blocks = [];
		for (let i = 0; i < sorted.length; i += blockSize) this.blocks.push(sorted.slice(i, i + blockSize));
		this.size = sorted.length;
		this.startsValid = false;
	}

	/** The block whose range holds `item`'s place: the first block whose last item is not before it. */
	private blockFor(item: T): number {
		let low = 0;
		let high = this.blocks.length - 1;
		if (high < 0) return -1;
		while (low < high) {
			const middle = (low + high) >>> 1;
			const block = this.blocks[middle]!;
			if (this.compare(block[block.length - 1]!, item) < 0) low = middle + 1;
			else high = middle;
		}
		return low;
	}

	/** First index in `block` whose item is not before `item`. */
	private lowerBound(block: readonly T[], item: T): number {
		let low = 0;
		let high = block.length;
		while (low < high) {
			const middle = (low + high) >>> 1;
			if (this.compare(block[middle]!, item) < 0) low = middle + 1;
			else high = middle;
		}
		return low;
	}

	insert(item: T): void {
		this.size++;
		this.startsValid = false;
		if (this.blocks.length === 0) {
			this.blocks.push([item]);
			return;
		}
		const b = this.blockFor(item);
		const block = this.blocks[b]!;
		block.splice(this.lowerBound(block, item), 0, item);
		if (block.length > 2 * blockSize) this.blocks.splice(b + 1, 0, block.splice(blockSize));
	}

	/** Where `item` (this very item) is: [block, index], or undefined. */
	private locate(item: T): [number, number] | undefined {
		const b = this.blockFor(item);
		if (b >= 0) {
			const block = this.blocks[b]!;
			for (let i = this.lowerBound(block, item); i < block.length && this.compare(block[i]!, item) === 0; i++) {
				if (block[i] === item) return [b, i];
			}
		}
		// Not where its key says (a key changed in place): a scan finds it.
		for (let k = 0; k < this.blocks.length; k++) {
			const i = this.blocks[k]!.indexOf(item);
			if (i >= 0) return [k, i];
		}
		return undefined;
	}

	/** Remove `item` (compared by identity); false when it is not here. */
	remove(item: T): boolean {
		const found = this.locate(item);
		if (!found) return false;
		const [b, i] = found;
		const block = this.blocks[b]!;
		block.splice(i, 1);
		if (block.length === 0) this.blocks.splice(b, 1);
		this.size--;
		this.startsValid = false;
		return true;
	}

	private ensureStarts(): void {
		if (this.startsValid) return;
		this.starts = new Array(this.blocks.length);
		let at = 0;
		for (let b = 0; b < this.blocks.length; b++) {
			this.starts[b] = at;
			at += this.blocks[b]!.length;
		}
		this.startsValid = true;
	}

	/** The block holding index `index` (0 ≤ index < length). */
	private blockOf(index: number): number {
		this.ensureStarts();
		let low = 0;
		let high = this.blocks.length - 1;
		while (low < high) {
			const middle = (low + high + 1) >>> 1;
			if (this.starts[middle]! <= index) low = middle;
			else high = middle - 1;
		}
		return low;
	}

	/** The item at `index`; negative indexes count from the end, as `Array.prototype.at`. */
	at(index: number): T | undefined {
		if (index < 0) index += this.size;
		if (index < 0 || index >= this.size) return undefined;
		const b = this.blockOf(index);
		return this.blocks[b]![index - this.starts[b]!];
	}

	/** The position of `item` (by identity), or -1. */
	indexOf(item: T): number {
		const found = this.locate(item);
		if (!found) return -1;
		this.ensureStarts();
		return this.starts[found[0]]! + found[1];
	}

	/** How many items come before `item` (compare < 0): where it is, or would be inserted. */
	rank(item: T): number {
		const b = this.blockFor(item);
		if (b < 0) return 0;
		this.ensureStarts();
		return this.starts[b]! + this.lowerBound(this.blocks[b]!, item);
	}

	/** The item that compares equal to `probe` (the first one), or undefined. */
	find(probe: T): T | undefined {
		const b = this.blockFor(probe);
		if (b < 0) return undefined;
		const block = this.blocks[b]!;
		const found = block[this.lowerBound(block, probe)];
		return found !== undefined && this.compare(found, probe) === 0 ? found : undefined;
	}

	/** Items from `start` up to (not including) `end`, as `Array.prototype.slice` with non-negative bounds. */
	slice(start = 0, end = this.size): T[] {
		start = Math.max(0, start);
		end = Math.min(this.size, end);
		const out: T[] = [];
		if (start >= end) return out;
		let b = this.blockOf(start);
		let i = start - this.starts[b]!;
		while (out.length < end - start) {
			const block = this.blocks[b]!;
			for (; i < block.length && out.length < end - start; i++) out.push(block[i]!);
			b++;
			i = 0;
		}
		return out;
	}

	/** Every item in order (a copy). */
	toArray(): T[] {
		return this.blocks.flat();
	}
}
