import { authInfoExtUnsupported } from '../commands/conditions.js';
import { authInfoWithoutPw, tciDataMissing } from '../commands/contact/conditions.js';
import type {
  AddressInput,
  ContactCheck,
  ContactCheckData,
  ContactCreate,
  ContactCreateData,
  ContactDelete,
  ContactInfo,
  ContactInfoData,
  ContactUpdate,
  PhoneInput,
  PostalInput,
  TciInput,
} from '../commands/contact/types.js';
import type { AuthPassword } from '../commands/object-rules.js';
import { NS } from '../protocol/namespaces.js';
import type { EppMessage } from '../protocol/parser.js';
import { eppDateTime } from '../protocol/response.js';
import { child, childText, children, el, type Elem, type Out } from '../protocol/xml-node.js';
import type { Disclose, Phone, PostalInfo, PostalType, TciContactData } from '../storage/contact-repo.js';
import type { Rendered } from './binding.js';

/**
 * The contact commands' codec (RFC 5733 and the TCI contact extension, matched by namespace whatever its
 * prefix): the validated <contact:…> element and <tci:create>/<tci:update> → the typed inputs of
 * src/commands/contact/types.ts, and their typed results → <resData> and <tci:infData>.
 *
 * Refused while reading (XML-only problems): authInfoExtUnsupported (2102) an authInfo given as
 * <contact:ext> on create/update; authInfoWithoutPw (2003) and tciDataMissing (2003), which the schema
 * already rules out.
 */

// ---------------------------------------------------------------- readers

/** Element text as a postal line: line breaks and tabs become spaces (XML normalizedString), then trimmed. */
function clean(text: string): string {
  return text.replace(/[\r\n\t]/g, ' ').trim();
}

const idOf = (m: EppMessage): string => childText(m.object, 'id') ?? '';

/** The street/city/sp/pc/cc children of a <contact:addr> or a <tci:legalAddr>. */
function readAddress(parent: Elem, ns: string): AddressInput {
  const optional = (name: string) => {
    const e = child(parent, name, ns);
    return e === undefined ? undefined : clean(e.text);
  };
  const a: AddressInput = {
    street: children(parent, 'street', ns).map((s) => clean(s.text)),
    city: clean(child(parent, 'city', ns)?.text ?? ''),
    cc: clean(child(parent, 'cc', ns)?.text ?? ''),
  };
  const sp = optional('sp');
  const pc = optional('pc');
  if (sp !== undefined) a.sp = sp;
  if (pc !== undefined) a.pc = pc;
  return a;
}

/** The <contact:postalInfo> children of a <contact:create> or <contact:chg>, in the order sent. */
function readPostalInfos(parent: Elem | undefined): PostalInput[] {
  return children(parent, 'postalInfo', NS.contact).map((pi) => {
    const p: PostalInput = { type: pi.attrs.type as PostalType };
    const name = child(pi, 'name', NS.contact);
    const org = child(pi, 'org', NS.contact);
    const addr = child(pi, 'addr', NS.contact);
    if (name) p.name = clean(name.text);
    if (org) p.org = clean(org.text);
    if (addr) p.addr = readAddress(addr, NS.contact);
    return p;
  });
}

function readPhone(e: Elem | undefined): PhoneInput | undefined {
  if (!e) return undefined;
  const x = e.attrs.x?.trim();
  return x === undefined || x === '' ? { number: e.text.trim() } : { number: e.text.trim(), x };
}

/** The password of a <contact:authInfo> on create/chg; <contact:ext> is not supported (2102). */
function readAuthPw(authInfo: Elem): AuthPassword {
  if (child(authInfo, 'ext')) throw authInfoExtUnsupported('contact');
  const pw = child(authInfo, 'pw');
  if (!pw) throw authInfoWithoutPw();
  return pw.attrs.roid === undefined ? { pw: pw.text } : { pw: pw.text, roid: pw.attrs.roid };
}

/**
 * A <contact:disclose> (RFC 5733 §2.9): the flag and the elements it applies to, kept as given (a type
 * listed twice once). One without children is a disclosure preference about nothing: null.
 */
function readDisclose(e: Elem): Disclose | null {
  if (e.children.length === 0) return null;
  const flag = e.attrs.flag === '1' || e.attrs.flag === 'true';
  const types = (name: string) => [...new Set(children(e, name, NS.contact).map((c) => c.attrs.type as PostalType))];
  return {
    flag,
    name: types('name'),
    org: types('org'),
    addr: types('addr'),
    voice: child(e, 'voice') !== undefined,
    fax: child(e, 'fax') !== undefined,
    email: child(e, 'email') !== undefined,
  };
}

/** The person or organization of a <tci:create> or <tci:update><tci:chg> (any prefix; matched by namespace). */
function readTci(m: EppMessage, verb: 'create' | 'update'): TciInput | undefined {
  const T = NS.tciContact;
  const ext = m.extensions.find((e) => e.ns === T && e.name === verb);
  if (!ext) return undefined;
  const holder = verb === 'update' ? child(ext, 'chg', T) : ext;
  const person = child(holder, 'person', T);
  if (person) {
    const tin = child(person, 'TIN', T);
    return {
      person: {
        birthday: (childText(person, 'birthday', T) ?? '').trim(),
        passport: children(person, 'passport', T).map((p) => clean(p.text)),
        ...(tin ? { tin: clean(tin.text) } : {}),
      },
    };
  }
  const org = child(holder, 'organization', T);
  if (org) {
    return {
      organization: {
        legalAddr: children(org, 'legalAddr', T).map((a) => ({ type: a.attrs.type as PostalType, ...readAddress(a, T) })),
        tin: clean(childText(org, 'TIN', T) ?? ''),
      },
    };
  }
  throw tciDataMissing();
}

export function readContactCheck(m: EppMessage): ContactCheck {
  return { ids: children(m.object, 'id', NS.contact).map((e) => e.text.trim()) };
}

export function readContactInfo(m: EppMessage): ContactInfo {
  const pw = child(child(m.object, 'authInfo'), 'pw');
  if (!pw) return { id: idOf(m) };
  return { id: idOf(m), authInfo: pw.attrs.roid === undefined ? { pw: pw.text } : { pw: pw.text, roid: pw.attrs.roid } };
}

export function readContactCreate(m: EppMessage): ContactCreate {
  const o = m.object!;
  const input: ContactCreate = {
    id: idOf(m),
    postalInfo: readPostalInfos(o),
    email: (child(o, 'email')?.text ?? '').trim(),
    authInfo: readAuthPw(child(o, 'authInfo')!),
  };
  const voice = readPhone(child(o, 'voice'));
  const fax = readPhone(child(o, 'fax'));
  const disclose = child(o, 'disclose');
  const tci = readTci(m, 'create');
  if (voice) input.voice = voice;
  if (fax) input.fax = fax;
  if (disclose) input.disclose = readDisclose(disclose);
  if (tci) input.tci = tci;
  return input;
}

export function readContactUpdate(m: EppMessage): ContactUpdate {
  const o = m.object!;
  const statuses = (parent: Elem | undefined) => children(parent, 'status', NS.contact).map((s) => s.attrs.s);
  const c = child(o, 'chg');
  const chg: ContactUpdate['chg'] = { postalInfo: readPostalInfos(c) };
  const voice = readPhone(child(c, 'voice'));
  const fax = readPhone(child(c, 'fax'));
  const email = child(c, 'email');
  const authInfo = child(c, 'authInfo');
  const disclose = child(c, 'disclose');
  if (voice) chg.voice = voice;
  if (fax) chg.fax = fax;
  if (email) chg.email = email.text.trim();
  if (authInfo) chg.authInfo = readAuthPw(authInfo);
  if (disclose) chg.disclose = readDisclose(disclose);
  const input: ContactUpdate = { id: idOf(m), add: { statuses: statuses(child(o, 'add')) }, rem: { statuses: statuses(child(o, 'rem')) }, chg };
  const tci = readTci(m, 'update');
  if (tci) input.tci = tci;
  return input;
}

export function readContactDelete(m: EppMessage): ContactDelete {
  return { id: idOf(m) };
}

// ---------------------------------------------------------------- renderers

export function renderContactCheck(d: ContactCheckData): Rendered {
  const cds = d.results.map((r) =>
    el('contact:cd', null, [el('contact:id', { avail: r.available ? 1 : 0 }, r.id), r.reason !== undefined && el('contact:reason', null, r.reason)]),
  );
  return { resData: [el('contact:chkData', null, cds)] };
}

/**
 * <contact:infData> in the schema's order (for the sponsor with an empty <contact:pw/>: RFC 9154 §5.3, the
 * value is kept only as a hash; another registrar that proved it sees everything else and no authInfo
 * element), and <tci:infData> when the contact has TCI data
 * (left out, or moved into <extValue>, by the door when the session did not select the TCI extension).
 */
export function renderContactInfo(d: ContactInfoData): Rendered {
  const c = d.contact;
  const infData = el('contact:infData', null, [
    el('contact:id', null, c.handle),
    el('contact:roid', null, c.roid),
    ...d.statuses.map((s) => el('contact:status', { s })),
    c.postalLoc && postalOut('loc', c.postalLoc),
    c.postalInt && postalOut('int', c.postalInt),
    phoneOut('voice', c.voice),
    phoneOut('fax', c.fax),
    el('contact:email', null, c.email),
    el('contact:clID', null, c.sponsorClId),
    el('contact:crID', null, c.creatorClId),
    el('contact:crDate', null, eppDateTime(c.createdAt)),
    c.updaterClId !== null && el('contact:upID', null, c.updaterClId),
    c.updatedAt !== null && el('contact:upDate', null, eppDateTime(c.updatedAt)),
    c.transferredAt !== null && el('contact:trDate', null, eppDateTime(c.transferredAt)),
    d.withAuthInfo && el('contact:authInfo', null, [el('contact:pw')]),
    c.disclose && discloseOut(c.disclose),
  ]);
  const extension = c.tci ? [tciInfData(c.tci)] : [];
  return { resData: [infData], extension };
}

export function renderContactCreate(d: ContactCreateData): Rendered {
  return { resData: [el('contact:creData', null, [el('contact:id', null, d.id), el('contact:crDate', null, eppDateTime(d.createdAt))])] };
}

/** <tci:infData>: the same tree as create. */
function tciInfData(tci: TciContactData): Out {
  if ('person' in tci) {
    const p = tci.person;
    return el('tci:infData', null, [
      el('tci:person', null, [
        el('tci:birthday', null, p.birthday),
        ...p.passport.map((line) => el('tci:passport', null, line)),
        p.tin !== undefined && el('tci:TIN', null, p.tin),
      ]),
    ]);
  }
  const o = tci.organization;
  return el('tci:infData', null, [
    el('tci:organization', null, [
      ...o.legalAddr.map((a) => el('tci:legalAddr', { type: a.type }, addressOut('tci', a))),
      el('tci:TIN', null, o.tin),
    ]),
  ]);
}

function addressOut(prefix: 'contact' | 'tci', a: Omit<PostalInfo, 'name' | 'org'>): Out[] {
  return [
    ...a.street.map((s) => el(`${prefix}:street`, null, s)),
    el(`${prefix}:city`, null, a.city),
    a.sp !== undefined && el(`${prefix}:sp`, null, a.sp),
    a.pc !== undefined && el(`${prefix}:pc`, null, a.pc),
    el(`${prefix}:cc`, null, a.cc),
  ].filter((x): x is Out => Boolean(x));
}

function postalOut(type: PostalType, p: PostalInfo): Out {
  return el('contact:postalInfo', { type }, [
    el('contact:name', null, p.name),
    p.org !== undefined && el('contact:org', null, p.org),
    el('contact:addr', null, addressOut('contact', p)),
  ]);
}

function phoneOut(name: 'voice' | 'fax', p: Phone | null): Out | undefined {
  return p ? el(`contact:${name}`, p.x === undefined ? null : { x: p.x }, p.number) : undefined;
}

function discloseOut(d: Disclose): Out {
  return el('contact:disclose', { flag: d.flag ? 1 : 0 }, [
    ...d.name.map((type) => el('contact:name', { type })),
    ...d.org.map((type) => el('contact:org', { type })),
    ...d.addr.map((type) => el('contact:addr', { type })),
    d.voice && el('contact:voice'),
    d.fax && el('contact:fax'),
    d.email && el('contact:email'),
  ]);
}
