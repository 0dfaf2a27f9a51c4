import test from 'ava';
import fc from 'fast-check';
import {KubeError} from '../../../source/engine/errors.js';
import {
	fieldSelectorToString,
	labelSelectorFromObject,
	matchesFields,
	matchesLabels,
	nothingSelector,
	parseFieldSelector,
	parseLabelSelector,
	selectorFromMap,
	selectorIsEmpty,
	selectorMatchesNothing,
	selectorToString,
	type LabelSelectorObject,
	type Requirement,
	type Selector,
} from '../../../source/engine/api/selectors.js';

// Upstream's messages, spelled out so that a change of wording fails here.
const operators = 'in, notin, =, ==, !=, gt, lt';
const labelValueRule = 'a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')';
const labelKeyRule = 'must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')';
const subdomainRule = 'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')';

/** The string grammar: a valid input gives its canonical form, a bad one the exact BadRequest message. */
const parseCases: Array<{input: string; canonical?: string; error?: string}> = [
	{input: '', canonical: ''},
	{input: 'x=a', canonical: 'x=a'},
	{input: 'x==a', canonical: 'x=a'},
	{input: 'x!=a', canonical: 'x!=a'},
	{input: 'x', canonical: 'x'},
	{input: '!x', canonical: '!x'},
	{input: 'x>1', canonical: 'x>1'},
	{input: 'x>1,z<5', canonical: 'x>1,z<5'},
	{input: 'x=', canonical: 'x='},
	{input: 'x= ', canonical: 'x='},
	{input: 'x=,z= ', canonical: 'x=,z='},
	{input: 'x= ,z= ', canonical: 'x=,z='},
	{input: '\rx', canonical: 'x'},
	{input: 'a ', canonical: 'a'},
	{input: 'x=a,a=x', canonical: 'a=x,x=a'},
	{input: 'z in (h,i,j),x=a,y!=b', canonical: 'x=a,y!=b,z in (h,i,j)'},
	{input: 'notin=in', canonical: 'notin=in'},
	{input: 'foo  in\t (abc)', canonical: 'foo in (abc)'},
	{input: 'x notin\n (abc)', canonical: 'x notin (abc)'},
	{input: 'x  notin\t\t(abc,def)', canonical: 'x notin (abc,def)'},
	{input: 'x in (def,abc)', canonical: 'x in (abc,def)'},
	{input: 'x in (abc,)', canonical: 'x in (,abc)'},
	{input: 'x in (abc,abc)', canonical: 'x in (abc)'},
	{input: 'x in ()', canonical: 'x in ()'},
	{input: 'x in (a,,)', canonical: 'x in (,a)'},
	{input: 'x in (a,,a,,a,,a,,)', canonical: 'x in (,a)'},
	{input: 'x notin ( )', canonical: 'x notin ()'},
	{input: 'x notin (, a)', canonical: 'x notin (,a)'},
	{input: 'x notin (abc,,def),bar,z in (),w', canonical: 'bar,w,x notin (,abc,def),z in ()'},
	{input: 'a in (x,y,notin, z,in)', canonical: 'a in (in,notin,x,y,z)'},
	{input: 'this-is-a-dns.domain.com/key-with-dash', canonical: 'this-is-a-dns.domain.com/key-with-dash'},
	{input: '0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)', canonical: '0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)'},
	{input: 'app=web, tier in (a, b)', canonical: 'app=web,tier in (a,b)'},
	// `||` is part of the value, which is then not a valid label value.
	{input: 'x=a||y=b', error: `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${labelValueRule}`},
	{input: 'x==a==b', error: 'found \'==\', expected: \',\' or \'end of string\''},
	{input: '!x=a', error: 'found \'=\', expected: \',\' or \'end of string\''},
	{input: 'x<a', error: 'unable to parse requirement: values[0]: Invalid value: "a": for \'Gt\', \'Lt\' operators, the value must be an integer'},
	{input: 'x,,y', error: 'found \',\', expected: identifier after \',\''},
	{input: ',x,y', error: 'found \',\', expected: !, identifier, or \'end of string\''},
	{input: 'a in (xyz),', error: 'found \'\', expected: identifier after \',\''},
	{input: 'a in (xyz)b notin ()', error: 'found \'b\', expected: \',\' or \'end of string\''},
	{input: 'a in (xyz abc)', error: 'unable to parse requirement: found \'abc\', expected: \',\' or \')\''},
	{input: 'x nott in (y)', error: `unable to parse requirement: found 'nott', expected: ${operators}`},
	{input: 'a notin(', error: 'unable to parse requirement: found \'\', expected: \',\', \')\' or identifier'},
	{input: 'a (', error: `unable to parse requirement: found '(', expected: ${operators}`},
	{input: '(', error: 'found \'(\', expected: !, identifier, or \'end of string\''},
	{input: '!', error: 'unable to parse requirement: found \'\', expected: identifier'},
	{input: 'x in in', error: 'unable to parse requirement: found \'in\' expected: \'(\''},
	{input: 'x in (a', error: 'unable to parse requirement: found \'\', expected: \',\' or \')\''},
	{input: 'x in (a,=)', error: 'unable to parse requirement: found \'=\', expected: \',\', or identifier'},
	{input: 'x=!y', error: 'unable to parse requirement: found \'!\', expected: identifier'},
	{input: 'x=a b', error: 'found \'b\', expected: \',\' or \'end of string\''},
	{input: 'x=a_', error: `unable to parse requirement: values[0][x]: Invalid value: "a_": ${labelValueRule}`},
	{input: 'x=' + 'a'.repeat(64), error: `unable to parse requirement: values[0][x]: Invalid value: "${'a'.repeat(64)}": must be no more than 63 bytes`},
	{input: 'a/b/c', error: `unable to parse requirement: <nil>: Invalid value: "a/b/c": a valid label key ${labelKeyRule} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`},
	{input: 'Example.com/a=b', error: `unable to parse requirement: <nil>: Invalid value: "Example.com/a": prefix part ${subdomainRule}`},
	{input: '/a', error: 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty'},
	{input: 'a-', error: `unable to parse requirement: <nil>: Invalid value: "a-": name part ${labelKeyRule}`},
];

for (const [index, {input, canonical, error}] of parseCases.entries()) {
	test(`parseLabelSelector #${index}: ${JSON.stringify(input)}`, t => {
		if (error === undefined) {
			t.is(selectorToString(parseLabelSelector(input)), canonical!);
		} else {
			const thrown = t.throws(() => parseLabelSelector(input), {instanceOf: KubeError});
			t.is(thrown?.code, 'BadRequest');
			t.is(thrown?.message, error);
		}
	});
}

/** Matching: a selector string (or object) against one label set. */
const matchCases: Array<{selector: string | Selector; labels: Record<string, string> | undefined; matches: boolean}> = [
	{selector: '', labels: {x: 'y'}, matches: true},
	{selector: '', labels: undefined, matches: true},
	{selector: 'x=y', labels: {x: 'y'}, matches: true},
	{selector: 'x=y,z=w', labels: {x: 'y', z: 'w'}, matches: true},
	{selector: 'x!=y,z!=w', labels: {x: 'z', z: 'a'}, matches: true},
	{selector: 'notin=in', labels: {notin: 'in'}, matches: true},
	{selector: 'x', labels: {x: 'z'}, matches: true},
	{selector: '!x', labels: {y: 'z'}, matches: true},
	{selector: 'x>1', labels: {x: '2'}, matches: true},
	{selector: 'x<1', labels: {x: '0'}, matches: true},
	{selector: 'x=z', labels: {}, matches: false},
	{selector: 'x=y', labels: {x: 'z'}, matches: false},
	{selector: 'x=y,z=w', labels: {x: 'w', z: 'w'}, matches: false},
	{selector: 'x!=y,z!=w', labels: {x: 'z', z: 'w'}, matches: false},
	{selector: 'x', labels: {y: 'z'}, matches: false},
	{selector: '!x', labels: {x: 'z'}, matches: false},
	{selector: 'x>1', labels: {x: '0'}, matches: false},
	{selector: 'x<1', labels: {x: '2'}, matches: false},
	{selector: 'z>1', labels: {z: 'v2'}, matches: false},
	{selector: 'z>1', labels: {}, matches: false},
	{selector: 'x in (foo),y notin (alpha)', labels: {x: 'foo', y: 'baz'}, matches: true},
	{selector: 'x in (foo),y in (alpha)', labels: {x: 'foo', y: 'baz'}, matches: false},
	{selector: 'x notin (),y', labels: {y: ''}, matches: true},
	{selector: '!x,y', labels: {y: ''}, matches: true},
	{selector: 'x notin (),!y', labels: {y: ''}, matches: false},
	{selector: 'x in ()', labels: {y: 'baz'}, matches: false},
	{selector: 'x in ()', labels: {x: ''}, matches: true},
	{selector: 'x!=a', labels: {}, matches: true},
	{selector: 'constructor', labels: {}, matches: false},
	{selector: 'foo=bar,foobar=bar,baz=blah', labels: {foo: 'bar', baz: 'blah'}, matches: false},
	{selector: nothingSelector(), labels: {}, matches: false},
	{selector: selectorFromMap({app: 'web'}), labels: {app: 'web', tier: 'x'}, matches: true},
	{selector: selectorFromMap({app: 'web'}), labels: {app: 'db'}, matches: false},
	{selector: selectorFromMap(undefined), labels: {app: 'db'}, matches: true},
];

for (const [index, {selector, labels, matches}] of matchCases.entries()) {
	const title = typeof selector === 'string' ? selector : selectorToString(selector);
	test(`matchesLabels #${index}: ${JSON.stringify(title)} on ${JSON.stringify(labels)}`, t => {
		const parsed = typeof selector === 'string' ? parseLabelSelector(selector) : selector;
		t.is(matchesLabels(parsed, labels), matches);
	});
}

/** metav1.LabelSelector: its canonical string, whether it matches {app: web}, or the Invalid message. */
const objectCases: Array<{object: LabelSelectorObject | undefined | null; canonical?: string; matchesWeb?: boolean; nothing?: boolean; error?: string}> = [
	{object: null, canonical: '', matchesWeb: false, nothing: true},
	{object: undefined, canonical: '', matchesWeb: false, nothing: true},
	{object: {}, canonical: '', matchesWeb: true},
	{object: {matchLabels: {}, matchExpressions: []}, canonical: '', matchesWeb: true},
	{object: {matchLabels: {app: 'web'}}, canonical: 'app=web', matchesWeb: true},
	{
		object: {matchLabels: {tier: 'front', app: 'web'}, matchExpressions: [{key: 'env', operator: 'NotIn', values: ['prod', 'dev']}]},
		canonical: 'app=web,env notin (dev,prod),tier=front',
		matchesWeb: false,
	},
	{object: {matchExpressions: [{key: 'app', operator: 'In', values: ['web', 'db']}]}, canonical: 'app in (db,web)', matchesWeb: true},
	{object: {matchExpressions: [{key: 'app', operator: 'Exists'}]}, canonical: 'app', matchesWeb: true},
	{object: {matchExpressions: [{key: 'app', operator: 'DoesNotExist', values: []}]}, canonical: '!app', matchesWeb: false},
	{object: {matchExpressions: [{key: 'app', operator: 'Foo'}]}, error: '"Foo" is not a valid label selector operator'},
	{object: {matchExpressions: [{key: 'app', operator: 'in', values: ['web']}]}, error: '"in" is not a valid label selector operator'},
	{object: {matchExpressions: [{key: 'app', operator: 'In'}]}, error: 'values: Invalid value: null: for \'in\', \'notin\' operators, values set can\'t be empty'},
	{object: {matchExpressions: [{key: 'app', operator: 'NotIn', values: []}]}, error: 'values: Invalid value: null: for \'in\', \'notin\' operators, values set can\'t be empty'},
	{object: {matchExpressions: [{key: 'app', operator: 'Exists', values: ['web']}]}, error: 'values: Invalid value: ["web"]: values set must be empty for exists and does not exist'},
	{object: {matchLabels: {app: 'web server'}}, error: `values[0][app]: Invalid value: "web server": ${labelValueRule}`},
	{object: {matchLabels: {'a/b/c': 'x'}}, error: `key: Invalid value: "a/b/c": a valid label key ${labelKeyRule} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`},
	{
		object: {matchExpressions: [{key: 'app-', operator: 'In', values: ['-']}]},
		error: `[key: Invalid value: "app-": name part ${labelKeyRule}, values[0][app-]: Invalid value: "-": ${labelValueRule}]`,
	},
];

for (const [index, {object, canonical, matchesWeb, nothing, error}] of objectCases.entries()) {
	test(`labelSelectorFromObject #${index}: ${JSON.stringify(object)}`, t => {
		if (error === undefined) {
			const selector = labelSelectorFromObject(object);
			t.is(selectorToString(selector), canonical!);
			t.is(matchesLabels(selector, {app: 'web'}), matchesWeb!);
			t.is(selectorMatchesNothing(selector), nothing ?? false);
			t.is(selectorIsEmpty(selector), nothing !== true && canonical === '');
		} else {
			const thrown = t.throws(() => labelSelectorFromObject(object), {instanceOf: KubeError});
			t.is(thrown?.code, 'Invalid');
			t.is(thrown?.message, error);
		}
	});
}

const pod = {
	metadata: {name: 'web-1', namespace: 'default', labels: {app: 'web'}},
	spec: {nodeName: 'node-1', hostNetwork: false, priority: 0},
	status: {phase: 'Running'},
};
const pendingPod = {metadata: {name: 'web=2,x', namespace: 'default'}, status: {phase: 'Pending'}};

/** Field selectors: whether they pick `pod` and `pendingPod`, their canonical form, or the BadRequest message. */
const fieldCases: Array<{input: string; picks?: [boolean, boolean]; canonical?: string; error?: string}> = [
	{input: '', picks: [true, true], canonical: ''},
	{input: 'status.phase=Running', picks: [true, false], canonical: 'status.phase=Running'},
	{input: 'status.phase==Running', picks: [true, false], canonical: 'status.phase=Running'},
	{input: 'status.phase!=Running', picks: [false, true], canonical: 'status.phase!=Running'},
	{input: 'spec.nodeName=', picks: [false, true], canonical: 'spec.nodeName='},
	{input: 'spec.nodeName!=', picks: [true, false], canonical: 'spec.nodeName!='},
	{input: 'metadata.namespace=default,metadata.name=web-1', picks: [true, false], canonical: 'metadata.name=web-1,metadata.namespace=default'},
	{input: 'metadata.name=web\\=2\\,x', picks: [false, true], canonical: 'metadata.name=web\\=2\\,x'},
	{input: 'spec.hostNetwork=false', picks: [true, false], canonical: 'spec.hostNetwork=false'},
	{input: 'spec.priority=0', picks: [true, false], canonical: 'spec.priority=0'},
	{input: 'metadata.labels=', picks: [true, true], canonical: 'metadata.labels='},
	{input: 'metadata.name=web-1,', picks: [true, false], canonical: 'metadata.name=web-1'},
	{input: 'status.phase', error: 'invalid selector: \'status.phase\'; can\'t understand \'status.phase\''},
	{input: 'a=b,c', error: 'invalid selector: \'a=b,c\'; can\'t understand \'c\''},
	{input: 'a=b=c', error: 'invalid field selector: unescaped character in value: 61'},
	{input: 'a=b\\', error: 'invalid field selector: invalid escape sequence: \\'},
	{input: 'a=b\\x', error: 'invalid field selector: invalid escape sequence: \\x'},
];

for (const [index, {input, picks, canonical, error}] of fieldCases.entries()) {
	test(`parseFieldSelector #${index}: ${JSON.stringify(input)}`, t => {
		if (error === undefined) {
			const selector = parseFieldSelector(input);
			t.deepEqual([matchesFields(selector, pod), matchesFields(selector, pendingPod)], picks!);
			t.is(fieldSelectorToString(selector), canonical!);
		} else {
			const thrown = t.throws(() => parseFieldSelector(input), {instanceOf: KubeError});
			t.is(thrown?.code, 'BadRequest');
			t.is(thrown?.message, error);
		}
	});
}

// Property tests.

const labelName = fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/);
const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
const labelKey = fc.oneof(
	labelName,
	fc.tuple(fc.array(dnsLabel, {minLength: 1, maxLength: 3}), labelName).map(([labels, name]) => `${labels.join('.')}/${name}`),
);
const labelValue = fc.oneof(fc.constant(''), labelName);
const requirement: fc.Arbitrary<Requirement> = fc.oneof(
	fc.record({key: labelKey, operator: fc.constantFrom('In' as const, 'NotIn' as const), values: fc.uniqueArray(labelValue, {minLength: 1, maxLength: 4})}),
	fc.record({key: labelKey, operator: fc.constantFrom('Equals' as const, 'NotEquals' as const), values: fc.tuple(labelValue)}),
	fc.record({key: labelKey, operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const), values: fc.constant<string[]>([])}),
	fc.record({key: labelKey, operator: fc.constantFrom('GreaterThan' as const, 'LessThan' as const), values: fc.tuple(fc.nat().map(String))}),
);

test('a valid selector survives printing and parsing', t => {
	fc.assert(fc.property(fc.array(requirement, {maxLength: 5}), requirements => {
		const normalised = requirements
			.map(r => ({...r, values: [...r.values].sort()}))
			.sort((a, b) => (a.key < b.key ? -1 : (a.key > b.key ? 1 : 0)));
		const text = selectorToString({requirements: normalised});
		t.deepEqual(parseLabelSelector(text), {requirements: normalised}, text);
	}));
});

test('any string either fails with BadRequest or parses to a canonical form that parses to itself', t => {
	const alphabet = fc.constantFrom('a', 'b', 'x', '1', '-', '.', '/', '_', ' ', ',', '=', '!', '(', ')', '<', '>', 'in', 'notin', '||');
	fc.assert(fc.property(fc.array(alphabet, {maxLength: 14}).map(parts => parts.join('')), text => {
		let canonical: string;
		try {
			canonical = selectorToString(parseLabelSelector(text));
		} catch (error: unknown) {
			return error instanceof KubeError && error.code === 'BadRequest';
		}

		return selectorToString(parseLabelSelector(canonical)) === canonical;
	}), {numRuns: 2000});
	t.pass();
});
