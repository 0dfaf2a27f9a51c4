/** Time texts as kubectl prints them; pure, driven by the cluster's virtual now. */
import {humanDuration} from '../render/columns.js';

/** apimachinery's duration.HumanDuration, shared with the tables' AGE column. */
export {humanDuration};

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
