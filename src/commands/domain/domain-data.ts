import { addressRefusal, MAX_HOST_ADDRESSES, parseAddress } from '../../registry/addresses.js';
import { hostNameScripts, normalizeName, scriptsAllowed, shortNameReason } from '../../registry/names.js';
import { periodYears } from '../../registry/periods.js';
import { domainDisplayStatuses } from '../../registry/statuses.js';
import type { TldPolicy } from '../../registry/policy.js';
import type { Tld } from '../../storage/core-repos.js';
import type { ContactRef, Domain, DomainContactType, HostAddr, HostAttr, HostRef } from '../../storage/domain-repo.js';
import type { CommandContext } from '../types.js';
import {
  contactExtensionDataMissing,
  contactListedTwice,
  domainContactNotFound,
  contactsRequired,
  contactTypeMissing,
  descriptionTooLong,
  domainNotFound,
  externalHostAddrs,
  glueRequired,
  hostAddrInvalid,
  hostAddrListedTwice,
  hostAddrRefused,
  hostAttrNameScripts,
  hostAttrsNotAccepted,
  hostAttrWithoutAddrs,
  hostNotDelegable,
  hostNotFound,
  hostObjsNotAccepted,
  lastContactNotRemovable,
  nameserverCount,
  nameserverListedTwice,
  nameSyntax,
  periodRefused,
  registrantNotFound,
  tciDomainNotUsed,
  tooManyContacts,
  tooManyHostAddrs,
} from './conditions.js';
import type { ContactInput, NsInput, PeriodInput } from './types.js';

/**
 * What the domain commands share, over their typed inputs (src/commands/domain/types.ts): name
 * classification (IDN, served TLD, scripts, reserved names), loading a domain with its TLD policy, periods,
 * contacts, nameservers, the TCI description and the computed statuses. Each failure is a named condition
 * (./conditions.ts). Sponsorship, the update gate and authInfo passwords are ../object-rules.ts'.
 */

export const CONTACT_TYPES: readonly DomainContactType[] = ['admin', 'tech', 'billing'];

export { nameValue } from './conditions.js';

// ---------------------------------------------------------------- names

export type NameClass =
  | { ok: true; name: string; label: string; tld: Tld }
  /** `code` is what create answers; `reason` the full text (for <msg>); `short` fits <domain:reason> (32 characters). */
  | { ok: false; code: 2004 | 2005 | 2306; reason: string; short: string; name?: string };

/**
 * Classifies a name a client wants to register: syntax (2005), a TLD this registry serves (2004), exactly
 * one label under it (2306), the TLD's IDN tables: one script per label (2306), and reserved names (2306). Whether it is taken is
 * not decided here. `served` saves reading the TLD list again when classifying many names.
 */
export async function classifyName(ctx: CommandContext, input: string, served?: Tld[]): Promise<NameClass> {
  const n = normalizeName(input);
  if (!n.ok) return { ok: false, code: 2005, reason: n.reason, short: shortNameReason(n.reason, 'domain') };
  const tlds = served ?? (await ctx.repos.tlds.list());
  const tld = tlds.filter((t) => n.name.endsWith(`.${t.name}`)).sort((a, b) => b.name.length - a.name.length)[0];
  if (!tld) return { ok: false, code: 2004, reason: `the TLD of ${n.name} is not served by this registry`, short: 'TLD not served by this registry', name: n.name };
  const label = n.name.slice(0, n.name.length - tld.name.length - 1);
  if (label.includes('.')) {
    return { ok: false, code: 2306, reason: `${n.name} is not a single label under .${tld.name}`, short: 'Not a single label under the TLD', name: n.name };
  }
  const scripts = scriptsAllowed([label, tld.name], tld.policy.idnScripts, `.${tld.name}`);
  if (!scripts.ok) return { ok: false, code: 2306, reason: scripts.reason, short: scripts.short, name: n.name };
  if (isReserved(label, tld)) return { ok: false, code: 2306, reason: `${n.name} is reserved`, short: 'Reserved', name: n.name };
  return { ok: true, name: n.name, label, tld };
}

/**
 * The reserved labels of a TLD as A-labels, computed once per TLD object (the TLD repository hands out the
 * same frozen objects until a TLD changes): a reserved list of thousands of names costs a check one lookup.
 */
const reservedLabels = new WeakMap<Tld, Set<string>>();

function isReserved(label: string, tld: Tld): boolean {
  let labels = reservedLabels.get(tld);
  if (!labels) {
    labels = new Set();
    for (const r of tld.policy.reservedNames) {
      const n = normalizeName(`${r}.${tld.name}`);
      if (n.ok) labels.add(n.labels[0]);
    }
    reservedLabels.set(tld, labels);
  }
  return labels.has(label);
}


/** Normalises the name of an existing object in a command; a syntactically impossible name is a 2005 (nameSyntax). */
export function normalizedOrFail(input: string, valueName = 'domain:name'): string {
  const n = normalizeName(input);
  if (!n.ok) throw nameSyntax(input, n.reason, valueName);
  return n.name;
}

// ---------------------------------------------------------------- loading

export interface LoadedDomain {
  domain: Domain;
  policy: TldPolicy;
}

/** Loads the domain a command names, as sent (nameSyntax 2005 for an impossible name, domainNotFound 2303). */
export async function loadDomain(ctx: CommandContext, input: string): Promise<LoadedDomain> {
  const name = normalizedOrFail(input);
  const domain = await ctx.repos.domains.byName(name);
  if (!domain) throw domainNotFound(name, input);
  const tld = await ctx.repos.tlds.get(domain.tld);
  if (!tld) throw new Error(`domain ${domain.name} has TLD ${domain.tld} without a policy`);
  return { domain, policy: tld.policy };
}

// ---------------------------------------------------------------- periods

/** Years of a command's period (the policy's default when absent); periodRefused (2004) outside the policy. */
export function periodYearsOf(p: PeriodInput | undefined, policy: TldPolicy): number {
  if (!p) return policy.period.default;
  const r = periodYears(p.value, p.unit, policy.period);
  if (!r.ok) throw periodRefused(r.reason, p);
  return r.years;
}

// ---------------------------------------------------------------- contacts

export interface ContactLine {
  type: DomainContactType;
  contact: ContactRef;
}

/**
 * The contacts of a command, each resolved: contactTypeMissing (2003) without a type, domainContactNotFound (2303)
 * for an unknown handle, contactListedTwice (2306).
 */
export async function resolveContacts(ctx: CommandContext, contacts: readonly ContactInput[]): Promise<ContactLine[]> {
  const out: ContactLine[] = [];
  for (const { type, handle } of contacts) {
    if (!type) throw contactTypeMissing(handle);
    const contact = await ctx.repos.domains.contactByHandle(handle);
    if (!contact) throw domainContactNotFound(type, handle);
    if (out.some((o) => o.type === type && o.contact.id === contact.id)) throw contactListedTwice(type, handle);
    out.push({ type, contact });
  }
  return out;
}

/** The registrant a command names (registrantNotFound 2303). */
export async function resolveRegistrant(ctx: CommandContext, handle: string): Promise<ContactRef> {
  const c = await ctx.repos.domains.contactByHandle(handle);
  if (!c) throw registrantNotFound(handle);
  return c;
}

/**
 * Contacts being linked to a domain of a TLD whose policy requires a contact extension ('tci') must carry its
 * data (contactExtensionDataMissing 2306 naming the first that does not); contacts may exist without it.
 */
export function requireContactExtension(policy: TldPolicy, tld: string, linked: ReadonlyArray<{ type: 'registrant' | DomainContactType; contact: ContactRef }>): void {
  if (policy.contactExtension !== 'tci') return;
  const missing = linked.find((l) => !l.contact.hasTci);
  if (missing) throw contactExtensionDataMissing(tld, missing.type, missing.contact.handle);
}

/**
 * Per type in `types`: at most maxContactsPerType (tooManyContacts 2306); unless `min` is null, at least the
 * required number (on create contactsRequired 2003, on update lastContactNotRemovable 2306).
 */
export function checkContactCounts(
  lines: Array<{ type: DomainContactType; handle: string }>,
  policy: TldPolicy,
  types: readonly DomainContactType[],
  min: 'create' | 'update' | null,
): void {
  for (const type of types) {
    const of = lines.filter((l) => l.type === type);
    if (of.length > policy.maxContactsPerType) throw tooManyContacts(policy.maxContactsPerType, type, of.length, of[of.length - 1].handle);
    const required = policy.requiredContacts[type];
    if (min !== null && of.length < required) throw min === 'create' ? contactsRequired(required, type) : lastContactNotRemovable(required, type);
  }
}

// ---------------------------------------------------------------- nameservers

export type NsSpec = { kind: 'obj'; hosts: HostRef[] } | { kind: 'attr'; attrs: HostAttr[] };

/**
 * Resolves the <domain:ns> of `domainName` under the TLD's host model: hostObj names must be existing hosts
 * (hostNotFound 2303); hostAttr is accepted only under the hostAttr model (hostAttrsNotAccepted 2306, and
 * vice versa hostObjsNotAccepted). Host attributes get the rules of host objects (checkHostAttrs).
 * Duplicates: nameserverListedTwice 2306; an impossible host name: nameSyntax 2005. Whether an in-bailiwick
 * host object has addresses is checkDelegable's.
 */
export async function resolveNs(ctx: CommandContext, ns: NsInput | undefined, domainName: string, policy: TldPolicy): Promise<NsSpec> {
  const objs = ns?.hostObjs ?? [];
  const attrs = ns?.hostAttrs ?? [];
  if (attrs.length > 0) {
    if (policy.hostModel !== 'hostAttr') throw hostAttrsNotAccepted(attrs[0].name);
    return { kind: 'attr', attrs: await checkHostAttrs(ctx, attrs, domainName, policy) };
  }
  if (objs.length > 0 && policy.hostModel !== 'hostObj') throw hostObjsNotAccepted(objs[0]);
  const hosts: HostRef[] = [];
  for (const input of objs) {
    const name = normalizedOrFail(input, 'domain:hostObj');
    const h = await ctx.repos.domains.hostByName(name);
    if (!h) throw hostNotFound(name, input);
    if (hosts.some((x) => x.id === h.id)) throw nameserverListedTwice(name, 'domain:hostObj', input);
    hosts.push(h);
  }
  return { kind: 'obj', hosts };
}

/**
 * Host attributes (RFC 5731 §1.1, hostAttr model) held to the rules of host objects (RFC 5732 and
 * ../host/create.ts), each as sent, in order:
 * - the name: LDH/IDNA2008 (nameSyntax 2005), listed once (nameserverListedTwice 2306), one script per label
 *   like a host object's name (hostAttrNameScripts 2306);
 * - addresses: each matching its ip attribute (hostAddrInvalid 2005), listed once (hostAddrListedTwice
 *   2306), stored in canonical form (IPv6 per RFC 5952);
 * - in the registry's zones — named like the domain or under it, or under any served TLD when the policy's
 *   hostAttrGlue is 'servedTlds' — the attribute is glue and must carry addresses: glueRequired (2003) where
 *   the TLD requires glue, as host:create answers, hostAttrWithoutAddrs (2306) otherwise, as delegating to an
 *   internal host object without addresses answers; its addresses are checked as a host object's
 *   (hostAddrRefused 2306: loopback, unspecified, private ranges under refusePrivateAddresses;
 *   tooManyHostAddrs 2306);
 * - outside them it takes no addresses (externalHostAddrs 2306), as an external host object.
 */
export async function checkHostAttrs(ctx: CommandContext, attrs: NsInput['hostAttrs'], domainName: string, policy: TldPolicy): Promise<HostAttr[]> {
  const served = await ctx.repos.tlds.list();
  const servedScope = policy.hostAttrGlue === 'servedTlds';
  const scope = servedScope ? 'under a TLD of this registry' : `${domainName} or under it`;
  const out: HostAttr[] = [];
  for (const a of attrs) {
    const input = a.name;
    const name = normalizedOrFail(input, 'domain:hostName');
    if (out.some((o) => o.name === name)) throw nameserverListedTwice(name, 'domain:hostName', input);
    const scripts = hostNameScripts(name, served);
    if (!scripts.ok) throw hostAttrNameScripts(input, scripts.reason);
    const addrs: HostAddr[] = [];
    for (const sent of a.addrs) {
      const r = parseAddress(sent.addr.trim(), sent.ip);
      if (!r.ok) throw hostAddrInvalid(sent, r.reason);
      if (addrs.some((x) => x.addr === r.address.addr)) throw hostAddrListedTwice(name, r.address);
      addrs.push(r.address);
    }
    const inZone = servedScope
      ? served.some((t) => name.endsWith(`.${t.name}`))
      : name === domainName || name.endsWith(`.${domainName}`);
    if (!inZone) {
      if (addrs.length > 0) throw externalHostAddrs(name, scope, input);
    } else {
      if (addrs.length === 0) throw (policy.glue === 'required' ? glueRequired : hostAttrWithoutAddrs)(name, scope, input);
      if (addrs.length > MAX_HOST_ADDRESSES) throw tooManyHostAddrs(MAX_HOST_ADDRESSES, input);
      for (const x of addrs) {
        const why = addressRefusal(x, policy.refusePrivateAddresses);
        if (why) throw hostAddrRefused(x, why);
      }
    }
    out.push({ name, addrs });
  }
  return out;
}

/** An internal host (one with a superordinate domain in this registry) needs addresses before it is delegated to (hostNotDelegable 2306). */
export function checkDelegable(hosts: HostRef[]): void {
  for (const h of hosts) {
    if (h.superordinateId !== null && h.addressCount === 0) throw hostNotDelegable(h.name);
  }
}

/** The policy's range of nameservers (nameserverCount 2306). */
export function checkNsCount(count: number, policy: TldPolicy): void {
  if (count < policy.nameservers.min || count > policy.nameservers.max) throw nameserverCount(policy.nameservers.min, policy.nameservers.max, count);
}

// ---------------------------------------------------------------- TCI domain extension

/** Longest description kept (the reconstructed TCI schema's limit). */
const MAX_DESCRIPTION = 4000;

/**
 * The description a <tcidom:create> or <tcidom:update><tcidom:chg> sets (TCI dialect only: tciDomainNotUsed
 * 2306 in a TLD that does not use it): the lines in order, each with its line breaks and tabs made spaces
 * and trimmed, empty ones dropped; no line (or only empty ones) clears it (null). Longer than the limit:
 * descriptionTooLong 2306. Undefined when the extension is absent.
 */
export function descriptionOf(lines: readonly string[] | undefined, policy: TldPolicy, tldName: string): string | null | undefined {
  if (lines === undefined) return undefined;
  if (policy.contactExtension !== 'tci') throw tciDomainNotUsed(tldName);
  const text = lines
    .map((l) => l.replace(/[\r\n\t]+/g, ' ').trim())
    .filter((l) => l.length > 0)
    .join('\n');
  if (text.length > MAX_DESCRIPTION) throw descriptionTooLong(MAX_DESCRIPTION, text);
  return text.length > 0 ? text : null;
}

// ---------------------------------------------------------------- statuses

/** Stored statuses plus the computed ones: `inactive` without nameservers, `ok` when nothing else applies. */
export function displayStatuses(d: Pick<Domain, 'statuses'>, nsCount: number): string[] {
  return domainDisplayStatuses(d.statuses, nsCount);
}
