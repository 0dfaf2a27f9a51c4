/**
 * yoga-layout for the bundled app. The package's entry loads its WebAssembly
 * with a top-level await, which a classic script (the bundle V8 can cache,
 * see launcher.ts) cannot hold; scripts/bundle.mjs points Ink's
 * `import Yoga from 'yoga-layout'` here instead, and app-entry.ts awaits
 * `loadYogaOnce()` before anything draws. Ink reads the default export only
 * inside its functions, never while its modules load, so the binding is set
 * by then.
 */
import {loadYoga, type Yoga} from 'yoga-layout/load';
import {withoutFetch} from './without-fetch.js';

export * from 'yoga-layout/load';

let yoga: Yoga | undefined;
export {yoga as default};

/** Instantiates yoga's WebAssembly (once). */
export async function loadYogaOnce(): Promise<void> {
	yoga ??= await withoutFetch(loadYoga);
}
