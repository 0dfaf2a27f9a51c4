/** Pods named `big-00000`, `big-00001`, ... in large-list tests, and reading them back from a frame. */

export const podName = (i: number) => `big-${String(i).padStart(5, '0')}`;

/** Pod names in the order the frame shows them. */
export function shownPods(frame: string): string[] {
	return frame.split('\n').map(line => /(?:^|\s)(big-\d{5})\s/.exec(line)?.[1]).filter((name): name is string => Boolean(name));
}
