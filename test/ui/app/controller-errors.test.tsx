import test from 'ava';
import {createCluster, type ControllerError} from '../../../source/engine/index.js';
import {startDashboard} from '../harness.js';

test.serial('a controller failure shows as a warning in the flash', async t => {
	const cluster = createCluster({seed: 7, demo: true});
	const errors: ControllerError[] = [];
	cluster.controllerErrors = () => errors;
	const shell = await startDashboard({cluster});
	try {
		await shell.advance(1000);
		t.false(shell.frame().includes('Controller'), 'no warning while nothing failed');
		errors.push({controller: 'namespace', key: 'tmp', message: "Cannot read properties of undefined (reading 'kind')", at: cluster.now()});
		await shell.advance(1000);
		const frame = await shell.waitFor(f => f.includes('Controller namespace failed on tmp'), 'the warning');
		t.regex(frame, /! Controller namespace failed on tmp: Cannot read properties of undefined \(reading 'kind'\); retrying/);
		errors.push({controller: 'replicaset', key: 'shop/web-1', message: 'boom', at: cluster.now()}, {controller: 'job', key: 'batch/report', message: 'bang', at: cluster.now()});
		await shell.advance(1000);
		await shell.waitFor(f => f.includes('Controller job failed on batch/report: bang (+1 more)'), 'the latest failure and the count of the others');
	} finally {
		await shell.unmount();
	}
});
