import {categoryOf, type Syscall} from './syscalls.js';

/**
 * The system calls of a container start, after runc (reference §13.2):
 * containerd-shim forks `runc create`, whose `runc init` goes through the
 * nsexec stages (joining the sandbox's namespaces with setns, creating the
 * rest with unshare), mounts the rootfs and volumes, pivots root, sets the
 * hostname, and blocks on exec.fifo until `runc start`; then execve of the
 * entrypoint.
 */

export type Step = [pid: number, name: string, args: string, ret: number | string];

/** Spell out a recipe (on read, for deferred traces): its calls a few µs apart from `at`. */
export function spellSteps(at: number, steps: readonly Step[]): Syscall[] {
	return steps.map(([pid, name, args, ret], index) => ({at: at + index * 0.004, pid, name, args, ret, category: categoryOf(name)}));
}

export type RuncOptions = {
	id: string;
	shimPid: number;
	/** pids: runc create, runc init stages 0, 1, 2 (2 becomes the container's PID 1), runc start. */
	pids: {create: number; stage0: number; stage1: number; init: number; start: number};
	/** Pid of the sandbox's pause process (its namespaces are joined); undefined for the sandbox itself. */
	sandboxPid?: number;
	/** The pod is on the host's network (and so the host's UTS namespace): no network or hostname of its own. */
	hostNetwork?: boolean;
	hostname: string;
	argv: readonly string[];
	executable: string;
	envCount: number;
	/** The bind mounts, or a function that lists them (called when the steps are spelled out). */
	mounts: ReadonlyArray<{source: string; target: string; readOnly: boolean; tmpfs?: boolean}> | (() => ReadonlyArray<{source: string; target: string; readOnly: boolean; tmpfs?: boolean}>);
	/** Succeeds through execve; false stops with ENOENT there (StartError). */
	found: boolean;
};

const quote = (s: string) => JSON.stringify(s);

export function runcStart(o: RuncOptions): Step[] {
	const bundle = `/run/containerd/io.containerd.runtime.v2.task/k8s.io/${o.id}`;
	const rootfs = `${bundle}/rootfs`;
	const {create, stage0, stage1, init, start} = o.pids;
	const sandbox = o.sandboxPid === undefined;
	const steps: Step[] = [
		[o.shimPid, 'clone', 'child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD', create],
		[create, 'execve', `"/usr/bin/runc", ["runc", "--root", "/run/containerd/runc/k8s.io", "create", "--bundle", ${quote(bundle)}, ...], 0x7ffc /* 12 vars */`, 0],
		[create, 'openat', `AT_FDCWD, ${quote(`${bundle}/config.json`)}, O_RDONLY|O_CLOEXEC`, 3],
		[create, 'read', '3, "{\\"ociVersion\\":\\"1.1.0\\",\\"process\\":{\\"use"..., 4096', 4096],
		[create, 'close', '3', 0],
		[create, 'socketpair', 'AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0, [4, 5]', 0],
		[create, 'clone', 'child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD', stage0],
		[stage0, 'execve', '"/proc/self/exe", ["runc", "init"], 0x7ffc /* 8 vars */', 0],
		[stage0, 'prctl', 'PR_SET_NAME, "runc:[0:PARENT]"', 0],
		[stage0, 'read', '5, "\\0\\0\\0\\214\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\1\\0\\0\\0\\0\\0\\0\\0"..., 65536', 140],
		[stage0, 'clone', 'child_stack=0x7ffc, flags=CLONE_PARENT|SIGCHLD', stage1],
		[stage1, 'prctl', 'PR_SET_NAME, "runc:[1:CHILD]"', 0],
	];
	if (sandbox && o.hostNetwork) {
		steps.push([stage1, 'unshare', 'CLONE_NEWNS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWCGROUP', 0]);
	} else if (sandbox) {
		steps.push([stage1, 'setns', '6 /* /var/run/netns/cni-' + o.id.slice(0, 8) + ' */, CLONE_NEWNET', 0]);
		steps.push([stage1, 'unshare', 'CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWCGROUP', 0]);
	} else {
		steps.push([stage1, 'setns', `6 /* /proc/${o.sandboxPid}/ns/ipc */, CLONE_NEWIPC`, 0]);
		if (!o.hostNetwork) {
			steps.push([stage1, 'setns', `7 /* /proc/${o.sandboxPid}/ns/uts */, CLONE_NEWUTS`, 0]);
			steps.push([stage1, 'setns', `8 /* /proc/${o.sandboxPid}/ns/net */, CLONE_NEWNET`, 0]);
		}
		steps.push([stage1, 'unshare', 'CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWCGROUP', 0]);
	}
	steps.push(
		[stage1, 'write', '5, "\\0\\0\\0\\3", 4 /* SYNC_RECVPID_PLS */', 4],
		[stage1, 'clone', 'child_stack=0x7ffc, flags=CLONE_PARENT|SIGCHLD', init],
		[stage1, 'exit_group', '0', '?'],
		[init, 'prctl', 'PR_SET_NAME, "runc:[2:INIT]"', 0],
		[stage0, 'wait4', `${stage1}, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL`, stage1],
		[stage0, 'write', `5, "{\\"stage2_pid\\":${init},\\"stage1_pid\\":${stage1}}", 38`, 38],
		[stage0, 'exit_group', '0', '?'],
		[init, 'setsid', '', 1],
		[init, 'setgroups', '0, NULL', 0],
		[init, 'setresgid', '0, 0, 0', 0],
		[init, 'setresuid', '0, 0, 0', 0],
		[init, 'mount', '"", "/", NULL, MS_REC|MS_SLAVE, NULL', 0],
		[init, 'mount', `${quote(rootfs)}, ${quote(rootfs)}, NULL, MS_BIND|MS_REC, NULL`, 0],
		[init, 'mount', `"proc", ${quote(`${rootfs}/proc`)}, "proc", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL`, 0],
		[init, 'mount', `"tmpfs", ${quote(`${rootfs}/dev`)}, "tmpfs", MS_NOSUID|MS_STRICTATIME, "mode=755,size=65536k"`, 0],
		[init, 'mount', `"devpts", ${quote(`${rootfs}/dev/pts`)}, "devpts", MS_NOSUID|MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5"`, 0],
		[init, 'mount', `"mqueue", ${quote(`${rootfs}/dev/mqueue`)}, "mqueue", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL`, 0],
		[init, 'mount', `"sysfs", ${quote(`${rootfs}/sys`)}, "sysfs", MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL`, 0],
		[init, 'mount', `"cgroup", ${quote(`${rootfs}/sys/fs/cgroup`)}, "cgroup2", MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC|MS_RELATIME, NULL`, 0],
	);
	for (const mount of typeof o.mounts === 'function' ? o.mounts() : o.mounts) {
		steps.push([init, 'mount', `${quote(mount.source)}, ${quote(`${rootfs}${mount.target}`)}, ${mount.tmpfs ? '"tmpfs"' : 'NULL'}, ${mount.tmpfs ? 'MS_NOSUID|MS_NODEV' : 'MS_BIND|MS_REC'}, NULL`, 0]);
		if (mount.readOnly) steps.push([init, 'mount', `"", ${quote(`${rootfs}${mount.target}`)}, NULL, MS_RDONLY|MS_REMOUNT|MS_BIND|MS_REC, NULL`, 0]);
	}
	for (const [name, major, minor] of [['null', 1, 3], ['zero', 1, 5], ['full', 1, 7], ['random', 1, 8], ['urandom', 1, 9], ['tty', 5, 0]] as const) {
		steps.push([init, 'mknodat', `AT_FDCWD, ${quote(`${rootfs}/dev/${name}`)}, S_IFCHR|0666, makedev(0x${major}, 0x${minor})`, 0]);
	}
	steps.push(
		[init, 'symlinkat', `"/proc/self/fd", AT_FDCWD, ${quote(`${rootfs}/dev/fd`)}`, 0],
		[init, 'symlinkat', `"pts/ptmx", AT_FDCWD, ${quote(`${rootfs}/dev/ptmx`)}`, 0],
		[init, 'chdir', quote(rootfs), 0],
		[init, 'pivot_root', '".", "."', 0],
		[init, 'umount2', '".", MNT_DETACH', 0],
		[init, 'chdir', '"/"', 0],
		[init, 'mount', '"/dev/null", "/proc/kcore", NULL, MS_BIND, NULL', 0],
		[init, 'mount', '"/dev/null", "/proc/keys", NULL, MS_BIND, NULL', 0],
		[init, 'mount', '"proc", "/proc/sys", NULL, MS_RDONLY|MS_REMOUNT|MS_BIND, NULL', 0],
		[init, 'ioctl', '0, TCGETS, 0x7ffc', '-1 ENOTTY (Inappropriate ioctl for device)'],
	);
	if (sandbox && !o.hostNetwork) steps.push([init, 'sethostname', `${quote(o.hostname)}, ${o.hostname.length}`, 0]);
	steps.push(
		[init, 'keyctl', `KEYCTL_JOIN_SESSION_KEYRING, "_ses.${o.id.slice(0, 12)}"`, 912_345_678],
		[init, 'openat', 'AT_FDCWD, "/proc/self/attr/apparmor/exec", O_WRONLY|O_CLOEXEC', 7],
		[init, 'write', '7, "exec cri-containerd.apparmor.d", 30', 30],
		[init, 'close', '7', 0],
		[init, 'prlimit64', '0, RLIMIT_NOFILE, {rlim_cur=1048576, rlim_max=1048576}, NULL', 0],
		[init, 'capset', '{version=_LINUX_CAPABILITY_VERSION_3, pid=0}, {effective=1<<CAP_CHOWN|1<<CAP_DAC_OVERRIDE|1<<CAP_FOWNER|1<<CAP_FSETID|1<<CAP_KILL|1<<CAP_SETGID|1<<CAP_SETUID|1<<CAP_SETPCAP|1<<CAP_NET_BIND_SERVICE|1<<CAP_SYS_CHROOT|1<<CAP_MKNOD|1<<CAP_AUDIT_WRITE|1<<CAP_SETFCAP, ...}', 0],
		[init, 'getppid', '', 0],
		[init, 'openat', `AT_FDCWD, "/proc/self/fd/5" /* ${bundle}/exec.fifo */, O_WRONLY|O_CLOEXEC`, 8],
		[create, 'exit_group', '0', '?'],
		[o.shimPid, 'wait4', `${create}, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL`, create],
		[o.shimPid, 'clone', 'child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD', start],
		[start, 'execve', `"/usr/bin/runc", ["runc", "--root", "/run/containerd/runc/k8s.io", "start", ${quote(o.id)}], 0x7ffc /* 12 vars */`, 0],
		[start, 'openat', `AT_FDCWD, ${quote(`/run/containerd/runc/k8s.io/${o.id}/exec.fifo`)}, O_RDONLY|O_CLOEXEC`, 3],
		[init, 'write', '8, "0", 1', 1],
		[start, 'read', '3, "0", 512', 1],
		[start, 'exit_group', '0', '?'],
		[init, 'seccomp', 'SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, {len=402, filter=0x5600}', 0],
		[init, 'execve', `${quote(o.executable)}, [${o.argv.slice(0, 4).map(quote).join(', ')}${o.argv.length > 4 ? ', ...' : ''}], 0x7ffc /* ${o.envCount} vars */`, o.found ? 0 : '-1 ENOENT (No such file or directory)'],
	);
	if (!o.found) steps.push([init, 'exit_group', '127', '?']);
	return steps;
}

/** containerd's CNI call for a new sandbox: netns, veth, address, route (reference §13.2, last point). */
export function cniSetup(containerdPid: number, podIP: string, id: string): Step[] {
	const ns = `/var/run/netns/cni-${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}`;
	const gateway = podIP.split('.').slice(0, 3).join('.') + '.1';
	return [
		[containerdPid, 'unshare', 'CLONE_NEWNET', 0],
		[containerdPid, 'mount', `"/proc/self/task/${containerdPid}/ns/net", ${quote(ns)}, NULL, MS_BIND, NULL`, 0],
		[containerdPid, 'socket', 'AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE', 9],
		[containerdPid, 'sendto', '9, [{nlmsg_len=72, nlmsg_type=RTM_NEWLINK, nlmsg_flags=NLM_F_REQUEST|NLM_F_ACK|NLM_F_EXCL|NLM_F_CREATE}, {ifi_family=AF_UNSPEC, ...}, [{nla_type=IFLA_IFNAME}, "veth' + id.slice(0, 8) + '"], [{nla_type=IFLA_LINKINFO}, "veth"]], 72, 0, {sa_family=AF_NETLINK}, 12', 72],
		[containerdPid, 'recvfrom', '9, [{nlmsg_len=36, nlmsg_type=NLMSG_ERROR, nlmsg_flags=NLM_F_CAPPED}, {error=0}], 65536, 0, NULL, NULL', 36],
		[containerdPid, 'setns', `10 /* ${ns} */, CLONE_NEWNET`, 0],
		[containerdPid, 'sendto', `9, [{nlmsg_type=RTM_NEWADDR, nlmsg_flags=NLM_F_REQUEST|NLM_F_ACK|NLM_F_EXCL|NLM_F_CREATE}, {ifa_family=AF_INET, ifa_prefixlen=24, ifa_index=if_nametoindex("eth0")}, [{nla_type=IFA_LOCAL}, inet_addr("${podIP}")]], 52, 0, {sa_family=AF_NETLINK}, 12`, 52],
		[containerdPid, 'socket', 'AF_INET, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP', 11],
		[containerdPid, 'ioctl', '11, SIOCSIFFLAGS, {ifr_name="eth0", ifr_flags=IFF_UP|IFF_BROADCAST|IFF_RUNNING|IFF_MULTICAST}', 0],
		[containerdPid, 'ioctl', '11, SIOCSIFFLAGS, {ifr_name="lo", ifr_flags=IFF_UP|IFF_LOOPBACK|IFF_RUNNING}', 0],
		[containerdPid, 'close', '11', 0],
		[containerdPid, 'sendto', `9, [{nlmsg_type=RTM_NEWROUTE, nlmsg_flags=NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE}, {rtm_family=AF_INET, rtm_dst_len=0, ...}, [{nla_type=RTA_GATEWAY}, inet_addr("${gateway}")]], 60, 0, {sa_family=AF_NETLINK}, 12`, 60],
		[containerdPid, 'close', '9', 0],
	];
}

/** A server's main process binding its ports and waiting for connections. */
export function serverStart(pid: number, worker: number, ports: readonly number[], config?: string): Step[] {
	const steps: Step[] = [];
	if (config) {
		steps.push([pid, 'openat', `AT_FDCWD, ${quote(config)}, O_RDONLY`, 3], [pid, 'read', '3, "user  nginx;\\nworker_processes  a"..., 4096', 648], [pid, 'close', '3', 0]);
	}
	ports.forEach((port, index) => {
		const fd = 6 + index;
		steps.push(
			[pid, 'socket', 'AF_INET, SOCK_STREAM|SOCK_NONBLOCK, IPPROTO_IP', fd],
			[pid, 'setsockopt', `${fd}, SOL_SOCKET, SO_REUSEADDR, [1], 4`, 0],
			[pid, 'bind', `${fd}, {sa_family=AF_INET, sin_port=htons(${port}), sin_addr=inet_addr("0.0.0.0")}, 16`, 0],
			[pid, 'listen', `${fd}, 511`, 0],
		);
	});
	if (worker !== pid) steps.push([pid, 'clone', 'child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD', worker]);
	steps.push(
		[worker, 'epoll_create1', 'EPOLL_CLOEXEC', 12],
		...ports.map((_, index): Step => [worker, 'epoll_ctl', `12, EPOLL_CTL_ADD, ${6 + index}, {events=EPOLLIN|EPOLLRDHUP|EPOLLEXCLUSIVE, data={u32=1, u64=1}}`, 0]),
		[worker, 'epoll_wait', '12, [], 512, -1', '?'],
	);
	return steps;
}
