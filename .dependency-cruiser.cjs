/**
 * The charter's import rules (DESIGN.md, "Layers"), checked on every `npm test`
 * by test/architecture.test.ts.
 */
module.exports = {
	forbidden: [
		{
			name: 'engine-never-imports-ui',
			comment: 'The engine is a library with no terminal in it: nothing under source/engine imports source/ui or the CLI.',
			severity: 'error',
			from: {path: '^source/engine/'},
			to: {path: ['^source/ui/', '^source/cli\\.tsx$', '^source/main\\.tsx$', '^source/start/']},
		},
		{
			name: 'ui-uses-the-engine-entry',
			comment: 'The UI, the recorder, the manifest files (apply, export) and the state file reach the engine only through its public entry, source/engine/index.ts (the facade and the watch API).',
			severity: 'error',
			from: {path: ['^source/ui/', '^source/record/', '^source/manifests/', '^source/state/', '^source/cli\\.tsx$', '^source/main\\.tsx$', '^source/start/']},
			to: {path: '^source/engine/', pathNot: '^source/engine/index\\.ts$'},
		},
		{
			name: 'practice-uses-the-engine-entry',
			comment: 'Practice scenarios drive and grade the cluster as a learner would: through the engine\'s public entry only; the engine never imports them.',
			severity: 'error',
			from: {path: '^source/practice/'},
			to: {path: ['^source/engine/', '^source/ui/', '^source/cli\\.tsx$', '^source/main\\.tsx$', '^source/start/'], pathNot: '^source/engine/index\\.ts$'},
		},
		{
			name: 'engine-never-imports-practice',
			comment: 'Scenarios sit above the engine.',
			severity: 'error',
			from: {path: '^source/engine/'},
			to: {path: '^source/practice/'},
		},
		{
			name: 'controllers-not-the-facade',
			comment: 'Controllers, nodes, the runtime and the rest of the engine are below the facade: only the public entry imports source/engine/cluster.ts.',
			severity: 'error',
			from: {path: '^source/engine/', pathNot: '^source/engine/(index|cluster)\\.ts$'},
			to: {path: '^source/engine/cluster\\.ts$'},
		},
		{
			name: 'no-cycles',
			comment: 'Imports go one way: no module reaches itself through the imports that run. Type-only imports are erased at build time, so a typed service registry may name the types of the services it holds.',
			severity: 'error',
			from: {path: '^source/'},
			to: {circular: true, viaOnly: {dependencyTypesNot: ['type-only']}},
		},
	],
	options: {
		doNotFollow: {path: 'node_modules'},
		tsPreCompilationDeps: true,
		tsConfig: {fileName: 'tsconfig.json'},
		enhancedResolveOptions: {extensions: ['.ts', '.tsx', '.js']},
	},
};
