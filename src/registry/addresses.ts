import { isIPv4, isIPv6 } from 'node:net';

/**
 * IP addresses of host objects (RFC 5732 §2.5): syntax, the canonical form stored and returned, and the
 * ranges a nameserver address may not be in.
 *
 * - Syntax: IPv4 in dotted-quad decimal (no leading zeros), IPv6 in RFC 4291 text form (an embedded IPv4
 *   tail allowed, a zone index `%eth0` refused). The `ip` attribute must match the form.
 * - Canonical form: IPv4 as given (node's isIPv4 admits exactly one spelling); IPv6 per RFC 5952 (lower case,
 *   no leading zeros, the longest run of two or more zero groups compressed, the first on a tie), with an
 *   IPv4-mapped address written `::ffff:a.b.c.d`. The same address in two spellings is the same address.
 * - Always refused (a nameserver can never be there): 127.0.0.0/8 loopback, 0.0.0.0, `::`, `::1`, and an
 *   IPv4-mapped IPv6 form of those IPv4 addresses.
 * - Refused when the TLD policy's refusePrivateAddresses is set: the private and special-purpose ranges of
 *   the IANA IPv4/IPv6 special-purpose registries that are not globally reachable (RFC 1918, CGNAT,
 *   link-local, documentation, benchmarking, multicast, reserved, ULA, IPv4-mapped...). The OT&E data uses
 *   192.168.0.25 and 2001:db8::25, so the OT&E TLDs leave the flag off.
 */

export type IpVersion = 'v4' | 'v6';

export interface HostAddress {
  ip: IpVersion;
  /** Canonical text form. */
  addr: string;
}

export type AddrParse = { ok: true; address: HostAddress } | { ok: false; reason: string };

/** Most addresses one host may carry (a nameserver needs a handful; this bounds a runaway client). */
export const MAX_HOST_ADDRESSES = 16;

/** Parses an <host:addr> value with its `ip` attribute (default v4) into the canonical form. */
export function parseAddress(text: string, ip: string | undefined): AddrParse {
  const version = ip ?? 'v4';
  const raw = text.trim();
  if (version !== 'v4' && version !== 'v6') return { ok: false, reason: `ip must be v4 or v6, not ${version}` };
  if (version === 'v4') {
    if (isIPv4(raw)) return { ok: true, address: { ip: 'v4', addr: raw } };
    if (isIPv6(raw)) return { ok: false, reason: `${raw} is an IPv6 address but ip="v4"` };
    return { ok: false, reason: `${raw} is not an IPv4 address` };
  }
  if (raw.includes('%')) return { ok: false, reason: `${raw}: an address with a zone index is not a host address` };
  if (!isIPv6(raw)) {
    if (isIPv4(raw)) return { ok: false, reason: `${raw} is an IPv4 address but ip="v6"` };
    return { ok: false, reason: `${raw} is not an IPv6 address` };
  }
  return { ok: true, address: { ip: 'v6', addr: formatV6(parseV6(raw)) } };
}

/** Why an address may not be used by a host, or undefined when it may. */
export function addressRefusal(a: HostAddress, refusePrivate: boolean): string | undefined {
  if (a.ip === 'v4') return v4Refusal(parseV4(a.addr), refusePrivate);
  const g = parseV6(a.addr);
  if (g.every((x) => x === 0)) return `${a.addr} is the unspecified address`;
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return `${a.addr} is the loopback address`;
  if (isV4Mapped(g)) {
    const v4 = [g[6] >> 8, g[6] & 0xff, g[7] >> 8, g[7] & 0xff];
    const inner = v4Refusal(v4, refusePrivate);
    if (inner) return `${a.addr} is IPv4-mapped and ${inner}`;
  }
  if (!refusePrivate) return undefined;
  const bytes = g.flatMap((x) => [x >> 8, x & 0xff]);
  const range = V6_SPECIAL.find(([prefix, len]) => inPrefix(bytes, prefix, len));
  return range && `${a.addr} is in ${range[2]} (${formatV6(bytesToGroups(range[0]))}/${range[1]}), not allowed in this TLD`;
}

// ---------------------------------------------------------------- IPv4

function parseV4(s: string): number[] {
  return s.split('.').map(Number);
}

function v4Refusal(b: number[], refusePrivate: boolean): string | undefined {
  const text = b.join('.');
  if (b[0] === 127) return `${text} is a loopback address (127.0.0.0/8)`;
  if (b.every((x) => x === 0)) return `${text} is the unspecified address`;
  if (!refusePrivate) return undefined;
  const range = V4_SPECIAL.find(([prefix, len]) => inPrefix(b, parseV4(prefix), len));
  return range && `${text} is in ${range[2]} (${range[0]}/${range[1]}), not allowed in this TLD`;
}

/** IPv4 ranges that are not globally reachable unicast (IANA IPv4 Special-Purpose Address Registry, multicast, reserved). */
const V4_SPECIAL: Array<[string, number, string]> = [
  ['0.0.0.0', 8, '"this network"'],
  ['10.0.0.0', 8, 'a private range'],
  ['100.64.0.0', 10, 'the shared address space'],
  ['169.254.0.0', 16, 'the link-local range'],
  ['172.16.0.0', 12, 'a private range'],
  ['192.0.0.0', 24, 'the IETF protocol assignments'],
  ['192.0.2.0', 24, 'a documentation range'],
  ['192.88.99.0', 24, 'the deprecated 6to4 relay anycast range'],
  ['192.168.0.0', 16, 'a private range'],
  ['198.18.0.0', 15, 'the benchmarking range'],
  ['198.51.100.0', 24, 'a documentation range'],
  ['203.0.113.0', 24, 'a documentation range'],
  ['224.0.0.0', 4, 'the multicast range'],
  ['240.0.0.0', 4, 'the reserved range'],
];

// ---------------------------------------------------------------- IPv6

/** The eight 16-bit groups of a valid IPv6 text form (isIPv6 already said yes; no zone index). */
function parseV6(s: string): number[] {
  let text = s.toLowerCase();
  // An embedded IPv4 tail becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = parseV4(v4[1]);
    text = `${text.slice(0, v4.index)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((h) => parseInt(h, 16)));
  const h = groups(head);
  if (tail === undefined) return h;
  const t = groups(tail);
  return [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

function isV4Mapped(g: number[]): boolean {
  return g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
}

/** RFC 5952 text form. */
function formatV6(g: number[]): string {
  if (isV4Mapped(g)) return `::ffff:${g[6] >> 8}.${g[6] & 0xff}.${g[7] >> 8}.${g[7] & 0xff}`;
  // The longest run of zero groups (length ≥ 2), the first one on a tie.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function bytesToGroups(b: number[]): number[] {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i] << 8) | b[i + 1]);
  return g;
}

function v6Bytes(s: string): number[] {
  return parseV6(s).flatMap((x) => [x >> 8, x & 0xff]);
}

/** IPv6 ranges that are not globally reachable unicast (IANA IPv6 Special-Purpose Address Registry, multicast, deprecated). */
const V6_SPECIAL: Array<[number[], number, string]> = (
  [
    ['::ffff:0:0', 96, 'the IPv4-mapped range'],
    ['64:ff9b:1::', 48, 'the local-use IPv4/IPv6 translation range'],
    ['100::', 64, 'the discard-only range'],
    ['2001::', 32, 'the Teredo range'],
    ['2001:2::', 48, 'the benchmarking range'],
    ['2001:10::', 28, 'the deprecated ORCHID range'],
    ['2001:db8::', 32, 'the documentation range'],
    ['3fff::', 20, 'the documentation range'],
    ['5f00::', 16, 'the segment routing SIDs range'],
    ['fc00::', 7, 'the unique local range'],
    ['fe80::', 10, 'the link-local range'],
    ['fec0::', 10, 'the deprecated site-local range'],
    ['ff00::', 8, 'the multicast range'],
  ] as Array<[string, number, string]>
).map(([p, len, name]) => [v6Bytes(p), len, name]);

// ---------------------------------------------------------------- prefixes

function inPrefix(addr: number[], prefix: number[], len: number): boolean {
  for (let i = 0; i < len; i++) {
    const byte = i >> 3;
    const bit = 7 - (i & 7);
    if (((addr[byte] >> bit) & 1) !== ((prefix[byte] >> bit) & 1)) return false;
  }
  return true;
}
