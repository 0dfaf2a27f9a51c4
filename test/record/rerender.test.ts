import test from 'ava';
import {createCluster} from '../../source/engine/index.js';
import {parseCast} from '../../source/record/cast.js';
import {serializeCast} from '../../source/record/cast.js';
import {formatKeysEvent, formatKeysHeader, parseKeys, type KeysEvent, type KeysHeader} from '../../source/record/keys-file.js';
import {recordKeys, virtualSchedule} from '../../source/record/rerender.js';
import {HeadlessDashboard} from '../../source/record/headless.js';
import {loadTheme} from '../../source/ui/theme/load.js';

const start = createCluster({seed: 7, demo: false}).now();

const header: KeysHeader = {
	kubarium: 'keys', version: 1, seed: 7, nodes: 3, speed: 1, theme: 'default', namespace: 'all', readonly: false,
	cols: 100, rows: 30, keys: {}, view: 'home', favorites: ['default', 'kube-system'],
};

// A live session: `:deploy` Enter after half a second, one row down at 3 s, x60 for a while, quit at 5 s.
const events: KeysEvent[] = [
	[500, start + 500, 'k', ':deploy\r'],
	[3000, start + 3000, 'k', 'j'],
	[3500, start + 3500, 'r', '90x28'],
	[4000, start + 4000, 'k', '+'],
	[5000, start + 64_000, 'x', ''],
];
const keys = parseKeys([formatKeysHeader(header), ...events.map(formatKeysEvent)].join('\n') + '\n');

test('simulated time follows the live session: where it was at each input, evenly in between', t => {
	const at = virtualSchedule(events, start);
	t.is(at(0), start);
	t.is(at(250), start + 250);
	t.is(at(500), start + 500);
	t.is(at(4500), start + 34_000);
	t.is(at(5000), start + 64_000);
	t.is(at(9000), start + 64_000);
});

test('a live session renders again with the same keys at the same simulated moments, at its own size or another', async t => {
	const same = await recordKeys(keys, {});
	t.deepEqual([same.cast.header.width, same.cast.header.height], [100, 30]);
	const screen = same.finalText.join('\n');
	t.regex(screen, /deployments\(all\)\[5\]/);
	t.regex(screen, /Clock:\s+01-01 09:01:04/, 'the cluster reached the live session\'s last moment');
	t.is(same.clusterMs, start + 64_000);
	t.is(parseCast(serializeCast(same.cast)).events.at(-1)![0] <= 5, true);

	const again = await recordKeys(keys, {});
	t.is(serializeCast(again.cast), serializeCast(same.cast), 'the same keys give the same bytes');

	const small = await recordKeys(keys, {cols: 80, rows: 24, theme: 'light'});
	t.deepEqual([small.cast.header.width, small.cast.header.height], [80, 24]);
	t.regex(small.finalText.join('\n'), /deployments\(all\)\[5\]/);
	t.true(small.finalText.every(row => row.length <= 80));
	t.not(small.cast.header.theme?.bg, same.cast.header.theme?.bg);
});

test('a session recorded with --strict-images boots a strict cluster again', async t => {
	const strict = parseKeys([formatKeysHeader({...header, strictImages: true}), JSON.stringify([300, start + 300, 'x', ''])].join('\n') + '\n');
	t.true(strict.header.strictImages);
	t.is(parseKeys([formatKeysHeader(header)].join('\n')).header.strictImages, undefined);
	const dashboard = await HeadlessDashboard.start({cols: 80, rows: 24, seed: 1, nodes: 1, speed: 1, theme: loadTheme('default').theme, strictImages: strict.header.strictImages});
	t.true(dashboard.cluster.strictImages);
	await dashboard.stop();
});
