import { addressRefusal, parseAddress, type HostAddress } from '../../registry/addresses.js';
import { hostNameScripts, normalizeName } from '../../registry/names.js';
import type { TldPolicy } from '../../registry/policy.js';
import type { Tld } from '../../storage/core-repos.js';
import type { Host, SuperordinateDomain } from '../../storage/host-repo.js';
import type { CommandContext } from '../types.js';
import {
  addressListedTwice,
  addressRefused,
  hostNameScriptRefused,
  hostNotFound,
  invalidAddress,
  invalidHostName,
  superordinateNotRegistered,
  superordinateOfOtherSponsor,
  superordinatePendingDelete,
} from './conditions.js';
import type { HostAddrInput } from './types.js';

export { addressValue, nameValue } from './conditions.js';

/**
 * What the host commands share: host names, where a host sits (internal under a registered domain of a
 * served TLD, or external), address checks, loading, and the computed statuses.
 */

// ---------------------------------------------------------------- names and placement

/** A host name as lower-case A-labels (U-labels accepted); invalidHostName (2005) naming the input with the reason. */
export function hostName(input: string): string {
  const n = normalizeName(input);
  if (!n.ok) throw invalidHostName(input, n.reason);
  return n.name;
}

/** A new host name (create, rename) is written one script per label (hostNameScriptRefused 2306 otherwise). */
export async function requireHostNameScripts(ctx: CommandContext, name: string, input: string): Promise<void> {
  const v = hostNameScripts(name, await ctx.repos.tlds.list());
  if (!v.ok) throw hostNameScriptRefused(input, v.reason);
}

/**
 * Where a host name sits:
 * - external: not under any TLD this registry serves (any other TLD, served elsewhere or nowhere);
 * - internal: under a served TLD, below the registered domain whose name is its longest suffix (the name
 *   itself included: a host may be named like its domain), the superordinate domain;
 * - orphan: under a served TLD, but no registered domain holds it (`domain` names the registrable one).
 */
export type Placement =
  | { kind: 'external' }
  | { kind: 'internal'; domain: SuperordinateDomain; tld: Tld }
  | { kind: 'orphan'; domain: string; tld: Tld };

export async function placeHost(ctx: CommandContext, name: string, served?: Tld[]): Promise<Placement> {
  const tlds = served ?? (await ctx.repos.tlds.list());
  const tld = tlds.filter((t) => name === t.name || name.endsWith(`.${t.name}`)).sort((a, b) => b.name.length - a.name.length)[0];
  if (!tld) return { kind: 'external' };
  const labels = name.split('.');
  const tldLabels = tld.name.split('.').length;
  // Every suffix with at least one label under the TLD, longest first.
  const candidates: string[] = [];
  for (let i = 0; labels.length - i > tldLabels; i++) candidates.push(labels.slice(i).join('.'));
  const domain = await ctx.repos.hosts.longestDomain(candidates);
  if (domain) return { kind: 'internal', domain, tld };
  return { kind: 'orphan', domain: candidates[candidates.length - 1] ?? name, tld };
}

/**
 * The placement of a host a registrar creates or renames to `name`: external, or internal under a domain
 * that exists (superordinateNotRegistered, 2303), that the registrar sponsors (superordinateOfOtherSponsor,
 * 2201) and that is not being deleted (superordinatePendingDelete, 2304).
 */
export async function requirePlacement(ctx: CommandContext, name: string, input: string): Promise<Exclude<Placement, { kind: 'orphan' }>> {
  const p = await placeHost(ctx, name);
  if (p.kind === 'orphan') throw superordinateNotRegistered(name, p.tld.name, p.domain, input);
  if (p.kind === 'internal') {
    if (p.domain.sponsorId !== ctx.registrar.id) throw superordinateOfOtherSponsor(name, p.domain.name, input);
    if (p.domain.statuses.includes('pendingDelete')) throw superordinatePendingDelete(name, p.domain.name, input);
  }
  return p;
}

// ---------------------------------------------------------------- addresses

/** Addresses as sent, canonical; invalidAddress (2005) for a malformed one or a wrong `ip`, addressListedTwice (2306). */
export function parseAddrs(inputs: readonly HostAddrInput[]): HostAddress[] {
  const out: HostAddress[] = [];
  for (const a of inputs) {
    const r = parseAddress(a.addr.trim(), a.ip);
    if (!r.ok) throw invalidAddress(a, r.reason);
    if (out.some((x) => x.addr === r.address.addr)) throw addressListedTwice(r.address.addr, a);
    out.push(r.address);
  }
  return out;
}

/** addressRefused (2306) for an address the host may not have: loopback/unspecified always, private ranges by the TLD policy. */
export function checkAddressRanges(addrs: HostAddress[], policy: TldPolicy): void {
  for (const a of addrs) {
    const why = addressRefusal(a, policy.refusePrivateAddresses);
    if (why) throw addressRefused(a, why);
  }
}

// ---------------------------------------------------------------- loading and statuses

/** Loads the host a command names, as sent (invalidHostName 2005 for an impossible name, hostNotFound 2303). */
export async function loadHost(ctx: CommandContext, input: string): Promise<Host> {
  const name = hostName(input);
  const host = await ctx.repos.hosts.byName(name);
  if (!host) throw hostNotFound(name, input);
  return host;
}

/** Stored statuses plus the computed ones: `ok` when nothing is stored, `linked` while a domain uses the host (RFC 5732: ok may only be combined with linked). */
export function displayStatuses(h: Pick<Host, 'statuses'>, linked: boolean): string[] {
  const s = h.statuses.length === 0 ? ['ok'] : [...h.statuses];
  if (linked) s.push('linked');
  return s;
}
