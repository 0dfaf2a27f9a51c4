/**
 * POSIX fnmatch patterns, as `find -name` and the shell's `[[ x == pattern ]]`
 * read them: `*` any run of characters, `?` one, `[abc]`, `[a-z]` and
 * `[!a]` (or `[^a]`) one of a set, a backslash quoting the next character.
 * No braces or extended globs, and (without FNM_PERIOD) a leading dot is
 * matched like any other character.
 */
export function fnmatchRegex(pattern: string, options: {ignoreCase?: boolean} = {}): RegExp {
	let source = '';
	for (let i = 0; i < pattern.length; i++) {
		const char = pattern[i]!;
		if (char === '*') source += '.*';
		else if (char === '?') source += '.';
		else if (char === '\\' && i + 1 < pattern.length) source += escape(pattern[++i]!);
		else if (char === '[') {
			const close = pattern.indexOf(']', i + (pattern[i + 1] === '!' || pattern[i + 1] === '^' ? 3 : 2));
			if (close < 0) {
				source += '\\[';
				continue;
			}
			let set = pattern.slice(i + 1, close);
			const negated = set.startsWith('!') || set.startsWith('^');
			if (negated) set = set.slice(1);
			source += `[${negated ? '^' : ''}${set.replace(/[\\\]^]/g, '\\$&')}]`;
			i = close;
		} else source += escape(char);
	}
	return new RegExp(`^${source}$`, options.ignoreCase ? 'is' : 's');
}

function escape(char: string): string {
	return /[.+^${}()|[\]\\*?/]/.test(char) ? `\\${char}` : char;
}
