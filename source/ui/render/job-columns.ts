/** Jobs: NAME COMPLETIONS DURATION AGE; CronJobs: NAME SCHEDULE SUSPEND ACTIVE LAST SCHEDULE AGE. */
import type {KubeObject} from '../../engine/index.js';
import {age, ageColumn, humanDuration, nameColumn, terminating, timeOf, type ColumnSet} from './columns.js';

function hasCondition(object: KubeObject, type: string): boolean {
	return (object.status?.conditions ?? []).some((c: {type: string; status: string}) => c.type === type && c.status === 'True');
}

export const jobColumns: ColumnSet = {
	kind: 'Job',
	columns: [
		nameColumn,
		{name: 'STATUS', sortKey: 's'},
		{name: 'COMPLETIONS'},
		{name: 'DURATION', numeric: true, live: (object, {now}) => {
			const start = timeOf(object.status?.startTime);
			const end = timeOf(object.status?.completionTime);
			return start === undefined ? '' : humanDuration((end ?? now) - start);
		}},
		{name: 'CONTAINERS', wide: true},
		{name: 'IMAGES', wide: true},
		ageColumn,
	],
	row(object, {now}) {
		const [ageText, ageMs] = age(object, now);
		const completions = object.spec?.completions;
		const succeeded = object.status?.succeeded ?? 0;
		const start = timeOf(object.status?.startTime);
		const end = timeOf(object.status?.completionTime);
		const duration = start === undefined ? undefined : (end ?? now) - start;
		const containers: Array<{name: string; image: string}> = object.spec?.template?.spec?.containers ?? [];
		return {
			cells: [
				object.metadata.name,
				jobStatus(object),
				completions === undefined || completions === null ? `${succeeded}/1 of ${object.spec?.parallelism ?? 1}` : `${succeeded}/${completions}`,
				duration === undefined ? '' : humanDuration(duration),
				containers.map(c => c.name).join(','),
				containers.map(c => c.image).join(','),
				ageText,
			],
			sort: [undefined, undefined, undefined, end !== undefined && start !== undefined ? end - start : Infinity, undefined, undefined, ageMs],
		};
	},
	health(object) {
		if (terminating(object)) return 'terminating';
		if (hasCondition(object, 'Failed')) return 'error';
		if (hasCondition(object, 'Complete')) return 'completed';
		if (hasCondition(object, 'Suspended')) return 'pending';
		return 'normal';
	},
};

/** kubectl's Job STATUS column (1.28+): Complete, Failed, Suspended, Running, Terminating. */
export function jobStatus(object: KubeObject): string {
	if (object.metadata.deletionTimestamp) return 'Terminating';
	if (hasCondition(object, 'Complete')) return 'Complete';
	if (hasCondition(object, 'Failed')) return 'Failed';
	if (hasCondition(object, 'Suspended')) return 'Suspended';
	if (hasCondition(object, 'FailureTarget')) return 'FailureTarget';
	return 'Running';
}

export const cronJobColumns: ColumnSet = {
	kind: 'CronJob',
	columns: [
		nameColumn,
		{name: 'SCHEDULE'},
		{name: 'TIMEZONE', wide: true},
		{name: 'SUSPEND'},
		{name: 'ACTIVE', numeric: true, align: 'right'},
		{name: 'LAST SCHEDULE', numeric: true, live: (object, {now}) => {
			const last = timeOf(object.status?.lastScheduleTime);
			return last === undefined ? '<none>' : humanDuration(now - last);
		}},
		ageColumn,
	],
	row(object, {now}) {
		const [ageText, ageMs] = age(object, now);
		const active = (object.status?.active ?? []).length as number;
		const last = timeOf(object.status?.lastScheduleTime);
		return {
			cells: [
				object.metadata.name,
				String(object.spec?.schedule ?? ''),
				object.spec?.timeZone ?? '<none>',
				object.spec?.suspend ? 'True' : 'False',
				String(active),
				last === undefined ? '<none>' : humanDuration(now - last),
				ageText,
			],
			sort: [undefined, undefined, undefined, undefined, active, last === undefined ? Infinity : -last, ageMs],
		};
	},
	health(object) {
		if (terminating(object)) return 'terminating';
		if (object.spec?.suspend) return 'pending';
		return 'normal';
	},
};
