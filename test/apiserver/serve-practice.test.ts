/**
 * `kubarium serve --practice ID` (the built CLI): the scenario's broken
 * cluster behind the API, its goal and checks printed; the real kubectl
 * fixes it, and the server prints the checks passing, then solved.
 */
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import test from 'ava';
import {parseServeFlags} from '../../source/serve.js';
import {hasKubectl} from './harness.js';

const cli = resolve(import.meta.dirname, '../../dist/bundle/cli.js');

test('--practice takes a scenario id and refuses the flags the scenario decides', t => {
	t.is(parseServeFlags(['--practice', 'image-tag-typo']).practice, 'image-tag-typo');
	t.throws(() => parseServeFlags(['--practice', 'Bad_Id']), {message: 'Invalid value for --practice: "Bad_Id" (a scenario id; kubarium practice lists them)'});
	t.throws(() => parseServeFlags(['--practice', 'image-tag-typo', '--nodes', '2']), {message: '--practice sets up its own cluster: drop --empty, --nodes and --strict-images'});
});

(hasKubectl && existsSync(cli) ? test.serial : test.serial.skip)('serve --practice image-tag-typo: kubectl sees the symptom, fixes it, and the server reports it solved', async t => {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-serve-practice-'));
	const env: NodeJS.ProcessEnv = {...process.env, NODE_ENV: 'production', HOME: dir};
	const server = spawn('node', [cli, 'serve', '--practice', 'image-tag-typo', '--port', '0', '--speed', '60', '--config-dir', dir], {env});
	let out = '';
	server.stdout.on('data', chunk => (out += chunk));
	server.stderr.on('data', chunk => (out += chunk));
	const until = async (pattern: RegExp, what: string) => {
		for (let i = 0; i < 600; i++) {
			if (pattern.test(out)) return;
			await new Promise(r => setTimeout(r, 50));
		}
		throw new Error(`timed out waiting for ${what}:\n${out}`);
	};
	try {
		await until(/✗ web answers through its Service/, 'the failing checks');
		t.regex(out, /Practice image-tag-typo: The shop's web front end is down after an update\n/);
		const kubectl = (...args: string[]) => spawnSync('kubectl', args, {env: {...env, KUBECONFIG: join(dir, 'kubeconfig')}, encoding: 'utf8'});
		const pods = kubectl('-n', 'shop', 'get', 'pods');
		t.regex(pods.stdout, /web-[a-z0-9]+-[a-z0-9]+\s+0\/1\s+(ImagePullBackOff|ErrImagePull)\s+0\s+\d+[sm]/, pods.stderr);
		const fix = kubectl('-n', 'shop', 'set', 'image', 'deployment/web', 'web=nginx:1.27');
		t.is(fix.status, 0, fix.stderr);
		t.is(fix.stdout.trim(), 'deployment.apps/web image updated');
		await until(/Solved image-tag-typo in \dm\d\ds\./, 'solved');
		t.regex(out, /Checks \(3 of 3 pass\):/);
	} finally {
		server.kill('SIGTERM');
		rmSync(dir, {recursive: true, force: true});
	}
});
