/**
 * A cast as one self-contained web page: asciinema-player's script and
 * stylesheet, the cast and a list of its chapters (the markers), all inline.
 * The page loads nothing from anywhere, so it plays offline, from a file or
 * an attachment; its Content-Security-Policy forbids every request.
 */
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {cappedTimes, serializeCast, type Cast} from '../cast.js';

export type HtmlOptions = {
	/** The page's title and heading (default: the cast's title, else "Kubarium recording"). */
	title?: string;
};

let playerFiles: {script: string; style: string} | undefined;

/** asciinema-player's standalone bundle (an IIFE defining `AsciinemaPlayer`) and stylesheet, from the installed package. */
export function playerAssets(): {script: string; style: string} {
	if (!playerFiles) {
		const require = createRequire(import.meta.url);
		const read = (file: string) => readFileSync(require.resolve(`asciinema-player/dist/bundle/${file}`), 'utf8');
		playerFiles = {script: read('asciinema-player.min.js'), style: read('asciinema-player.css')};
	}
	return playerFiles;
}

function escapeHtml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Text inside <script> or <style>: no "</script", "</style" or "<!--" may end or confuse the element early. */
function escapeRawText(text: string, element: 'script' | 'style'): string {
	const closing = new RegExp(`</(${element})`, 'gi');
	return text.replace(closing, element === 'script' ? '<\\/$1' : '<\\2f $1').replace(/<!--/g, element === 'script' ? '<\\!--' : '<\\21--');
}

/** A value as a JavaScript literal that is safe inside <script>: JSON with '<' and the two JS-unsafe line separators escaped. */
function scriptLiteral(value: unknown): string {
	return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function clock(seconds: number): string {
	const whole = Math.floor(seconds);
	return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

const pageStyle = `
body{margin:0;background:#0d0e0f;color:#d6d6d6;font:15px/1.5 system-ui,sans-serif}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:20px;font-weight:600;margin:0 0 16px}
#chapters{list-style:none;display:flex;flex-wrap:wrap;gap:8px;margin:16px 0 0;padding:0}
#chapters button{font:inherit;color:inherit;background:#1e2023;border:1px solid #3a3d42;border-radius:6px;padding:4px 12px;cursor:pointer}
#chapters button:hover,#chapters button:focus-visible{background:#2c2f34;border-color:#5b9bd5}
#chapters time{color:#8a8f98;margin-right:8px;font-variant-numeric:tabular-nums}
`;

/**
 * One offline page that plays the cast in asciinema-player, with a button
 * per marker ("m" event) that jumps to it. The player honours the cast's
 * idle_time_limit and theme; the chapter times shown are the player's
 * (pauses capped).
 */
export function renderHtml(cast: Cast, options: HtmlOptions = {}): string {
	const {script, style} = playerAssets();
	const title = options.title ?? cast.header.title ?? 'Kubarium recording';
	const times = cappedTimes(cast);
	const chapters = cast.events.flatMap((event, index) => (event[1] === 'm' ? [{time: times[index]!, label: event[2]}] : []));
	const chapterList = chapters.length === 0
		? ''
		: `<ol id="chapters" aria-label="Chapters">${chapters.map((chapter, index) =>
			`<li><button type="button" data-marker="${index}"><time>${clock(chapter.time)}</time>${escapeHtml(chapter.label || `Chapter ${index + 1}`)}</button></li>`).join('')}</ol>`;
	const boot = `
const player = AsciinemaPlayer.create({data: ${scriptLiteral(serializeCast(cast))}}, document.getElementById('player'), {preload: true, fit: 'width'});
window.player = player;
for (const button of document.querySelectorAll('#chapters button')) {
	button.addEventListener('click', () => player.seek({marker: Number(button.dataset.marker)}));
}
`;
	return [
		'<!doctype html>',
		'<html lang="en">',
		'<head>',
		'<meta charset="utf-8">',
		// Inline code only; no fetch, image, font or frame from anywhere. The player compiles its WebAssembly from inline bytes.
		`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; img-src data:; font-src data:">`,
		'<meta name="viewport" content="width=device-width, initial-scale=1">',
		`<title>${escapeHtml(title)}</title>`,
		`<style>${escapeRawText(style, 'style')}</style>`,
		`<style>${pageStyle}</style>`,
		'</head>',
		'<body>',
		'<main>',
		`<h1>${escapeHtml(title)}</h1>`,
		'<div id="player"></div>',
		chapterList,
		'</main>',
		`<script>${escapeRawText(script, 'script')}</script>`,
		`<script>${boot}</script>`,
		'</body>',
		'</html>',
		'',
	].join('\n');
}
