import test from 'ava';
import {parseCommand, suggest, kindForAlias} from '../../../source/ui/app/commands.js';
import {registerCommand} from '../../../source/ui/app/contract.js';
import {parseFilter, fuzzyMatch} from '../../../source/ui/model/filter.js';
import {tableReducer, cursorIndex, windowOffset, initialTableState} from '../../../source/ui/components/table/use-table-state.js';
import {effectiveBindings, isValidKeyName, runKeymap} from '../../../source/ui/app/keymap.js';
import {parseKeys} from '../../../source/ui/app/keys.js';

test('command aliases resolve to kinds as k9s and kubectl name them', t => {
	const table: Array<[string, string]> = [
		['po', 'Pod'], ['pods', 'Pod'], ['deploy', 'Deployment'], ['dp', 'Deployment'], ['sts', 'StatefulSet'], ['ds', 'DaemonSet'],
		['rs', 'ReplicaSet'], ['svc', 'Service'], ['pv', 'PersistentVolume'], ['pvc', 'PersistentVolumeClaim'], ['no', 'Node'],
		['ns', 'Namespace'], ['cm', 'ConfigMap'], ['sec', 'Secret'], ['ev', 'Event'], ['job', 'Job'], ['cj', 'CronJob'],
		['ep', 'Endpoints'], ['sc', 'StorageClass'], ['PO', 'Pod'],
	];
	for (const [alias, kind] of table) t.is(kindForAlias(alias), kind, alias);
});

test('parseCommand: views, namespaces, quit, simulation, errors', t => {
	t.deepEqual(parseCommand('po kube-system'), {type: 'view', kind: 'Pod', namespace: 'kube-system'});
	t.deepEqual(parseCommand('  deploy  '), {type: 'view', kind: 'Deployment', namespace: undefined});
	for (const q of ['q', 'quit', 'q!', 'Q', 'exit']) t.deepEqual(parseCommand(q), {type: 'quit'}, q);
	t.deepEqual(parseCommand('pause'), {type: 'pause'});
	t.deepEqual(parseCommand('resume'), {type: 'resume'});
	t.deepEqual(parseCommand('speed 60'), {type: 'speed', speed: 60});
	t.deepEqual(parseCommand('speed x10'), {type: 'speed', speed: 10});
	t.deepEqual(parseCommand('theme light'), {type: 'theme', name: 'light'});
	t.like(parseCommand('speed 5'), {type: 'error', message: 'Invalid speed "5": use 0 (pause), 1, 10 or 60'});
	t.like(parseCommand('theme'), {type: 'error'});
	t.like(parseCommand('nope'), {type: 'error', message: 'Unknown command "nope": try :po, :deploy, :svc, :no, :help'});
	t.like(parseCommand('po a b'), {type: 'error'});
	t.like(parseCommand(''), {type: 'error'});
});

test('registered commands are dispatched with their arguments', t => {
	registerCommand({names: ['testcmd', 'tc'], description: 'test', arguments: ['deploy', 'sts'], run: () => {}});
	const parsed = parseCommand('tc deploy');
	t.is(parsed.type, 'registered');
	if (parsed.type === 'registered') {
		t.is(parsed.spec.names[0], 'testcmd');
		t.deepEqual(parsed.args, ['deploy']);
	}
	t.deepEqual(suggest('tc d', {namespaces: [], themes: [], history: []}), ['tc deploy']);
});

test('suggestions: commands by prefix, namespaces after a view, history first', t => {
	const context = {namespaces: ['default', 'kube-system'], themes: ['default', 'light'], history: ['po kube-system']};
	t.is(suggest('dep', context)[0], 'deploy');
	t.deepEqual(suggest('po k', context), ['po kube-system']);
	t.deepEqual(suggest('po ', context).slice(0, 3), ['po kube-system', 'po all', 'po default']);
	t.deepEqual(suggest('theme l', context), ['theme light']);
	t.deepEqual(suggest('', context), []);
});

test('filter grammar: regex, inverse, fuzzy, label, errors', t => {
	t.like(parseFilter('web'), {filter: {type: 'regex', inverse: false}});
	t.true('filter' in parseFilter('WEB') && (parseFilter('WEB') as {filter: {regex: RegExp}}).filter.regex.test('web-1'));
	t.like(parseFilter('!web'), {filter: {type: 'regex', inverse: true}});
	t.like(parseFilter('-f wb1'), {filter: {type: 'fuzzy', query: 'wb1'}});
	t.like(parseFilter('-l app=web'), {filter: {type: 'label', selector: 'app=web'}});
	t.like(parseFilter(''), {filter: {type: 'none'}});
	t.like(parseFilter('web('), {error: 'Invalid filter regex "web(": /web(/i: Unterminated group'});
	t.like(parseFilter('-f'), {error: 'Fuzzy filter needs text: /-f web'});
	t.like(parseFilter('-l '), {error: 'Label filter needs a selector: /-l app=web'});
	t.true(fuzzyMatch('wb1', 'shop/web-1'));
	t.false(fuzzyMatch('1wb', 'shop/web-1'));
});

test('table state: the cursor follows its row by id and the window scrolls minimally', t => {
	const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
	let state = tableReducer(initialTableState, {type: 'move', delta: 2, ids, height: 3});
	t.is(state.cursorId, 'c');
	t.is(cursorIndex(state, ['x', 'a', 'b', 'c']), 3);
	t.is(cursorIndex(state, ['a', 'b']), 1, 'gone: clamped last index');
	state = tableReducer(state, {type: 'move', delta: 2, ids, height: 3});
	t.is(state.cursorId, 'e');
	t.is(state.offset, 2);
	state = tableReducer(state, {type: 'bottom', ids, height: 3});
	t.deepEqual(state, {cursorId: 'f', index: 5, offset: 3});
	state = tableReducer(state, {type: 'move', delta: -100, ids, height: 3});
	t.deepEqual(state, {cursorId: 'a', index: 0, offset: 0});
	t.is(windowOffset(0, 10, 5, 20), 6);
	t.is(windowOffset(8, 3, 5, 20), 3);
	t.is(windowOffset(18, 19, 5, 20), 15);
});

test('keymaps: read-only drops dangerous bindings, overrides move or unbind by action name', t => {
	const bindings = [
		{key: 'd', action: 'describe', description: 'Describe'},
		{key: 'ctrl-d', action: 'delete', description: 'Delete', dangerous: true},
		{key: 'ctrl-k', action: 'kill', description: 'Kill', dangerous: true},
	];
	t.deepEqual(effectiveBindings(bindings, {readonly: true, overrides: {}}).map(b => b.action), ['describe']);
	const moved = effectiveBindings(bindings, {readonly: false, overrides: {kill: 'shift-k', delete: ''}});
	t.deepEqual(moved.map(b => `${b.key}=${b.action}`), ['d=describe', 'shift-k=kill']);
	let killed = 0;
	const keymap = {bindings, handlers: {kill: () => killed++}};
	const event = (name: string) => ({name, input: '', ctrl: false, shift: false, meta: false});
	t.false(runKeymap(keymap, event('ctrl-k'), {readonly: false, overrides: {kill: 'shift-k'}}));
	t.true(runKeymap(keymap, event('shift-k'), {readonly: false, overrides: {kill: 'shift-k'}}));
	t.false(runKeymap(keymap, event('ctrl-k'), {readonly: true, overrides: {}}));
	t.is(killed, 1);
	for (const key of ['d', 'shift-j', 'ctrl-d', 'enter', 'esc', '?', '0', 'pgdn']) t.true(isValidKeyName(key), key);
	for (const key of ['D', 'ctrl-', 'shift-1', 'hyper-x', '']) t.false(isValidKeyName(key), key);
});

test('keys: a run of characters is split; control, shift and specials get k9s names', t => {
	t.deepEqual(parseKeys('/04').map(e => e.name), ['/', '0', '4']);
	t.deepEqual(parseKeys('J').map(e => e.name), ['shift-j']);
	t.deepEqual(parseKeys('\x04').map(e => e.name), ['ctrl-d']);
	t.deepEqual(parseKeys('\x1b[Z').map(e => e.name), ['shift-tab']);
	t.deepEqual(parseKeys('\x1b').map(e => e.name), ['esc']);
	t.deepEqual(parseKeys('\x7f').map(e => e.name), ['backspace']);
	t.deepEqual(parseKeys('po\r').map(e => e.name), ['p', 'o', 'enter']);
	t.deepEqual(parseKeys('\x1b[3~').map(e => e.name), ['delete']);
	t.deepEqual(parseKeys('\x1bb').map(e => e.name), ['alt-b']);
	t.deepEqual(parseKeys('\x1b[H').map(e => e.name), ['home']);
	t.deepEqual(parseKeys('\x7f\x7f\x7f').map(e => e.name), ['backspace', 'backspace', 'backspace']);
});
