import { fail } from '../../protocol/errors.js';
import { NS } from '../../protocol/namespaces.js';
import { eppDateTime } from '../../protocol/response.js';
import { childText, children, el, type Elem, type Out } from '../../protocol/xml-node.js';
import { addressRefusal, parseAddress, type HostAddress } from '../../registry/addresses.js';
import { normalizeName } from '../../registry/names.js';
import type { TldPolicy } from '../../registry/policy.js';
import type { Tld } from '../../storage/core-repos.js';
import type { Host, SuperordinateDomain } from '../../storage/host-repo.js';
import type { CommandContext, CommandRequest } from '../types.js';

/**
 * What the host commands share: host names, where a host sits (internal under a registered domain of a
 * served TLD, or external), address parsing and checks, loading and sponsorship, statuses and <host:infData>.
 */

/** The element naming a host in <value>: the name as the client sent it. */
export const nameValue = (input: string): Out => el('host:name', null, input);

/** Host commands take no extension: anything sent along is refused (2002) rather than ignored. */
export function noExtensions(req: CommandRequest): void {
  const e = req.message.extensions[0];
  if (e) throw fail.use(`The extension element <${e.name}> (${e.ns}) does not belong to a host command`);
}

// ---------------------------------------------------------------- names and placement

/** A host name as lower-case A-labels (U-labels accepted); 2005 naming the input with the reason. */
export function hostName(input: string): string {
  const n = normalizeName(input);
  if (!n.ok) throw fail.valueSyntax(`Invalid host name ${input}: ${n.reason}`, nameValue(input));
  return n.name;
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
 * that exists (2303), that the registrar sponsors (2201) and that is not being deleted (2304).
 */
export async function requirePlacement(ctx: CommandContext, name: string, input: string): Promise<Exclude<Placement, { kind: 'orphan' }>> {
  const p = await placeHost(ctx, name);
  if (p.kind === 'orphan') {
    throw fail.notFound(`Host ${name} is under .${p.tld.name}, but its domain ${p.domain} is not registered`, nameValue(input));
  }
  if (p.kind === 'internal') {
    if (p.domain.sponsorId !== ctx.registrar.id) {
      throw fail.authorization(`Host ${name} is under ${p.domain.name}, which another registrar sponsors`, nameValue(input));
    }
    if (p.domain.statuses.includes('pendingDelete')) {
      throw fail.status(`Host ${name} is under ${p.domain.name}, which is being deleted (pendingDelete)`, nameValue(input));
    }
  }
  return p;
}

// ---------------------------------------------------------------- addresses

/** The <host:addr> children of `parent`, canonical; 2005 for a malformed one or a wrong `ip`, 2306 for one listed twice. */
export function parseAddrs(parent: Elem | undefined): HostAddress[] {
  const out: HostAddress[] = [];
  for (const a of children(parent, 'addr', NS.host)) {
    const text = a.text.trim();
    const r = parseAddress(text, a.attrs.ip);
    if (!r.ok) throw fail.valueSyntax(`Invalid address: ${r.reason}`, addrValue(a));
    if (out.some((x) => x.addr === r.address.addr)) throw fail.policy(`Address ${r.address.addr} is listed twice`, addrValue(a));
    out.push(r.address);
  }
  return out;
}

function addrValue(a: Elem): Out {
  return el('host:addr', { ip: a.attrs.ip === 'v6' ? 'v6' : 'v4' }, a.text.trim());
}

export const addressValue = (a: HostAddress): Out => el('host:addr', { ip: a.ip }, a.addr);

/** 2306 for an address the host may not have: loopback/unspecified always, private ranges by the TLD policy. */
export function checkAddressRanges(addrs: HostAddress[], policy: TldPolicy): void {
  for (const a of addrs) {
    const why = addressRefusal(a, policy.refusePrivateAddresses);
    if (why) throw fail.policy(`Address refused: ${why}`, addressValue(a));
  }
}

// ---------------------------------------------------------------- loading

/** Loads the host a command names (2005 for an impossible name, 2303 when there is none). */
export async function loadHost(ctx: CommandContext, object: Elem): Promise<Host> {
  const input = childText(object, 'name') ?? '';
  const name = hostName(input);
  const host = await ctx.repos.hosts.byName(name);
  if (!host) throw fail.notFound(`Host ${name} does not exist`, nameValue(input));
  return host;
}

/** Only the sponsoring registrar may change a host (2201). */
export function requireSponsor(ctx: CommandContext, h: Host, action: string): void {
  if (h.sponsorId !== ctx.registrar.id) {
    throw fail.authorization(`Host ${h.name} is sponsored by another registrar; only the sponsor may ${action} it`, nameValue(h.name));
  }
}

// ---------------------------------------------------------------- statuses and response

/** Stored statuses plus the computed ones: `ok` when nothing is stored, `linked` while a domain uses the host (RFC 5732: ok may only be combined with linked). */
export function displayStatuses(h: Host, linked: boolean): string[] {
  const s = h.statuses.length === 0 ? ['ok'] : [...h.statuses];
  if (linked) s.push('linked');
  return s;
}

/** <host:infData> in the schema's order. Hosts have no authInfo: every logged-in registrar sees all of it. */
export function infData(h: Host, linked: boolean): Out {
  return el('host:infData', null, [
    el('host:name', null, h.name),
    el('host:roid', null, h.roid),
    ...displayStatuses(h, linked).map((s) => el('host:status', { s })),
    ...h.addresses.map(addressValue),
    el('host:clID', null, h.sponsorClId),
    el('host:crID', null, h.creatorClId),
    el('host:crDate', null, eppDateTime(h.createdAt)),
    h.updaterClId !== null && el('host:upID', null, h.updaterClId),
    h.updatedAt !== null && el('host:upDate', null, eppDateTime(h.updatedAt)),
    h.transferredAt !== null && el('host:trDate', null, eppDateTime(h.transferredAt)),
  ]);
}

