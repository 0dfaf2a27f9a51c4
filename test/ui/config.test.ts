import test from 'ava';
import {spawnSync} from 'node:child_process';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {FlagError, parseFlags} from '../../source/ui/flags.js';
import {boot, BootError} from '../../source/ui/boot.js';
import {builtinThemesDir, fallbackTheme, loadTheme, themeFromYaml, themeNames} from '../../source/ui/theme/load.js';
import {Preferences, resolveConfigDir} from '../../source/ui/prefs.js';
import {makeConfigDir} from './harness.js';
import {createCluster} from '../../source/engine/index.js';

test('flags: every flag parses, in both --flag value and --flag=value forms', t => {
	t.deepEqual(parseFlags(['--seed', '42', '--nodes=5', '--namespace', 'kube-system', '--theme=light', '--readonly', '--config-dir', '/tmp/x', '--speed', '10']), {
		seed: 42, nodes: 5, namespace: 'kube-system', theme: 'light', readonly: true, configDir: '/tmp/x', speed: 10, help: false, version: false,
	});
	t.like(parseFlags(['--help']), {help: true});
	t.like(parseFlags(['--version']), {version: true});
	t.like(parseFlags(['--namespace', 'all']), {namespace: 'all'});
	t.like(parseFlags(['--record', 'demo/session.cast']), {record: 'demo/session.cast'});
	t.like(parseFlags(['--strict-images']), {strictImages: true});
	t.is(parseFlags([]).strictImages, undefined);
	t.like(parseFlags(['--api-port', '0']), {apiPort: 0});
	t.like(parseFlags(['--api-port=16443']), {apiPort: 16443});
	t.like(parseFlags(['--no-api']), {noApi: true});
	t.like(parseFlags(['--no-api', '--record', 'x.cast']), {noApi: true, record: 'x.cast'});
});

test('--strict-images boots a cluster where unknown repositories fail to pull', t => {
	const configDir = makeConfigDir();
	t.true(boot(parseFlags(['--strict-images', '--nodes', '1', '--config-dir', configDir]), {}).cluster.strictImages);
	t.false(boot(parseFlags(['--nodes', '1', '--config-dir', configDir]), {}).cluster.strictImages);
});

test('flags: bad values get a clear message', t => {
	const table: Array<[string[], string]> = [
		[['--seed', 'abc'], 'Invalid value for --seed: "abc" (expected an integer 0-2147483647)'],
		[['--nodes', '0'], 'Invalid value for --nodes: 0 (expected an integer 1-1000)'],
		[['--nodes', '1.5'], 'Invalid value for --nodes: "1.5" (expected an integer 1-1000)'],
		[['--speed', '5'], 'Invalid value for --speed: "5" (expected 0, 1, 10 or 60)'],
		[['--namespace', 'Bad_NS'], 'Invalid value for --namespace: "Bad_NS" (a lowercase RFC 1123 label, or "all")'],
		[['--theme', '../etc'], 'Invalid value for --theme: "../etc" (a theme name such as default, light, high-contrast, mono)'],
		[['--bogus'], 'Unknown flag --bogus (see --help)'],
		[['--seed'], 'Flag --seed needs a value'],
		[['--readonly=yes'], 'Flag --readonly takes no value'],
		[['--strict-images=yes'], 'Flag --strict-images takes no value'],
		[['--record', '--seed', '1'], 'Flag --record needs a value'],
		[['--record='], 'Invalid value for --record: empty path'],
		[['pods'], 'Unexpected argument "pods" (kubarium takes only flags; see --help)'],
		[['--api-port', '65536'], 'Invalid value for --api-port: 65536 (expected an integer 0-65535)'],
		[['--api-port', 'http'], 'Invalid value for --api-port: "http" (expected an integer 0-65535)'],
		[['--no-api=1'], 'Flag --no-api takes no value'],
		[['--api-port', '7000', '--no-api'], 'Flags --api-port and --no-api cannot be used together'],
		[['--record', 'x.cast', '--api-port', '7000'], 'Flags --api-port and --record cannot be used together: changes made through the API would not be in the recording'],
	];
	for (const [argv, message] of table) {
		const error = t.throws(() => parseFlags(argv), {instanceOf: FlagError});
		t.is(error?.message, message, argv.join(' '));
	}
});

// `npm test` builds first, so the built cli is used when present (much faster than tsx).
const built = join(import.meta.dirname, '../../dist/bundle/cli.js');
const cliArgs = existsSync(built) ? [built] : ['--import=tsx', join(import.meta.dirname, '../../source/cli.tsx')];
function run(args: string[], env: Record<string, string> = {}) {
	return spawnSync(process.execPath, [...cliArgs, ...args], {encoding: 'utf8', env: {...process.env, ...env, CI: 'false', NODE_ENV: 'production'}, timeout: 60_000});
}

test('cli: a bad flag exits 2 with the message on stderr; --help and --version exit 0', t => {
	const bad = run(['--speed', 'fast']);
	t.is(bad.status, 2);
	t.is(bad.stderr, 'kubarium: Invalid value for --speed: "fast" (expected 0, 1, 10 or 60)\n');
	t.is(bad.stdout, '');
	const missing = run(['--namespace', 'nowhere', '--config-dir', makeConfigDir()]);
	t.is(missing.status, 2);
	t.regex(missing.stderr, /namespaces "nowhere" not found/);
	const theme = run(['--theme', 'nosuch', '--config-dir', makeConfigDir()]);
	t.is(theme.status, 2);
	t.regex(theme.stderr, /^kubarium: Invalid value for --theme: theme "nosuch" not found \(themes: default, high-contrast, light, mono; add your own as .*themes\/NAME\.yaml\)\n$/);
	t.is(theme.stdout, '');
	const help = run(['--help']);
	t.is(help.status, 0);
	t.regex(help.stdout, /--config-dir DIR/);
	const version = run(['--version']);
	t.is(version.status, 0);
	t.regex(version.stdout, /^kubarium \d+\.\d+\.\d+\n$/);
});

test('boot: --theme with an unknown or invalid theme is an error; a saved preference falls back with a warning', t => {
	const configDir = makeConfigDir({themes: {broken: 'kubarium:\n  status:\n    errorColor: notacolour\n'}});
	const unknown = t.throws(() => boot({...parseFlags(['--theme', 'nosuch']), configDir}), {instanceOf: BootError});
	t.regex(unknown!.message, /^Invalid value for --theme: theme "nosuch" not found \(themes: broken, default, high-contrast, light, mono; /);
	const invalid = t.throws(() => boot({...parseFlags(['--theme', 'broken']), configDir}), {instanceOf: BootError});
	t.regex(invalid!.message, /^Invalid value for --theme: Invalid theme file .*broken\.yaml: .*notacolour.* \(themes: /);
	t.notRegex(invalid!.message, /using the default/);
	new Preferences(configDir).set({theme: 'nosuch'});
	const booted = boot({...parseFlags([]), configDir}, {}, {cluster: createCluster({seed: 1})});
	t.is(booted.theme.name, 'default');
	t.true(booted.warnings.some(w => w.includes('Theme "nosuch" not found')));
	booted.model.dispose();
});

test('themes: the four built-in themes load without warnings; mono and NO_COLOR have no colours', t => {
	const names = themeNames(undefined);
	for (const name of ['default', 'light', 'high-contrast', 'mono']) {
		t.true(names.includes(name), name);
		const {theme, warnings} = loadTheme(name);
		t.deepEqual(warnings, [], name);
		t.is(theme.name, name);
	}
	t.true(loadTheme('mono').theme.mono);
	t.is(loadTheme('mono').theme.status.error, undefined);
	const noColor = loadTheme('light', {noColor: true}).theme;
	t.true(noColor.mono);
	t.is(noColor.views.table.cursorBg, undefined);
	t.not(loadTheme('light').theme.status.error, fallbackTheme.status.error);
});

test('themes: the packaged default.yaml holds exactly the built-in fallback theme (the app uses the latter without parsing the file)', t => {
	const file = join(builtinThemesDir()!, 'default.yaml');
	t.deepEqual(themeFromYaml(readFileSync(file, 'utf8'), 'default', fallbackTheme), fallbackTheme);
});

test('themes: a user theme is picked up by name and inherits missing keys', t => {
	const configDir = makeConfigDir({themes: {ocean: 'kubarium:\n  status:\n    errorColor: "#123456"\n'}});
	const {theme, warnings} = loadTheme('ocean', {configDir});
	t.deepEqual(warnings, []);
	t.is(theme.status.error, '#123456');
	t.is(theme.status.pending, loadTheme('default').theme.status.pending);
	t.true(themeNames(configDir).includes('ocean'));
});

test('themes: an invalid theme file is reported with the file and the field; the default is used', t => {
	const configDir = makeConfigDir({themes: {
		broken: 'kubarium:\n  frame:\n    status: {}\n',
		badcolor: 'kubarium:\n  views:\n    table:\n      cursorBgColor: notacolour\n',
		noroot: 'body: {}\n',
	}});
	const unknown = loadTheme('broken', {configDir});
	t.is(unknown.theme.name, 'default');
	t.is(unknown.warnings.length, 1);
	t.true(unknown.warnings[0]!.includes(join(configDir, 'themes', 'broken.yaml')));
	t.regex(unknown.warnings[0]!, /kubarium\.frame\.status: unknown key/);
	const bad = loadTheme('badcolor', {configDir});
	t.regex(bad.warnings[0]!, /badcolor\.yaml: kubarium\.views\.table\.cursorBgColor: "notacolour" is not a colour/);
	t.is(bad.theme.views.table.cursorBg, loadTheme('default').theme.views.table.cursorBg);
	t.regex(loadTheme('noroot', {configDir}).warnings[0]!, /kubarium: missing root key/);
	t.regex(loadTheme('absent', {configDir}).warnings[0]!, /Theme "absent" not found/);
});

test('preferences: defaults, saved values, config dir from flag or env', t => {
	const configDir = makeConfigDir();
	const prefs = new Preferences(configDir);
	t.deepEqual(prefs.warnings, []);
	t.is(prefs.get().theme, 'default');
	prefs.set({theme: 'light', speed: 10});
	prefs.useNamespace('shop');
	const again = new Preferences(configDir);
	t.is(again.get().theme, 'light');
	t.is(again.get().speed, 10);
	t.is(again.get().favorites[0], 'shop');
	t.is(resolveConfigDir('/a/b', {}), '/a/b');
	t.is(resolveConfigDir(undefined, {KUBARIUM_CONFIG_DIR: '/c'}), '/c');
	t.is(resolveConfigDir(undefined, {XDG_CONFIG_HOME: '/x'}), '/x/kubarium');
});

test('preferences: a corrupt file is reported once and replaced by defaults', t => {
	const configDir = makeConfigDir({prefsFile: '{not json'});
	const prefs = new Preferences(configDir);
	t.is(prefs.warnings.length, 1);
	t.regex(prefs.warnings[0]!, /preferences\.json was unreadable .*; replaced by defaults/);
	t.is(prefs.get().theme, 'default');
	t.deepEqual(JSON.parse(readFileSync(join(configDir, 'preferences.json'), 'utf8')).theme, 'default');
	t.deepEqual(new Preferences(configDir).warnings, [], 'reported once');
	writeFileSync(join(configDir, 'preferences.json'), JSON.stringify({speed: 'fast'}));
	const invalid = new Preferences(configDir);
	t.is(invalid.warnings.length, 1);
	t.regex(invalid.warnings[0]!, /was unreadable \(Config schema violation: `speed` must be one of 0, 1, 10, 60\); replaced by defaults/);
	t.is(invalid.get().speed, 1);
	for (const [file, problem] of [
		[{favorites: ['a', 2]}, '`favorites` must be a list of namespace names'],
		[{favorites: Array.from({length: 10}, (_, i) => `ns${i}`)}, '`favorites` must have at most 9 names'],
		[{sort: {Pod: {column: 'NAME'}}}, '`sort.Pod` must be {column: string, ascending: boolean}'],
		[{keys: {describe: 4}}, '`keys` must map action names to key names'],
		[{theme: 7}, '`theme` must be a string'],
	] as const) {
		writeFileSync(join(configDir, 'preferences.json'), JSON.stringify(file));
		const prefs = new Preferences(configDir);
		t.true(prefs.warnings[0]?.includes(`(Config schema violation: ${problem})`), prefs.warnings[0]);
		t.deepEqual(prefs.get().favorites, ['default', 'kube-system']);
	}
	writeFileSync(join(configDir, 'preferences.json'), JSON.stringify({speed: 10, favorites: ['shop'], sort: {Pod: {column: 'AGE', ascending: false}}, lastView: 'Pod', keys: {describe: 'shift-d'}}));
	const valid = new Preferences(configDir);
	t.deepEqual(valid.warnings, []);
	t.is(valid.get().speed, 10);
});

test('preferences: a key override that is not a key is reported and ignored', t => {
	const configDir = makeConfigDir({prefsFile: JSON.stringify({keys: {'pod.kill': 'shift-k', describe: 'Hyper-D'}})});
	const prefs = new Preferences(configDir);
	t.deepEqual(prefs.get().keys, {'pod.kill': 'shift-k'});
	t.is(prefs.warnings.length, 1);
	t.regex(prefs.warnings[0]!, /key "Hyper-D" for action describe is not a key/);
});

test('preferences: a key override saved under an old per-view scrolling name applies to the one scrolling action, with a warning', t => {
	const configDir = makeConfigDir({prefsFile: JSON.stringify({keys: {'table.down': 'n', 'text.down': 'x', 'trace.top': 'ctrl-t'}})});
	const prefs = new Preferences(configDir);
	t.deepEqual(prefs.get().keys, {'scroll.down': 'n', 'scroll.top': 'ctrl-t'});
	t.deepEqual(prefs.warnings, [
		'Preferences: key override table.down is now scroll.down (one name for scrolling in every view); applied as scroll.down',
		'Preferences: key override text.down is now scroll.down, which is set already; text.down ignored',
		'Preferences: key override trace.top is now scroll.top (one name for scrolling in every view); applied as scroll.top',
	]);
});
