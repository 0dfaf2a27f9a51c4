#!/usr/bin/env node
/**
 * Runs before `npm test`: the recording page tests (test/record/output/
 * browser.test.ts) drive Debian's Chromium at /usr/bin/chromium. When it is
 * missing and apt-get is there, install the package; otherwise say so and
 * carry on, and those tests fail naming the missing browser.
 */
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';

const browser = '/usr/bin/chromium';

function run(command, args) {
	const result = spawnSync(command, args, {stdio: 'inherit', env: {...process.env, DEBIAN_FRONTEND: 'noninteractive'}});
	return result.status === 0;
}

function canRun(command) {
	return spawnSync('sh', ['-c', `command -v ${command}`], {stdio: 'ignore'}).status === 0;
}

if (!existsSync(browser)) {
	if (!canRun('apt-get')) {
		console.warn(`pretest: ${browser} is missing and apt-get is not available: install Chromium there, or the recording page tests fail.`);
	} else {
		// apt-get as root, or through sudo when it needs no password.
		const prefix = process.getuid?.() === 0 ? [] : canRun('sudo') ? ['sudo', '-n'] : undefined;
		if (!prefix) {
			console.warn(`pretest: ${browser} is missing; run "apt-get install -y chromium" as root, or the recording page tests fail.`);
		} else {
			console.log(`pretest: ${browser} is missing; installing Debian's chromium package.`);
			const apt = (...args) => (prefix.length > 0 ? run(prefix[0], [...prefix.slice(1), 'apt-get', ...args]) : run('apt-get', args));
			const installed = apt('update', '-qq') && apt('install', '-y', '-qq', 'chromium');
			if (!installed || !existsSync(browser)) console.warn(`pretest: installing chromium failed; the recording page tests fail until ${browser} exists.`);
		}
	}
}
