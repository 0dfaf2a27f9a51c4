/**
 * Ink's Output class, the grid its output pass writes every frame into.
 * Ink does not export it (its package exports only the entry), so it is
 * imported by its file URL next to the entry: the same module Ink's own
 * renderer uses. The bundle (scripts/bundle.mjs) imports that file
 * directly instead, since a classic script has no top-level await.
 */
export type InkStyledChar = {type: 'char'; value: string; fullWidth: boolean; styles: unknown[]};
export type InkOutputCaches = {getStyledChars(line: string): InkStyledChar[]};
export type InkOutput = {caches: InkOutputCaches};
export type InkOutputClass = new (options: {width: number; height: number}) => InkOutput;

const output = await import(new URL('./output.js', import.meta.resolve('ink')).href) as {default: InkOutputClass};

export default output.default;
