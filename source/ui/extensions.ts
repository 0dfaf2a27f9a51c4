/**
 * Modules that add actions, pages and `:` commands through the registries of
 * `app/contract.ts` (registerActions, registerCommand). Each is imported for
 * its side effect; add one import line per module, e.g.
 * `import './details/index.js';`.
 */
import './actions/index.js';

export {};
