/**
 * Exact resource.Quantity arithmetic for quotas and limit ranges: values in
 * nano-units as bigints (so `100m + 200m` is exactly `300m`), the format a
 * quantity was written in, and Quantity.String()'s canonical form
 * (`1500m`, `2`, `1Gi`, `1536Mi`, `1k`). Sums keep the first non-zero
 * operand's format, as Quantity.Add does.
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export type Quantity = {
	/** The value in nano-units (1 = 10⁻⁹). */
	nano: bigint;
	format: QuantityFormat;
};

/** A ResourceList of parsed quantities, by resource name. */
export type Usage = Map<string, Quantity>;

const pattern = /^([+-]?)(\d*)(?:\.(\d*))?(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;
const binary: Record<string, bigint> = {Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n};
const decimal: Record<string, number> = {n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18};

function pow10(exponent: number): bigint {
	return 10n ** BigInt(exponent);
}

/** Parse a quantity (`500m`, `1.5Gi`, `2`, `1e3`, or a YAML number); undefined when malformed. */
export function parseQuantityExact(input: unknown): Quantity | undefined {
	if (typeof input === 'number') {
		if (!Number.isFinite(input)) return undefined;
		input = String(input);
	}
	if (typeof input !== 'string') return undefined;
	const match = pattern.exec(input.trim());
	if (!match) return undefined;
	const [, sign, whole = '', fraction = '', suffix, exponentText] = match;
	if (whole === '' && fraction === '') return undefined;
	const digits = BigInt(`${whole}${fraction}` || '0');
	// digits × 10^(-fraction.length) × scale, in nano-units (rounded up, as Quantity rounds to nano).
	let exponent = 9 - fraction.length;
	let multiplier = 1n;
	let format: QuantityFormat = 'DecimalSI';
	if (exponentText !== undefined) {
		exponent += Number(exponentText);
		format = 'DecimalExponent';
	} else if (suffix !== undefined && binary[suffix] !== undefined) {
		multiplier = binary[suffix]!;
		format = 'BinarySI';
	} else {
		exponent += decimal[suffix ?? '']!;
	}
	let nano: bigint;
	if (exponent >= 0) nano = digits * multiplier * pow10(exponent);
	else {
		const divisor = pow10(-exponent);
		const scaled = digits * multiplier;
		nano = scaled / divisor + (scaled % divisor === 0n ? 0n : 1n);
	}
	return {nano: sign === '-' ? -nano : nano, format};
}

export const zero: Quantity = {nano: 0n, format: 'DecimalSI'};

/** `a + b`, in a's format unless a is zero (Quantity.Add). */
export function add(a: Quantity, b: Quantity): Quantity {
	return {nano: a.nano + b.nano, format: a.nano === 0n ? b.format : a.format};
}

export function max(a: Quantity, b: Quantity): Quantity {
	return b.nano > a.nano ? b : a;
}

/** Quantity.String(): the canonical text. */
export function formatQuantity(q: Quantity): string {
	const {nano} = q;
	if (nano === 0n) return '0';
	const negative = nano < 0n;
	const abs = negative ? -nano : nano;
	const sign = negative ? '-' : '';
	const unit = 1_000_000_000n;
	if (q.format === 'BinarySI' && abs >= 1024n * unit && abs % unit === 0n) {
		let value = abs / unit;
		let index = 0;
		const suffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
		while (index < suffixes.length - 1 && value % 1024n === 0n) {
			value /= 1024n;
			index++;
		}
		return `${sign}${value}${suffixes[index]}`;
	}
	// Decimal: the largest exponent (a multiple of 3) that keeps the mantissa whole.
	let exponent = -9;
	let mantissa = abs;
	while (exponent < 18 && mantissa % 1000n === 0n) {
		mantissa /= 1000n;
		exponent += 3;
	}
	if (q.format === 'DecimalExponent') return `${sign}${mantissa}${exponent === 0 ? '' : `e${exponent}`}`;
	const suffix = Object.entries(decimal).find(([, e]) => e === exponent)![0];
	return `${sign}${mantissa}${suffix}`;
}

/** The canonical text of a quantity as written (`0.5` → `500m`), or the input when it does not parse. */
export function canonicalQuantity(input: unknown): unknown {
	const q = parseQuantityExact(input);
	return q ? formatQuantity(q) : input;
}

/** Compare: negative when a < b. */
export function compare(a: Quantity, b: Quantity): number {
	return a.nano < b.nano ? -1 : a.nano > b.nano ? 1 : 0;
}

/** A ResourceList (as stored) as parsed quantities; unparsable entries are skipped. */
export function toUsage(list: Record<string, unknown> | undefined): Usage {
	const out: Usage = new Map();
	for (const [name, value] of Object.entries(list ?? {})) {
		const q = parseQuantityExact(value);
		if (q) out.set(name, q);
	}
	return out;
}

/** Parsed quantities back to a ResourceList of canonical strings, keys sorted. */
export function fromUsage(usage: Usage): Record<string, string> {
	const out: Record<string, string> = {};
	for (const name of [...usage.keys()].sort()) out[name] = formatQuantity(usage.get(name)!);
	return out;
}

/** `requests.cpu=500m,requests.memory=1Gi`: the quota admission's prettyPrint, names sorted. */
export function prettyPrint(usage: Usage, names: Iterable<string>): string {
	return [...names].sort().map(name => `${name}=${formatQuantity(usage.get(name) ?? zero)}`).join(',');
}
