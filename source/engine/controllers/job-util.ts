/**
 * Pure helpers of the Job controller (`pkg/controller/job/*`): pod failure
 * back-off, completed-index sets and their compressed text, which indexes
 * to start next, and condition updates.
 */
import type {Condition, Pod} from '../api/types.js';
import {isPodReady} from './controller-utils.js';

/** Job pod-failure back-off: 10 s, doubling, capped (v1.28 `MaxJobPodFailureBackOff`). */
export const jobBackoffInitialMs = 10_000;
export const jobBackoffMaxMs = 10 * 60_000;

/**
 * How long to wait before creating pods again after `failures` consecutive
 * failures (since the last success), the last at `lastFailureMs`
 * (`getRemainingTimeForFailuresCount`). 0 when no wait is due.
 */
export function remainingBackoffMs(failures: number, lastFailureMs: number | undefined, nowMs: number): number {
	if (failures <= 0 || lastFailureMs === undefined) return 0;
	let backoff = jobBackoffInitialMs;
	for (let i = 1; i < failures; i++) {
		backoff *= 2;
		if (backoff >= jobBackoffMaxMs) {
			backoff = jobBackoffMaxMs;
			break;
		}
	}
	const elapsed = nowMs - lastFailureMs;
	return backoff <= elapsed ? 0 : backoff - elapsed;
}

/** `status.completedIndexes` text: sorted, runs of 3+ compressed, e.g. `0-2,4,6-8` (runs of two stay `1,2`). */
export function formatIndexes(indexes: Iterable<number>): string {
	const sorted = [...new Set(indexes)].sort((a, b) => a - b);
	const parts: string[] = [];
	for (let i = 0; i < sorted.length;) {
		let j = i;
		while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
		if (j === i) parts.push(String(sorted[i]));
		else if (j === i + 1) parts.push(String(sorted[i]), String(sorted[j]));
		else parts.push(`${sorted[i]}-${sorted[j]}`);
		i = j + 1;
	}
	return parts.join(',');
}

/** Parse `status.completedIndexes` back into a set; indexes at or past `completions` are dropped. */
export function parseIndexes(text: string | undefined, completions: number): Set<number> {
	const out = new Set<number>();
	if (!text) return out;
	for (const part of text.split(',')) {
		const [low, high] = part.split('-').map(s => Number.parseInt(s, 10));
		if (low === undefined || Number.isNaN(low)) continue;
		const end = high === undefined || Number.isNaN(high) ? low : high;
		for (let i = low; i <= end && i < completions; i++) out.add(i);
	}
	return out;
}

/** The lowest `count` indexes in [0, completions) that are neither done nor running. */
export function nextIndexes(completions: number, done: ReadonlySet<number>, running: ReadonlySet<number>, count: number): number[] {
	const out: number[] = [];
	for (let i = 0; i < completions && out.length < count; i++) {
		if (!done.has(i) && !running.has(i)) out.push(i);
	}
	return out;
}

/** The completion index a pod carries (annotation, else label), or undefined. */
export function podIndex(pod: Pod, key: string): number | undefined {
	const text = pod.metadata.annotations?.[key] ?? pod.metadata.labels?.[key];
	if (text === undefined || !/^\d+$/.test(text)) return undefined;
	return Number(text);
}

export {isPodReady, isPodTerminal as isTerminal} from './controller-utils.js';

/** The Job controller counts a deleted pod that did not succeed as failed (it may never reach Failed). */
export function isPodFailed(pod: Pod): boolean {
	if (pod.status?.phase === 'Failed') return true;
	return pod.metadata.deletionTimestamp !== undefined && pod.status?.phase !== 'Succeeded';
}

/** When a finished pod finished: its newest container finishedAt, else `fallbackMs`. */
export function podFinishedAt(pod: Pod, fallbackMs: number): number {
	let newest: number | undefined;
	for (const status of pod.status?.containerStatuses ?? []) {
		const at = status.state.terminated?.finishedAt ? Date.parse(status.state.terminated.finishedAt) : Number.NaN;
		if (!Number.isNaN(at)) newest = Math.max(newest ?? at, at);
	}
	return newest ?? fallbackMs;
}

/** Restarts of an active pod's containers, which count toward backoffLimit under OnFailure. */
export function podRestarts(pod: Pod): number {
	let total = 0;
	for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) total += status.restartCount;
	return total;
}

/** Set (or add) a condition; the transition time moves only when the status changes. */
export function setCondition(conditions: Condition[], next: Condition): Condition[] {
	const existing = conditions.find(c => c.type === next.type);
	if (!existing) return [...conditions, next];
	if (existing.status === next.status && existing.reason === next.reason && existing.message === next.message) return conditions;
	const at = existing.status === next.status ? existing.lastTransitionTime : next.lastTransitionTime;
	return conditions.map(c => (c.type === next.type ? {...next, lastTransitionTime: at} : c));
}

export function hasCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
	return conditions?.find(c => c.type === type && c.status === 'True');
}

/**
 * Whether a pod change can matter to its owner's controller: phase,
 * readiness, deletion, finalizers, node, labels or restarts. Container
 * progress in between (pulling, created) does not, so it enqueues nothing.
 */
export function podChangeMatters(pod: Pod, old: Pod | undefined): boolean {
	if (!old) return true;
	return pod.status?.phase !== old.status?.phase
		|| isPodReady(pod) !== isPodReady(old)
		|| pod.metadata.deletionTimestamp !== old.metadata.deletionTimestamp
		|| pod.metadata.finalizers?.length !== old.metadata.finalizers?.length
		|| pod.spec?.nodeName !== old.spec?.nodeName
		|| pod.metadata.labels !== old.metadata.labels
		|| podRestarts(pod) !== podRestarts(old);
}
