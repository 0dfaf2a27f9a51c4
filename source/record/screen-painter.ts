/**
 * Turns the dashboard's frames (Ink's text, one styled line per row) into
 * what a terminal is sent to show them: the whole screen once, then only the
 * rows that changed, each placed by cursor position. The bytes depend on the
 * frames alone, so the same frames always make the same recording.
 */
const hideCursor = '\x1b[?25l';
const reset = '\x1b[0m';
const clearScreen = '\x1b[H\x1b[2J';

function moveTo(row: number): string {
	return `\x1b[${row + 1};1H`;
}

export class ScreenPainter {
	private lines: string[] | undefined;

	/** Bytes that show `frame` on a terminal that shows the previous frame ('' when nothing changed). */
	paint(frame: string): string {
		const next = frame.split('\n');
		if (!this.lines) return this.repaint(frame);
		let out = '';
		for (let row = 0; row < Math.max(next.length, this.lines.length); row++) {
			const line = next[row] ?? '';
			if (line === (this.lines[row] ?? '')) continue;
			// Clear the row first: erasing after a full-width line would take its last cell.
			out += `${moveTo(row)}${reset}\x1b[2K${line}`;
		}
		this.lines = next;
		return out === '' ? '' : out + reset;
	}

	/** The whole screen, whatever was there (the first frame, after Show, after a resize). */
	repaint(frame: string): string {
		const next = frame.split('\n');
		this.lines = next;
		let out = `${hideCursor}${reset}${clearScreen}`;
		next.forEach((line, row) => {
			if (line !== '') out += `${moveTo(row)}${line}`;
		});
		return out + reset;
	}
}
