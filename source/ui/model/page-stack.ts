/**
 * The page stack (k9s' model.Stack): home at the bottom, the current page on
 * top, each page with its own `/` filter. Plain data, no React: the app
 * container pushes and pops, the layout reads the top and the crumbs.
 */

/** One page on the stack. */
export type PageEntry<Spec> = {
	/** Unique for the app's lifetime (a React key, a channel id). */
	id: number;
	spec: Spec;
	/** The page's `/` filter text. */
	filter: string;
};

export class PageStack<Spec extends {title: string; key?: string}> {
	private readonly entries: Array<PageEntry<Spec>> = [];
	private nextId = 1;

	/** Pages, bottom first. */
	get pages(): ReadonlyArray<PageEntry<Spec>> {
		return this.entries;
	}

	get size(): number {
		return this.entries.length;
	}

	top(): PageEntry<Spec> | undefined {
		return this.entries[this.entries.length - 1];
	}

	/** Push a page; a page with the same key as the top one replaces it. Returns the replaced page, if any. */
	push(spec: Spec): PageEntry<Spec> | undefined {
		const top = this.top();
		const replaced = spec.key && top?.spec.key === spec.key ? this.entries.pop() : undefined;
		this.entries.push({id: this.nextId++, spec, filter: ''});
		return replaced;
	}

	/** Pop the top page; the bottom page (home) stays. Returns the popped page. */
	pop(): PageEntry<Spec> | undefined {
		if (this.entries.length <= 1) return undefined;
		return this.entries.pop();
	}

	/** Back to the bottom page; returns the pages removed. */
	popToRoot(): Array<PageEntry<Spec>> {
		return this.entries.splice(1);
	}

	/** Crumb texts, bottom first. */
	titles(): string[] {
		return this.entries.map(entry => entry.spec.title);
	}
}
