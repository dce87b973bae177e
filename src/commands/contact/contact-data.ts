import { el, type Out } from '../../protocol/xml-node.js';
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
import type { Contact, Phone, PostalInfo, PostalType, TciContactData, TciLegalAddr } from '../../storage/contact-repo.js';
import type { CommandContext } from '../types.js';
import {
  contactNotFound,
  contactValueRange,
  contactValueSyntax,
  idValue,
  legalAddrMissing,
  legalAddrTwice,
  passportMissing,
  postalInfoIncomplete,
  postalInfoTwice,
  postalInfoWithoutAddress,
  tooManyPassportLines,
} from './conditions.js';
import type { AddressInput, PhoneInput, PostalInput, TciInput } from './types.js';

export { idValue } from './conditions.js';

/**
 * What the contact commands share: loading a contact, and the RFC 5733 data (postal info, telephone
 * numbers, e-mail) and the TCI extension (person/organization) checked as typed values. The rules themselves
 * live in src/registry/contact-rules.ts; here a rule's problem becomes contactValueRange (2004) or
 * contactValueSyntax (2005) naming the element at fault.
 */

/** The rule's problem as its condition (2004/2005), with `what` before the reason and `value` naming the element. */
function refused(problem: RuleProblem, what: string, value: Out) {
  return (problem.code === 2004 ? contactValueRange : contactValueSyntax)(what, problem.reason, value);
}

/** Throws the rule's problem, if any (see `refused`). */
function raise(problem: RuleProblem | undefined, what: string, value: Out): void {
  if (problem) throw refused(problem, what, value);
}

// ---------------------------------------------------------------- loading

/** The contact id a command names, as sent, checked (2004/2005 for an impossible id). */
export function contactId(id: string): string {
  raise(checkContactId(id), `Invalid contact id ${id}`, idValue(id));
  return id;
}

/** Loads the contact a command names (2004/2005 for an impossible id, contactNotFound 2303 when there is none). */
export async function loadContact(ctx: CommandContext, sent: string): Promise<Contact> {
  const id = contactId(sent);
  const contact = await ctx.repos.contacts.byHandle(id);
  if (!contact) throw contactNotFound(id);
  return contact;
}

/** Stored statuses plus the computed ones: `linked` while a domain references it, `ok` when nothing is stored (RFC 5733: ok may only be combined with linked). */
export function displayStatuses(c: Pick<Contact, 'statuses'>, linked: boolean): string[] {
  const s = c.statuses.length === 0 ? ['ok'] : [...c.statuses];
  if (linked) s.push('linked');
  return s;
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
 * An address (a <contact:addr> or a <tci:legalAddr>), checked: `int` data printable ASCII only, lines at
 * most 255 characters, the city not empty, pc at most 16, cc an ISO 3166-1 code (stored upper case). Empty
 * street lines and an empty sp or pc are dropped.
 */
function checkAddress(a: AddressInput, type: PostalType, what: string, value: (field: string, text: string) => Out): Address {
  const ascii = type === 'int';
  const street: string[] = [];
  for (const text of a.street) {
    if (text === '') continue;
    raise(checkPostalLine(text, { ascii, required: false }), `${what} street`, value('street', text));
    street.push(text);
  }
  const city = a.city;
  raise(checkPostalLine(city, { ascii, required: true }), `${what} city`, value('city', city));
  const sp = a.sp ?? '';
  raise(checkPostalLine(sp, { ascii, required: false }), `${what} state/province`, value('sp', sp));
  const pc = a.pc ?? '';
  raise(checkPostalLine(pc, { ascii, required: false, max: 16 }), `${what} postal code`, value('pc', pc));
  const cc = normalizeCountry(a.cc);
  if (!cc.ok) throw refused(cc.problem, `${what} country code`, value('cc', a.cc));
  const addr: Address = { street, city, cc: cc.cc };
  if (sp !== '') addr.sp = sp;
  if (pc !== '') addr.pc = pc;
  return addr;
}

const postalAddress = (p: PostalInput, addr: AddressInput): Address =>
  checkAddress(addr, p.type, `${p.type} postal info`, (f, t) => postalValue(p.type, f, t));

function postalLine(p: PostalInput, field: 'name' | 'org', required: boolean): string | undefined {
  const text = p[field];
  if (text === undefined) return undefined;
  raise(checkPostalLine(text, { ascii: p.type === 'int', required }), `${p.type} postal info ${field}`, postalValue(p.type, field, text));
  return text;
}

/** Each postal type at most once (postalInfoTwice, 2306). */
function eachTypeOnce(forms: readonly PostalInput[]): void {
  const seen: PostalType[] = [];
  for (const p of forms) {
    if (seen.includes(p.type)) throw postalInfoTwice(p.type);
    seen.push(p.type);
  }
}

/** The complete postal forms of a create (postalInfoWithoutAddress 2003 for one without its address). */
export function checkPostalInfos(forms: readonly PostalInput[]): { int: PostalInfo | null; loc: PostalInfo | null } {
  eachTypeOnce(forms);
  const out: { int: PostalInfo | null; loc: PostalInfo | null } = { int: null, loc: null };
  for (const p of forms) {
    const name = postalLine(p, 'name', true) ?? '';
    const org = postalLine(p, 'org', false);
    if (!p.addr) throw postalInfoWithoutAddress(p.type);
    const addr = postalAddress(p, p.addr);
    out[p.type] = { name, ...(org ? { org } : {}), ...addr };
  }
  return out;
}

/**
 * The postal forms of an update's chg, merged into the stored ones: a given name or addr replaces the
 * stored one; a given org replaces it (an empty org removes it). A form the contact does not have yet must
 * come complete (postalInfoIncomplete, 2003).
 */
export function mergePostalInfos(forms: readonly PostalInput[], stored: Contact): { int?: PostalInfo; loc?: PostalInfo } {
  eachTypeOnce(forms);
  const out: { int?: PostalInfo; loc?: PostalInfo } = {};
  for (const p of forms) {
    const current = p.type === 'int' ? stored.postalInt : stored.postalLoc;
    const name = postalLine(p, 'name', true);
    const org = postalLine(p, 'org', false);
    const addr = p.addr ? postalAddress(p, p.addr) : undefined;
    if (!current && (name === undefined || addr === undefined)) throw postalInfoIncomplete(stored.handle, p.type);
    const keptOrg = org === undefined ? current?.org : org || undefined;
    out[p.type] = { name: name ?? current!.name, ...(keptOrg ? { org: keptOrg } : {}), ...(addr ?? addrOf(current!)) };
  }
  return out;
}

function addrOf(p: PostalInfo | Address): Address {
  const a: Address = { street: p.street, city: p.city, cc: p.cc };
  if (p.sp !== undefined) a.sp = p.sp;
  if (p.pc !== undefined) a.pc = p.pc;
  return a;
}

// ---------------------------------------------------------------- voice, fax, e-mail

/**
 * A voice or fax number: +CC.NUMBER with an optional x extension (2005 otherwise). With `emptyClears`
 * (update) an empty element removes the number (null); on create an empty element is 2005.
 */
export function checkPhoneInput(p: PhoneInput, name: 'voice' | 'fax', emptyClears: boolean): Phone | null {
  const { number, x } = p;
  if (number === '' && x === undefined && emptyClears) return null;
  raise(checkPhone(number, x), `contact:${name}`, el(`contact:${name}`, x === undefined ? null : { x }, number));
  return x === undefined ? { number } : { number, x };
}

export function checkEmailInput(email: string): string {
  raise(checkEmail(email), 'contact:email', el('contact:email', null, email));
  return email;
}

// ---------------------------------------------------------------- TCI extension

/**
 * The person or organization data of the TCI extension, checked. person: a YYYY-MM-DD birthday from 1900
 * to today, 1 to 5 non-empty passport lines, an optional TIN. organization: one or two legal addresses of
 * distinct types (int ASCII only; empty street/sp/pc accepted and dropped) and a TIN. passportMissing and
 * legalAddrMissing (2003), 2004/2005 for a bad value, legalAddrTwice and tooManyPassportLines (2306).
 */
export function checkTci(t: TciInput, now: Date): TciContactData {
  if ('person' in t) {
    const { birthday } = t.person;
    raise(checkBirthday(birthday, now), 'TCI birthday', el('tci:birthday', null, birthday));
    const passport: string[] = [];
    for (const line of t.person.passport) {
      raise(checkPassport(line), 'TCI passport', el('tci:passport', null, line));
      passport.push(line);
    }
    if (passport.length === 0) throw passportMissing();
    if (passport.length > MAX_PASSPORT_LINES) throw tooManyPassportLines(passport);
    const out: TciContactData = { person: { birthday, passport } };
    if (t.person.tin !== undefined) {
      const tin = t.person.tin;
      raise(checkTin(tin), 'TCI TIN', el('tci:TIN', null, tin));
      out.person.tin = tin;
    }
    return out;
  }
  const legalAddr: TciLegalAddr[] = [];
  for (const a of t.organization.legalAddr) {
    const type = a.type;
    if (legalAddr.some((l) => l.type === type)) throw legalAddrTwice(type);
    const addr = checkAddress(a, type, `TCI ${type} legal address`, (f, text) => el('tci:legalAddr', { type }, [el(`tci:${f}`, null, text)]));
    legalAddr.push({ type, ...addr });
  }
  if (legalAddr.length === 0) throw legalAddrMissing();
  const tin = t.organization.tin;
  raise(checkTin(tin), 'TCI TIN', el('tci:TIN', null, tin));
  return { organization: { legalAddr, tin } };
}
