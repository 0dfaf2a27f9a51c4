/**
 * What CoreDNS reads of its Corefile at start: the file named by `-conf`
 * (`Corefile` in its working directory without it), and each server
 * block's directives, which must be plugins the build has. A file it
 * cannot open, or a directive it does not know, stops it with exit 1 and
 * its own words (`/etc/coredns/Corefile:12 - Error during parsing: Unknown
 * directive 'forwardd'`): its pods crash-loop, as a broken `coredns`
 * ConfigMap makes them on a real cluster. What the plugins do with their
 * arguments is not read.
 */

/** The plugins of CoreDNS's own build (plugin.cfg), the directives a server block may hold. */
const plugins = new Set([
	'root', 'metadata', 'geoip', 'cancel', 'tls', 'timeouts', 'multisocket', 'reload', 'nsid', 'bufsize', 'bind', 'debug', 'trace', 'ready',
	'health', 'pprof', 'prometheus', 'errors', 'log', 'dnstap', 'local', 'dns64', 'acl', 'any', 'chaos', 'loadbalance', 'tsig', 'cache',
	'rewrite', 'header', 'dnssec', 'autopath', 'minimal', 'template', 'transfer', 'hosts', 'route53', 'azure', 'clouddns', 'k8s_external',
	'kubernetes', 'file', 'auto', 'secondary', 'etcd', 'loop', 'forward', 'grpc', 'erratic', 'whoami', 'on', 'sign', 'view',
]);

/**
 * Where CoreDNS reads its Corefile: `-conf PATH` (`given`), else `Corefile`
 * in the working directory, which may be missing: CoreDNS then serves its
 * default configuration (the whoami plugin on port 53).
 */
export function corefilePath(argv: readonly string[], workingDir: string): {path: string; given: boolean} {
	const at = argv.findIndex(arg => arg === '-conf' || arg === '--conf');
	const given = at >= 0 ? argv[at + 1] : argv.find(arg => arg.startsWith('-conf='))?.slice('-conf='.length);
	if (given) return {path: given, given: true};
	return {path: `${workingDir.replace(/\/$/, '')}/Corefile`, given: false};
}

/** The first line CoreDNS stops at, in its words, or undefined when the Corefile reads (or, not given, is not there). */
export function corefileProblem({path, given}: {path: string; given: boolean}, text: string | undefined): string | undefined {
	if (text === undefined) return given ? `open ${path}: no such file or directory` : undefined;
	let depth = 0;
	const lines = text.split('\n');
	for (let index = 0; index < lines.length; index++) {
		// A line's first token; a comment runs to the line's end.
		const line = lines[index]!.replace(/#.*$/, '').trim();
		if (line === '') continue;
		const token = line.split(/\s+/)[0]!;
		if (token === '}') {
			depth = Math.max(0, depth - 1);
			continue;
		}
		// At depth 1, inside a server block, each line is a directive; deeper lines are its plugin's own.
		if (depth === 1 && token !== '{' && !plugins.has(token)) return `${path}:${index + 1} - Error during parsing: Unknown directive '${token}'`;
		depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
		if (depth < 0) depth = 0;
	}
	return undefined;
}
