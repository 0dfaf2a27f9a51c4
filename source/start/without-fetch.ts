/**
 * Ink's layout engine (yoga) reads its embedded WebAssembly through fetch
 * when there is one, and touching fetch loads Node's whole HTTP client first
 * (about 60 ms of start-up); without it, yoga decodes the same bytes
 * directly. `load` runs with fetch hidden, and fetch is put back after.
 */
export async function withoutFetch<T>(load: () => Promise<T>): Promise<T> {
	const fetchProperty = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
	Object.defineProperty(globalThis, 'fetch', {value: undefined, configurable: true, writable: true});
	try {
		return await load();
	} finally {
		if (fetchProperty) Object.defineProperty(globalThis, 'fetch', fetchProperty);
		else delete (globalThis as {fetch?: unknown}).fetch;
	}
}
