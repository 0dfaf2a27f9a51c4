/**
 * The tags a repository publishes, as a rule instead of a list: every
 * release up to the newest of its series, written in full or shortened to
 * the newest release it leads to (`1.27.5`, `1.27`, `1`), bare or with a
 * variant (`1.27-alpine`); a variant alone (`alpine`) and `latest` name the
 * newest release, and named tags (`stable`, `mainline`, `lts`) the release
 * they stand for. Anything else is not a tag: a release past the newest, a
 * series that never existed, a misspelt variant.
 */

export type TagRules = {
	/**
	 * The newest release of each series, oldest first (`1.26.3 1.27.5`):
	 * every release of a series from `.0` up to its newest exists. All have
	 * the same number of parts.
	 */
	series: string;
	/** Tags spell versions with this prefix (`v` for `v1.11.3`). */
	prefix?: string;
	/** Shorter forms (`1`, `1.27`) are tags of the newest release they lead to; default true. */
	shortForms?: boolean;
	/** Suffixes a version or named tag may carry (`-alpine`); each is also a tag alone. */
	variants?: string[];
	/** Named tags and the version, or version prefix, each stands for; `latest` defaults to the newest release. */
	named?: Record<string, string>;
};

/** A tag the rules allow: the release it carries, and its variant. */
export type RuleTag = {version: string; variant?: string};

type Parsed = {series: number[][]; width: number; variants: string[]; latest: string};

const parsedRules = new WeakMap<TagRules, Parsed>();
const numberPart = /^(0|[1-9]\d*)$/;

function parse(rules: TagRules): Parsed {
	let parsed = parsedRules.get(rules);
	if (parsed) return parsed;
	const series = rules.series.trim().split(/\s+/).map(version => version.split('.').map(Number));
	const width = series[0]?.length ?? 0;
	if (width === 0 || series.some(s => s.length !== width || s.some(n => !Number.isInteger(n)))) throw new Error(`tag rules: malformed series "${rules.series}"`);
	const newest = series[series.length - 1]!.join('.');
	parsed = {series, width, variants: [...rules.variants ?? []].sort((a, b) => b.length - a.length), latest: newest};
	parsedRules.set(rules, parsed);
	const latest = rules.named?.['latest'];
	if (latest !== undefined) parsed.latest = releaseOf(rules, parsed, latest) ?? newest;
	return parsed;
}

/** The release a version or version prefix names, if it exists. */
function releaseOf(rules: TagRules, parsed: Parsed, text: string): string | undefined {
	const parts = text.split('.');
	if (parts.length > parsed.width || !parts.every(part => numberPart.test(part))) return undefined;
	const numbers = parts.map(Number);
	if (numbers.length === parsed.width) {
		const last = numbers[numbers.length - 1]!;
		const series = parsed.series.find(s => numbers.every((n, i) => i === numbers.length - 1 || s[i] === n));
		return series && last <= series[series.length - 1]! ? text : undefined;
	}
	if (rules.shortForms === false) return undefined;
	for (let i = parsed.series.length - 1; i >= 0; i--) {
		const series = parsed.series[i]!;
		if (numbers.every((n, j) => series[j] === n)) return series.join('.');
	}
	return undefined;
}

/** The release and variant a tag names under the rules, or undefined when the registry has no such tag. */
export function ruleTag(rules: TagRules, tag: string): RuleTag | undefined {
	const parsed = parse(rules);
	let base = tag;
	let variant: string | undefined;
	for (const candidate of parsed.variants) {
		if (tag === candidate) return {version: parsed.latest, variant: candidate};
		if (tag.endsWith(`-${candidate}`)) {
			base = tag.slice(0, -candidate.length - 1);
			variant = candidate;
			break;
		}
	}
	if (base === 'latest') return variant ? undefined : {version: parsed.latest};
	const named = rules.named?.[base];
	if (named !== undefined) {
		const version = releaseOf(rules, parsed, named);
		return version ? {version, variant} : undefined;
	}
	const prefix = rules.prefix ?? '';
	if (!base.startsWith(prefix)) return undefined;
	const version = releaseOf(rules, parsed, base.slice(prefix.length));
	return version ? {version, variant} : undefined;
}

/** The newest release under the rules. */
export function newestRelease(rules: TagRules): string {
	return parse(rules).latest;
}

/**
 * Edits between two names (insert, delete, replace, or swap two neighbours:
 * the optimal string alignment distance), up to `limit`; `limit + 1` when more.
 */
export function editDistance(a: string, b: string, limit: number): number {
	if (Math.abs(a.length - b.length) > limit) return limit + 1;
	let before: number[] = [];
	let previous = Array.from({length: b.length + 1}, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		let best = i;
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2]! + 1);
			current.push(value);
			best = Math.min(best, value);
		}
		if (best > limit) return limit + 1;
		before = previous;
		previous = current;
	}
	return Math.min(previous[b.length]!, limit + 1);
}
