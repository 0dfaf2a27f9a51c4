/**
 * The prompt an interactive shell prints, as its default prompt looks in
 * the images people exec into:
 * - bash (Debian's /etc/bash.bashrc, `\u@\h:\w\$ `): `root@web-7d4b9c-x2x4q:/# `;
 * - busybox's and Alpine's ash (busybox's fancy prompt, `\w \$ `): `/ # `;
 * - dash, Debian's sh: `# ` (or `$ ` for a user that is not root).
 */
export type PromptFacts = {
	cwd: string;
	home?: string;
	user: string;
	root: boolean;
	hostname: string;
	/** The image's userland is busybox (busybox itself, Alpine). */
	busybox: boolean;
};

export function shellPrompt(shell: string, facts: PromptFacts): string {
	const sign = facts.root ? '#' : '$';
	const dir = facts.home && facts.home !== '/' && (facts.cwd === facts.home || facts.cwd.startsWith(`${facts.home}/`)) ? `~${facts.cwd.slice(facts.home.length)}` : facts.cwd;
	if (shell === 'bash') return `${facts.user}@${facts.hostname.split('.')[0]}:${dir}${sign} `;
	if (facts.busybox || shell === 'ash') return `${dir} ${sign} `;
	return `${sign} `;
}
