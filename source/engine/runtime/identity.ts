/**
 * Who a container's processes run as: the user and groups the runtime gives
 * them from the pod's and the container's securityContext (runAsUser,
 * runAsGroup, fsGroup, supplementalGroups), named from the image's
 * /etc/passwd and /etc/group as the C library would name them.
 */
import type {Container, Pod} from '../api/types.js';
import type {FileSystem} from './filetree.js';

export type Identity = {
	uid: number;
	gid: number;
	/** Supplementary groups, the primary group first (as getgroups gives them to `id`). */
	groups: number[];
	userName?: string;
	groupName(gid: number): string | undefined;
};

type SecurityFields = {runAsUser?: number; runAsGroup?: number; fsGroup?: number; supplementalGroups?: number[]};

function fields(value: unknown): SecurityFields {
	return value && typeof value === 'object' ? value as SecurityFields : {};
}

function table(fs: FileSystem, path: string): string[][] {
	return (fs.read(path) ?? '').split('\n').filter(line => line && !line.startsWith('#')).map(line => line.split(':'));
}

/** The identity of `container`'s processes in `pod`, reading names from `fs` (the container's filesystem). */
export function processIdentity(pod: Pod, container: Container, fs: FileSystem): Identity {
	const podContext = fields(pod.spec?.securityContext);
	const own = fields((container as {securityContext?: unknown}).securityContext);
	const passwd = table(fs, '/etc/passwd');
	const group = table(fs, '/etc/group');
	const uid = own.runAsUser ?? podContext.runAsUser ?? 0;
	const account = passwd.find(entry => Number(entry[2]) === uid);
	// Without runAsGroup the runtime takes the user's group from the image's passwd, else 0.
	const gid = own.runAsGroup ?? podContext.runAsGroup ?? (account ? Number(account[3]) : 0);
	const extra = [
		...(podContext.fsGroup !== undefined ? [podContext.fsGroup] : []),
		...(podContext.supplementalGroups ?? []),
		// The groups /etc/group lists the user in (supplementalGroupsPolicy Merge, the default).
		...(account ? group.filter(entry => (entry[3] ?? '').split(',').includes(account[0]!)).map(entry => Number(entry[2])) : []),
	];
	const groups = [gid, ...[...new Set(extra)].filter(g => g !== gid).sort((a, b) => a - b)];
	return {
		uid,
		gid,
		groups,
		...(account ? {userName: account[0]} : {}),
		groupName: id => group.find(entry => Number(entry[2]) === id)?.[0],
	};
}
