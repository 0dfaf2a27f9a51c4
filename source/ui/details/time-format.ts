/** Time texts as kubectl prints them; pure, driven by the cluster's virtual now. */

/**
 * k8s.io/apimachinery `duration.HumanDuration`: `45s`, `3m20s`, `12m`, `5h3m`,
 * `30h`, `6d2h`, `400d`, `3y20d` (describe's event ages).
 */
export function humanDuration(ms: number): string {
	const seconds = Math.floor(ms / 1000);
	if (seconds < -1) return '<invalid>';
	if (seconds < 0) return '0s';
	if (seconds < 60 * 2) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 10) {
		const s = seconds % 60;
		return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
	}
	if (minutes < 60 * 3) return `${minutes}m`;
	const hours = Math.floor(minutes / 60);
	if (hours < 8) {
		const m = minutes % 60;
		return m === 0 ? `${hours}h` : `${hours}h${m}m`;
	}
	if (hours < 48) return `${hours}h`;
	if (hours < 24 * 8) {
		const h = hours % 24;
		return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
	}
	if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
	const years = Math.floor(hours / 24 / 365);
	if (years < 8) {
		const days = Math.floor(hours / 24) % 365;
		return days === 0 ? `${years}y` : `${years}y${days}d`;
	}
	return `${years}y`;
}

/** Age of an RFC 3339 timestamp at `now`, or `<unknown>` as kubectl prints a zero time. */
export function since(timestamp: string | undefined, now: number): string {
	if (!timestamp) return '<unknown>';
	const at = Date.parse(timestamp);
	if (Number.isNaN(at)) return '<unknown>';
	return humanDuration(now - at);
}

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's `time.RFC1123Z` in UTC: `Thu, 01 Jan 2026 09:00:00 +0000`. */
export function rfc1123z(timestamp: string | number | undefined): string {
	if (timestamp === undefined || timestamp === '') return '<unset>';
	const date = new Date(typeof timestamp === 'number' ? timestamp : Date.parse(timestamp));
	if (Number.isNaN(date.getTime())) return '<invalid>';
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${days[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** `HH:MM:SS.mmm` of a virtual instant, for trace and log lines. */
export function clockTime(ms: number): string {
	const date = new Date(ms);
	const pad = (n: number, w = 2) => String(n).padStart(w, '0');
	return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}`;
}
