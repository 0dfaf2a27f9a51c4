/** Hearing the terminal's input without taking it: what a recording keeps and what marks a `--state` cluster as changed. */

/**
 * Calls `onChunk` with every chunk read from `stream` through `read()` (how
 * Ink reads its input), exactly as read. Returns the function that undoes it.
 */
export function tapReads(stream: NodeJS.ReadableStream, onChunk: (data: string) => void): () => void {
	const original = stream.read;
	const tap = function (this: NodeJS.ReadableStream, ...args: unknown[]): string | Buffer | null {
		const chunk = (original as (...a: unknown[]) => string | Buffer | null).apply(this, args);
		if (chunk !== null && chunk !== undefined) {
			try {
				onChunk(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
			} catch {
				// Recording never stands in the way of the keys.
			}
		}
		return chunk;
	};
	stream.read = tap as typeof stream.read;
	return () => {
		if (stream.read === tap) stream.read = original;
	};
}
