/**
 * kubarium: flags, boot, and the full-screen app in the alternate screen,
 * restored on every way out (q, :q, Ctrl+C, SIGTERM, a crash). The
 * subcommands (`kubarium serve`, `kubarium play`) are dispatched first and
 * load only their own modules. One async function rather than a module with
 * top-level await, so the bundle can be a classic script (whose compiled code
 * V8 can cache: source/start/).
 */
import {readFileSync} from 'node:fs';
import {resolve} from 'node:path';
import {FlagError, isRemote, parseFlags, usage} from './ui/flags.js';
import type {ServedApi} from './ui/app/app.js';
import {withoutFetch} from './start/without-fetch.js';
import {limitHeapGrowth, whileHeapOnlyGrows} from './start/heap.js';
import {quitKeysWhileLoading} from './start/keys-while-loading.js';

const enterAlternateScreen = '\x1b[?1049h\x1b[H';
const leaveAlternateScreen = '\x1b[?25h\x1b[?1049l';

function version(): string {
	for (const candidate of ['../package.json', '../../package.json']) {
		try {
			return JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')).version as string;
		} catch {
			// Try the next location (source/ under tsx, dist/source/ when built).
		}
	}
	return 'unknown';
}

/** What asciinema rec keeps of the environment: the terminal type and the shell. */
function terminalEnv(): Record<string, string> {
	const env: Record<string, string> = {};
	for (const name of ['SHELL', 'TERM']) if (process.env[name]) env[name] = process.env[name]!;
	return env;
}

function fail(message: string): never {
	process.stderr.write(`kubarium: ${message}\n`);
	process.exit(2);
}

/** What starts the app from outside it: the bundle's launcher is told when the first frame is drawn. */
export type StartHost = {
	/** Called once, right after the first frame is on the screen. */
	firstFrame?: () => void;
	/** The `--state` file, read ahead by the launcher while the app's code loaded. */
	stateReadAhead?: import('./state/state-file.js').ReadAhead;
	/** Runs before anything draws with Ink (the bundle loads yoga's WebAssembly here). */
	prepareUi?: () => Promise<void>;
};

/** The whole command line: a subcommand, or the dashboard until it quits (the process exits from here). */
export async function main(host: StartHost = {}): Promise<void> {
	// The launcher set it before compiling the bundle; from source (`npm run dev`) this is the first place.
	limitHeapGrowth();
	if (process.argv[2] === 'serve') {
		const {parseServeFlags, runServe, serveUsage, ServeFlagError, StateFileError} = await import('./serve.js');
		try {
			const serveFlags = parseServeFlags(process.argv.slice(3));
			if (serveFlags.help) {
				process.stdout.write(`${serveUsage}\n`);
				process.exit(0);
			}
			await runServe(serveFlags, process.env, {readAhead: host.stateReadAhead});
			process.exit(0);
		} catch (error) {
			if (error instanceof ServeFlagError || error instanceof StateFileError) fail(error.message);
			throw error;
		}
	}

	if (process.argv[2] === 'play') {
		const {playCommand} = await import('./record/play.js');
		process.exit(await playCommand(process.argv.slice(3)));
	}

	if (process.argv[2] === 'record') {
		await host.prepareUi?.();
		const {runRecord} = await import('./record/run-record.js');
		process.exit(await runRecord(process.argv.slice(3)));
	}

	// kubarium practice: list the scenarios, or open the dashboard on one (the rest of the boot below).
	let practice: {scenario: import('./practice/scenario.js').Scenario; catalogue: readonly import('./practice/scenario.js').Scenario[]} | undefined;
	let flags;
	try {
		if (process.argv[2] === 'practice') {
			const [{parsePracticeArgs, practiceListing, practiceScenario, practiceUsage}, {loadScenarios}, {ScenarioError}, {Preferences, resolveConfigDir}] = await Promise.all([
				import('./ui/practice/practice-command.js'),
				import('./practice/scenario.js'),
				import('./practice/schema.js'),
				import('./ui/prefs.js'),
			]);
			const args = parsePracticeArgs(process.argv.slice(3));
			if (args.help) {
				process.stdout.write(`${practiceUsage}\n`);
				process.exit(0);
			}
			const catalogue = loadScenarios();
			if (args.id === undefined && args.file === undefined) {
				const prefs = new Preferences(resolveConfigDir(args.flags.configDir));
				for (const warning of prefs.warnings) process.stderr.write(`kubarium: ${warning}\n`);
				process.stdout.write(`${practiceListing(catalogue, prefs.get().practice)}\n`);
				process.exit(0);
			}
			try {
				practice = {scenario: practiceScenario(args, catalogue), catalogue: args.file === undefined ? catalogue : []};
			} catch (error) {
				if (error instanceof ScenarioError || error instanceof Error) fail((error as Error).message);
				throw error;
			}
			flags = args.flags;
		} else {
			flags = parseFlags(process.argv.slice(2));
		}
	} catch (error) {
		if (error instanceof FlagError) fail(error.message);
		throw error;
	}
	if (flags.help) {
		process.stdout.write(`${usage}\n`);
		process.exit(0);
	}
	if (flags.version) {
		process.stdout.write(`kubarium ${version()}\n`);
		process.exit(0);
	}

	// Loaded after the flags, so --help, --version and flag errors answer at once.
	// A real cluster (--kubeconfig, --context) loads its client only then.
	const remote = !practice && isRemote(flags);
	const [, {default: React}, {render}, {boot, BootError}, {App}, practiceUi, remoteUi] = await withoutFetch(() => Promise.all([
		host.prepareUi?.(),
		import('react'),
		import('ink'),
		import('./ui/boot.js'),
		import('./ui/app/app.js'),
		practice ? import('./ui/practice/practice-app.js') : undefined,
		remote ? import('./ui/remote/boot-remote.js') : undefined,
	]));

	// A recording's keys would not hold kubectl's changes, so none is served while recording.
	const servesApi = !flags.noApi && flags.record === undefined;

	// --state: the cluster comes from the file (a file that cannot be restored stops here, untouched, with exit 2).
	let state: {file: string; cluster?: import('./engine/index.js').Cluster; note?: string; lines?: import('./state/snapshot-json.js').FileLines} | undefined;
	if (flags.state !== undefined) {
		const [{openState, movedAsideNote, restartedNote}, {StateFileError}] = await Promise.all([import('./state/cluster-state.js'), import('./state/state-file.js')]);
		const file = resolve(flags.state);
		// q and Ctrl+C quit while the file is restored, as they do once the dashboard is up.
		const stopKeys = quitKeysWhileLoading(process.stdin, code => {
			stopKeys();
			// The progress line goes with the restore.
			if (process.stderr.isTTY) process.stderr.write('\r\u001B[K');
			process.exit(code);
		});
		try {
			const opened = await whileHeapOnlyGrows(() => openState(file, {reset: flags.resetState, progress: process.stderr, readAhead: host.stateReadAhead}));
			state = {file, cluster: opened.cluster, lines: opened.lines};
			if (opened.movedAside) {
				state.note = movedAsideNote(file, opened.movedAside);
				process.stderr.write(`kubarium: ${state.note}\n`);
			}
			if (opened.restarted) {
				state.note = restartedNote(file, opened.restarted);
				process.stderr.write(`kubarium: ${state.note}\n`);
			}
		} catch (error) {
			stopKeys();
			if (error instanceof StateFileError) fail(error.message);
			throw error;
		}
		stopKeys();
		const ignored = [flags.seed !== undefined && '--seed', flags.nodes !== undefined && '--nodes', flags.strictImages && '--strict-images'].filter(Boolean);
		if (state.cluster && ignored.length > 0) {
			const ignoredNote = `${ignored.join(', ')} ignored: the cluster is the one saved in ${file}`;
			state.note = state.note ? `${state.note}; ${ignoredNote}` : ignoredNote;
		}
	}

	let booted;
	let remoteBooted: import('./ui/remote/boot-remote.js').BootedRemote | undefined;
	try {
		if (remoteUi) {
			remoteBooted = remoteUi.bootRemote(flags);
			booted = undefined;
		} else if (practice) {
			let cluster;
			try {
				cluster = practice.scenario.create({seed: flags.seed});
			} catch (error) {
				fail((error as Error).message);
			}
			booted = boot(flags, process.env, {cluster});
		} else {
			// With an API, the clock starts at the wall time (kubectl counts ages from creationTimestamp against
			// its own clock); a recording serves none and keeps the fixed epoch, so its replay is exact. A cluster
			// restored from --state goes on from its own saved clock.
			booted = boot(flags, process.env, state?.cluster ? {cluster: state.cluster} : servesApi ? {startTime: Date.now()} : {});
		}
	} catch (error) {
		if (error instanceof BootError) fail(error.message);
		throw error;
	}

	const stdout = process.stdout;
	const isTty = Boolean(stdout.isTTY);
	const {source, model, simulation, prefs, theme, configDir, noColor, namespace, warnings} = remoteBooted ?? booted!;
	// The embedded engine; none on a real cluster.
	const cluster = booted?.cluster;

	// --record: both files are opened now, so a bad path stops here, before the screen changes.
	// From here on every write to stdout (Ink's frames, the alternate screen's enter and leave)
	// goes to the cast, and every chunk Ink reads from stdin to the keys file.
	let recording: import('./record/live.js').LiveRecording | undefined;
	let recordingFailure: string | undefined;
	if (flags.record !== undefined && cluster) {
		const {LiveRecording, RecordError} = await import('./record/live.js');
		try {
			recording = LiveRecording.start({
				castPath: flags.record,
				keys: {
					kubarium: 'keys',
					version: 1,
					seed: cluster.seed,
					nodes: cluster.list('Node').length,
					speed: simulation.speed,
					theme: theme.name,
					namespace,
					readonly: flags.readonly,
					cols: stdout.columns || 80,
					rows: stdout.rows || 24,
					keys: {...prefs.get().keys},
					view: prefs.get().lastView,
					favorites: [...prefs.get().favorites],
					...(flags.strictImages ? {strictImages: true} : {}),
				},
				cast: {env: terminalEnv()},
				virtualNow: () => cluster.now(),
				onError: error => (recordingFailure ??= error.message),
			});
		} catch (error) {
			if (error instanceof RecordError) fail(error.message);
			throw error;
		}
		recording.attach({stdout, stdin: process.stdin});
	}

	let inAlternate = false;
	function restoreTerminal(): void {
		if (!inAlternate) return;
		inAlternate = false;
		stdout.write(leaveAlternateScreen);
	}
	if (isTty) {
		stdout.write(enterAlternateScreen);
		inAlternate = true;
	}
	process.on('exit', restoreTerminal);
	// After restoreTerminal, so the recording ends with the leave sequence and then the exit line.
	process.on('exit', () => {
		recording?.stop();
		if (recordingFailure) process.stderr.write(`kubarium: the recording stopped early: ${recordingFailure}\n`);
	});
	function runExternal<T>(fn: () => T): T {
		const stdin = process.stdin;
		restoreTerminal();
		if (stdin.isTTY) stdin.setRawMode(false);
		try {
			return fn();
		} finally {
			if (stdin.isTTY) stdin.setRawMode(true);
			if (isTty) {
				stdout.write(enterAlternateScreen);
				inAlternate = true;
			}
			instance.clear();
		}
	}
	// The API comes up after the first frame, so it costs start-up nothing; the header shows it once it listens.
	const startApi = servesApi && cluster
		? (served: NonNullable<typeof cluster>) => import('./dashboard-api.js').then(({startDashboardApi}) => startDashboardApi(served, {port: flags.apiPort, configDir, readOnly: flags.readonly}))
		: undefined;
	let appApi: import('./ui/app/contract.js').AppApi | undefined;
	const appProps = {
		prefs, theme, readonly: flags.readonly, configDir, noColor, startupWarnings: warnings, runExternal, onQuit: () => simulation.stop(),
		onApi: (api: import('./ui/app/contract.js').AppApi) => {
			appApi = api;
			if (state?.note) api.flash(state.note, 'warn');
			else if (state) api.flash(state.cluster ? `Restored the cluster saved in ${state.file}; saving it there as it changes` : `Saving the cluster to ${state.file} as it changes`);
		},
	};
	const remoteApp = remoteBooted ? await import('./ui/remote/remote-app.js') : undefined;
	const app = (api?: ServedApi) => (practice && practiceUi && cluster
		// Practice serves each run's cluster itself (a :reset or :next makes a new one).
		? <practiceUi.PracticeApp {...appProps} scenario={practice.scenario} catalogue={practice.catalogue} seed={flags.seed} autoStart startApi={startApi} simulation={{speed: simulation.speed}} initialRun={practiceUi.runOn(practice.scenario, cluster, model, simulation, prefs)} />
		: remoteApp && remoteBooted
			// A real cluster: :ctx switches context, each one a fresh source.
			? <remoteApp.RemoteApp {...appProps} initial={remoteBooted} namespace={namespace} kubeconfig={flags.kubeconfig} />
			: <App {...appProps} cluster={source} model={model} simulation={simulation} namespace={namespace} api={api} />
	);
	const instance = render(app(), {exitOnCtrlC: false, patchConsole: false, incrementalRendering: false, maxFps: 30});
	simulation.start();
	host.firstFrame?.();

	// --state: saved as the cluster changes (objects, time moving, keys typed into it), at most every 2 s, and at exit.
	let autosave: (import('./state/autosave.js').Autosave & {detach: () => void}) | undefined;
	if (state && cluster) {
		const {autosaveCluster} = await import('./state/cluster-state.js');
		const file = state.file;
		let reported = false;
		autosave = autosaveCluster(cluster, file, {
			onError: error => {
				if (reported) return;
				reported = true;
				appApi?.flash(`Could not save the cluster to ${file}: ${error.message} (trying again as it changes)`, 'warn');
			},
			onSaved: () => (reported = false),
			seed: state.lines,
		});
		const saver = autosave;
		simulation.onTick(() => saver.changed());
		simulation.shareSlices(() => saver.slicing);
		const {tapReads} = await import('./record/tap-reads.js');
		tapReads(process.stdin, () => saver.changed());
		// A fresh cluster is written at once, so the file exists from the start.
		if (!state.cluster) saver.changed();
	}
	/** The exit save; a failure is reported once the terminal is back. */
	function saveState(): void {
		if (!autosave || !state) return;
		try {
			autosave.flush();
		} catch (error) {
			restoreTerminal();
			process.stderr.write(`kubarium: could not save the cluster to ${state.file}: ${(error as Error).message}\n`);
		}
	}

	if (startApi && !practice && cluster) {
		void startApi(cluster).then(api => instance.rerender(app({url: api.url, kubeconfig: api.kubeconfig})), (error: Error) => instance.rerender(app({error: error.message})));
	}

	function shutdown(code: number): void {
		simulation.stop();
		try {
			instance.unmount();
		} catch {
			// Already unmounted.
		}
		restoreTerminal();
		saveState();
		process.exit(code);
	}
	process.on('SIGTERM', () => shutdown(143));
	process.on('SIGHUP', () => shutdown(129));
	process.on('SIGINT', () => shutdown(130));
	process.on('uncaughtException', error => {
		simulation.stop();
		try {
			instance.unmount();
		} catch {
			// Keep going: the terminal matters more.
		}
		restoreTerminal();
		process.stderr.write(`kubarium crashed: ${error.stack ?? error.message}\n`);
		process.exit(1);
	});

	try {
		await instance.waitUntilExit();
	} finally {
		simulation.stop();
		model.dispose();
		// A real cluster's watches and streams end here, so quitting never waits on them.
		remoteApp?.disposeCurrent();
		restoreTerminal();
		saveState();
	}
	process.exit(0);

}
