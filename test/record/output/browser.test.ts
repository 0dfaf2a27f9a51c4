/// <reference lib="dom" />
/**
 * The recording outputs in a real browser: Debian's Chromium driven by
 * playwright-core, launched once. Every request that is not the file under
 * test is aborted and counted, so the page is proven to play offline.
 */
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import anyTest, {type TestFn} from 'ava';
import {chromium, type Browser, type Page} from 'playwright-core';
import {renderHtml} from '../../../source/record/output/html.js';
import {renderSvg} from '../../../source/record/output/svg.js';
import {dashboardCast} from './casts.js';

const executablePath = '/usr/bin/chromium';
const test = anyTest as TestFn<{browser: Browser; dir: string}>;
test.serial.before(async t => {
	if (!existsSync(executablePath)) {
		throw new Error(`Chromium is missing: ${executablePath} does not exist. The page tests need Debian's chromium package (apt-get install -y chromium); npm test installs it when apt-get is available.`);
	}
	t.context.dir = mkdtempSync(join(tmpdir(), 'kubarium-outputs-'));
	t.context.browser = await chromium.launch({
		executablePath,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
});

test.after.always(async t => {
	await t.context.browser?.close();
	if (t.context.dir) rmSync(t.context.dir, {recursive: true, force: true});
});

/** A page that may load only `file`; every other request is aborted and listed in `blocked`, script errors in `errors`. */
async function openOffline(browser: Browser, file: string): Promise<{page: Page; blocked: string[]; errors: string[]}> {
	const page = await browser.newPage({viewport: {width: 1200, height: 800}});
	const blocked: string[] = [];
	const errors: string[] = [];
	const url = pathToFileURL(file).href;
	page.on('pageerror', error => errors.push(error.message));
	page.on('console', message => {
		if (message.type() === 'error') errors.push(message.text());
	});
	await page.route('**/*', route => {
		if (route.request().url() === url) return route.continue();
		blocked.push(route.request().url());
		return route.abort();
	});
	await page.goto(url);
	return {page, blocked, errors};
}

/** The player's screen as lines of text. */
/** The page's player, as asciinema-player's create() returned it. */
type PlayerWindow = {player: {play(): Promise<unknown>; pause(): Promise<unknown>; getCurrentTime(): number}};

const playerLines = (page: Page) => page.$$eval('.ap-term-text .ap-line', lines => lines.map(line => (line.textContent ?? '').trimEnd()));

test('the page plays the cast offline, and a chapter button shows its marker\'s moment', async t => {
	const file = join(t.context.dir, 'demo.html');
	writeFileSync(file, renderHtml(dashboardCast()));
	const {page, blocked, errors} = await openOffline(t.context.browser, file);
	t.is(await page.title(), 'pods <demo> & "quotes"');
	t.deepEqual(await page.$$eval('#chapters button', buttons => buttons.map(button => button.textContent)), ['0:01pending', '0:03wide']);

	// The player starts: its clock runs and the first screen shows.
	await page.evaluate(() => (window as unknown as PlayerWindow).player.play());
	await page.waitForFunction(() => (window as unknown as PlayerWindow).player.getCurrentTime() > 0.2);
	await page.waitForFunction(() => document.querySelector('.ap-term-text')?.textContent?.includes('pods'));
	await page.evaluate(() => (window as unknown as PlayerWindow).player.pause());

	await page.click('#chapters button[data-marker="1"]');
	await page.waitForFunction(() => document.querySelector('.ap-term-text')?.textContent?.includes('ok'));
	const wide = await playerLines(page);
	t.is(wide[3], 'web-1 Running');
	t.is(wide[5], '名前 ok');
	t.false(wide.join('\n').includes('00:02'), 'the clock ticks after the marker are not shown yet');
	t.is(await page.evaluate(() => (window as unknown as PlayerWindow).player.getCurrentTime()), 3);

	await page.click('#chapters button[data-marker="0"]');
	await page.waitForFunction(() => document.querySelector('.ap-term-text')?.textContent?.includes('Pending'));
	const pending = await playerLines(page);
	t.deepEqual(pending.slice(0, 4), ['┌────────────┐', '│ pods       │', '└────────────┘', 'web-1 Pending']);

	t.deepEqual(blocked, [], 'the page asks for nothing beyond itself');
	t.deepEqual(errors, []);
	await page.close();
});

test('Chromium reads the SVG as XML and its animation steps through the frames at their times', async t => {
	const file = join(t.context.dir, 'demo.svg');
	writeFileSync(file, await renderSvg(dashboardCast()));
	const {page, blocked, errors} = await openOffline(t.context.browser, file);
	t.is(await page.evaluate(() => document.documentElement.localName), 'svg', 'an XML parse error would give an error page instead');
	t.is(await page.evaluate(() => document.getElementsByTagName('parsererror').length), 0);
	const offsetAt = (seconds: number) => page.evaluate(milliseconds => {
		for (const animation of document.getAnimations()) {
			animation.pause();
			animation.currentTime = milliseconds;
		}
		return new DOMMatrix(getComputedStyle(document.querySelector('.strip')!).transform).e;
	}, seconds * 1000);
	const offsets = [];
	for (const seconds of [0.5, 1.99, 2.2, 3.5, 4.9, 5.5, 6.5]) offsets.push(await offsetAt(seconds));
	// Frames start at 0, 2, 3 and 5 s, 324 px apart; the 6 s animation loops.
	t.deepEqual(offsets, [0, 0, -324, -648, -648, -972, 0]);
	t.deepEqual(blocked, []);
	t.deepEqual(errors, []);
	await page.close();
});
