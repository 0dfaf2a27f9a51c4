import {execCommand} from '../commands.js';
import {isShell} from '../shell/interpreter.js';
import type {ResolvedImage} from './images.js';

/**
 * What a container's command runs in its image: the image's own server,
 * a shell script, a program from the userland, an interpreter run, or the
 * pause process; where the executable lives; and what an interpreted script
 * the simulation does not follow prints (π for bignum's `bpi`).
 */

/** How the runtime drives a container's main process. */
export type ProcessMode = 'server' | 'shell' | 'program' | 'run' | 'pause';

/** Programs that take virtual time (the shell carries them out as effects), beside the exec commands. */
const timedPrograms = ['sleep', 'tail', 'stress', 'yes'];

export function basename(path: string): string {
	return path.slice(path.lastIndexOf('/') + 1);
}

/** True when an image with a userland (a shell) has the program `name`. */
export function userlandHas(name: string): boolean {
	return Boolean(execCommand(name)) || timedPrograms.includes(basename(name));
}

/**
 * The image has this program: its userland does (busybox and Alpine images
 * have busybox's applets and ash, but no bash; Debian and Ubuntu have bash).
 */
export function imageHas(spec: ResolvedImage['spec'], name: string): boolean {
	if (!spec.shell || !userlandHas(name)) return false;
	return !(basename(name) === 'bash' && (spec.os === 'busybox' || spec.os === 'alpine'));
}

/** What a container's argv runs, in its image. */
export function planProcess(image: ResolvedImage, argv: readonly string[]): {mode: ProcessMode; found: boolean} {
	const spec = image.spec;
	const first = argv[0];
	if (first === undefined) return {mode: 'program', found: false};
	const name = basename(first);
	if (spec.serves?.includes(first) || spec.serves?.includes(name)) {
		const kind = spec.behaviour.kind;
		return {mode: kind === 'server' ? 'server' : kind === 'pause' ? 'pause' : 'run', found: true};
	}
	if (isShell(argv)) return {mode: 'shell', found: imageHas(spec, first)};
	// A generic image's own program is whatever else the command names.
	if (spec.generic) return userlandHas(name) ? {mode: 'program', found: true} : {mode: 'server', found: true};
	if (spec.interpreters?.includes(first) || spec.interpreters?.includes(name)) return {mode: 'run', found: true};
	if (imageHas(spec, name)) return {mode: 'program', found: true};
	return {mode: 'program', found: false};
}

/** The path execve is called with: as given, else where the image's userland keeps it. */
export function resolveExecutable(name: string): string {
	if (name.includes('/')) return name;
	return ['sh', 'ash', 'bash', 'cat', 'ls', 'echo', 'sleep', 'date', 'hostname'].includes(name) ? `/bin/${name}` : `/usr/bin/${name}`;
}

/** Output of a script the simulation does not follow; `perl -Mbignum=bpi -wle 'print bpi(N)'` prints π. */
export function interpreterOutput(argv: readonly string[]): string[] {
	const script = argv.join(' ');
	const match = /bpi\((\d+)\)/.exec(script);
	if (match) return [piDigits(Math.min(Number(match[1]), 10_000))];
	return [];
}

/** π to `digits` significant digits (Machin's formula on BigInt), as bignum's bpi prints it. */
export function piDigits(digits: number): string {
	if (digits < 1) return '';
	const guard = 10n;
	const scale = 10n ** (BigInt(digits) + guard);
	const arctanInv = (x: bigint) => {
		let sum = 0n;
		let term = scale / x;
		const x2 = x * x;
		for (let n = 1n, sign = 1n; term !== 0n; n += 2n, sign = -sign) {
			sum += sign * (term / n);
			term /= x2;
		}
		return sum;
	};
	const pi = 4n * (4n * arctanInv(5n) - arctanInv(239n));
	// Round to `digits` significant digits.
	const rounded = (pi + 5n * 10n ** (guard - 1n)) / 10n ** guard;
	const text = rounded.toString();
	const truncated = text.slice(0, digits);
	return truncated.length > 1 ? `${truncated[0]}.${truncated.slice(1)}` : truncated;
}
