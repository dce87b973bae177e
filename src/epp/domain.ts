import { authInfoExtUnsupported } from '../commands/conditions.js';
import { authInfoPwMissing } from '../commands/domain/conditions.js';
import type {
  AuthInfoInput,
  ContactInput,
  DomainCheck,
  DomainCheckData,
  DomainCreate,
  DomainCreateData,
  DomainDelete,
  DomainInfo,
  DomainInfoData,
  DomainRenew,
  DomainRenewData,
  DomainRestore,
  DomainRestoreData,
  DomainUpdate,
  NsInput,
  PeriodInput,
} from '../commands/domain/types.js';
import { NS } from '../protocol/namespaces.js';
import type { EppMessage } from '../protocol/parser.js';
import { eppDateTime } from '../protocol/response.js';
import { child, childText, children, el, type Elem, type Out } from '../protocol/xml-node.js';
import type { DomainSnapshot } from '../registry/poll-events.js';
import type { DomainContactType, HostAttr } from '../storage/domain-repo.js';
import type { Rendered } from './binding.js';
import { readSecDnsCreate, readSecDnsUpdate, renderSecDnsInfData } from './secdns.js';

/**
 * The domain codec (RFC 5731, with RFC 3915 rgp and the TCI domain extension): each domain command's XML →
 * its typed input (src/commands/domain/types.ts), and its typed data → <resData>/<extension>. The XML is
 * schema-valid when it gets here; values are taken as sent (trimmed where the handlers always trimmed them),
 * so that an error can echo them.
 */

// ---------------------------------------------------------------- check

export function readDomainCheck(m: EppMessage): DomainCheck {
  return { names: children(m.object, 'name', NS.domain).map((n) => n.text.trim()) };
}

/** <domain:chkData>: avail 1, or avail 0 with the reason. */
export function renderDomainCheck(d: DomainCheckData): Rendered {
  const cds = d.results.map((r) =>
    el('domain:cd', null, [el('domain:name', { avail: r.available ? 1 : 0 }, r.name), !r.available && el('domain:reason', null, r.reason ?? '')]),
  );
  return { resData: [el('domain:chkData', null, cds)] };
}

// ---------------------------------------------------------------- info

export function readDomainInfo(m: EppMessage): DomainInfo {
  const hosts = (child(m.object, 'name')?.attrs.hosts ?? 'all') as DomainInfo['hosts'];
  const pw = child(child(m.object, 'authInfo'), 'pw');
  // An info only compares passwords: with <domain:ext> (or none) the registrar simply gets the public data.
  return { name: childText(m.object, 'name') ?? '', hosts, authInfo: pw ? passwordOf(pw) : undefined };
}

/**
 * <domain:infData>, and in <extension>: <secDNS:infData> with the DNSSEC data, <rgp:infData> with the
 * RFC 3915 states, <tcidom:infData> with the description. Each extension part the session did not select
 * is left out or moved into <extValue> by the door (./unhandled.ts).
 */
export function renderDomainInfo(d: DomainInfoData): Rendered {
  const extension: Out[] = [];
  const sec = renderSecDnsInfData(d.secDns, d.domain.maxSigLife);
  if (sec) extension.push(sec);
  if (d.rgpStatuses.length > 0) extension.push(el('rgp:infData', null, d.rgpStatuses.map((s) => el('rgp:rgpStatus', { s }))));
  if (d.description !== null) {
    extension.push(el('tcidom:infData', null, d.description.split('\n').map((line) => el('tcidom:description', null, line))));
  }
  return { resData: [infData(d)], extension };
}

/** <domain:infData> in the schema's order, trimmed to what the view may see. */
function infData(p: DomainInfoData): Out {
  const d = p.domain;
  const showDel = p.hosts === 'all' || p.hosts === 'del';
  const showSub = (p.hosts === 'all' || p.hosts === 'sub') && p.view !== 'public';
  const priv = p.view !== 'public';
  return infDataOut({
    name: d.name,
    roid: d.roid,
    statuses: p.statuses,
    registrant: priv ? d.registrantHandle : null,
    contacts: priv ? p.contacts : [],
    hostObjs: showDel ? p.nameservers.map((h) => h.name) : [],
    hostAttrs: showDel ? p.hostAttrs : [],
    hosts: showSub ? p.subordinates : [],
    clID: d.sponsorClId,
    crID: priv ? d.creatorClId : null,
    crDate: d.createdAt,
    upID: priv ? d.updaterClId : null,
    upDate: priv ? d.updatedAt : null,
    exDate: d.expiresAt,
    trDate: priv ? d.transferredAt : null,
    // RFC 9154 §5.3: the sponsor gets an empty one, whether a value is set or not (none is ever shown).
    emptyAuthInfo: p.view === 'full',
  });
}

/** <domain:infData> of a domain as a change poll message shows it (RFC 8590): the sponsor's view, without authInfo. */
export function snapshotInfData(s: DomainSnapshot): Out {
  return infDataOut(s);
}

/** What a <domain:infData> shows; null or empty: the element is left out. */
interface InfDataFields {
  name: string;
  roid: string;
  statuses: string[];
  registrant: string | null;
  contacts: Array<{ type: string; handle: string }>;
  hostObjs: string[];
  hostAttrs: HostAttr[];
  hosts: string[];
  clID: string;
  crID: string | null;
  crDate: Date | string;
  upID: string | null;
  upDate: Date | string | null;
  exDate: Date | string;
  trDate: Date | string | null;
  /** RFC 9154 §5.3: the sponsor's <domain:authInfo><domain:pw/></domain:authInfo> (a value is never shown). */
  emptyAuthInfo?: boolean;
}

function infDataOut(f: InfDataFields): Out {
  const when = (x: Date | string) => eppDateTime(new Date(x));
  const hostAttr = (h: HostAttr) =>
    el('domain:hostAttr', null, [el('domain:hostName', null, h.name), ...h.addrs.map((a) => el('domain:hostAddr', { ip: a.ip }, a.addr))]);
  let ns: Out | undefined;
  if (f.hostObjs.length > 0) ns = el('domain:ns', null, f.hostObjs.map((h) => el('domain:hostObj', null, h)));
  else if (f.hostAttrs.length > 0) ns = el('domain:ns', null, f.hostAttrs.map(hostAttr));
  return el('domain:infData', null, [
    el('domain:name', null, f.name),
    el('domain:roid', null, f.roid),
    ...f.statuses.map((s) => el('domain:status', { s })),
    f.registrant !== null && el('domain:registrant', null, f.registrant),
    ...f.contacts.map((c) => el('domain:contact', { type: c.type }, c.handle)),
    ns,
    ...f.hosts.map((h) => el('domain:host', null, h)),
    el('domain:clID', null, f.clID),
    f.crID !== null && el('domain:crID', null, f.crID),
    el('domain:crDate', null, when(f.crDate)),
    f.upID !== null && el('domain:upID', null, f.upID),
    f.upDate !== null && el('domain:upDate', null, when(f.upDate)),
    el('domain:exDate', null, when(f.exDate)),
    f.trDate !== null && el('domain:trDate', null, when(f.trDate)),
    f.emptyAuthInfo && el('domain:authInfo', null, [el('domain:pw')]),
  ]);
}

// ---------------------------------------------------------------- create

/** <domain:create> with <secDNS:create> and <tcidom:create>; <domain:ext> authInfo: authInfoExtUnsupported (2102). */
export function readDomainCreate(m: EppMessage): DomainCreate {
  const o = m.object;
  return {
    name: childText(o, 'name') ?? '',
    period: readPeriod(o),
    registrant: childText(o, 'registrant'),
    contacts: readContacts(o),
    ns: readNs(child(o, 'ns')),
    authInfo: readNewAuthInfo(child(o, 'authInfo')),
    secDns: readSecDnsCreate(extension(m, NS.secDNS, 'create')),
    description: readDescription(extension(m, NS.tciDomain, 'create')),
  };
}

/** <domain:creData>. */
export function renderDomainCreate(d: DomainCreateData): Rendered {
  return {
    resData: [
      el('domain:creData', null, [
        el('domain:name', null, d.name),
        el('domain:crDate', null, eppDateTime(d.createdAt)),
        el('domain:exDate', null, eppDateTime(d.expiresAt)),
      ]),
    ],
  };
}

// ---------------------------------------------------------------- update

/**
 * <domain:update> with <secDNS:update> and <tcidom:update>. A <domain:ns> is present in the input exactly
 * when it was sent (the update gate tells an unlock-only update by it). <domain:ext> authInfo:
 * authInfoExtUnsupported (2102).
 */
export function readDomainUpdate(m: EppMessage): DomainUpdate {
  const o = m.object;
  const add = child(o, 'add');
  const rem = child(o, 'rem');
  const chg = child(o, 'chg');
  const registrant = childText(chg, 'registrant');
  const authInfo = child(chg, 'authInfo');
  return {
    name: childText(o, 'name') ?? '',
    add: {
      ns: readNs(child(add, 'ns')),
      contacts: readContacts(add),
      statuses: children(add, 'status', NS.domain).map(readStatus),
    },
    rem: { ns: readNs(child(rem, 'ns')), contacts: readContacts(rem), statuses: children(rem, 'status', NS.domain).map((e) => ({ s: e.attrs.s })) },
    chg: {
      ...(registrant !== undefined && { registrant: registrant === '' ? null : registrant }),
      ...(authInfo && { authInfo: child(authInfo, 'null') ? null : readNewAuthInfo(authInfo) }),
    },
    secDns: readSecDnsUpdate(extension(m, NS.secDNS, 'update')),
    description: readDescription(extension(m, NS.tciDomain, 'update')),
  };
}

// ---------------------------------------------------------------- delete, renew, restore

export function readDomainDelete(m: EppMessage): DomainDelete {
  return { name: childText(m.object, 'name') ?? '' };
}

export function readDomainRenew(m: EppMessage): DomainRenew {
  const o = m.object;
  return { name: childText(o, 'name') ?? '', curExpDate: childText(o, 'curExpDate') ?? '', period: readPeriod(o) };
}

/** <domain:renData>. */
export function renderDomainRenew(d: DomainRenewData): Rendered {
  return { resData: [el('domain:renData', null, [el('domain:name', null, d.name), el('domain:exDate', null, eppDateTime(d.expiresAt))])] };
}

/** A <domain:update> carrying <rgp:update><rgp:restore op="request|report"> (RFC 3915), with its report. */
export function readDomainRestore(m: EppMessage): DomainRestore {
  const o = m.object;
  const chg = child(o, 'chg');
  const restore = child(extension(m, NS.rgp, 'update'), 'restore', NS.rgp);
  const report = child(restore, 'report', NS.rgp);
  const text = (name: string) => childText(report, name, NS.rgp) ?? '';
  const other = childText(report, 'other', NS.rgp);
  return {
    name: childText(o, 'name') ?? '',
    hasChanges: !!child(o, 'add') || !!child(o, 'rem') || (chg !== undefined && chg.children.length > 0),
    op: restore?.attrs.op === 'request' ? 'request' : 'report',
    report: report && {
      preData: text('preData'),
      postData: text('postData'),
      delTime: text('delTime'),
      resTime: text('resTime'),
      resReason: text('resReason'),
      statements: children(report, 'statement', NS.rgp).map((e) => e.text.trim()),
      ...(other !== undefined && { other }),
    },
  };
}

/** After a restore request: <rgp:upData> with pendingRestore; nothing after a report. */
export function renderDomainRestore(d: DomainRestoreData): Rendered {
  return d.rgpStatus ? { extension: [el('rgp:upData', null, [el('rgp:rgpStatus', { s: d.rgpStatus })])] } : {};
}

// ---------------------------------------------------------------- shared readers

/** A <domain:pw> as sent (text untrimmed), with its roid when it names another object's password. */
function passwordOf(pw: Elem): AuthInfoInput {
  return pw.attrs.roid === undefined ? { pw: pw.text } : { pw: pw.text, roid: pw.attrs.roid };
}

/** The command's extension element `name` in namespace `ns`, if the client sent one. */
function extension(m: EppMessage, ns: string, name: string): Elem | undefined {
  return m.extensions.find((e) => e.ns === ns && e.name === name);
}

/** <domain:period unit="y|m">N</domain:period> as sent (unit y when absent); undefined without one. */
export function readPeriod(object: Elem | undefined): PeriodInput | undefined {
  const p = child(object, 'period');
  if (!p) return undefined;
  const text = p.text.trim();
  return { value: Number(text), unit: (p.attrs.unit ?? 'y') as PeriodInput['unit'], text };
}

/** The <domain:contact> children of `parent`: handle (trimmed) and type as sent (a missing type is the handler's 2003). */
function readContacts(parent: Elem | undefined): ContactInput[] {
  return children(parent, 'contact', NS.domain).map((c) => ({ type: c.attrs.type as DomainContactType | undefined, handle: c.text.trim() }));
}

/** A <domain:ns>: host object names, or host attributes (name, addresses as sent, ip v4 when not said). */
function readNs(ns: Elem | undefined): NsInput | undefined {
  if (!ns) return undefined;
  return {
    hostObjs: children(ns, 'hostObj', NS.domain).map((o) => o.text.trim()),
    hostAttrs: children(ns, 'hostAttr', NS.domain).map((a) => ({
      name: childText(a, 'hostName') ?? '',
      addrs: children(a, 'hostAddr', NS.domain).map((x) => ({ ip: (x.attrs.ip ?? 'v4') as 'v4' | 'v6', addr: x.text.trim() })),
    })),
  };
}

/**
 * The <domain:authInfo> that sets a password (create, chg): its <domain:pw> as sent. Only passwords are
 * implemented: <domain:ext> is authInfoExtUnsupported (2102); none at all, authInfoPwMissing (2003).
 */
function readNewAuthInfo(authInfo: Elem | undefined): AuthInfoInput {
  if (child(authInfo, 'ext')) throw authInfoExtUnsupported('domain');
  const pw = child(authInfo, 'pw');
  if (!pw) throw authInfoPwMissing();
  return passwordOf(pw);
}

/** A <domain:status s="…" lang="…">text</domain:status> to add: the status, with its note when it has one. */
function readStatus(e: Elem): DomainUpdate['add']['statuses'][number] {
  const text = e.text.trim();
  const lang = e.attrs.lang;
  return { s: e.attrs.s, ...(lang !== undefined && { lang }), ...(text !== '' && { text }) };
}

/** The <tcidom:description> texts of a <tcidom:create>, or of the <tcidom:chg> of a <tcidom:update>; undefined without the extension. */
function readDescription(ext: Elem | undefined): string[] | undefined {
  if (!ext) return undefined;
  const holder = ext.name === 'update' ? child(ext, 'chg') : ext;
  return children(holder, 'description', NS.tciDomain).map((d) => d.text);
}
