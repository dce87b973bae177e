import { displayStatuses as contactStatuses } from '../commands/contact/contact-data.js';
import { displayStatuses as domainStatuses } from '../commands/domain/domain-data.js';
import { displayStatuses as hostStatuses } from '../commands/host/host-data.js';
import { rgpStatuses } from '../registry/lifecycle.js';
import { normalizeName, toUnicodeName } from '../registry/names.js';
import type { Tld } from '../storage/core-repos.js';
import type { Contact } from '../storage/contact-repo.js';
import type { HostAddr } from '../storage/domain-repo.js';
import type { Host } from '../storage/host-repo.js';
import type { Repos } from '../storage/store.js';
import {
  conformance,
  events,
  inaccuracyNotice,
  link,
  rdapStatuses,
  statusCodesNotice,
  termsOfServiceNotice,
  type JsonObject,
  type RenderContext,
} from './common.js';
import { contactEntity, publishedElements, strictestPolicy } from './contacts.js';
import { badRequest, notFound } from './errors.js';
import { registrarEntity } from './registrars.js';
import type { Snapshots } from './snapshots.js';

/**
 * The RDAP lookups (RFC 9082 §3.1): domain, nameserver, entity, help. Each reads its object in one
 * snapshot and renders it as RFC 9083 and the gTLD RDAP Response Profile (2024) describe. A malformed
 * name is a 400; a name that is well formed but not registered here (in a TLD this registry does not
 * serve, too) is a 404.
 */

/** The request's part of the render context; the snapshot adds its instant. */
export type RequestContext = Omit<RenderContext, 'now'>;

const REASON = { description: 'Server policy' };

/** A name from the path: LDH or U-labels, any case, one final dot allowed; 400 when it cannot be a name. */
function nameFromPath(raw: string, what: 'domain' | 'nameserver'): string {
  const n = normalizeName(raw);
  if (!n.ok) throw badRequest(`${JSON.stringify(raw)} is not a ${what} name: ${n.reason}`);
  return n.name;
}

/** ldhName, and unicodeName when a label is an A-label (RFC 9083 §3: both for an IDN). */
function names(name: string): JsonObject {
  return name.split('.').some((l) => l.startsWith('xn--')) ? { ldhName: name, unicodeName: toUnicodeName(name) } : { ldhName: name };
}

function ipAddresses(addrs: HostAddr[]): JsonObject | undefined {
  if (addrs.length === 0) return undefined;
  const out: JsonObject = {};
  const v4 = addrs.filter((a) => a.ip === 'v4').map((a) => a.addr);
  const v6 = addrs.filter((a) => a.ip === 'v6').map((a) => a.addr);
  if (v4.length) out.v4 = v4;
  if (v6.length) out.v6 = v6;
  return out;
}

function servedTld(tlds: Tld[], name: string): Tld | undefined {
  return tlds.filter((t) => name.endsWith(`.${t.name}`)).sort((a, b) => b.name.length - a.name.length)[0];
}

async function loadRegistrar(r: Repos, id: number) {
  const reg = await r.registrars.byId(id);
  if (!reg) throw new Error(`registrar ${id} of a stored object is missing`);
  return reg;
}

async function loadContact(r: Repos, handle: string): Promise<Contact> {
  const c = await r.contacts.byHandle(handle);
  if (!c) throw new Error(`contact ${handle} of a stored domain is missing`);
  return c;
}

/** domain/<name>: the domain with its registrar, contacts (redacted per policy), nameservers and DNSSEC data. */
export async function domainLookup(snapshots: Snapshots, raw: string, req: RequestContext): Promise<JsonObject> {
  const name = nameFromPath(raw, 'domain');
  return snapshots.read(async (r, now) => {
    const ctx: RenderContext = { ...req, now };
    const tld = servedTld(await r.tlds.list(), name);
    if (!tld) throw notFound(`domain ${name}`, 'its TLD is not served by this registry');
    const d = await r.domains.byName(name);
    if (!d) throw notFound(`domain ${name}`, 'not registered');
    const sponsor = await loadRegistrar(r, d.sponsorId);
    const contacts = await r.domains.contacts(d.id);
    const nameservers = await r.domains.nameservers(d.id);
    const hostAttrs = await r.domains.hostAttrs(d.id);
    const hosts: Host[] = [];
    for (const ns of nameservers) {
      const h = await r.hosts.byName(ns.name);
      if (h) hosts.push(h);
    }
    const ds = await r.domains.dsData(d.id);
    const keys = await r.domains.keyData(d.id);
    const graces = await r.lifecycle.activeGrace(d.id, now);
    const deletion = await r.lifecycle.deletion(d.id);

    const entities: JsonObject[] = [registrarEntity(sponsor, ctx)];
    const redacted: JsonObject[] = [];
    const addContact = (c: Contact, role: 'registrant' | 'technical') => {
      const out = contactEntity(c, role, publishedElements(c, tld.policy.rdap), `$.entities[${entities.length}]`, false);
      entities.push(out.entity);
      redacted.push(...out.redacted);
    };
    if (d.registrantHandle) addContact(await loadContact(r, d.registrantHandle), 'registrant');
    for (const c of contacts.filter((x) => x.type === 'tech')) addContact(await loadContact(r, c.handle), 'technical');
    // The Registration Data Policy has no administrative or billing contact in registration data.
    for (const [type, role, label] of [
      ['admin', 'administrative', 'Administrative Contact'],
      ['billing', 'billing', 'Billing Contact'],
    ] as const) {
      if (contacts.some((c) => c.type === type)) {
        redacted.push({ name: { description: label }, prePath: `$.entities[?(@.roles[0]=='${role}')]`, pathLang: 'jsonpath', method: 'removal', reason: REASON });
      }
    }

    const secureDNS: JsonObject = { delegationSigned: ds.length + keys.length > 0 };
    if (d.maxSigLife !== null) secureDNS.maxSigLife = d.maxSigLife;
    if (ds.length) secureDNS.dsData = ds.map((x) => ({ keyTag: x.keyTag, algorithm: x.alg, digest: x.digest, digestType: x.digestType }));
    if (keys.length) secureDNS.keyData = keys.map((k) => ({ flags: k.flags, protocol: k.protocol, publicKey: k.pubKey, algorithm: k.alg }));

    const links = [link(ctx, 'self', `${ctx.baseUrl}domain/${d.name}`)];
    if (sponsor.rdapBaseUrl) links.push(link(ctx, 'related', `${sponsor.rdapBaseUrl}domain/${d.name}`));

    const body: JsonObject = {
      rdapConformance: conformance(redacted.length > 0),
      objectClassName: 'domain',
      handle: d.roid,
      ...names(d.name),
      links,
      status: rdapStatuses([...domainStatuses(d, nameservers.length + hostAttrs.length), ...rgpStatuses(graces, deletion, now)]),
      entities,
      events: events(ctx, [
        ['registration', d.createdAt],
        ['expiration', d.expiresAt],
        ['last changed', d.updatedAt],
        ['transfer', d.transferredAt],
      ]),
      secureDNS,
      nameservers: [
        ...hosts.map((h) => ({
          objectClassName: 'nameserver',
          handle: h.roid,
          ...names(h.name),
          ipAddresses: ipAddresses(h.addresses),
          links: [link(ctx, 'self', `${ctx.baseUrl}nameserver/${h.name}`)],
        })),
        ...hostAttrs.map((h) => ({ objectClassName: 'nameserver', ...names(h.name), ipAddresses: ipAddresses(h.addrs) })),
      ],
      notices: [termsOfServiceNotice(ctx), statusCodesNotice(ctx), inaccuracyNotice(ctx)],
    };
    if (redacted.length) body.redacted = redacted;
    return body;
  });
}

/** nameserver/<name>: a host object, its addresses, statuses and sponsoring registrar. */
export async function nameserverLookup(snapshots: Snapshots, raw: string, req: RequestContext): Promise<JsonObject> {
  const name = nameFromPath(raw, 'nameserver');
  return snapshots.read(async (r, now) => {
    const ctx: RenderContext = { ...req, now };
    const h = await r.hosts.byName(name);
    if (!h) throw notFound(`nameserver ${name}`, 'no such host object');
    const sponsor = await loadRegistrar(r, h.sponsorId);
    return {
      rdapConformance: conformance(false),
      objectClassName: 'nameserver',
      handle: h.roid,
      ...names(h.name),
      ipAddresses: ipAddresses(h.addresses),
      links: [link(ctx, 'self', `${ctx.baseUrl}nameserver/${h.name}`)],
      status: rdapStatuses(hostStatuses(h, await r.hosts.isLinked(h.id))),
      entities: [registrarEntity(sponsor, ctx)],
      events: events(ctx, [
        ['registration', h.createdAt],
        ['last changed', h.updatedAt],
        ['transfer', h.transferredAt],
      ]),
      notices: [termsOfServiceNotice(ctx)],
    };
  });
}

/**
 * entity/<handle>: a registrar by its IANA Registrar ID (a number), or a contact by its handle (its ROID, the
 * handle RDAP gives contacts). A contact belongs to no TLD: it is shown under the strictest publication
 * policy of the TLDs served, with its handle (the client has it).
 */
export async function entityLookup(snapshots: Snapshots, raw: string, req: RequestContext): Promise<JsonObject> {
  const handle = raw.trim();
  if (handle === '' || handle.length > 255 || /[\u0000-\u001f]/.test(handle)) throw badRequest(`${JSON.stringify(raw)} is not an entity handle`);
  return snapshots.read(async (r, now) => {
    const ctx: RenderContext = { ...req, now };
    if (/^[0-9]{1,9}$/.test(handle)) {
      const reg = (await r.registrars.list()).find((x) => x.ianaId === Number(handle));
      if (!reg) throw notFound(`entity ${handle}`, 'no registrar has this IANA Registrar ID');
      // Every lookup's topmost object carries "last update of RDAP database" (profile 2.3.1.3, 3.3, 4.4).
      return { rdapConformance: conformance(false), ...registrarEntity(reg, ctx, { topmost: true }), events: events(ctx, []), notices: [termsOfServiceNotice(ctx)] };
    }
    const ref = await r.domains.contactByRoid(handle);
    if (!ref) throw notFound(`entity ${handle}`, 'no contact or registrar has this handle');
    const c = await loadContact(r, ref.handle);
    const policy = strictestPolicy((await r.tlds.list()).map((t) => t.policy.rdap));
    const out = contactEntity(c, 'contact', publishedElements(c, policy), '$', true);
    const body: JsonObject = {
      rdapConformance: conformance(out.redacted.length > 0),
      ...out.entity,
      links: [link(ctx, 'self', `${ctx.baseUrl}entity/${encodeURIComponent(c.roid)}`)],
      status: rdapStatuses(contactStatuses(c, await r.contacts.isLinked(c.id))),
      events: events(ctx, [
        ['registration', c.createdAt],
        ['last changed', c.updatedAt],
        ['transfer', c.transferredAt],
      ]),
      notices: [termsOfServiceNotice(ctx)],
    };
    if (out.redacted.length) body.redacted = out.redacted;
    return body;
  });
}

/** help (RFC 9082 §3.1.6): the terms of service and what this service answers. */
export function helpResponse(ctx: RenderContext): JsonObject {
  return {
    rdapConformance: conformance(false),
    notices: [
      termsOfServiceNotice(ctx),
      {
        title: 'Queries',
        description: [
          'domain/<name>: a domain registered here, by its A-label or U-label name (any case).',
          'nameserver/<name>: a host object of this registry.',
          'entity/<handle>: a registrar by its IANA Registrar ID, or a contact by its handle (ROID).',
          'Searches (domains, nameservers, entities) are not offered: 501. Personal data of contacts is redacted under the ICANN Registration Data Policy; each redaction is declared in the response (RFC 9537).',
        ],
        links: [link(ctx, 'self', `${ctx.baseUrl}help`)],
      },
    ],
  };
}
