/** The real-cluster flags and the kubeconfig as kubectl reads it: what is accepted, and the messages for what is not. */
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {FlagError, isRemote, parseFlags} from '../../../source/ui/flags.js';
import {parsePracticeArgs} from '../../../source/ui/practice/practice-command.js';
import {KubeconfigError, loadKubeconfig} from '../../../source/ui/remote/remote-source.js';

test('--kubeconfig and --context ask for a real cluster; simulation-only flags with them exit with the reason', t => {
	t.like(parseFlags(['--kubeconfig', '/tmp/k', '--context', 'kind-dev', '--namespace', 'shop']), {kubeconfig: '/tmp/k', context: 'kind-dev', namespace: 'shop'});
	t.true(isRemote(parseFlags(['--context', 'kind-dev'])));
	t.false(isRemote(parseFlags(['--seed', '3'])));
	t.is(t.throws(() => parseFlags(['--kubeconfig', '/tmp/k', '--seed', '3']), {instanceOf: FlagError})!.message,
		'--seed applies only to the simulated cluster and cannot be used with --kubeconfig');
	t.is(t.throws(() => parseFlags(['--context', 'x', '--speed', '10', '--record', 'a.cast']), {instanceOf: FlagError})!.message,
		'--speed, --record apply only to the simulated cluster and cannot be used with --context');
	t.is(t.throws(() => parseFlags(['--kubeconfig', '/tmp/k', '--state', '/tmp/s.json', '--reset-state']), {instanceOf: FlagError})!.message,
		'--state, --reset-state apply only to the simulated cluster and cannot be used with --kubeconfig');
	t.is(t.throws(() => parseFlags(['--kubeconfig=']), {instanceOf: FlagError})!.message, 'Invalid value for --kubeconfig: empty path');
	t.is(t.throws(() => parsePracticeArgs(['image-tag-typo', '--kubeconfig', '/tmp/k']), {instanceOf: FlagError})!.message,
		'Flag --kubeconfig is not for practice: the scenario sets up its own cluster');
});

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: one
  cluster: {server: 'https://127.0.0.1:6443', insecure-skip-tls-verify: true}
- name: two
  cluster: {server: 'https://127.0.0.1:7443', insecure-skip-tls-verify: true}
users:
- name: admin
  user: {token: abc}
contexts:
- name: first
  context: {cluster: one, user: admin}
- name: second
  context: {cluster: two, user: admin, namespace: shop}
current-context: first
`;

test('the kubeconfig: its current context, or the one --context names; kubectl\'s message for one it lacks', t => {
	const dir = mkdtempSync(join(tmpdir(), 'kubarium-kubeconfig-'));
	const file = join(dir, 'config');
	writeFileSync(file, kubeconfig);
	const current = loadKubeconfig({kubeconfig: file});
	t.is(current.getCurrentContext(), 'first');
	t.is(current.getCurrentCluster()?.server, 'https://127.0.0.1:6443');
	const second = loadKubeconfig({kubeconfig: file, context: 'second'});
	t.is(second.getCurrentCluster()?.server, 'https://127.0.0.1:7443');
	t.is(t.throws(() => loadKubeconfig({kubeconfig: file, context: 'third'}), {instanceOf: KubeconfigError})!.message,
		'context was not found for specified context: third');
	t.throws(() => loadKubeconfig({kubeconfig: join(dir, 'missing')}), {instanceOf: KubeconfigError, message: /^error loading config file ".*missing"/});
});
