import test from 'ava';
import {cappedTimes, type Cast} from '../../../source/record/cast.js';
import {escapeXml, planFrames, renderScreenSvg, renderSvg} from '../../../source/record/output/svg.js';
import {screenAt} from '../../../source/record/output/terminal.js';
import {at, dashboardCast, longCast} from './casts.js';
import {assertWellFormedXml} from './xml.js';

/** The distinct frames on the film strip: the first, then one per translated group. */
const stripFrames = (svg: string) => 1 + (svg.match(/<g transform="translate\(/g) ?? []).length;
const keyframes = (svg: string) => [...svg.matchAll(/([\d.]+)%\{transform:translateX\((-?\d+)(?:px)?\)\}/g)].map(([, percent, x]) => [Number(percent), Number(x)]);

test('frames: events within 1/30 s are one frame, pauses are capped at the idle limit, the last screen holds a second', t => {
	const cast = dashboardCast();
	t.deepEqual(planFrames(cast), {
		frames: [
			{start: 0, castTime: 0},
			{start: 2, castTime: 2},
			{start: 2.5, castTime: 2.5},
			{start: 3, castTime: 3.02},
			// 12 s in the cast, 9 s after the previous event: 2 s after it here.
			{start: 5, castTime: 12},
		],
		duration: 6,
	});
	t.deepEqual(planFrames(cast, {idleTimeLimit: null}).frames.at(-1), {start: 12, castTime: 12});
	t.is(planFrames(cast, {idleTimeLimit: null}).duration, 13);
	t.is(planFrames({...cast, header: {...cast.header, duration: 20}}).duration, 7.02, 'the cast\'s own end, its last pause capped too');
	t.is(planFrames(cast, {fps: 200}).frames.length, 7, '3, 3.01 and 3.02 are frames of their own at 200 fps');
	t.deepEqual(planFrames({header: cast.header, events: [[1.5, 'o', 'x']]}).frames, [{start: 0, castTime: -1}, {start: 1.5, castTime: 1.5}], 'a blank screen until the first output');
	t.throws(() => planFrames(cast, {fps: 0}), {message: 'fps must be above 0, got 0'});
});

test('times as a player shows them: pauses longer than the idle limit shortened to it, the first one too', t => {
	const cast: Cast = {header: {version: 2, width: 10, height: 2, idle_time_limit: 2}, events: [[5, 'o', 'a'], [6, 'm', 'b'], [16, 'o', 'c'], [17.5, 'o', 'd']]};
	t.deepEqual(cappedTimes(cast), [2, 3, 5, 6.5]);
	t.deepEqual(cappedTimes(cast, 0.5), [0.5, 1, 1.5, 2]);
	t.deepEqual(cappedTimes(cast, null), [5, 6, 16, 17.5]);
});

test('the animated SVG: well-formed, one strip slot per distinct frame, keyframes at the frame times, looping over the capped duration', async t => {
	const svg = await renderSvg(dashboardCast());
	assertWellFormedXml(svg);
	// Five frames; the resize at 2.5 s changes nothing that shows, so four distinct ones.
	t.is(stripFrames(svg), 4);
	t.true(svg.includes('.strip{animation:strip 6s steps(1,end) infinite}'));
	t.deepEqual(keyframes(svg), [[0, 0], [33.333, -324], [50, -648], [83.333, -972], [100, -972]]);
	// The screen grew to 36×7 cells: 324×126 px, plus 12 px padding around.
	t.true(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" xml:space="preserve" width="348" height="150" viewBox="0 0 348 150">'));
	t.true(svg.includes('<title>pods &lt;demo&gt; &amp; &quot;quotes&quot;</title>'));
	for (const text of ['┌────────────┐', '>pods<', '>Pending<', '>Running<', '>名<', '>前<', '>ok<', '>00:02<', '>bye<']) t.true(svg.includes(text), text);
	t.false(svg.includes('>00:01<'), 'the clock tick coalesced into the next one is never drawn');
});

test('styles: the cast\'s theme for palette colours, 24-bit colours as given, one run per style, one rect per background', async t => {
	const svg = await renderSvg(dashboardCast());
	t.true(svg.includes('text{font-family:"Cascadia Code","Source Code Pro",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:15px;white-space:pre;fill:#d0d0d0}'));
	t.true(svg.includes('<rect width="348" height="150" rx="6" fill="#1c1c1c"/>'));
	const classOf = (declarations: string) => /\.(c\w+)\{([^}]*)\}/g.exec(svg.slice(svg.indexOf(`{${declarations}}`) - 4))?.[1];
	t.truthy(classOf('fill:#4e9a06;font-weight:bold'), 'bold green from the theme\'s palette');
	t.truthy(classOf('fill:#c4a000'), 'yellow from the theme\'s palette');
	t.truthy(classOf('font-style:italic;text-decoration:underline'));
	const white = classOf('fill:#ffffff');
	const blue = classOf('fill:#204a87');
	t.true(svg.includes(`<g id="r4"><rect x="54" width="63" height="18" class="${blue}"/><text x="0" y="14">web-1</text><text x="54" y="14" class="${white}">Running</text></g>`));
	// A box row: the border, the bold title, the blanks between joining the runs, the border.
	t.true(svg.includes(`<text x="0" y="14">│</text><text x="18" y="14" class="${classOf('fill:#4e9a06;font-weight:bold')}">pods</text><text x="117" y="14">│</text>`));

	const plain = await renderSvg({header: {version: 2, width: 10, height: 1}, events: [[0, 'o', '\u001B[?25l\u001B[31mred\u001B[0m \u001B[1;7mrev\u001B[0m']]});
	t.true(plain.includes('fill:#cccccc}') && plain.includes('fill="#121314"'), 'asciinema\'s default colours without a theme');
	t.true(plain.includes('{fill:#dd3c69}'), 'red from the default palette');
	t.true(plain.includes('{fill:#121314;font-weight:bold}') && plain.includes('<rect x="36" width="27" height="18"'), 'inverse swaps the colours');
	assertWellFormedXml(plain);
});

test('identical frames share one slot: a screen that comes back is a keyframe back to it', async t => {
	const events: Cast['events'] = [];
	for (let index = 0; index < 6; index++) events.push([index, 'o', `\u001B[?25l${at(1, 1)}${index % 2 === 0 ? 'pods  ' : 'nodes '}`]);
	const svg = await renderSvg({header: {version: 2, width: 10, height: 2}, events});
	t.is(stripFrames(svg), 2);
	t.deepEqual(keyframes(svg).map(([, x]) => x), [0, -90, 0, -90, 0, -90, -90]);
	t.is(svg.match(/<g id="r/g)?.length, 2, 'each distinct row is drawn once');
});

test('the same cast gives the same bytes', async t => {
	t.is(await renderSvg(dashboardCast()), await renderSvg(dashboardCast()));
});

test('text from the cast is escaped, and characters XML cannot hold are replaced', async t => {
	const svg = await renderSvg({header: {version: 2, width: 40, height: 2, title: '</title><script>'}, events: [[0, 'o', '\u001B[?25l<b>"Tom" & Jerry\'s</b> ]]> \u{1F600}']]});
	assertWellFormedXml(svg);
	t.true(svg.includes('&lt;b&gt;&quot;Tom&quot; &amp; Jerry\'s&lt;/b&gt; ]]&gt;'));
	t.true(svg.includes('<title>&lt;/title&gt;&lt;script&gt;</title>'));
	t.is(escapeXml('a\u0001b\uD800c'), 'a\uFFFDb\uFFFDc');
});

test('a still of one screen: no animation, the cursor drawn when shown', async t => {
	const cast = dashboardCast();
	const still = renderScreenSvg(await screenAt(cast, 3.5), {theme: cast.header.theme, title: 'pods'});
	assertWellFormedXml(still);
	t.false(still.includes('animation'));
	t.true(still.includes('>名<') && still.includes('>00:02<') && still.includes('<title>pods</title>'));
	t.false(still.includes('opacity=".6"'), 'the cast hides the cursor');
	const withCursor = renderScreenSvg(await screenAt({header: {version: 2, width: 8, height: 2}, events: [[0, 'o', 'ab']]}, 0), {padding: 0});
	t.true(withCursor.includes('<rect x="18" y="0" width="9" height="18" fill="#cccccc" opacity=".6"/>'));
	t.true(withCursor.includes('width="72" height="36"'));
});

test('a one-minute cast of 100 full 120×40 screens: every frame kept, rows shared between frames', async t => {
	const svg = await renderSvg(longCast(60, 100));
	assertWellFormedXml(svg);
	// The cleared screen first, then 100 screens that all differ (the clock).
	t.is(stripFrames(svg), 101);
	t.true(svg.includes('animation:strip 61s'));
	const rows = svg.match(/<g id="r/g)?.length ?? 0;
	t.true(rows < 101 * 38 / 10, `${rows} distinct rows`);
	t.log(`${svg.length} bytes, ${rows} distinct rows`);
	t.true(svg.length < 250_000, `${svg.length} bytes`);
});
