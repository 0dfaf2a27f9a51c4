/** Durations as scenarios write them: `30s`, `5m`, `1m30s`, `2h`, or a number of seconds. */
export function parseDuration(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
	if (typeof value !== 'string') return undefined;
	const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value.trim());
	if (!match || value.trim() === '') return undefined;
	const [, h, m, s] = match;
	return ((Number(h ?? 0) * 60 + Number(m ?? 0)) * 60 + Number(s ?? 0)) * 1000;
}

/** `4m05s` style, for the timer. */
export function formatElapsed(ms: number): string {
	const total = Math.max(0, Math.floor(ms / 1000));
	const minutes = Math.floor(total / 60);
	const seconds = total % 60;
	return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}
