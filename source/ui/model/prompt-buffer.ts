/**
 * The `:` command line and the `/` filter line (k9s' model.FishBuff): the
 * mode, the text being edited with readline keys, the command history and
 * the suggestion cycle. Plain data, no React: the app container feeds keys
 * and acts on what they produce.
 */
import type {KeyEvent} from '../app/contract.js';
import {createTextInput, editText, setText, type TextInputState} from '../components/text-input/text-input-state.js';

export type PromptMode = 'command' | 'filter';

/** What a key in the prompt asks the app to do. */
export type PromptEffect =
	| {type: 'none'}
	/** Run a `:` command line. */
	| {type: 'command'; line: string}
	/** Set the current page's filter (live while typing, on Enter, and the old one back on Esc). */
	| {type: 'filter'; text: string};

/** Commands the history keeps. */
export const historyCapacity = 50;

export class PromptBuffer {
	mode: PromptMode | undefined;
	input: TextInputState = createTextInput();
	/** Command lines run, newest first. */
	history: string[] = [];
	/** Which suggestion Tab picks. */
	suggestionIndex = 0;
	/** The filter before `/` was pressed (Esc restores it). */
	private filterBefore = '';

	get open(): boolean {
		return this.mode !== undefined;
	}

	get text(): string {
		return this.input.value;
	}

	/** Open the command line (empty) or the filter line (with the page's filter). */
	start(mode: PromptMode, currentFilter = ''): void {
		this.mode = mode;
		this.filterBefore = currentFilter;
		this.input = createTextInput(mode === 'filter' ? currentFilter : '', mode === 'command' ? this.history : []);
		this.suggestionIndex = 0;
	}

	close(): void {
		this.mode = undefined;
		this.input = createTextInput();
	}

	/** Apply one key; `suggestions` lists completions of the current text, best first. */
	key(event: KeyEvent, suggestions: () => readonly string[]): PromptEffect {
		const mode = this.mode;
		if (!mode) return {type: 'none'};
		const atEnd = this.input.cursor >= [...this.input.value].length;
		if (event.name === 'tab' || (event.name === 'right' && atEnd)) {
			const list = suggestions();
			const pick = list[this.suggestionIndex % Math.max(1, list.length)];
			if (pick) this.input = setText(this.input, pick);
			this.suggestionIndex = 0;
			return mode === 'filter' && pick ? {type: 'filter', text: pick} : {type: 'none'};
		}
		if (mode === 'filter' && (event.name === 'up' || event.name === 'down')) return {type: 'none'};
		const {state, outcome} = editText(this.input, event);
		switch (outcome) {
			case 'cancel':
				this.close();
				return mode === 'filter' ? {type: 'filter', text: this.filterBefore} : {type: 'none'};
			case 'submit': {
				const line = state.value.trim();
				this.close();
				if (mode === 'filter') return {type: 'filter', text: line};
				if (!line) return {type: 'none'};
				this.history = [line, ...this.history.filter(h => h !== line)].slice(0, historyCapacity);
				return {type: 'command', line};
			}
			case 'edit': {
				const changed = state.value !== this.input.value;
				this.input = state;
				if (changed) this.suggestionIndex = 0;
				return mode === 'filter' && changed ? {type: 'filter', text: state.value} : {type: 'none'};
			}
			case 'ignored':
				return {type: 'none'};
		}
	}
}
