/**
 * A small well-formedness check for the XML the SVG writer produces: tags
 * nest and close, attributes are quoted, text holds no raw '<' and only
 * the predefined or numeric entities, one root element. It is no full XML
 * parser (no CDATA, comments, DOCTYPE: the writer emits none of them);
 * the browser test parses the same output with Chromium's XML parser.
 */
const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[\da-fA-F]+);/y;

function checkText(text: string, where: number): void {
	for (let index = text.indexOf('&'); index !== -1; index = text.indexOf('&', index + 1)) {
		entity.lastIndex = index;
		if (!entity.test(text)) throw new Error(`bad '&' at ${where + index}: ${JSON.stringify(text.slice(index, index + 12))}`);
	}
}

export function assertWellFormedXml(xml: string): void {
	const token = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
	const open: string[] = [];
	let roots = 0;
	while (token.lastIndex < xml.length) {
		const at = token.lastIndex;
		const match = token.exec(xml);
		if (!match) throw new Error(`not well-formed at ${at}: ${JSON.stringify(xml.slice(at, at + 40))}`);
		const [, closing, name, attributes, selfClosing, text] = match;
		if (text !== undefined) {
			if (open.length === 0 && text.trim() !== '') throw new Error(`text outside the root at ${at}`);
			checkText(text, at);
			continue;
		}
		checkText(attributes!, at);
		const names = [...attributes!.matchAll(/([\w:.-]+)=/g)].map(attribute => attribute[1]);
		if (new Set(names).size !== names.length) throw new Error(`repeated attribute in <${name}> at ${at}`);
		if (closing) {
			if (attributes || selfClosing) throw new Error(`bad closing tag at ${at}`);
			const expected = open.pop();
			if (expected !== name) throw new Error(`</${name}> at ${at} closes <${expected}>`);
			continue;
		}
		if (open.length === 0 && ++roots > 1) throw new Error(`a second root element at ${at}`);
		if (!selfClosing) open.push(name!);
	}
	if (open.length > 0) throw new Error(`unclosed <${open.join('>, <')}>`);
	if (roots !== 1) throw new Error('no root element');
}
