/**
 * Private keys the API server keeps in the config dir, as kube-apiserver
 * keeps `sa.key` and `ca.key`: PEM, readable by their owner only, so what
 * they signed (ServiceAccount tokens, client certificates) is still good
 * after a restart.
 */
import {chmodSync, readFileSync, writeFileSync} from 'node:fs';
import {createPrivateKey, type KeyObject} from 'node:crypto';

/** The key `file` holds, when it holds a private key of `type`. */
export function readKeyFile(file: string | undefined, type: 'rsa' | 'ed25519'): KeyObject | undefined {
	if (!file) return undefined;
	try {
		const key = createPrivateKey(readFileSync(file));
		return key.asymmetricKeyType === type ? key : undefined;
	} catch {
		return undefined;
	}
}

/** Keep `key` in `file` (mode 600); a file that cannot be written leaves the key to this process alone. */
export function writeKeyFile(file: string | undefined, key: KeyObject): void {
	if (!file) return;
	try {
		writeFileSync(file, key.export({type: 'pkcs8', format: 'pem'}), {mode: 0o600});
		// A file that was there already (holding no key) keeps its mode through the write.
		chmodSync(file, 0o600);
	} catch {
		// Not kept: what it signs lasts as long as this server.
	}
}

/** The key `file` holds, or a new one from `make`, written there. */
export function keptOrNewKey(file: string | undefined, type: 'rsa' | 'ed25519', make: () => KeyObject): KeyObject {
	const kept = readKeyFile(file, type);
	if (kept) return kept;
	const key = make();
	writeKeyFile(file, key);
	return key;
}
