import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { domainToASCII } from 'node:url';

/**
 * EPP request documents as a registrar's client writes them, built from plain parameters. This is client
 * code: it shares nothing with the server's parsing or response building.
 */
export const URI = {
  epp: 'urn:ietf:params:xml:ns:epp-1.0',
  domain: 'urn:ietf:params:xml:ns:domain-1.0',
  host: 'urn:ietf:params:xml:ns:host-1.0',
  contact: 'urn:ietf:params:xml:ns:contact-1.0',
  secDNS: 'urn:ietf:params:xml:ns:secDNS-1.1',
  rgp: 'urn:ietf:params:xml:ns:rgp-1.0',
  tciContact: 'http://www.tcinet.ru/epp/tci-contact-ext-1.0',
  tciDomain: 'http://www.tcinet.ru/epp/tci-domain-ext-1.0',
  launch: 'urn:ietf:params:xml:ns:launch-1.0',
  smd: 'urn:ietf:params:xml:ns:signedMark-1.0',
  fee: 'urn:ietf:params:xml:ns:epp:fee-1.0',
};

/** <launch:check> of a domain check: the claims form, or the availability form of a phase (RFC 8334 §3.1). */
export interface LaunchCheckParams {
  type: 'claims' | 'avail';
  phase?: string;
}
/** <launch:create>: the phase, a sunrise signed mark (base64 text) or a claims notice. */
export interface LaunchCreateParams {
  phase: string;
  encodedSignedMark?: string;
  notice?: { id: string; notAfter: string; acceptedDate: string };
}
/** <fee:check> of a domain check (RFC 8748): the commands to price. */
export interface FeeCheckParams {
  currency?: string;
  commands: Array<{ name: string; period?: Period; phase?: string }>;
}
/** <fee:create> etc.: the fee the client agrees to. */
export interface FeeParams {
  amount: string;
  currency?: string;
}

function feeAgreement(e: XMLBuilder, verb: string, fee: FeeParams): void {
  const f = e.ele(URI.fee, `fee:${verb}`);
  if (fee.currency) f.ele(URI.fee, 'fee:currency').txt(lit(fee.currency));
  f.ele(URI.fee, 'fee:fee').txt(lit(fee.amount));
}

/**
 * xmlbuilder2 leaves text that looks like an entity or character reference (`&amp;`, `&#0;`) unescaped;
 * escaping `&` first makes every value go on the wire as the characters it holds.
 */
function lit(v: string): string {
  return v.replace(/&/g, '&amp;');
}

/** Domain and host names go on the wire as A-labels, as real clients send them. */
export function aLabel(name: string): string {
  const a = domainToASCII(name);
  return a === '' ? name : a;
}

export interface PostalInfo {
  name: string;
  org?: string;
  street: string[];
  city: string;
  sp?: string;
  pc?: string;
  cc: string;
}
export interface TciData {
  person?: { birthday: string; passport: string[]; tin?: string };
  organization?: { legalAddr: Array<{ type: 'int' | 'loc'; street: string[]; city: string; sp?: string; pc?: string; cc: string }>; tin: string };
}
export interface ContactParams {
  id: string;
  voice?: string;
  fax?: string;
  email: string;
  authInfo: string;
  postalInfo: { int?: PostalInfo; loc?: PostalInfo };
  tci?: TciData;
  /** RFC 5733 §2.9: flag true asks to publish the listed elements, false not to. */
  disclose?: { flag: boolean; name?: Array<'int' | 'loc'>; org?: Array<'int' | 'loc'>; addr?: Array<'int' | 'loc'>; voice?: boolean; fax?: boolean; email?: boolean };
}
export interface DsData {
  keyTag: number;
  alg: number;
  digestType: number;
  digest: string;
  keyData?: { flags: number; protocol: number; alg: number; pubKey: string };
}
export interface Period {
  value: number;
  unit: 'y' | 'm';
}

type Build = (cmd: XMLBuilder) => { ext?: (extension: XMLBuilder) => void };

function doc(clTRID: string, build: Build): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(URI.epp, 'epp');
  const cmd = root.ele('command');
  const { ext } = build(cmd);
  if (ext) ext(cmd.ele('extension'));
  cmd.ele('clTRID').txt(lit(clTRID));
  return root.end({ prettyPrint: true });
}

function postal(parent: XMLBuilder, type: 'int' | 'loc', p: PostalInfo): void {
  const pi = parent.ele(URI.contact, 'contact:postalInfo').att('type', type);
  pi.ele(URI.contact, 'contact:name').txt(lit(p.name));
  if (p.org) pi.ele(URI.contact, 'contact:org').txt(lit(p.org));
  const addr = pi.ele(URI.contact, 'contact:addr');
  for (const s of p.street) addr.ele(URI.contact, 'contact:street').txt(lit(s));
  addr.ele(URI.contact, 'contact:city').txt(lit(p.city));
  if (p.sp) addr.ele(URI.contact, 'contact:sp').txt(lit(p.sp));
  if (p.pc) addr.ele(URI.contact, 'contact:pc').txt(lit(p.pc));
  addr.ele(URI.contact, 'contact:cc').txt(lit(p.cc));
}

/** The TCI extension block, with the `contact:` prefix rebound to the TCI namespace as Net::DRI writes it. */
function tciBlock(parent: XMLBuilder, t: TciData): void {
  const T = URI.tciContact;
  if (t.person) {
    const p = parent.ele(T, 'contact:person');
    p.ele(T, 'contact:birthday').txt(lit(t.person.birthday));
    for (const pp of t.person.passport) p.ele(T, 'contact:passport').txt(lit(pp));
    if (t.person.tin) p.ele(T, 'contact:TIN').txt(lit(t.person.tin));
  } else if (t.organization) {
    const o = parent.ele(T, 'contact:organization');
    for (const a of t.organization.legalAddr) {
      const la = o.ele(T, 'contact:legalAddr').att('type', a.type);
      for (const s of a.street) la.ele(T, 'contact:street').txt(lit(s));
      la.ele(T, 'contact:city').txt(lit(a.city));
      if (a.sp) la.ele(T, 'contact:sp').txt(lit(a.sp));
      if (a.pc) la.ele(T, 'contact:pc').txt(lit(a.pc));
      la.ele(T, 'contact:cc').txt(lit(a.cc));
    }
    o.ele(T, 'contact:TIN').txt(lit(t.organization.tin));
  }
}

export const requests = {
  hello: () => create({ version: '1.0', encoding: 'UTF-8' }).ele(URI.epp, 'epp').ele('hello').doc().end({ prettyPrint: true }),

  login(clTRID: string, clID: string, pw: string, o: { objURIs?: string[]; extURIs?: string[]; newPW?: string } = {}): string {
    return doc(clTRID, (cmd) => {
      const l = cmd.ele('login');
      l.ele('clID').txt(lit(clID));
      l.ele('pw').txt(lit(pw));
      if (o.newPW) l.ele('newPW').txt(lit(o.newPW));
      const opt = l.ele('options');
      opt.ele('version').txt(lit('1.0'));
      opt.ele('lang').txt(lit('en'));
      const svcs = l.ele('svcs');
      for (const u of o.objURIs ?? [URI.domain, URI.contact, URI.host]) svcs.ele('objURI').txt(lit(u));
      const ext = o.extURIs ?? [URI.secDNS, URI.rgp, URI.tciContact, URI.tciDomain, URI.launch, URI.fee];
      if (ext.length) {
        const se = svcs.ele('svcExtension');
        for (const u of ext) se.ele('extURI').txt(lit(u));
      }
      return {};
    });
  },

  logout: (clTRID: string) => doc(clTRID, (cmd) => (cmd.ele('logout'), {})),

  poll: (clTRID: string, op: 'req' | 'ack', msgID?: string) =>
    doc(clTRID, (cmd) => {
      const p = cmd.ele('poll').att('op', op);
      if (msgID) p.att('msgID', msgID);
      return {};
    }),

  check(clTRID: string, object: 'domain' | 'host' | 'contact', items: string[], o: { launch?: LaunchCheckParams; fee?: FeeCheckParams } = {}): string {
    const key = object === 'contact' ? 'id' : 'name';
    return doc(clTRID, (cmd) => {
      const c = cmd.ele('check').ele(URI[object], `${object}:check`);
      for (const i of items) c.ele(URI[object], `${object}:${key}`).txt(lit(object === 'contact' ? i : aLabel(i)));
      if (!o.launch && !o.fee) return {};
      return {
        ext: (e) => {
          if (o.launch) {
            const l = e.ele(URI.launch, 'launch:check').att('type', o.launch.type);
            if (o.launch.phase) l.ele(URI.launch, 'launch:phase').txt(lit(o.launch.phase));
          }
          if (o.fee) {
            const f = e.ele(URI.fee, 'fee:check');
            if (o.fee.currency) f.ele(URI.fee, 'fee:currency').txt(lit(o.fee.currency));
            for (const c of o.fee.commands) {
              const cmdEl = f.ele(URI.fee, 'fee:command').att('name', c.name);
              if (c.phase) cmdEl.att('phase', c.phase);
              if (c.period) cmdEl.ele(URI.fee, 'fee:period').att('unit', c.period.unit).txt(String(c.period.value));
            }
          }
        },
      };
    });
  },

  info(clTRID: string, object: 'domain' | 'host' | 'contact', item: string, authInfo?: string): string {
    return doc(clTRID, (cmd) => {
      const i = cmd.ele('info').ele(URI[object], `${object}:info`);
      if (object === 'contact') i.ele(URI.contact, 'contact:id').txt(lit(item));
      else i.ele(URI[object], `${object}:name`).txt(lit(aLabel(item)));
      if (authInfo && object !== 'host') i.ele(URI[object], `${object}:authInfo`).ele(URI[object], `${object}:pw`).txt(lit(authInfo));
      return {};
    });
  },

  delete(clTRID: string, object: 'domain' | 'host' | 'contact', item: string): string {
    return doc(clTRID, (cmd) => {
      const d = cmd.ele('delete').ele(URI[object], `${object}:delete`);
      d.ele(URI[object], object === 'contact' ? 'contact:id' : `${object}:name`).txt(lit(object === 'contact' ? item : aLabel(item)));
      return {};
    });
  },

  contactCreate(clTRID: string, p: ContactParams): string {
    return doc(clTRID, (cmd) => {
      const c = cmd.ele('create').ele(URI.contact, 'contact:create');
      c.ele(URI.contact, 'contact:id').txt(lit(p.id));
      // loc before int, as Net::DRI writes them; the schema allows either order.
      if (p.postalInfo.loc) postal(c, 'loc', p.postalInfo.loc);
      if (p.postalInfo.int) postal(c, 'int', p.postalInfo.int);
      if (p.voice) c.ele(URI.contact, 'contact:voice').txt(lit(p.voice));
      if (p.fax) c.ele(URI.contact, 'contact:fax').txt(lit(p.fax));
      c.ele(URI.contact, 'contact:email').txt(lit(p.email));
      c.ele(URI.contact, 'contact:authInfo').ele(URI.contact, 'contact:pw').txt(lit(p.authInfo));
      if (p.disclose) {
        const d = c.ele(URI.contact, 'contact:disclose').att('flag', p.disclose.flag ? '1' : '0');
        for (const el of ['name', 'org', 'addr'] as const) for (const type of p.disclose[el] ?? []) d.ele(URI.contact, `contact:${el}`).att('type', type);
        for (const el of ['voice', 'fax', 'email'] as const) if (p.disclose[el]) d.ele(URI.contact, `contact:${el}`);
      }
      return { ext: p.tci ? (e) => tciBlock(e.ele(URI.tciContact, 'contact:create'), p.tci!) : undefined };
    });
  },

  contactUpdate(
    clTRID: string,
    p: {
      id: string;
      add?: { status?: string[] };
      rem?: { status?: string[] };
      chg?: { voice?: string; fax?: string; email?: string; authInfo?: string; postalInfo?: { int?: PostalInfo; loc?: PostalInfo } };
      tci?: TciData;
    },
  ): string {
    return doc(clTRID, (cmd) => {
      const u = cmd.ele('update').ele(URI.contact, 'contact:update');
      u.ele(URI.contact, 'contact:id').txt(lit(p.id));
      for (const [k, v] of [
        ['add', p.add],
        ['rem', p.rem],
      ] as const) {
        if (v?.status?.length) {
          const a = u.ele(URI.contact, `contact:${k}`);
          for (const s of v.status) a.ele(URI.contact, 'contact:status').att('s', s);
        }
      }
      if (p.chg) {
        const c = u.ele(URI.contact, 'contact:chg');
        if (p.chg.postalInfo?.loc) postal(c, 'loc', p.chg.postalInfo.loc);
        if (p.chg.postalInfo?.int) postal(c, 'int', p.chg.postalInfo.int);
        if (p.chg.voice !== undefined) c.ele(URI.contact, 'contact:voice').txt(lit(p.chg.voice));
        if (p.chg.fax !== undefined) c.ele(URI.contact, 'contact:fax').txt(lit(p.chg.fax));
        if (p.chg.email !== undefined) c.ele(URI.contact, 'contact:email').txt(lit(p.chg.email));
        if (p.chg.authInfo !== undefined) c.ele(URI.contact, 'contact:authInfo').ele(URI.contact, 'contact:pw').txt(lit(p.chg.authInfo));
      }
      return { ext: p.tci ? (e) => tciBlock(e.ele(URI.tciContact, 'contact:update').ele(URI.tciContact, 'contact:chg'), p.tci!) : undefined };
    });
  },

  hostCreate(clTRID: string, p: { name: string; addrs?: Array<{ ip: 'v4' | 'v6'; addr: string }> }): string {
    return doc(clTRID, (cmd) => {
      const h = cmd.ele('create').ele(URI.host, 'host:create');
      h.ele(URI.host, 'host:name').txt(lit(aLabel(p.name)));
      for (const a of p.addrs ?? []) h.ele(URI.host, 'host:addr').att('ip', a.ip).txt(lit(a.addr));
      return {};
    });
  },

  hostUpdate(
    clTRID: string,
    p: {
      name: string;
      add?: { addrs?: Array<{ ip: 'v4' | 'v6'; addr: string }>; status?: string[] };
      rem?: { addrs?: Array<{ ip: 'v4' | 'v6'; addr: string }>; status?: string[] };
      chg?: { name: string };
    },
  ): string {
    return doc(clTRID, (cmd) => {
      const u = cmd.ele('update').ele(URI.host, 'host:update');
      u.ele(URI.host, 'host:name').txt(lit(aLabel(p.name)));
      for (const [k, v] of [
        ['add', p.add],
        ['rem', p.rem],
      ] as const) {
        if (!v || (!v.addrs?.length && !v.status?.length)) continue;
        const a = u.ele(URI.host, `host:${k}`);
        for (const x of v.addrs ?? []) a.ele(URI.host, 'host:addr').att('ip', x.ip).txt(lit(x.addr));
        for (const s of v.status ?? []) a.ele(URI.host, 'host:status').att('s', s);
      }
      if (p.chg) u.ele(URI.host, 'host:chg').ele(URI.host, 'host:name').txt(lit(aLabel(p.chg.name)));
      return {};
    });
  },

  domainCreate(
    clTRID: string,
    p: {
      name: string;
      period?: Period;
      registrant?: string;
      contacts?: Array<{ type: string; id: string }>;
      ns?: string[];
      authInfo: string;
      secDNS?: { dsData?: DsData[] };
      launch?: LaunchCreateParams;
      fee?: FeeParams;
    },
  ): string {
    return doc(clTRID, (cmd) => {
      const c = cmd.ele('create').ele(URI.domain, 'domain:create');
      c.ele(URI.domain, 'domain:name').txt(lit(aLabel(p.name)));
      if (p.period) c.ele(URI.domain, 'domain:period').att('unit', p.period.unit).txt(lit(String(p.period.value)));
      if (p.ns?.length) {
        const ns = c.ele(URI.domain, 'domain:ns');
        for (const h of p.ns) ns.ele(URI.domain, 'domain:hostObj').txt(lit(aLabel(h)));
      }
      if (p.registrant) c.ele(URI.domain, 'domain:registrant').txt(lit(p.registrant));
      for (const ct of p.contacts ?? []) c.ele(URI.domain, 'domain:contact').att('type', ct.type).txt(lit(ct.id));
      c.ele(URI.domain, 'domain:authInfo').ele(URI.domain, 'domain:pw').txt(lit(p.authInfo));
      const ds = p.secDNS?.dsData;
      if (!ds?.length && !p.launch && !p.fee) return {};
      return {
        ext: (e) => {
          if (ds?.length) dsBlock(e.ele(URI.secDNS, 'secDNS:create'), ds);
          if (p.launch) {
            const l = e.ele(URI.launch, 'launch:create');
            l.ele(URI.launch, 'launch:phase').txt(lit(p.launch.phase));
            if (p.launch.encodedSignedMark) l.ele(URI.smd, 'smd:encodedSignedMark').txt(lit(p.launch.encodedSignedMark));
            if (p.launch.notice) {
              const n = l.ele(URI.launch, 'launch:notice');
              n.ele(URI.launch, 'launch:noticeID').txt(lit(p.launch.notice.id));
              n.ele(URI.launch, 'launch:notAfter').txt(lit(p.launch.notice.notAfter));
              n.ele(URI.launch, 'launch:acceptedDate').txt(lit(p.launch.notice.acceptedDate));
            }
          }
          if (p.fee) feeAgreement(e, 'create', p.fee);
        },
      };
    });
  },

  domainRenew(clTRID: string, p: { name: string; curExpDate: string; period?: Period }): string {
    return doc(clTRID, (cmd) => {
      const r = cmd.ele('renew').ele(URI.domain, 'domain:renew');
      r.ele(URI.domain, 'domain:name').txt(lit(aLabel(p.name)));
      r.ele(URI.domain, 'domain:curExpDate').txt(lit(p.curExpDate));
      if (p.period) r.ele(URI.domain, 'domain:period').att('unit', p.period.unit).txt(lit(String(p.period.value)));
      return {};
    });
  },

  domainUpdate(
    clTRID: string,
    p: {
      name: string;
      add?: { ns?: string[]; contacts?: Array<{ type: string; id: string }>; status?: string[] };
      rem?: { ns?: string[]; contacts?: Array<{ type: string; id: string }>; status?: string[] };
      chg?: { registrant?: string; authInfo?: string };
    },
  ): string {
    return doc(clTRID, (cmd) => {
      const u = cmd.ele('update').ele(URI.domain, 'domain:update');
      u.ele(URI.domain, 'domain:name').txt(lit(aLabel(p.name)));
      for (const [k, v] of [
        ['add', p.add],
        ['rem', p.rem],
      ] as const) {
        if (!v || (!v.ns?.length && !v.contacts?.length && !v.status?.length)) continue;
        const a = u.ele(URI.domain, `domain:${k}`);
        if (v.ns?.length) {
          const ns = a.ele(URI.domain, 'domain:ns');
          for (const h of v.ns) ns.ele(URI.domain, 'domain:hostObj').txt(lit(aLabel(h)));
        }
        for (const ct of v.contacts ?? []) a.ele(URI.domain, 'domain:contact').att('type', ct.type).txt(lit(ct.id));
        for (const s of v.status ?? []) a.ele(URI.domain, 'domain:status').att('s', s);
      }
      if (p.chg && (p.chg.registrant !== undefined || p.chg.authInfo !== undefined)) {
        const c = u.ele(URI.domain, 'domain:chg');
        if (p.chg.registrant !== undefined) c.ele(URI.domain, 'domain:registrant').txt(lit(p.chg.registrant));
        if (p.chg.authInfo !== undefined) c.ele(URI.domain, 'domain:authInfo').ele(URI.domain, 'domain:pw').txt(lit(p.chg.authInfo));
      }
      return {};
    });
  },

  domainTransfer(clTRID: string, p: { op: string; name: string; authInfo?: string; period?: Period }): string {
    return doc(clTRID, (cmd) => {
      const t = cmd.ele('transfer').att('op', p.op).ele(URI.domain, 'domain:transfer');
      t.ele(URI.domain, 'domain:name').txt(lit(aLabel(p.name)));
      if (p.period) t.ele(URI.domain, 'domain:period').att('unit', p.period.unit).txt(lit(String(p.period.value)));
      if (p.authInfo) t.ele(URI.domain, 'domain:authInfo').ele(URI.domain, 'domain:pw').txt(lit(p.authInfo));
      return {};
    });
  },

  /** RFC 3915 restore: a domain:update with an empty <domain:chg/> and <rgp:update>. */
  domainRestore(
    clTRID: string,
    p: {
      name: string;
      report?: { preData: string; postData: string; delTime: string; resTime: string; resReason: string; statements: string[]; other?: string };
    },
  ): string {
    return doc(clTRID, (cmd) => {
      const u = cmd.ele('update').ele(URI.domain, 'domain:update');
      u.ele(URI.domain, 'domain:name').txt(lit(aLabel(p.name)));
      u.ele(URI.domain, 'domain:chg');
      return {
        ext: (e) => {
          const r = e.ele(URI.rgp, 'rgp:update').ele(URI.rgp, 'rgp:restore').att('op', p.report ? 'report' : 'request');
          if (!p.report) return;
          const rep = r.ele(URI.rgp, 'rgp:report');
          rep.ele(URI.rgp, 'rgp:preData').txt(lit(p.report.preData));
          rep.ele(URI.rgp, 'rgp:postData').txt(lit(p.report.postData));
          rep.ele(URI.rgp, 'rgp:delTime').txt(lit(p.report.delTime));
          rep.ele(URI.rgp, 'rgp:resTime').txt(lit(p.report.resTime));
          rep.ele(URI.rgp, 'rgp:resReason').txt(lit(p.report.resReason));
          for (const s of p.report.statements) rep.ele(URI.rgp, 'rgp:statement').txt(lit(s));
          if (p.report.other) rep.ele(URI.rgp, 'rgp:other').txt(lit(p.report.other));
        },
      };
    });
  },
};

function dsBlock(parent: XMLBuilder, list: DsData[]): void {
  for (const d of list) {
    const ds = parent.ele(URI.secDNS, 'secDNS:dsData');
    ds.ele(URI.secDNS, 'secDNS:keyTag').txt(lit(String(d.keyTag)));
    ds.ele(URI.secDNS, 'secDNS:alg').txt(lit(String(d.alg)));
    ds.ele(URI.secDNS, 'secDNS:digestType').txt(lit(String(d.digestType)));
    ds.ele(URI.secDNS, 'secDNS:digest').txt(lit(d.digest));
    if (d.keyData) {
      const k = ds.ele(URI.secDNS, 'secDNS:keyData');
      k.ele(URI.secDNS, 'secDNS:flags').txt(lit(String(d.keyData.flags)));
      k.ele(URI.secDNS, 'secDNS:protocol').txt(lit(String(d.keyData.protocol)));
      k.ele(URI.secDNS, 'secDNS:alg').txt(lit(String(d.keyData.alg)));
      k.ele(URI.secDNS, 'secDNS:pubKey').txt(lit(d.keyData.pubKey));
    }
  }
}
