import { displayStatuses as contactStatuses } from '../commands/contact/contact-data.js';
import { displayStatuses as domainStatuses } from '../commands/domain/domain-data.js';
import { displayStatuses as hostStatuses } from '../commands/host/host-data.js';
import { NS, OBJECT_URIS, offeredExtensionURIs } from '../protocol/namespaces.js';
import { DCP_CONTENT, eppDateTime } from '../protocol/response.js';
import { LANGUAGES } from '../commands/session/login.js';
import { rgpStatuses } from '../registry/lifecycle.js';
import { normalizeName, toUnicodeName } from '../registry/names.js';
import type { TldPolicy } from '../registry/policy.js';
import { checkLabelScripts, type IdnTable } from '../registry/scripts.js';
import type { PostalInfo, TciContactData } from '../storage/contact-repo.js';
import type { Tld } from '../storage/core-repos.js';
import type { EscrowChangesSince, EscrowContact, EscrowDomain, EscrowHost, EscrowRegistrar, EscrowSnapshot, EscrowTransfer } from '../storage/escrow-source.js';
import { OBJECT_TYPES, RDE_NS, type ObjectType } from './namespaces.js';
import type { XmlStreamWriter } from './xml-writer.js';

/**
 * The deposit document (RFC 8909 <rde:deposit> with the RFC 9022 objects), written object by object from
 * one snapshot. What a deposit of TLD T holds:
 * - T's domains created at or before the watermark (a later one waits for the next deposit: RFC 9022 wants
 *   crDate before the watermark), with statuses as <info> computes them, RFC 3915 states at the snapshot's
 *   time, contacts, nameservers (host objects or attributes), DNSSEC data, the U-label and IDN table of an
 *   IDN name, and the last transfer request;
 * - every host (under the hostObj model) and every contact (under the maximum data model) of the registry:
 *   they belong to no TLD in EPP, and a restore needs those that T's domains reference (as Nomulus does);
 * - every registrar, with its IANA Registrar ID as gurid;
 * - the IDN tables of T's scripts, NNDN objects (withheld) for T's reserved and protected names that are
 *   not registered, and the EPP parameters of the greeting;
 * - for a TLD of the TCI dialect, the contacts' TCI data and the domains' descriptions as objects of the
 *   registry's own namespaces (./namespaces.ts), each written right after the object it belongs to;
 * - the header with the count of every object type (written last, when the counts are known).
 * A differential deposit holds the same kinds of objects, only those changed since the previous deposit, and
 * <rde:deletes> for what was deleted since. authInfo is never deposited: RFC 9022 has no element for it.
 */
export interface DepositSpec {
  tld: Tld;
  type: 'FULL' | 'DIFF';
  id: string;
  prevId: string | null;
  resend: number;
  watermark: Date;
  /** Registry time of the snapshot: RFC 3915 states are computed at it. */
  now: Date;
  /** DIFF: the previous deposit (its epoch, watermark, snapshot time and NNDN/IDN state). */
  since?: EscrowChangesSince & { state: DepositState };
}

export interface DepositState {
  nndn: string[];
  idnTables: string[];
}

export interface DepositResult {
  /** Header counts by object URI, in header order. */
  counts: Record<string, number>;
  /** Deletions written, by kind. */
  deleted: Record<string, number>;
  state: DepositState;
}

/** The object types a TLD's deposits carry (RFC 9022; ICANN's tests expect exactly these URIs, by data and host model). */
export function objectTypesOf(policy: TldPolicy): ObjectType[] {
  return OBJECT_TYPES.filter((t) => {
    if (t === 'rdeHost') return policy.hostModel === 'hostObj';
    if (t === 'rdeContact') return policy.dataModel === 'maximum';
    if (t === 'rdeTciContact') return policy.contactExtension === 'tci' && policy.dataModel === 'maximum';
    if (t === 'rdeTciDomain') return policy.contactExtension === 'tci';
    return true;
  });
}

export interface IdnTableRef {
  /** The IDN table of the TLD policy (src/registry/scripts.ts) it references. */
  table: IdnTable;
  id: string;
  url: string;
  urlPolicy: string;
}

/**
 * The TLD's IDN tables as the deposit references them: the reference the policy's `idnTables` gives for one of
 * the table's scripts, or one to IANA's repository (id: the table's scripts in lower case, joined by '-').
 */
export function idnTablesOf(policy: TldPolicy): IdnTableRef[] {
  return policy.idnScripts.map((table) => {
    const ref = policy.idnTables.find((t) => table.scripts.includes(t.script));
    if (ref) return { table, id: ref.id, url: ref.url, urlPolicy: ref.urlPolicy };
    return { table, id: table.scripts.join('-').toLowerCase(), url: 'https://www.iana.org/domains/idn-tables', urlPolicy: 'https://www.iana.org/domains/idn-tables' };
  });
}

/** The IDN table a name's U-label is written in (the first whose rules it meets), for rdeDomain/rdeNNDN idnTableId. */
function idnTableFor(uLabel: string, tables: IdnTableRef[]): string | undefined {
  return tables.find((t) => checkLabelScripts(uLabel, [t.table]).ok)?.id;
}

/** A name's U-label form when it has an IDN label, else undefined. */
function uNameOf(name: string): string | undefined {
  return name.split('.').some((l) => l.startsWith('xn--')) ? toUnicodeName(name) : undefined;
}

export async function writeDeposit(w: XmlStreamWriter, snap: EscrowSnapshot, spec: DepositSpec): Promise<DepositResult> {
  const { tld, since } = spec;
  const policy = tld.policy;
  const types = objectTypesOf(policy);
  const has = (t: ObjectType) => types.includes(t);
  const counts = Object.fromEntries(types.map((t) => [t, 0])) as Record<ObjectType, number>;
  const deleted: Record<string, number> = {};
  const tables = idnTablesOf(policy);

  w.raw('<?xml version="1.0" encoding="UTF-8"?>\n');
  const xmlns = Object.fromEntries(Object.entries(RDE_NS).map(([p, ns]) => [`xmlns:${p}`, ns]));
  w.open('rde:deposit', { type: spec.type, id: spec.id, prevId: spec.prevId ?? undefined, resend: spec.resend, ...xmlns });
  w.el('rde:watermark', eppDateTime(spec.watermark));
  w.open('rde:rdeMenu');
  w.el('rde:version', '1.0');
  for (const t of types) w.el('rde:objURI', RDE_NS[t]);
  w.close('rde:rdeMenu');

  // NNDN and IDN tables: the TLD's lists in full, compared with the previous deposit's in a diff.
  const nndn = await nndnNames(snap, tld, spec.watermark);
  const idnKeys = tables.map((t) => `${t.id} ${t.url} ${t.urlPolicy}`);

  if (since) {
    let opened = false;
    const del = (element: string, child: string, values: string[]) => {
      if (values.length === 0) return;
      if (!opened) w.open('rde:deletes');
      opened = true;
      w.open(element);
      for (const v of values) w.el(child, v);
      w.close(element);
      deleted[element] = (deleted[element] ?? 0) + values.length;
    };
    for await (const page of snap.deletions(tld.name, since.epoch)) {
      del('rdeDomain:delete', 'rdeDomain:name', await namesNotIn(page.filter((d) => d.kind === 'domain').map((d) => d.name), (n) => snap.domainExists(n, spec.watermark)));
      if (has('rdeHost')) del('rdeHost:delete', 'rdeHost:roid', page.filter((d) => d.kind === 'host').map((d) => d.roid));
      if (has('rdeContact')) del('rdeContact:delete', 'rdeContact:id', await namesNotIn(page.filter((d) => d.kind === 'contact').map((d) => d.name), (n) => snap.contactExists(n)));
      await w.flush();
    }
    const now = new Set(nndn.map((n) => n.aName));
    del('rdeNNDN:delete', 'rdeNNDN:aName', since.state.nndn.filter((n) => !now.has(n)));
    const ids = new Set(tables.map((t) => t.id));
    for (const key of since.state.idnTables) {
      const id = key.split(' ')[0];
      if (!ids.has(id)) del('rdeIDN:delete', 'rdeIDN:id', [id]);
    }
    if (opened) w.close('rde:deletes');
  }

  w.open('rde:contents');
  for await (const page of snap.domains(tld.name, spec.watermark, spec.now, since)) {
    for (const d of page) {
      writeDomain(w, d, policy, tables, spec.now);
      counts.rdeDomain++;
      if (has('rdeTciDomain') && d.description !== null) {
        w.open('rdeTciDomain:domain');
        w.el('rdeTciDomain:name', d.name);
        w.open('tcidom:infData');
        for (const line of d.description.split('\n')) w.el('tcidom:description', line);
        w.close('tcidom:infData');
        w.close('rdeTciDomain:domain');
        counts.rdeTciDomain++;
      }
    }
    await w.flush();
  }
  if (has('rdeHost')) {
    for await (const page of snap.hosts(since?.epoch)) {
      for (const h of page) writeHost(w, h);
      counts.rdeHost += page.length;
      await w.flush();
    }
  }
  if (has('rdeContact')) {
    for await (const page of snap.contacts(since?.epoch)) {
      for (const c of page) {
        writeContact(w, c);
        counts.rdeContact++;
        if (has('rdeTciContact') && c.tci) {
          writeTciContact(w, c.handle, c.tci);
          counts.rdeTciContact++;
        }
      }
      await w.flush();
    }
  }
  for (const r of since ? await snap.changedRegistrars(since.epoch) : snap.registrars()) {
    writeRegistrar(w, r);
    counts.rdeRegistrar++;
  }
  const previousTables = new Set(since?.state.idnTables ?? []);
  for (const [i, t] of tables.entries()) {
    if (previousTables.has(idnKeys[i])) continue;
    w.open('rdeIDN:idnTableRef', { id: t.id });
    w.el('rdeIDN:url', t.url);
    w.el('rdeIDN:urlPolicy', t.urlPolicy);
    w.close('rdeIDN:idnTableRef');
    counts.rdeIDN++;
  }
  const previousNndn = new Set(since?.state.nndn ?? []);
  for (const n of nndn) {
    if (previousNndn.has(n.aName)) continue;
    w.open('rdeNNDN:NNDN');
    w.el('rdeNNDN:aName', n.aName);
    const u = uNameOf(n.aName);
    if (u !== undefined) {
      w.el('rdeNNDN:uName', u);
      const table = idnTableFor(u.split('.')[0], tables);
      if (table) w.el('rdeNNDN:idnTableId', table);
    }
    w.el('rdeNNDN:nameState', 'withheld');
    w.close('rdeNNDN:NNDN');
    counts.rdeNNDN++;
    await w.flush();
  }
  writeEppParams(w, snap.tlds().some((t) => t.policy.contactExtension === 'tci'));
  counts.rdeEppParams++;

  const byUri: Record<string, number> = {};
  w.open('rdeHeader:header');
  w.el('rdeHeader:tld', tld.name);
  for (const t of types) {
    w.el('rdeHeader:count', counts[t], { uri: RDE_NS[t] });
    byUri[RDE_NS[t]] = counts[t];
  }
  w.close('rdeHeader:header');
  w.close('rde:contents');
  w.close('rde:deposit');
  w.raw('\n');
  await w.flush(true);
  return { counts: byUri, deleted, state: { nndn: nndn.map((n) => n.aName), idnTables: idnKeys } };
}

/** Reserved names of the policy and protected names of the TLD, as A-labels, without the registered ones. */
async function nndnNames(snap: EscrowSnapshot, tld: Tld, watermark: Date): Promise<Array<{ aName: string }>> {
  const names = new Set<string>();
  for (const label of tld.policy.reservedNames) {
    const n = normalizeName(`${label}.${tld.name}`);
    if (n.ok && n.labels.length === 2) names.add(n.name);
  }
  for (const name of await snap.protectedNames(tld.name)) names.add(name);
  return (await namesNotIn([...names], (n) => snap.domainExists(n, watermark))).sort().map((aName) => ({ aName }));
}

/** The names for which `exists` answers false, in their order. */
async function namesNotIn(names: string[], exists: (name: string) => Promise<boolean>): Promise<string[]> {
  const out: string[] = [];
  for (const n of names) if (!(await exists(n))) out.push(n);
  return out;
}

function rr(w: XmlStreamWriter, name: string, clId: string | null): void {
  if (clId !== null) w.el(name, clId);
}

function date(w: XmlStreamWriter, name: string, d: Date | null): void {
  if (d !== null) w.el(name, eppDateTime(d));
}

function trnData(w: XmlStreamWriter, prefix: 'rdeDomain' | 'rdeContact', t: EscrowTransfer | undefined): void {
  if (!t) return;
  w.open(`${prefix}:trnData`);
  w.el(`${prefix}:trStatus`, t.status);
  w.el(`${prefix}:reRr`, t.requesterClId);
  w.el(`${prefix}:reDate`, eppDateTime(t.requestedAt));
  w.el(`${prefix}:acRr`, t.losingClId);
  w.el(`${prefix}:acDate`, eppDateTime(t.actionAt));
  if (prefix === 'rdeDomain' && t.newExpiresAt) w.el('rdeDomain:exDate', eppDateTime(t.newExpiresAt));
  w.close(`${prefix}:trnData`);
}

function writeDomain(w: XmlStreamWriter, d: EscrowDomain, policy: TldPolicy, tables: IdnTableRef[], now: Date): void {
  w.open('rdeDomain:domain');
  w.el('rdeDomain:name', d.name);
  w.el('rdeDomain:roid', d.roid);
  const uName = uNameOf(d.name);
  if (uName !== undefined) {
    w.el('rdeDomain:uName', uName);
    const table = idnTableFor(uName.split('.')[0], tables);
    if (table) w.el('rdeDomain:idnTableId', table);
  }
  for (const s of domainStatuses(d, d.hostObjs.length + d.hostAttrs.length)) w.el('rdeDomain:status', null, { s });
  for (const s of rgpStatuses(d.graces, d.deletion, now)) w.el('rdeDomain:rgpStatus', null, { s });
  if (policy.dataModel === 'maximum' && d.registrantHandle !== null) w.el('rdeDomain:registrant', d.registrantHandle);
  if (policy.dataModel === 'maximum') for (const c of d.contacts) w.el('rdeDomain:contact', c.handle, { type: c.type });
  if (d.hostObjs.length > 0 || d.hostAttrs.length > 0) {
    w.open('rdeDomain:ns');
    for (const h of d.hostObjs) w.el('domain:hostObj', h);
    for (const a of d.hostAttrs) {
      w.open('domain:hostAttr');
      w.el('domain:hostName', a.name);
      for (const x of a.addrs) w.el('domain:hostAddr', x.addr, { ip: x.ip });
      w.close('domain:hostAttr');
    }
    w.close('rdeDomain:ns');
  }
  w.el('rdeDomain:clID', d.sponsorClId);
  rr(w, 'rdeDomain:crRr', d.creatorClId);
  date(w, 'rdeDomain:crDate', d.createdAt);
  date(w, 'rdeDomain:exDate', d.expiresAt);
  rr(w, 'rdeDomain:upRr', d.updaterClId);
  date(w, 'rdeDomain:upDate', d.updatedAt);
  // secDNS:dsOrKeyType needs at least one record: maxSigLife alone has no place.
  if (d.ds.length > 0 || d.keys.length > 0) {
    w.open('rdeDomain:secDNS');
    if (d.maxSigLife !== null) w.el('secDNS:maxSigLife', d.maxSigLife);
    for (const ds of d.ds) {
      w.open('secDNS:dsData');
      w.el('secDNS:keyTag', ds.keyTag);
      w.el('secDNS:alg', ds.alg);
      w.el('secDNS:digestType', ds.digestType);
      w.el('secDNS:digest', ds.digest);
      if (ds.key) keyData(w, ds.key);
      w.close('secDNS:dsData');
    }
    for (const k of d.keys) keyData(w, k);
    w.close('rdeDomain:secDNS');
  }
  date(w, 'rdeDomain:trDate', d.transferredAt);
  trnData(w, 'rdeDomain', d.transfer);
  w.close('rdeDomain:domain');
}

function keyData(w: XmlStreamWriter, k: { flags: number; protocol: number; alg: number; pubKey: string }): void {
  w.open('secDNS:keyData');
  w.el('secDNS:flags', k.flags);
  w.el('secDNS:protocol', k.protocol);
  w.el('secDNS:alg', k.alg);
  w.el('secDNS:pubKey', k.pubKey);
  w.close('secDNS:keyData');
}

function writeHost(w: XmlStreamWriter, h: EscrowHost): void {
  w.open('rdeHost:host');
  w.el('rdeHost:name', h.name);
  w.el('rdeHost:roid', h.roid);
  for (const s of hostStatuses(h, h.linked)) w.el('rdeHost:status', null, { s });
  for (const a of h.addresses) w.el('rdeHost:addr', a.addr, { ip: a.ip });
  w.el('rdeHost:clID', h.sponsorClId);
  rr(w, 'rdeHost:crRr', h.creatorClId);
  date(w, 'rdeHost:crDate', h.createdAt);
  rr(w, 'rdeHost:upRr', h.updaterClId);
  date(w, 'rdeHost:upDate', h.updatedAt);
  date(w, 'rdeHost:trDate', h.transferredAt);
  w.close('rdeHost:host');
}

function address(w: XmlStreamWriter, prefix: 'contact' | 'tci', a: Omit<PostalInfo, 'name' | 'org'>): void {
  for (const s of a.street) w.el(`${prefix}:street`, s);
  w.el(`${prefix}:city`, a.city);
  if (a.sp !== undefined) w.el(`${prefix}:sp`, a.sp);
  if (a.pc !== undefined) w.el(`${prefix}:pc`, a.pc);
  w.el(`${prefix}:cc`, a.cc);
}

function postalInfo(w: XmlStreamWriter, type: 'int' | 'loc', p: PostalInfo | null): void {
  if (!p) return;
  w.open('rdeContact:postalInfo', { type });
  w.el('contact:name', p.name);
  if (p.org !== undefined) w.el('contact:org', p.org);
  w.open('contact:addr');
  address(w, 'contact', p);
  w.close('contact:addr');
  w.close('rdeContact:postalInfo');
}

function writeContact(w: XmlStreamWriter, c: EscrowContact): void {
  w.open('rdeContact:contact');
  w.el('rdeContact:id', c.handle);
  w.el('rdeContact:roid', c.roid);
  for (const s of contactStatuses(c, c.linked)) w.el('rdeContact:status', null, { s });
  postalInfo(w, 'loc', c.postalLoc);
  postalInfo(w, 'int', c.postalInt);
  if (c.voice) w.el('rdeContact:voice', c.voice.number, { x: c.voice.x });
  if (c.fax) w.el('rdeContact:fax', c.fax.number, { x: c.fax.x });
  w.el('rdeContact:email', c.email);
  w.el('rdeContact:clID', c.sponsorClId);
  rr(w, 'rdeContact:crRr', c.creatorClId);
  date(w, 'rdeContact:crDate', c.createdAt);
  rr(w, 'rdeContact:upRr', c.updaterClId);
  date(w, 'rdeContact:upDate', c.updatedAt);
  date(w, 'rdeContact:trDate', c.transferredAt);
  trnData(w, 'rdeContact', c.transfer);
  if (c.disclose) {
    const d = c.disclose;
    w.open('rdeContact:disclose', { flag: d.flag ? 1 : 0 });
    for (const type of d.name) w.el('contact:name', null, { type });
    for (const type of d.org) w.el('contact:org', null, { type });
    for (const type of d.addr) w.el('contact:addr', null, { type });
    if (d.voice) w.el('contact:voice');
    if (d.fax) w.el('contact:fax');
    if (d.email) w.el('contact:email');
    w.close('rdeContact:disclose');
  }
  w.close('rdeContact:contact');
}

/** The TCI data of a contact: the tree <contact:info> returns in <tci:infData>, under the contact's id. */
function writeTciContact(w: XmlStreamWriter, handle: string, tci: TciContactData): void {
  w.open('rdeTciContact:contact');
  w.el('rdeTciContact:id', handle);
  w.open('tci:infData');
  if ('person' in tci) {
    const p = tci.person;
    w.open('tci:person');
    w.el('tci:birthday', p.birthday);
    for (const line of p.passport) w.el('tci:passport', line);
    if (p.tin !== undefined) w.el('tci:TIN', p.tin);
    w.close('tci:person');
  } else {
    const o = tci.organization;
    w.open('tci:organization');
    for (const a of o.legalAddr) {
      w.open('tci:legalAddr', { type: a.type });
      address(w, 'tci', a);
      w.close('tci:legalAddr');
    }
    w.el('tci:TIN', o.tin);
    w.close('tci:organization');
  }
  w.close('tci:infData');
  w.close('rdeTciContact:contact');
}

function writeRegistrar(w: XmlStreamWriter, r: EscrowRegistrar): void {
  w.open('rdeRegistrar:registrar');
  w.el('rdeRegistrar:id', r.clId);
  w.el('rdeRegistrar:name', r.name);
  if (r.ianaId !== null) w.el('rdeRegistrar:gurid', r.ianaId);
  // A suspended account can log in no more: nothing it sponsors changes through it.
  w.el('rdeRegistrar:status', r.status === 'active' ? 'ok' : 'readonly');
  if (r.address) {
    // RFC 9022 §5.4.1: "int" when the address is all ASCII (as RFC 5733 means it), "loc" otherwise.
    const a = r.address;
    w.open('rdeRegistrar:postalInfo', { type: /^[\x20-\x7e]*$/.test([...a.street, a.city, a.sp ?? '', a.pc ?? ''].join('')) ? 'int' : 'loc' });
    w.open('rdeRegistrar:addr');
    for (const s of a.street) w.el('rdeRegistrar:street', s);
    w.el('rdeRegistrar:city', a.city);
    if (a.sp !== null) w.el('rdeRegistrar:sp', a.sp);
    if (a.pc !== null) w.el('rdeRegistrar:pc', a.pc);
    w.el('rdeRegistrar:cc', a.cc);
    w.close('rdeRegistrar:addr');
    w.close('rdeRegistrar:postalInfo');
  }
  if (r.phone !== null) w.el('rdeRegistrar:voice', r.phone);
  if (r.email !== null) w.el('rdeRegistrar:email', r.email);
  date(w, 'rdeRegistrar:crDate', r.createdAt);
  date(w, 'rdeRegistrar:upDate', r.updatedAt);
  w.close('rdeRegistrar:registrar');
}

/** The greeting's services (RFC 9022 §5.7): the same lists and data collection policy the server announces. */
function writeEppParams(w: XmlStreamWriter, tciUsed: boolean): void {
  w.open('rdeEppParams:eppParams');
  w.el('rdeEppParams:version', '1.0');
  for (const l of LANGUAGES) w.el('rdeEppParams:lang', l);
  for (const u of OBJECT_URIS) w.el('rdeEppParams:objURI', u);
  w.open('rdeEppParams:svcExtension');
  for (const u of offeredExtensionURIs(tciUsed)) w.el('epp:extURI', u);
  w.close('rdeEppParams:svcExtension');
  w.raw(`<rdeEppParams:dcp xmlns="${NS.epp}">${DCP_CONTENT}</rdeEppParams:dcp>`);
  w.close('rdeEppParams:eppParams');
}
