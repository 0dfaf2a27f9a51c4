/** The two parts of React's scheduler (the `scheduler` package React renders with) that the headless dashboard uses. */
declare module 'scheduler' {
	export const unstable_IdlePriority: number;
	export function unstable_scheduleCallback(priority: number, callback: () => unknown): unknown;
}
