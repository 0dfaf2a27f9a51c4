import test from 'ava';
import stringWidth from 'string-width';
import fc from 'fast-check';
import {displayWidth, fitToWidth, truncateToWidth, wrapToWidth} from '../../source/ui/text-width.js';

test('truncateToWidth never splits a wide character and counts the ellipsis', t => {
	const line = `${'b'.repeat(91)}한국어한국어${'b'.repeat(40)}`;
	const cut = truncateToWidth(line, 100);
	t.true(stringWidth(cut) <= 100);
	t.true(cut.endsWith('…'));
	t.is(truncateToWidth('short', 10), 'short');
	t.is(truncateToWidth('한국어', 4), '한…');
	t.is(displayWidth(fitToWidth('한', 4, 'right')), 4);
});

test('cut, padded and wrapped text fits its width for any text', t => {
	const char = fc.constantFrom('a', 'b', ' ', '한', '国', '😀', 'é', '-');
	fc.assert(fc.property(fc.array(char, {maxLength: 60}).map(a => a.join('')), fc.integer({min: 1, max: 30}), (text, width) => {
		if (stringWidth(truncateToWidth(text, width)) > width) return false;
		if (stringWidth(fitToWidth(text, width)) !== width && width > 1) return false;
		return wrapToWidth(text, Math.max(2, width)).every(line => stringWidth(line) <= Math.max(2, width));
	}), {seed: 19});
	t.pass();
});
