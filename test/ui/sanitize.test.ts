import test from 'ava';
import fc from 'fast-check';
import {sanitize, sanitizeLine} from '../../source/ui/sanitize.js';

const cases: Array<[string, string, string]> = [
	['OSC window title with BEL', 'a\x1b]0;pwned\x07b', 'ab'],
	['OSC 52 clipboard write with ST', 'x\x1b]52;c;ZXZpbA==\x1b\\y', 'xy'],
	['CSI clear screen', 'before\x1b[2Jafter', 'beforeafter'],
	['CSI colour and cursor moves', '\x1b[31mred\x1b[0m\x1b[10;20H!', 'red!'],
	['private CSI (alternate screen off)', 'q\x1b[?1049lz', 'qz'],
	['DCS string', 'a\x1bPq#0;2;0;0;0#0~~\x1b\\b', 'ab'],
	['APC and PM strings', 'a\x1b_hidden\x1b\\b\x1b^pm\x1b\\c', 'abc'],
	['8-bit CSI and OSC', 'a\x9b2Jb\x9d0;t\x07c', 'abc'],
	['charset and reset escapes', 'a\x1b(Bb\x1bcc\x1b7d', 'abcd'],
	['C0 controls and DEL', 'a\x00b\x08c\x7fd\re', 'abcde'],
	['bidi override', 'abc\u202etxt.exe', 'abctxt.exe'],
	['tab expands to the next stop', 'ab\tc', 'ab      c'],
	['unterminated OSC ends at the line end', 'a\x1b]0;x\nnext', 'a\nnext'],
	['plain unicode kept', 'héllo — 世界 ✔', 'héllo — 世界 ✔'],
];

for (const [name, input, expected] of cases) {
	test(`sanitize: ${name}`, t => {
		t.is(sanitize(input), expected);
	});
}

test('sanitizeLine turns line feeds into spaces', t => {
	t.is(sanitizeLine('a\nb\x1b[2K'), 'a b');
});

test('no control character survives any input', t => {
	const pieces = fc.constantFrom('\x1b', '[', ']', 'P', '_', '\x07', '\\', '\x9b', '\x9c', '\x9d', '\n', '\t', '\r', '0', ';', '?', 'a', 'm', 'é');
	const text = fc.oneof(fc.string({unit: 'binary', maxLength: 200}), fc.array(pieces, {maxLength: 60}).map(parts => parts.join('')));
	t.notThrows(() => fc.assert(fc.property(text, input => {
		const out = sanitize(input);
		// eslint-disable-next-line no-control-regex
		return !/[\x00-\x09\x0b-\x1f\x7f-\x9f]/.test(out) && !sanitizeLine(input).includes('\n');
	}), {numRuns: 2000}));
});
