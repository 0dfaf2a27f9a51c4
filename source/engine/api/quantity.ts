/**
 * resource.Quantity parsing: `100m`, `2`, `128Mi`, `1G`, `1.5Gi`, `1e3`.
 * CPU is handled in millicores, everything else in plain units (bytes).
 */

const binarySuffixes: Record<string, number> = {Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60};
const decimalSuffixes: Record<string, number> = {n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18};

const pattern = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** The quantity's value in base units, or undefined when it does not parse. */
export function parseQuantity(text: string | number | undefined): number | undefined {
	if (text === undefined) return undefined;
	if (typeof text === 'number') return Number.isFinite(text) ? text : undefined;
	const match = pattern.exec(text.trim());
	if (!match) return undefined;
	const number = Number(match[1]);
	if (match[3] !== undefined) return number * 10 ** Number(match[3]);
	const suffix = match[2] ?? '';
	return number * (binarySuffixes[suffix] ?? decimalSuffixes[suffix] ?? 1);
}

/** True when `text` is a well-formed quantity. */
export function isQuantity(text: unknown): boolean {
	return (typeof text === 'string' || typeof text === 'number') && parseQuantity(text) !== undefined;
}

/** CPU quantity in millicores (`250m` → 250, `2` → 2000). */
export function milliCpu(text: string | number | undefined): number {
	const value = parseQuantity(text);
	return value === undefined ? 0 : Math.round(value * 1000);
}

/** Memory (or storage) quantity in bytes. */
export function bytes(text: string | number | undefined): number {
	return Math.round(parseQuantity(text) ?? 0);
}

/** `250m` for CPU millicores, `2` when whole cores. */
export function formatMilliCpu(milli: number): string {
	return milli % 1000 === 0 ? String(milli / 1000) : `${Math.round(milli)}m`;
}

/** Bytes in the largest binary unit that keeps it whole-ish: `128Mi`, `1536Ki`. */
export function formatBytes(value: number): string {
	for (const [suffix, size] of [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
		if (value >= size && value % size === 0) return `${value / size}${suffix}`;
	}
	if (value >= 2 ** 10) return `${Math.round(value / 2 ** 10)}Ki`;
	return String(Math.round(value));
}
