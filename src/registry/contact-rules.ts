import { normalizeName } from './names.js';

/**
 * Contact data rules beyond the schema (RFC 5733 leaves them to the server): contact ids, country codes,
 * telephone numbers, e-mail addresses, postal lines, and the TCI extension's birthday, passport and TIN.
 *
 * Every check returns undefined when the value is acceptable, or a problem: code 2005 (parameter value
 * syntax error) when the value is not of the required form, 2004 (parameter value range error) when it is
 * of the right form but too long, too short or out of range. The command layer adds the element at fault.
 */
export interface RuleProblem {
  code: 2004 | 2005;
  reason: string;
}

const syntax = (reason: string): RuleProblem => ({ code: 2005, reason });
const range = (reason: string): RuleProblem => ({ code: 2004, reason });

/** Longest postal line (name, org, street, city, sp), passport line; the schema's limit, in characters. */
export const MAX_LINE = 255;

// ---------------------------------------------------------------- contact ids

/**
 * Contact ids (eppcom:clIDType: 3 to 16 characters): printable ASCII without spaces. Ids are compared
 * case-insensitively (the table's NOCASE collation), which SQLite applies to ASCII letters only: a non-ASCII
 * id could not be matched reliably, so it is refused.
 */
export function checkContactId(id: string): RuleProblem | undefined {
  if (id.length < 3 || id.length > 16) return range(`A contact id has 3 to 16 characters; ${id.length} given`);
  if (!/^[\x21-\x7E]+$/.test(id)) return syntax('A contact id consists of printable ASCII characters without spaces');
  return undefined;
}

// ---------------------------------------------------------------- country codes

/** ISO 3166-1 alpha-2: every officially assigned code (249). User-assigned codes (AA, QM–QZ, XA–XZ, ZZ) are not countries. */
export const COUNTRY_CODES: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ ' +
    'BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ ' +
    'DE DJ DK DM DO DZ ' +
    'EC EE EG EH ER ES ET ' +
    'FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY ' +
    'HK HM HN HR HT HU ' +
    'ID IE IL IM IN IO IQ IR IS IT ' +
    'JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ ' +
    'LA LB LC LI LK LR LS LT LU LV LY ' +
    'MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ ' +
    'NA NC NE NF NG NI NL NO NP NR NU NZ ' +
    'OM ' +
    'PA PE PF PG PH PK PL PM PN PR PS PT PW PY ' +
    'QA ' +
    'RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ ' +
    'TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ ' +
    'UA UG UM US UY UZ ' +
    'VA VC VE VG VI VN VU ' +
    'WF WS ' +
    'YE YT ' +
    'ZA ZM ZW'
  ).split(' '),
);

/** The upper-case ISO 3166-1 alpha-2 code for `cc` (either case accepted), or a problem. */
export function normalizeCountry(cc: string): { ok: true; cc: string } | { ok: false; problem: RuleProblem } {
  const upper = cc.trim().toUpperCase();
  if (!COUNTRY_CODES.has(upper)) return { ok: false, problem: syntax(`${cc} is not an ISO 3166-1 alpha-2 country code`) };
  return { ok: true, cc: upper };
}

// ---------------------------------------------------------------- telephone numbers

/**
 * RFC 5733 §2.5 numbers: `+CC.NUMBER`, a country calling code of 1 to 3 digits that does not start with 0,
 * a dot, and 4 to 14 digits, at most 15 digits in all (ITU-T E.164). The extension (`x` attribute): 1 to 10
 * digits. The schema's pattern also allows the empty string; that is refused here (callers that let an
 * empty element clear a number check for it first).
 */
export function checkPhone(number: string, x?: string): RuleProblem | undefined {
  if (number === '') return syntax('A telephone number must not be empty: it has the form +CC.NUMBER');
  const m = /^\+([0-9]{1,3})\.([0-9]+)$/.exec(number);
  if (!m) return syntax(`${number} is not a telephone number of the form +CC.NUMBER`);
  const [, cc, rest] = m;
  if (cc.startsWith('0')) return syntax(`${number}: a country calling code does not start with 0`);
  if (rest.length < 4) return syntax(`${number}: the number after the country code is too short (at least 4 digits)`);
  if (cc.length + rest.length > 15) return syntax(`${number}: an E.164 number has at most 15 digits`);
  if (x !== undefined && !/^[0-9]{1,10}$/.test(x)) return syntax(`The extension "${x}" is not 1 to 10 digits`);
  return undefined;
}

// ---------------------------------------------------------------- e-mail addresses

/** RFC 5322 atext, plus any non-ASCII character (RFC 6531 internationalised local parts). */
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\u{80}-\\u{10FFFF}-]+";
const DOT_ATOM = new RegExp(`^${ATOM}(\\.${ATOM})*$`, 'u');

/**
 * An e-mail address `local@domain`: a dot-atom local part (quoted local parts are not accepted) of at most
 * 64 octets, and a domain name of at least two labels that IDNA2008 accepts, with a top-level label that is
 * not all digits (no address literals); at most 254 octets in all (RFC 5321 §4.5.3.1).
 */
export function checkEmail(email: string): RuleProblem | undefined {
  const at = email.lastIndexOf('@');
  if (at < 0) return syntax(`${email} is not an e-mail address: it has no @`);
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length === 0) return syntax(`${email} has no local part before the @`);
  if (Buffer.byteLength(local) > 64) return range(`The local part of ${email.slice(0, 40)}... is longer than 64 octets`);
  if (!DOT_ATOM.test(local)) return syntax(`The local part of ${email} has characters or dots where an address cannot have them`);
  if (domain.length === 0) return syntax(`${email} has no domain after the @`);
  const n = normalizeName(domain);
  if (!n.ok || domain.endsWith('.')) return syntax(`${email} has an invalid domain: ${n.ok ? 'trailing dot' : n.reason}`);
  if (/^[0-9]+$/.test(n.labels[n.labels.length - 1])) return syntax(`${email} has an invalid domain: the top-level label is numeric`);
  if (Buffer.byteLength(email) > 254) return range('An e-mail address has at most 254 octets');
  return undefined;
}

// ---------------------------------------------------------------- postal lines

/** Whether every character is printable US-ASCII (the `int` postal form, RFC 5733 §2.3). */
export function isPrintableAscii(s: string): boolean {
  return /^[\x20-\x7E]*$/.test(s);
}

/**
 * One postal line (name, org, street, city, sp, pc) already trimmed: no control characters, at most
 * MAX_LINE characters; in the `int` form printable ASCII only. `required`: must not be empty.
 */
export function checkPostalLine(text: string, opts: { ascii: boolean; required: boolean; max?: number }): RuleProblem | undefined {
  if (opts.required && text.length === 0) return syntax('This element must not be empty');
  if (/\p{Cc}/u.test(text)) return syntax('Control characters are not allowed');
  if (opts.ascii && !isPrintableAscii(text)) return syntax(`"${text.slice(0, 40)}" is not ASCII: the int form of postal data is ASCII only (use the loc form)`);
  const max = opts.max ?? MAX_LINE;
  if ([...text].length > max) return range(`At most ${max} characters allowed`);
  return undefined;
}

// ---------------------------------------------------------------- TCI person and organization data

/** Earliest birthday accepted. */
const MIN_BIRTHDAY = '1900-01-01';

/** A birthday YYYY-MM-DD (no time zone), a real calendar date, from 1900 up to `now` (UTC). */
export function checkBirthday(date: string, now: Date): RuleProblem | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return syntax(`${date} is not a date of the form YYYY-MM-DD`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.toISOString().slice(0, 10) !== date) return syntax(`${date} is not a calendar date`);
  if (date < MIN_BIRTHDAY) return range(`A birthday before ${MIN_BIRTHDAY} is not accepted`);
  if (date > now.toISOString().slice(0, 10)) return range('A birthday cannot be in the future');
  return undefined;
}

/** A taxpayer identification number: 1 to 64 letters, digits, spaces and . / - (Russian INNs are 10 or 12 digits). */
export function checkTin(tin: string): RuleProblem | undefined {
  if (tin.length === 0) return syntax('The TIN must not be empty');
  if (tin.length > 64) return range('A TIN has at most 64 characters');
  if (!/^[A-Za-z0-9][A-Za-z0-9 ./-]*$/.test(tin)) return syntax(`${tin} is not a taxpayer identification number (letters, digits, spaces, . / -)`);
  return undefined;
}

/** Most passport lines kept for one person. */
export const MAX_PASSPORT_LINES = 5;

/** One passport line (number and issuer as one text). */
export function checkPassport(line: string): RuleProblem | undefined {
  if (line.length === 0) return syntax('A passport line must not be empty');
  if (/\p{Cc}/u.test(line)) return syntax('Control characters are not allowed');
  if ([...line].length > MAX_LINE) return range(`A passport line has at most ${MAX_LINE} characters`);
  return undefined;
}
