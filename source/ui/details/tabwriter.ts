import stringWidthOf from 'string-width';

/** Display width; printable ASCII (nearly every cell) is its length. */
const stringWidth = (text: string) => (/^[\x20-\x7e]*$/.test(text) ? text.length : stringWidthOf(text));

/**
 * Align tab-separated cells as Go's text/tabwriter does for kubectl
 * (`minwidth 0, padding 2, padchar ' '`): a column block is a run of
 * consecutive lines that all have a tab-terminated cell in that column, and
 * every cell of a block is padded to the block's widest cell plus padding.
 * The last cell of a line is never padded.
 */
export function tabwrite(lines: readonly string[], padding = 2): string[] {
	const rows = lines.map(line => line.split('\t'));
	const widths = rows.map(row => row.map(() => 0));
	const format = (column: number, start: number, end: number): void => {
		let i = start;
		while (i < end) {
			if (rows[i]!.length - 1 <= column) {
				i++;
				continue;
			}
			let j = i;
			let width = 0;
			while (j < end && rows[j]!.length - 1 > column) {
				width = Math.max(width, stringWidth(rows[j]![column]!) + padding);
				j++;
			}
			for (let k = i; k < j; k++) widths[k]![column] = width;
			format(column + 1, i, j);
			i = j;
		}
	};
	format(0, 0, rows.length);
	return rows.map((row, r) => row.map((cell, c) => c === row.length - 1 ? cell : cell + ' '.repeat(Math.max(0, widths[r]![c]! - stringWidth(cell)))).join('').trimEnd());
}
