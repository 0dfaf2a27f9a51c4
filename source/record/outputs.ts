/**
 * The files a recording becomes besides the cast itself: the animated SVG,
 * the offline player page, and still SVG screenshots.
 */
import {renderHtml} from './output/html.js';
import {renderScreenSvg, renderSvg} from './output/svg.js';
import {screenOfText} from './output/terminal.js';
import type {Renderers} from './record-command.js';

export const renderers: Renderers = {
	svg: recording => renderSvg(recording.cast),
	html: async (recording, title) => renderHtml(recording.cast, {title}),
	screenshotSvg: async shot => renderScreenSvg(await screenOfText(shot.frame, {cols: shot.cols, rows: shot.rows}), {theme: shot.theme}),
};
