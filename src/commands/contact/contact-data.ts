import { EppError, fail } from '../../protocol/errors.js';
import { NS } from '../../protocol/namespaces.js';
import { eppDateTime } from '../../protocol/response.js';
import { child, childText, children, el, type Elem, type Out } from '../../protocol/xml-node.js';
import {
  MAX_PASSPORT_LINES,
  checkBirthday,
  checkContactId,
  checkEmail,
  checkPassport,
  checkPhone,
  checkPostalLine,
  checkTin,
  normalizeCountry,
  type RuleProblem,
} from '../../registry/contact-rules.js';
import type {
  Contact,
  Disclose,
  Phone,
  PostalInfo,
  PostalType,
  TciContactData,
  TciLegalAddr,
} from '../../storage/contact-repo.js';
import type { CommandContext, CommandRequest } from '../types.js';

/**
 * What the contact commands share: loading a contact, sponsorship, parsing and checking the RFC 5733 data
 * (postal info, telephone numbers, e-mail, authInfo, disclose) and the TCI extension (person/organization),
 * the computed statuses and the <contact:infData> / <tci:infData> trees. The rules themselves live in
 * src/registry/contact-rules.ts; here a rule's problem becomes an EppError naming the element at fault.
 */

/** The element naming a contact in <value>. */
export const idValue = (id: string): Out => el('contact:id', null, id);

/** Throws the rule's problem as an EppError (2004/2005) with `msg` before the reason and `value` naming the element. */
function raise(problem: RuleProblem | undefined, msg: string, value: Out): void {
  if (problem) throw new EppError(problem.code, `${msg}: ${problem.reason}`, value);
}

/** Element text as a postal line: line breaks and tabs become spaces (XML normalizedString), then trimmed. */
function clean(text: string): string {
  return text.replace(/[\r\n\t]/g, ' ').trim();
}

// ---------------------------------------------------------------- loading and sponsorship

/** The contact id a command names, checked (2004/2005 for an impossible id). */
export function contactId(object: Elem): string {
  const id = childText(object, 'id') ?? '';
  raise(checkContactId(id), `Invalid contact id ${id}`, idValue(id));
  return id;
}

/** Loads the contact a command names (2004/2005 for an impossible id, 2303 when there is none). */
export async function loadContact(ctx: CommandContext, object: Elem): Promise<Contact> {
  const id = contactId(object);
  const contact = await ctx.repos.contacts.byHandle(id);
  if (!contact) throw fail.notFound(`Contact ${id} does not exist`, idValue(id));
  return contact;
}

/** Only the sponsoring registrar may change a contact (2201). */
export function requireSponsor(ctx: CommandContext, c: Contact, action: string): void {
  if (c.sponsorId !== ctx.registrar.id) {
    throw fail.authorization(`Contact ${c.handle} is sponsored by another registrar; only the sponsor may ${action} it`);
  }
}

/**
 * Refuses command extensions this command does not take (e.g. <secDNS:create> on a contact, a response
 * element such as <tci:infData>) with 2002 instead of silently ignoring them.
 */
export function onlyExtensions(req: CommandRequest, allowed: Array<[string, string]>): void {
  for (const e of req.message.extensions) {
    if (!allowed.some(([ns, name]) => e.ns === ns && e.name === name)) {
      throw fail.use(`The extension element <${e.name}> (${e.ns}) does not belong to this command`);
    }
  }
}

// ---------------------------------------------------------------- postal info

/** <value> for a field of a postal form: name/org directly, the address fields inside <contact:addr>. */
function postalValue(type: PostalType, field: string, text: string): Out {
  const leaf = el(`contact:${field}`, null, text);
  const inner = field === 'name' || field === 'org' ? leaf : el('contact:addr', null, [leaf]);
  return el('contact:postalInfo', { type }, [inner]);
}

type Address = Omit<PostalInfo, 'name' | 'org'>;

/**
 * The street/city/sp/pc/cc children of `parent` (a <contact:addr> or a <tci:legalAddr>), checked: `int`
 * data printable ASCII only, lines at most 255 characters, the city not empty, pc at most 16, cc an
 * ISO 3166-1 code (stored upper case). Empty street lines and an empty sp or pc are dropped.
 */
function parseAddress(parent: Elem, ns: string, type: PostalType, what: string, value: (field: string, text: string) => Out): Address {
  const ascii = type === 'int';
  const street: string[] = [];
  for (const s of children(parent, 'street', ns)) {
    const text = clean(s.text);
    if (text === '') continue;
    raise(checkPostalLine(text, { ascii, required: false }), `${what} street`, value('street', text));
    street.push(text);
  }
  const city = clean(child(parent, 'city', ns)?.text ?? '');
  raise(checkPostalLine(city, { ascii, required: true }), `${what} city`, value('city', city));
  const sp = clean(child(parent, 'sp', ns)?.text ?? '');
  raise(checkPostalLine(sp, { ascii, required: false }), `${what} state/province`, value('sp', sp));
  const pc = clean(child(parent, 'pc', ns)?.text ?? '');
  raise(checkPostalLine(pc, { ascii, required: false, max: 16 }), `${what} postal code`, value('pc', pc));
  const ccText = clean(child(parent, 'cc', ns)?.text ?? '');
  const cc = normalizeCountry(ccText);
  if (!cc.ok) throw new EppError(cc.problem.code, `${what} country code: ${cc.problem.reason}`, value('cc', ccText));
  const addr: Address = { street, city, cc: cc.cc };
  if (sp !== '') addr.sp = sp;
  if (pc !== '') addr.pc = pc;
  return addr;
}

function postalName(pi: Elem, type: PostalType, field: 'name' | 'org', required: boolean): string | undefined {
  const e = child(pi, field, NS.contact);
  if (!e) return undefined;
  const text = clean(e.text);
  raise(checkPostalLine(text, { ascii: type === 'int', required }), `${type} postal info ${field}`, postalValue(type, field, text));
  return text;
}

/** The <contact:postalInfo> elements of `parent`, at most one per type (2306 for a repeated type). */
function postalElements(parent: Elem | undefined): Array<{ type: PostalType; el: Elem }> {
  const out: Array<{ type: PostalType; el: Elem }> = [];
  for (const pi of children(parent, 'postalInfo', NS.contact)) {
    const type = pi.attrs.type as PostalType;
    if (out.some((o) => o.type === type)) throw fail.policy(`postalInfo type="${type}" is given twice`, el('contact:postalInfo', { type }));
    out.push({ type, el: pi });
  }
  return out;
}

/** The complete postal forms of a <contact:create> (the schema requires name and addr in each). */
export function parsePostalInfos(object: Elem): { int: PostalInfo | null; loc: PostalInfo | null } {
  const out: { int: PostalInfo | null; loc: PostalInfo | null } = { int: null, loc: null };
  for (const { type, el: pi } of postalElements(object)) {
    const name = postalName(pi, type, 'name', true) ?? '';
    const org = postalName(pi, type, 'org', false);
    const addrEl = child(pi, 'addr', NS.contact);
    if (!addrEl) throw fail.missing(`${type} postal info needs an address`, el('contact:postalInfo', { type }));
    const addr = parseAddress(addrEl, NS.contact, type, `${type} postal info`, (f, t) => postalValue(type, f, t));
    out[type] = { name, ...(org ? { org } : {}), ...addr };
  }
  return out;
}

/**
 * The postal forms of an update's <contact:chg>, merged into the stored ones: a given name or addr replaces
 * the stored one; a given <org> replaces it (an empty <org/> removes it). A form the contact does not have
 * yet must come complete (name and addr: 2003 otherwise).
 */
export function mergePostalInfos(chg: Elem | undefined, stored: Contact): { int?: PostalInfo; loc?: PostalInfo } {
  const out: { int?: PostalInfo; loc?: PostalInfo } = {};
  for (const { type, el: pi } of postalElements(chg)) {
    const current = type === 'int' ? stored.postalInt : stored.postalLoc;
    const name = postalName(pi, type, 'name', true);
    const org = postalName(pi, type, 'org', false);
    const addrEl = child(pi, 'addr', NS.contact);
    const addr = addrEl ? parseAddress(addrEl, NS.contact, type, `${type} postal info`, (f, t) => postalValue(type, f, t)) : undefined;
    if (!current && (name === undefined || addr === undefined)) {
      throw fail.missing(`Contact ${stored.handle} has no ${type} postal info yet: give its name and addr`, el('contact:postalInfo', { type }));
    }
    const keptOrg = org === undefined ? current?.org : org || undefined;
    out[type] = { name: name ?? current!.name, ...(keptOrg ? { org: keptOrg } : {}), ...(addr ?? addrOf(current!)) };
  }
  return out;
}

function addrOf(p: PostalInfo | Address): Address {
  const a: Address = { street: p.street, city: p.city, cc: p.cc };
  if (p.sp !== undefined) a.sp = p.sp;
  if (p.pc !== undefined) a.pc = p.pc;
  return a;
}

// ---------------------------------------------------------------- voice, fax, e-mail, authInfo, disclose

/**
 * A <contact:voice> or <contact:fax>: +CC.NUMBER with an optional x extension (2005 otherwise). With
 * `emptyClears` (update) an empty element removes the number (null); on create an empty element is 2005.
 */
export function parsePhone(e: Elem, name: 'voice' | 'fax', emptyClears: boolean): Phone | null {
  const number = e.text.trim();
  const xAttr = e.attrs.x?.trim();
  const x = xAttr === '' ? undefined : xAttr;
  if (number === '' && x === undefined && emptyClears) return null;
  raise(checkPhone(number, x), `contact:${name}`, el(`contact:${name}`, x === undefined ? null : { x }, number));
  return x === undefined ? { number } : { number, x };
}

export function parseEmail(e: Elem): string {
  const email = e.text.trim();
  raise(checkEmail(email), 'contact:email', el('contact:email', null, email));
  return email;
}

/** Longest authInfo password stored. */
const MAX_PW = 255;

/** The <contact:pw> of a <contact:authInfo> (create, chg); <contact:ext> is not supported (2102). */
export function parseAuthPw(authInfo: Elem): string {
  if (child(authInfo, 'ext')) throw fail.unimplementedOption('Only password authInfo (<contact:pw>) is supported');
  const pw = child(authInfo, 'pw');
  if (!pw) throw fail.missing('authInfo requires <contact:pw>');
  if (pw.attrs.roid !== undefined) throw fail.policy('A contact authInfo password carries no roid', el('contact:pw', null, ''));
  const text = pw.text;
  if (text.trim().length === 0) throw fail.policy('The authInfo password must not be empty', el('contact:pw', null, ''));
  if (text.length > MAX_PW) throw fail.policy(`The authInfo password is longer than ${MAX_PW} characters`, el('contact:pw', null, ''));
  return text;
}

/**
 * A <contact:disclose> (RFC 5733 §2.9): the flag and the elements it applies to, kept as given (a type
 * listed twice once). One without children is a disclosure preference about nothing: null (on update it
 * removes the stored preference, leaving the server's default).
 */
export function parseDisclose(e: Elem): Disclose | null {
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

// ---------------------------------------------------------------- TCI extension

/** The served TLDs that require the TCI extension on contact create (empty: none does). */
export function tciTlds(ctx: CommandContext): Promise<string[]> {
  return ctx.repos.contacts.tldsRequiringExtension('tci');
}

/**
 * The person or organization data of a <tci:create> or <tci:update><tci:chg> (any prefix; matched by
 * namespace). person: a YYYY-MM-DD birthday from 1900 to today, 1 to 5 non-empty passport lines, an optional
 * TIN. organization: one or two legal addresses of distinct types (int ASCII only; empty street/sp/pc
 * accepted and dropped) and a TIN. 2003 when neither is given, 2004/2005 for a bad value, 2306 for a repeated
 * legalAddr type or too many passport lines.
 */
export function parseTci(ext: Elem, now: Date): TciContactData {
  const T = NS.tciContact;
  const holder = ext.name === 'update' ? child(ext, 'chg', T) : ext;
  const person = child(holder, 'person', T);
  const org = child(holder, 'organization', T);
  if (person) {
    const birthday = (childText(person, 'birthday', T) ?? '').trim();
    raise(checkBirthday(birthday, now), 'TCI birthday', el('tci:birthday', null, birthday));
    const passport: string[] = [];
    for (const p of children(person, 'passport', T)) {
      const line = clean(p.text);
      raise(checkPassport(line), 'TCI passport', el('tci:passport', null, line));
      passport.push(line);
    }
    if (passport.length === 0) throw fail.missing('A person needs passport data', el('tci:passport'));
    if (passport.length > MAX_PASSPORT_LINES) {
      throw fail.policy(`At most ${MAX_PASSPORT_LINES} passport lines are kept; ${passport.length} given`, el('tci:passport', null, passport[MAX_PASSPORT_LINES]));
    }
    const tinEl = child(person, 'TIN', T);
    const out: TciContactData = { person: { birthday, passport } };
    if (tinEl) {
      const tin = clean(tinEl.text);
      raise(checkTin(tin), 'TCI TIN', el('tci:TIN', null, tin));
      out.person.tin = tin;
    }
    return out;
  }
  if (org) {
    const legalAddr: TciLegalAddr[] = [];
    for (const a of children(org, 'legalAddr', T)) {
      const type = a.attrs.type as PostalType;
      if (legalAddr.some((l) => l.type === type)) throw fail.policy(`legalAddr type="${type}" is given twice`, el('tci:legalAddr', { type }));
      const addr = parseAddress(a, T, type, `TCI ${type} legal address`, (f, t) => el('tci:legalAddr', { type }, [el(`tci:${f}`, null, t)]));
      legalAddr.push({ type, ...addr });
    }
    if (legalAddr.length === 0) throw fail.missing('An organization needs a legal address', el('tci:legalAddr'));
    const tin = clean(childText(org, 'TIN', T) ?? '');
    raise(checkTin(tin), 'TCI TIN', el('tci:TIN', null, tin));
    return { organization: { legalAddr, tin } };
  }
  throw fail.missing('The TCI contact extension needs <person> or <organization> data', el('tci:create'));
}

/** <tci:infData>: the same tree as create. */
export function tciInfData(tci: TciContactData): Out {
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

// ---------------------------------------------------------------- statuses and response

/** Stored statuses plus the computed ones: `linked` while a domain references it, `ok` when nothing is stored (RFC 5733: ok may only be combined with linked). */
export function displayStatuses(c: Contact, linked: boolean): string[] {
  const s = c.statuses.length === 0 ? ['ok'] : [...c.statuses];
  if (linked) s.push('linked');
  return s;
}

function addressOut(prefix: 'contact' | 'tci', a: Address): Out[] {
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

/**
 * <contact:infData> in the schema's order. `withAuthInfo` only for the sponsor: another registrar that
 * proved the authInfo sees everything else but never the password itself.
 */
export function infData(c: Contact, linked: boolean, withAuthInfo: boolean): Out {
  return el('contact:infData', null, [
    el('contact:id', null, c.handle),
    el('contact:roid', null, c.roid),
    ...displayStatuses(c, linked).map((s) => el('contact:status', { s })),
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
    withAuthInfo && el('contact:authInfo', null, [el('contact:pw', null, c.authPw)]),
    c.disclose && discloseOut(c.disclose),
  ]);
}
