import test from 'ava';
import {createCluster} from '../../../source/engine/index.js';
import '../../../source/ui/extensions.js';
import {startDashboard, type Dashboard} from '../harness.js';

/** Pod names in the order the frame shows them. */
function shownPods(frame: string): string[] {
	return frame.split('\n').map(line => /^((?:api|db|web|worker)-[\w-]+)\s/.exec(line)?.[1]).filter((name): name is string => Boolean(name));
}

function usage(shell: Dashboard, field: 'cpuMilli' | 'memoryBytes'): Map<string, number> {
	return new Map(shell.cluster.metrics().pods.filter(p => p.namespace === 'shop').map(p => [p.name, p[field]]));
}

/** True when `names` are in descending (or ascending) order of `values`. */
function ordered(names: string[], values: Map<string, number>, descending: boolean): boolean {
	const list = names.map(n => values.get(n) ?? -1);
	return list.every((v, i) => i === 0 || (descending ? list[i - 1]! >= v : list[i - 1]! <= v));
}

test.serial('pods: shift-c sorts by CPU and shift-m by memory, largest first; pressing again reverses', async t => {
	const shell = await startDashboard({cluster: createCluster({seed: 1, demo: true}), namespace: 'shop', metricsRefreshMs: 0, size: {columns: 120, rows: 30}});
	try {
		await shell.advance(60_000);
		await shell.press(':', ...'po', 'enter');
		await shell.waitFor(f => f.includes('pods(shop)'), 'the pods view');
		await shell.press('C');
		let frame = await shell.waitFor(f => f.includes('CPU↓'), 'the CPU sort mark');
		const cpu = usage(shell, 'cpuMilli');
		let names = shownPods(frame);
		t.true(names.length >= 8);
		t.true(new Set(cpu.values()).size > 2, 'the pods use different amounts of CPU');
		t.true(ordered(names, cpu, true), `${names.map(n => `${n}=${cpu.get(n)}`).join(' ')}`);
		t.not(names.join(), [...names].sort().join(), 'not simply by name');
		await shell.press('C');
		frame = await shell.waitFor(f => f.includes('CPU↑'), 'ascending CPU');
		t.true(ordered(shownPods(frame), cpu, false));
		await shell.press('M');
		frame = await shell.waitFor(f => f.includes('MEM↓'), 'the MEM sort mark');
		const memory = usage(shell, 'memoryBytes');
		names = shownPods(frame);
		t.true(ordered(names, memory, true), `${names.map(n => `${n}=${memory.get(n)}`).join(' ')}`);
		t.deepEqual(shell.prefs.get().sort['Pod'], {column: 'MEM', ascending: false});
		// The order follows the metrics as they change.
		await shell.advance(120_000);
		await shell.press('j', 'k');
		frame = await shell.waitFor(f => ordered(shownPods(f), usage(shell, 'memoryBytes'), true), 'the order after new metrics');
		t.pass();
	} finally {
		await shell.unmount();
	}
});
