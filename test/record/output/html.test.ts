import test from 'ava';
import type {Cast} from '../../../source/record/cast.js';
import {parseCast} from '../../../source/record/cast.js';
import {playerAssets, renderHtml} from '../../../source/record/output/html.js';
import {dashboardCast} from './casts.js';

test('one self-contained page: the player\'s script and stylesheet inline, nothing to load from anywhere', t => {
	const html = renderHtml(dashboardCast());
	const {script, style} = playerAssets();
	t.true(script.length > 100_000 && script.includes('AsciinemaPlayer'), 'the standalone player bundle');
	t.true(html.includes(script) && html.includes(style));
	t.deepEqual(html.match(/<script[^>]*>/g), ['<script>', '<script>'], 'inline scripts only');
	const markup = html.replace(/<script>[^]*?<\/script>/g, '<script></script>');
	t.false(/<link\b|\bsrc=|@import|url\(\s*['"]?(?:https?:)?\/\//i.test(markup), 'no linked stylesheet, source or remote url');
	t.true(html.includes(`content="default-src 'none';`), 'a policy that refuses every request');
	t.true(html.includes('<title>pods &lt;demo&gt; &amp; &quot;quotes&quot;</title>'));
	t.true(html.includes('<button type="button" data-marker="0"><time>0:01</time>pending</button>'));
	t.true(html.includes('<button type="button" data-marker="1"><time>0:03</time>wide</button>'));
});

test('the cast is inline as it is, and no text in it can end the script early', t => {
	const cast: Cast = {
		header: {version: 2, width: 20, height: 2, title: '</script><script>alert(1)</script>'},
		events: [[0, 'o', '</script><!-- \u2028 </SCRIPT>'], [1, 'm', '<b>&'], [30, 'm', '']],
	};
	const html = renderHtml(cast, {title: 'A </title> title'});
	t.is(html.match(/<\/script/gi)?.length, 2, 'only the two script elements close');
	t.false(html.includes('<!--'));
	t.true(html.includes('<title>A &lt;/title&gt; title</title>'));
	t.true(html.includes('<time>0:01</time>&lt;b&gt;&amp;</button>'));
	t.true(html.includes('<time>0:30</time>Chapter 2</button>'), 'a marker without a label gets a number; no idle limit, no capping');
	const literal = /AsciinemaPlayer\.create\(\{data: ("(?:[^"\\]|\\.)*")\}/.exec(html)?.[1];
	t.truthy(literal);
	t.deepEqual(parseCast(JSON.parse(literal!) as string), cast, 'the embedded cast reads back the same');
});
