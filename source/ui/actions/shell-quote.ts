/** `text` as one POSIX sh word: single-quoted, with each `'` written as `'\''`. */
export function shellQuote(text: string): string {
	return `'${text.replaceAll('\'', '\'\\\'\'')}'`;
}
