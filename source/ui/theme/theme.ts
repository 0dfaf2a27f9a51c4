/**
 * Themes: semantic colour keys modelled on k9s skins (body, frame, table,
 * status colours, views). A colour is an Ink colour string (a name such as
 * 'cyan', or '#rrggbb'); `undefined` means the terminal's default. The mono
 * theme and NO_COLOR leave every colour undefined and mark the cursor with
 * inverse video instead.
 */
export type Color = string | undefined;

export type Theme = {
	name: string;
	/** True when colours are off (mono theme or NO_COLOR): views use inverse/bold instead. */
	mono: boolean;
	body: {fg: Color; bg: Color; logo: Color};
	prompt: {fg: Color; suggest: Color; border: Color; filterBorder: Color};
	help: {fg: Color; section: Color; key: Color; numKey: Color};
	info: {fg: Color; section: Color; cpu: Color; mem: Color};
	dialog: {fg: Color; bg: Color; button: Color; buttonFocus: Color; label: Color; field: Color; border: Color};
	frame: {
		border: {fg: Color; focus: Color};
		menu: {fg: Color; key: Color; numKey: Color};
		crumbs: {fg: Color; bg: Color; active: Color};
		title: {fg: Color; highlight: Color; counter: Color; filter: Color};
		flash: {info: Color; warn: Color; error: Color};
	};
	/** Row colours by state, as k9s' frame.status. */
	status: {
		new: Color;
		modify: Color;
		add: Color;
		pending: Color;
		error: Color;
		highlight: Color;
		kill: Color;
		completed: Color;
	};
	views: {
		table: {fg: Color; bg: Color; cursorFg: Color; cursorBg: Color; mark: Color; header: {fg: Color; bg: Color; sorter: Color}};
		xray: {fg: Color; cursor: Color; graphic: Color};
		charts: {cpu: Color; memory: Color; ok: Color; fault: Color};
		yaml: {key: Color; colon: Color; value: Color};
		logs: {fg: Color; indicator: Color; toggleOn: Color; toggleOff: Color};
		/** System-call categories of the trace view. */
		trace: {process: Color; file: Color; device: Color; info: Color; comms: Color; error: Color};
	};
};
