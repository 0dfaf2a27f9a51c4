/**
 * Small casts built by hand for the output tests: colours (named and 24-bit),
 * box drawing, a wide character, a resize, markers and one long idle gap.
 */
import type {Cast, CastEvent} from '../../../source/record/cast.js';

const ESC = '\u001B';
export const at = (row: number, col: number) => `${ESC}[${row};${col}H`;

/**
 * A 30×6 dashboard-like cast, 12 s long, idle_time_limit 2:
 *   0 s   a box with "pods" in bold green and a row "web-1 Pending" (yellow)
 *   1 s   marker "pending"
 *   2 s   the row becomes "web-1 Running" on a #204a87 background
 *   2.5 s resize to 36×7
 *   3 s   a line with wide characters "名前 ok" and a marker "wide"
 *   3.01 s, 3.02 s  two quick clock ticks (coalesced at 30 fps)
 *   12 s  "bye" (9 s after the last event: capped to 2 s by the idle limit)
 */
export function dashboardCast(): Cast {
	const events: CastEvent[] = [
		[0, 'o', `${ESC}[?25l${ESC}[2J${at(1, 1)}┌────────────┐${at(2, 1)}│ ${ESC}[1;32mpods${ESC}[0m       │${at(3, 1)}└────────────┘${at(4, 1)}web-1 ${ESC}[33mPending${ESC}[0m`],
		[1, 'm', 'pending'],
		[2, 'o', `${at(4, 7)}${ESC}[48;2;32;74;135m${ESC}[38;2;255;255;255mRunning${ESC}[0m${ESC}[K`],
		[2.5, 'r', '36x7'],
		[3, 'o', `${at(6, 1)}名前 ok`],
		[3, 'm', 'wide'],
		[3.01, 'o', `${at(7, 30)}00:01`],
		[3.02, 'o', `${at(7, 30)}00:02`],
		[12, 'o', `${at(5, 1)}${ESC}[3;4mbye${ESC}[0m`],
	];
	return {
		header: {version: 2, width: 30, height: 6, idle_time_limit: 2, title: 'pods <demo> & "quotes"', theme: {fg: '#d0d0d0', bg: '#1c1c1c', palette: '#000000:#cc0000:#4e9a06:#c4a000:#3465a4:#75507b:#06989a:#d3d7cf:#555753:#ef2929:#8ae234:#fce94f:#729fcf:#ad7fa8:#34e2e2:#eeeeec'}},
		events,
	};
}

/**
 * A 120×40 cast of `seconds` seconds with `count` outputs evenly apart, each
 * a full screen: a clock line, and a table of 36 pods that scrolls by one
 * row every tenth output (with an inverse-video selected row then).
 */
export function longCast(seconds: number, count: number): Cast {
	const events: CastEvent[] = [[0, 'o', `${ESC}[?25l${ESC}[2J`]];
	for (let index = 1; index <= count; index++) {
		const time = Math.round(index * seconds / count * 1e6) / 1e6;
		let data = `${at(1, 1)}${ESC}[1;36mkubarium${ESC}[0m  context: demo  ${ESC}[38;2;128;128;128mt=${time.toFixed(2)}${ESC}[0m${ESC}[K`;
		for (let row = 0; row < 36; row++) {
			const n = (row + Math.floor(index / 10)) % 50;
			const status = n % 7 === 0 ? `${ESC}[31mCrashLoopBackOff${ESC}[0m` : `${ESC}[32mRunning${ESC}[0m`;
			data += `${at(row + 3, 1)}${index % 10 === 0 && row === 0 ? `${ESC}[7m` : ''}web-${String(n).padStart(3, '0')}-7d9c  1/1  ${status}  ${n % 5} restarts  10.0.${n}.7${ESC}[0m${ESC}[K`;
		}
		events.push([time, 'o', data]);
	}
	return {header: {version: 2, width: 120, height: 40}, events};
}
