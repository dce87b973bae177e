import { isIPv4, isIPv6 } from 'node:net';
import { EppError, fail } from '../../protocol/errors.js';
import { NS } from '../../protocol/namespaces.js';
import { eppDateTime } from '../../protocol/response.js';
import { child, childText, children, el, type Elem, type Out } from '../../protocol/xml-node.js';
import { normalizeName, scriptsAllowed, shortNameReason } from '../../registry/names.js';
import { periodYears } from '../../registry/periods.js';
import type { TldPolicy } from '../../registry/policy.js';
import type { Tld } from '../../storage/core-repos.js';
import type { ContactRef, Domain, DomainContact, DomainContactType, HostAddr, HostAttr, HostRef } from '../../storage/domain-repo.js';
import type { CommandContext, CommandRequest } from '../types.js';
import { domainNotFound, nameSyntax } from './conditions.js';

/**
 * What the domain commands share: name classification (IDN, served TLD, scripts, reserved names), loading a
 * domain with its TLD policy, sponsorship, parsing of periods, contacts, nameservers and authInfo, the
 * computed statuses and the <domain:infData> tree.
 */

export const CONTACT_TYPES: readonly DomainContactType[] = ['admin', 'tech', 'billing'];

/** The element naming a domain in <value>. */
export const nameValue = (input: string): Out => el('domain:name', null, input);

// ---------------------------------------------------------------- names

export type NameClass =
  | { ok: true; name: string; label: string; tld: Tld }
  /** `code` is what create answers; `reason` the full text (for <msg>); `short` fits <domain:reason> (32 characters). */
  | { ok: false; code: 2004 | 2005 | 2306; reason: string; short: string; name?: string };

/**
 * Classifies a name a client wants to register: syntax (2005), a TLD this registry serves (2004), exactly
 * one label under it (2306), the TLD's IDN scripts (2306) and reserved names (2306). Whether it is taken is
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
  const scripts = scriptsAllowed([label, tld.name], tld.policy.idnScripts);
  if (!scripts.ok) return { ok: false, code: 2306, reason: scripts.reason, short: 'Script not allowed in this TLD', name: n.name };
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

/** Only the sponsoring registrar may change a domain (2201). */
export function requireSponsor(ctx: CommandContext, d: Domain, action: string): void {
  if (d.sponsorId !== ctx.registrar.id) {
    throw fail.authorization(`Domain ${d.name} is sponsored by another registrar; only the sponsor may ${action} it`);
  }
}

// ---------------------------------------------------------------- periods and authInfo

/** Years of the command's <domain:period> (policy default when absent); 2004 outside the policy. */
export function parsePeriod(object: Elem, policy: TldPolicy): number {
  const p = child(object, 'period');
  if (!p) return policy.period.default;
  const value = Number(p.text.trim());
  const unit = p.attrs.unit ?? 'y';
  const r = periodYears(value, unit, policy.period);
  if (!r.ok) throw fail.range(`Period refused: ${r.reason}`, el('domain:period', { unit }, p.text.trim()));
  return r.years;
}

/** Longest authInfo password stored. */
const MAX_PW = 255;

/** The <domain:pw> of an <domain:authInfo> (create, chg); <domain:ext> is not supported (2102). */
export function parseAuthPw(authInfo: Elem): string {
  if (child(authInfo, 'ext')) throw fail.unimplementedOption('Only password authInfo (<domain:pw>) is supported');
  const pw = child(authInfo, 'pw');
  if (!pw) throw fail.missing('authInfo requires <domain:pw>');
  if (pw.attrs.roid !== undefined) throw fail.policy('A domain authInfo password carries no roid', el('domain:pw', null, ''));
  const text = pw.text;
  if (text.trim().length === 0) throw fail.policy('The authInfo password must not be empty', el('domain:pw', null, ''));
  if (text.length > MAX_PW) throw fail.policy(`The authInfo password is longer than ${MAX_PW} characters`, el('domain:pw', null, ''));
  return text;
}

// ---------------------------------------------------------------- contacts

export interface ContactLine {
  type: DomainContactType;
  contact: ContactRef;
}

/** The <domain:contact> elements of `parent`, each resolved (2003 without type, 2303 unknown). */
export async function resolveContacts(ctx: CommandContext, parent: Elem | undefined): Promise<ContactLine[]> {
  const out: ContactLine[] = [];
  for (const c of children(parent, 'contact', NS.domain)) {
    const handle = c.text.trim();
    const type = c.attrs.type as DomainContactType | undefined;
    if (!type) throw fail.missing(`Contact ${handle} has no type (admin, tech or billing)`, el('domain:contact', null, handle));
    const contact = await ctx.repos.domains.contactByHandle(handle);
    if (!contact) throw fail.notFound(`Contact ${handle} does not exist`, el('domain:contact', { type }, handle));
    if (out.some((o) => o.type === type && o.contact.id === contact.id)) {
      throw fail.policy(`Contact ${handle} is listed twice as ${type}`, el('domain:contact', { type }, handle));
    }
    out.push({ type, contact });
  }
  return out;
}

export async function resolveRegistrant(ctx: CommandContext, handle: string): Promise<ContactRef> {
  const c = await ctx.repos.domains.contactByHandle(handle);
  if (!c) throw fail.notFound(`Registrant ${handle} does not exist`, el('domain:registrant', null, handle));
  return c;
}

/** Per type in `types`: at most maxContactsPerType (2306); unless `minCode` is null, at least the required number (2003 on create, 2306 on update). */
export function checkContactCounts(
  lines: Array<{ type: DomainContactType; handle: string }>,
  policy: TldPolicy,
  types: readonly DomainContactType[],
  minCode: 2003 | 2306 | null,
): void {
  for (const type of types) {
    const of = lines.filter((l) => l.type === type);
    if (of.length > policy.maxContactsPerType) {
      throw fail.policy(
        `At most ${policy.maxContactsPerType} ${type} contact(s) allowed, ${of.length} given`,
        el('domain:contact', { type }, of[of.length - 1].handle),
      );
    }
    const min = policy.requiredContacts[type];
    if (minCode !== null && of.length < min) {
      const msg =
        minCode === 2003 ? `At least ${min} ${type} contact(s) required` : `A domain needs at least ${min} ${type} contact(s): the last one cannot be removed`;
      throw new EppError(minCode, msg, minCode === 2306 ? el('domain:contact', { type }, '') : undefined);
    }
  }
}

// ---------------------------------------------------------------- nameservers

export type NsSpec = { kind: 'obj'; hosts: HostRef[] } | { kind: 'attr'; attrs: HostAttr[] };

/**
 * Resolves a <domain:ns> of `domainName` under the TLD's host model: hostObj names must be existing hosts
 * (2303), and an in-bailiwick host without addresses cannot be delegated to (2306); hostAttr is accepted
 * only under the hostAttr model (2306 otherwise, and vice versa), with addresses only for hosts under the
 * domain itself (required there when the TLD requires glue). Duplicates: 2306.
 */
export async function resolveNs(ctx: CommandContext, ns: Elem | undefined, domainName: string, policy: TldPolicy): Promise<NsSpec> {
  const objs = children(ns, 'hostObj', NS.domain);
  const attrs = children(ns, 'hostAttr', NS.domain);
  if (attrs.length > 0) {
    if (policy.hostModel !== 'hostAttr') {
      const first = childText(attrs[0], 'hostName') ?? '';
      throw fail.policy('This TLD takes nameservers as host objects (<domain:hostObj>), not host attributes', el('domain:hostName', null, first));
    }
    const out: HostAttr[] = [];
    for (const a of attrs) {
      const input = childText(a, 'hostName') ?? '';
      const name = normalizedOrFail(input, 'domain:hostName');
      if (out.some((o) => o.name === name)) throw fail.policy(`Nameserver ${name} is listed twice`, el('domain:hostName', null, input));
      const addrs: HostAddr[] = [];
      for (const x of children(a, 'hostAddr', NS.domain)) {
        const ip = (x.attrs.ip ?? 'v4') as 'v4' | 'v6';
        const addr = x.text.trim();
        if (ip === 'v4' ? !isIPv4(addr) : !isIPv6(addr)) throw fail.valueSyntax(`${addr} is not an IP${ip} address`, el('domain:hostAddr', { ip }, addr));
        if (!addrs.some((y) => y.addr === addr)) addrs.push({ ip, addr: ip === 'v6' ? addr.toLowerCase() : addr });
      }
      const internal = name.endsWith(`.${domainName}`);
      if (!internal && addrs.length > 0) {
        throw fail.policy(`Nameserver ${name} is not under ${domainName}: it takes no addresses`, el('domain:hostName', null, input));
      }
      if (internal && addrs.length === 0 && policy.glue === 'required') {
        throw fail.policy(`Nameserver ${name} is under ${domainName}: it needs addresses (glue)`, el('domain:hostName', null, input));
      }
      out.push({ name, addrs });
    }
    return { kind: 'attr', attrs: out };
  }
  if (objs.length > 0 && policy.hostModel !== 'hostObj') {
    throw fail.policy('This TLD takes nameservers as host attributes (<domain:hostAttr>), not host objects', el('domain:hostObj', null, objs[0].text.trim()));
  }
  const hosts: HostRef[] = [];
  for (const o of objs) {
    const input = o.text.trim();
    const name = normalizedOrFail(input, 'domain:hostObj');
    const h = await ctx.repos.domains.hostByName(name);
    if (!h) throw fail.notFound(`Host ${name} does not exist`, el('domain:hostObj', null, input));
    if (hosts.some((x) => x.id === h.id)) throw fail.policy(`Nameserver ${name} is listed twice`, el('domain:hostObj', null, input));
    hosts.push(h);
  }
  return { kind: 'obj', hosts };
}

/** An internal host (one with a superordinate domain in this registry) needs addresses before it is delegated to. */
export function checkDelegable(hosts: HostRef[]): void {
  for (const h of hosts) {
    if (h.superordinateId !== null && h.addressCount === 0) {
      throw fail.policy(`Host ${h.name} is in this registry and has no addresses: it cannot be used as a nameserver`, el('domain:hostObj', null, h.name));
    }
  }
}

export function checkNsCount(count: number, policy: TldPolicy): void {
  if (count < policy.nameservers.min || count > policy.nameservers.max) {
    throw fail.policy(`A domain must have ${policy.nameservers.min} to ${policy.nameservers.max} nameservers; this would leave ${count}`);
  }
}

// ---------------------------------------------------------------- TCI domain extension

/** Longest description kept (the reconstructed TCI schema's limit). */
const MAX_DESCRIPTION = 4000;

/**
 * The description of a <tcidom:create> or <tcidom:update><tcidom:chg> (TCI dialect only: 2306 in a TLD
 * that does not use it). Several <description> elements are kept in order, one per line; no element (or
 * only empty ones) clears it. Undefined when the extension is absent.
 */
export function parseDescription(ext: Elem | undefined, policy: TldPolicy, tldName: string): string | null | undefined {
  if (!ext) return undefined;
  if (policy.contactExtension !== 'tci') throw fail.policy(`The TCI domain extension is not used in .${tldName}`);
  const holder = ext.name === 'update' ? child(ext, 'chg') : ext;
  const parts = children(holder, 'description', NS.tciDomain).map((d) => d.text.replace(/[\r\n\t]+/g, ' ').trim());
  const text = parts.filter((p) => p.length > 0).join('\n');
  if (text.length > MAX_DESCRIPTION) {
    throw fail.policy(`The description is longer than ${MAX_DESCRIPTION} characters`, el('tcidom:description', null, text.slice(0, 40)));
  }
  return text.length > 0 ? text : null;
}

// ---------------------------------------------------------------- statuses and response

/** Stored statuses plus the computed ones: `inactive` without nameservers, `ok` when nothing else applies. */
export function displayStatuses(d: Domain, nsCount: number): string[] {
  const s = [...d.statuses];
  if (nsCount === 0) s.push('inactive');
  return s.length > 0 ? s : ['ok'];
}

// ---------------------------------------------------------------- extensions

/**
 * Refuses command extensions this command does not take (e.g. <secDNS:update> on a create, a response
 * element such as <tcidom:infData>) with 2002 instead of silently ignoring them.
 */
export function onlyExtensions(req: CommandRequest, allowed: Array<[string, string]>): void {
  for (const e of req.message.extensions) {
    if (!allowed.some(([ns, name]) => e.ns === ns && e.name === name)) {
      throw fail.use(`The extension element <${e.name}> (${e.ns}) does not belong to this command`);
    }
  }
}
