import test from 'ava';
import {PageStack} from '../../../source/ui/model/page-stack.js';

test('page stack: home stays at the bottom, a page with the same key replaces the top', t => {
	const stack = new PageStack<{title: string; key?: string}>();
	stack.push({title: 'home', key: 'home'});
	t.is(stack.pop(), undefined, 'home is never popped');
	stack.push({title: 'pods', key: 'view:Pod'});
	const replaced = stack.push({title: 'pods', key: 'view:Pod'});
	t.is(replaced?.spec.title, 'pods');
	t.is(stack.size, 2);
	stack.push({title: 'describe'});
	t.deepEqual(stack.titles(), ['home', 'pods', 'describe']);
	t.is(stack.pop()?.spec.title, 'describe');
	stack.push({title: 'yaml'});
	t.is(stack.popToRoot().length, 2);
	t.deepEqual(stack.titles(), ['home']);
	const ids = new Set([stack.top()!.id]);
	stack.push({title: 'a'});
	ids.add(stack.top()!.id);
	t.is(ids.size, 2, 'ids are unique');
});
