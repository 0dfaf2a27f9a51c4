/**
 * The text of the mock workloads' log lines: the image catalog's lines with
 * their placeholders filled in (each server's own timestamp format), and the
 * access-log line of a served request.
 */

const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** What a catalog line may name about its container. */
export type LineContext = {version: string; podIP: string; hostname: string};

/** Fill a catalog line's placeholders: `{ts:nginx}`, `{ts:redis}`, `{ts:pg}`, `{ts:httpd}`, `{ts:iso}`, `{ts:iso6}`, `{ts:mysqlEntry}`, `{ts:golog}`, `{ts:fluentd}`, `{ts:klog}`, `{unix}`, `{version}`, `{podIP}`, `{hostname}`. */
export function renderLine(line: string, context: LineContext, at: number): string {
	if (!line.includes('{')) return line;
	const d = new Date(at);
	const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
	const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
	const ms = pad(d.getUTCMilliseconds(), 3);
	return line.replace(/\{([\w:]+)\}/g, (match, key: string) => {
		switch (key) {
			case 'ts:nginx': return `${date.replace(/-/g, '/')} ${time}`;
			case 'ts:redis': return `${pad(d.getUTCDate())} ${monthNames[d.getUTCMonth()]} ${d.getUTCFullYear()} ${time}.${ms}`;
			case 'ts:pg': return `${date} ${time}.${ms}`;
			case 'ts:httpd': return `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()]} ${monthNames[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${time}.${ms}000 ${d.getUTCFullYear()}`;
			case 'ts:iso': return d.toISOString();
			case 'ts:iso6': return `${date}T${time}.${ms}000Z`;
			case 'ts:mysqlEntry': return `${date} ${time}+00:00`;
			case 'ts:golog': return `${date.replace(/-/g, '/')} ${time}`;
			case 'ts:fluentd': return `${date} ${time} +0000`;
			case 'ts:klog': return `I${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${time}.${ms}000       7`;
			case 'unix': return String(Math.floor(at / 1000));
			case 'version': return context.version;
			case 'podIP': return context.podIP;
			case 'hostname': return context.hostname;
			default: return match;
		}
	});
}

/** One request in the server's access-log format (nginx's `combined`, httpd's `common`). */
export function accessLogLine(format: 'nginx' | 'httpd', from: string, method: string, path: string, status: number, size: number, userAgent: string, at: number): string {
	const d = new Date(at);
	const time = `${pad(d.getUTCDate())}/${monthNames[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
	const request = `"${method} ${path} HTTP/1.1" ${status} ${size}`;
	return format === 'nginx' ? `${from} - - [${time}] ${request} "-" "${userAgent}" "-"` : `${from} - - [${time}] ${request}`;
}
