/**
 * CIDR blocks as NetworkPolicy ipBlocks use them. The simulated cluster's
 * addresses are IPv4; an IPv6 block is accepted as valid and matches none.
 */

export type Cidr = {
	/** First address of the block as a number (IPv4), or -1 for IPv6. */
	base: number;
	/** Prefix length. */
	bits: number;
	/** Whether an address (dotted quad or number) lies in the block. */
	contains(address: string | number): boolean;
};

/** An IPv4 address as one number, or undefined when it is not one. */
export function ipv4Number(text: string): number | undefined {
	const parts = text.split('.');
	if (parts.length !== 4) return undefined;
	let value = 0;
	for (const part of parts) {
		if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
		value = value * 256 + Number(part);
	}
	return value;
}

function ipv6Valid(text: string): boolean {
	if (!/^[0-9a-fA-F:]+$/.test(text) || (text.match(/::/g) ?? []).length > 1) return false;
	const groups = text.split(':');
	return groups.length >= 3 && groups.length <= 8 && groups.every(g => g.length <= 4);
}

/** `10.0.0.0/16` (or an IPv6 block); undefined when malformed, as `net.ParseCIDR` refuses it. */
export function parseCidr(text: string): Cidr | undefined {
	const slash = text.indexOf('/');
	if (slash < 0) return undefined;
	const address = text.slice(0, slash);
	const prefix = text.slice(slash + 1);
	if (!/^\d{1,3}$/.test(prefix)) return undefined;
	const bits = Number(prefix);
	const v4 = ipv4Number(address);
	if (v4 !== undefined) {
		if (bits > 32) return undefined;
		const size = 2 ** (32 - bits);
		const base = Math.floor(v4 / size) * size;
		return {base, bits, contains: a => {
			const n = typeof a === 'number' ? a : ipv4Number(a);
			return n !== undefined && n >= base && n < base + size;
		}};
	}
	if (ipv6Valid(address) && bits <= 128) return {base: -1, bits, contains: () => false};
	return undefined;
}

/** An IPv4 or IPv6 address, as `netutils.ParseIPSloppy` reads one. */
export function isIpAddress(text: string): boolean {
	return ipv4Number(text) !== undefined || ipv6Valid(text);
}

/**
 * `ValidateNonSpecialIP`: what an address Service traffic is sent to may not
 * be (unspecified, loopback, link-local, link-local multicast), for an
 * address that is one.
 */
export function specialIpErrors(text: string): string[] {
	const v4 = ipv4Number(text);
	const lower = text.toLowerCase();
	const errors: string[] = [];
	if (v4 === 0 || /^[0:]+$/.test(lower)) errors.push(`may not be unspecified (${text})`);
	if ((v4 !== undefined && v4 >>> 24 === 127) || /^(0{0,4}:){2,7}0{0,3}1$/.test(lower) || lower === '::1') errors.push('may not be in the loopback range (127.0.0.0/8, ::1/128)');
	if ((v4 !== undefined && v4 >>> 16 === 0xa9fe) || /^fe[89ab][0-9a-f]?:/.test(lower)) errors.push('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
	if ((v4 !== undefined && v4 >>> 8 === 0xe00000) || lower.startsWith('ff02:')) errors.push('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
	return errors;
}
