/**
 * The line format of Kubarium's recording files (asciicast v2, the keys
 * file): a JSON header on line 1, then one JSON value per line. Blank lines
 * are skipped, and a last line cut short (a recorder killed mid-write) is
 * dropped, as a killed recording is still a recording up to its last whole
 * event. Problems go to `fail` with the line named (`line 3: not JSON`).
 */
export type JsonLines = {header: unknown; rows: Array<{at: string; value: unknown}>};

export function readJsonLines(text: string, expectedHeader: string, fail: (message: string) => never): JsonLines {
	const lines = text.split('\n');
	if (lines.at(-1) === '') lines.pop();
	if (lines.length === 0) fail(`line 1: empty file, expected ${expectedHeader}`);
	let header: unknown;
	try {
		header = JSON.parse(lines[0]!);
	} catch {
		fail('line 1: the header is not JSON');
	}
	const rows: JsonLines['rows'] = [];
	for (let index = 1; index < lines.length; index++) {
		const line = lines[index]!;
		if (line.trim() === '') continue;
		try {
			rows.push({at: `line ${index + 1}`, value: JSON.parse(line)});
		} catch {
			if (index === lines.length - 1) break;
			fail(`line ${index + 1}: not JSON`);
		}
	}
	return {header, rows};
}
