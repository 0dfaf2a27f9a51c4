import test from 'ava';
import {parseKeys} from '../../../source/ui/app/keys.js';
import {PromptBuffer, type PromptEffect} from '../../../source/ui/model/prompt-buffer.js';

function feed(buffer: PromptBuffer, raw: string, suggestions: string[] = []): PromptEffect[] {
	return parseKeys(raw).map(key => buffer.key(key, () => suggestions));
}

test('command line: Enter runs the line and records it, newest first and once', t => {
	const buffer = new PromptBuffer();
	buffer.start('command');
	t.deepEqual(feed(buffer, 'po\r').pop(), {type: 'command', line: 'po'});
	t.false(buffer.open);
	buffer.start('command');
	feed(buffer, 'dp\r');
	buffer.start('command');
	feed(buffer, 'po\r');
	t.deepEqual(buffer.history, ['po', 'dp']);
	buffer.start('command');
	feed(buffer, '\x1b[A');
	feed(buffer, '\x1b[A');
	t.is(buffer.text, 'dp');
});

test('command line: Tab and Right at the end take the suggestion; Ctrl+W deletes a word', t => {
	const buffer = new PromptBuffer();
	buffer.start('command');
	feed(buffer, 'depl\t', ['deploy']);
	t.is(buffer.text, 'deploy');
	feed(buffer, ' kube-system\x17');
	t.is(buffer.text, 'deploy ');
	feed(buffer, '\x1b[D', ['deploy all']);
	feed(buffer, '\x1b[C', ['deploy all']);
	t.is(buffer.text, 'deploy ', 'Right inside the text moves the cursor');
	feed(buffer, '\x1b[C', ['deploy all']);
	t.is(buffer.text, 'deploy all');
});

test('filter line: edits apply live, Esc restores the filter from before', t => {
	const buffer = new PromptBuffer();
	buffer.start('filter', 'old');
	t.is(buffer.text, 'old');
	t.deepEqual(feed(buffer, '\x15we'), [{type: 'filter', text: ''}, {type: 'filter', text: 'w'}, {type: 'filter', text: 'we'}]);
	t.deepEqual(feed(buffer, '\x1b'), [{type: 'filter', text: 'old'}]);
	t.false(buffer.open);
	buffer.start('filter');
	t.deepEqual(feed(buffer, 'web\r').pop(), {type: 'filter', text: 'web'});
});
