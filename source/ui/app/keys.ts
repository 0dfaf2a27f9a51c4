/**
 * Raw terminal input → k9s key names. Ink's stdin reader hands the app one
 * chunk per read, already split so that a chunk is either one escape
 * sequence or a run of plain characters; a run that arrived in one read (a
 * paste, tmux send-keys, fast typing, a burst of Backspaces) is split here
 * into one key per character, so "ls /\r" is five keys ending in Enter.
 */
import type {KeyEvent} from './contract.js';

function event(name: string, input = '', flags: Partial<Pick<KeyEvent, 'ctrl' | 'shift' | 'meta'>> = {}): KeyEvent {
	return {name, input, ctrl: flags.ctrl ?? false, shift: flags.shift ?? false, meta: flags.meta ?? false};
}

/** Escape sequences (CSI and SS3, xterm and rxvt forms) → key names. */
const sequences: Record<string, string> = {
	'[A': 'up', '[B': 'down', '[C': 'right', '[D': 'left',
	OA: 'up', OB: 'down', OC: 'right', OD: 'left',
	'[1;2C': 'shift-right', '[1;2D': 'shift-left',
	'[5~': 'pgup', '[6~': 'pgdn', '[[5~': 'pgup', '[[6~': 'pgdn',
	'[H': 'home', '[1~': 'home', '[7~': 'home', OH: 'home',
	'[F': 'end', '[4~': 'end', '[8~': 'end', OF: 'end',
	'[3~': 'delete', '[Z': 'shift-tab',
	// Alt+arrows as readline reads them (word motion).
	'[1;3C': 'alt-f', '[1;3D': 'alt-b', '[1;5C': 'alt-f', '[1;5D': 'alt-b',
};

/** One plain character as a key. */
function plainKey(char: string): KeyEvent | undefined {
	if (char === ' ') return event('space', ' ');
	if (char === '\r' || char === '\n') return event('enter');
	if (char === '\t') return event('tab');
	if (char === '\x7f' || char === '\b') return event('backspace');
	if (char === '\0') return event('ctrl-space', '', {ctrl: true});
	const code = char.codePointAt(0)!;
	if (code >= 1 && code <= 26) return event(`ctrl-${String.fromCharCode(code + 96)}`, '', {ctrl: true});
	if (code < 32) return undefined;
	if (/^[A-Z]$/.test(char)) return event(`shift-${char.toLowerCase()}`, char, {shift: true});
	return event(char, char);
}

/** The keys in one chunk of terminal input, in order. */
export function parseKeys(data: string): KeyEvent[] {
	if (data === '') return [];
	if (data === '\x1b' || data === '\x1b\x1b') return [event('esc')];
	if (data.startsWith('\x1b')) {
		const rest = data.slice(1);
		const name = sequences[rest];
		if (name) return [event(name, '', {shift: name.startsWith('shift-'), meta: name.startsWith('alt-')})];
		if (rest === '\x7f' || rest === '\b') return [event('alt-backspace', '', {meta: true})];
		// Alt+letter: ESC then the character.
		if ([...rest].length === 1 && rest >= '!' && rest <= '~') return [event(`alt-${rest.toLowerCase()}`, '', {meta: true})];
		return [];
	}
	const out: KeyEvent[] = [];
	for (const char of data) {
		const key = plainKey(char);
		if (key) out.push(key);
	}
	return out;
}

/** Printable text a key adds to a prompt, or '' for keys that are not text. */
export function keyText(event: KeyEvent): string {
	if (event.ctrl || event.meta) return '';
	return event.input;
}
