/**
 * Durations as tapes write them: `500ms`, `2s`, `1.5s`, `5m`, `1h`; a bare
 * number is seconds, as in VHS. Returns whole milliseconds, or undefined for
 * anything else (the caller names the line).
 */
const units: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000};

export function parseDuration(text: string): number | undefined {
	const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
	if (!match) return undefined;
	const ms = Number(match[1]) * units[match[2] ?? 's']!;
	if (!Number.isFinite(ms) || ms > 24 * 3_600_000) return undefined;
	return Math.round(ms);
}

/** `2s`, `500ms`, `5m`: the shortest exact way to write a duration. */
export function formatDuration(ms: number): string {
	if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
	if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
	if (ms % 1000 === 0 && ms > 0) return `${ms / 1000}s`;
	return `${ms}ms`;
}
