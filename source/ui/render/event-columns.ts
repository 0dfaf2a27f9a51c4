/** Events: LAST SEEN TYPE REASON OBJECT MESSAGE (kubectl), COUNT and SOURCE wide; newest first; MESSAGE takes the rest of the line. */
import type {KubeEvent, KubeObject} from '../../engine/index.js';
import {humanDuration, timeOf, type ColumnSet} from './columns.js';

function lastSeen(event: KubeEvent): number | undefined {
	return timeOf(event.lastTimestamp) ?? timeOf(event.firstTimestamp) ?? timeOf(event.metadata.creationTimestamp);
}

/** `pod/web-1`, `deployment/web`, as kubectl prints OBJECT. */
export function involvedObjectText(event: KubeEvent): string {
	const ref = event.involvedObject ?? {kind: '', name: ''};
	return `${ref.kind.toLowerCase()}/${ref.name}`;
}

export const eventColumns: ColumnSet = {
	kind: 'Event',
	columns: [
		{name: 'LAST SEEN', sortKey: 'a', numeric: true, live: (object, {now}) => {
			const seen = lastSeen(object as KubeEvent);
			return seen === undefined ? '<unknown>' : humanDuration(now - seen);
		}},
		{name: 'TYPE', sortKey: 's'},
		{name: 'REASON'},
		{name: 'OBJECT', sortKey: 'n', ellipsis: 'middle'},
		{name: 'SOURCE', wide: true},
		{name: 'COUNT', wide: true, numeric: true, align: 'right'},
		{name: 'MESSAGE', flex: true},
	],
	row(object: KubeObject, {now}) {
		const event = object as KubeEvent;
		const seen = lastSeen(event);
		const ago = seen === undefined ? Infinity : now - seen;
		return {
			cells: [
				seen === undefined ? '<unknown>' : humanDuration(ago),
				event.type,
				event.reason,
				involvedObjectText(event),
				[event.source?.component, event.source?.host].filter(Boolean).join(', '),
				String(event.count ?? 1),
				event.message.replace(/\s+/g, ' '),
			],
			sort: [seen === undefined ? Infinity : -seen, undefined, undefined, undefined, undefined, event.count ?? 1, undefined],
		};
	},
	health(object) {
		return (object as KubeEvent).type === 'Warning' ? 'error' : 'normal';
	},
	defaultSort: {column: 'LAST SEEN', ascending: true},
};
