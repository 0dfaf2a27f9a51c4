/**
 * Modules that add actions, pages and `:` commands through the registries
 * (`app/action-registry.ts`, `app/command-registry.ts`). Each is imported for
 * its side effect; add one import line per module (today `actions/index.ts`
 * imports them all: the actions, xray and pulse).
 */
import './actions/index.js';
import './files/file-commands.js';

export {};
