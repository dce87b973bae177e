import { parse } from 'csv-parse/sync';
import type { DnlEntry, LaunchRegistration } from '../storage/tmch-repo.js';
import { normalizeName } from './names.js';
export { parseCrl } from './crl.js';
export { normalSerial } from './signed-mark.js';

/**
 * The Trademark Clearinghouse's files (RFC 9361 §§5-6): the Domain Name Label list (DNL) and the SMD
 * revocation list (SMDRL) the registry downloads, the TMCH CA's CRL, and the LORDN files the registry sends
 * back. Each parser checks the whole file and throws naming the first bad line; nothing is half-loaded.
 * CSV by csv-parse; the CRL by ./crl.ts.
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const LDH_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * An RFC 3339 date-time. `new Date()` alone rolls impossible fields over (2026-02-30 becomes March 2, 24:00
 * the next day), so the calendar fields are checked to be the ones written. A leap second (:60) is refused:
 * a Date cannot hold it, and no TMCH file needs one.
 */
function instant(text: string, where: string): Date {
  const m = RFC3339.exec(text);
  const d = new Date(text);
  const bad = () => new Error(`${where}: ${JSON.stringify(text)} is not an RFC 3339 date-time`);
  if (!m || Number.isNaN(d.getTime())) throw bad();
  const [y, mo, day, h, mi, sec] = m.slice(1, 7).map(Number);
  const local = new Date(Date.UTC(y, mo - 1, day, h, mi, sec));
  const offset = m[8].toUpperCase() === 'Z' ? '+00:00' : m[8];
  const [oh, om] = offset.slice(1).split(':').map(Number);
  if (local.getUTCFullYear() !== y || local.getUTCMonth() !== mo - 1 || local.getUTCDate() !== day || local.getUTCHours() !== h || local.getUTCMinutes() !== mi || local.getUTCSeconds() !== sec || oh > 23 || om > 59) {
    throw bad();
  }
  return d;
}

/**
 * A DNL label: an LDH label (lower-cased), and one a domain name could have (the registry's own label rules,
 * src/registry/names.ts: an `xn--` label must be a valid A-label, `ab--c` is not a label). A label no domain
 * can carry means the file is not the TMCH's.
 */
function dnlLabel(text: string, where: string): string {
  const label = text.toLowerCase();
  if (!LDH_LABEL.test(label)) throw new Error(`${where}: ${JSON.stringify(text)} is not an LDH label (an IDN as its A-label)`);
  if (label.slice(2, 4) !== '--') return label; // a plain LDH label: nothing more to check
  const checked = normalizeName(`${label}.invalid`);
  if (!checked.ok || checked.labels[0] !== label) throw new Error(`${where}: ${JSON.stringify(text)} is not a valid domain label (${checked.ok ? 'not in A-label form' : checked.reason})`);
  return label;
}

/**
 * The records of a CSV file with the line each starts on (csv-parse; quoted fields, CRLF, blank lines and a
 * byte order mark handled). csv-parse counts the line a record ends on; a quoted field holding line breaks
 * moves that, so they are counted back.
 */
function records(text: string): Array<{ line: number; fields: string[] }> {
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, info: true }) as unknown as typeof rows;
  } catch (e) {
    throw new Error(`not a CSV file: ${(e as Error).message}`);
  }
  return rows.map((r) => ({ line: r.info.lines - r.record.reduce((n, f) => n + (f.match(/\r\n|\r|\n/g)?.length ?? 0), 0), fields: r.record }));
}

/** Line 1 of the DNL and SMDRL: `1,<creation datetime>`; line 2 the header. */
function header(rows: Array<{ line: number; fields: string[] }>, columns: string[], what: string): Date {
  if (rows.length < 2) throw new Error(`${what}: expected a version line and a header line`);
  const [first, head] = rows;
  if (first.fields.length !== 2) throw new Error(`line ${first.line}: expected "1,<creation date-time>", got ${first.fields.length} field(s)`);
  if (first.fields[0] !== '1') throw new Error(`line ${first.line}: version ${JSON.stringify(first.fields[0])} is not supported (only 1)`);
  const created = instant(first.fields[1], `line ${first.line}`);
  if (head.fields.join(',') !== columns.join(',')) throw new Error(`line ${head.line}: expected the header ${columns.join(',')}, got ${head.fields.join(',')}`);
  return created;
}

/** The DNL (RFC 9361 §6.3.1.1): labels under a trademark claim and their lookup keys. */
export function parseDnl(text: string): { createdAt: Date; entries: DnlEntry[] } {
  const rows = records(text);
  const createdAt = header(rows, ['DNL', 'lookup-key', 'insertion-datetime'], 'DNL');
  const seen = new Set<string>();
  const entries = rows.slice(2).map(({ line, fields }) => {
    if (fields.length !== 3) throw new Error(`line ${line}: expected 3 fields (DNL,lookup-key,insertion-datetime), got ${fields.length}`);
    const label = dnlLabel(fields[0], `line ${line}`);
    if (seen.has(label)) throw new Error(`line ${line}: label ${label} is listed twice`);
    seen.add(label);
    if (!/^\S{1,255}$/.test(fields[1])) throw new Error(`line ${line}: lookup key ${JSON.stringify(fields[1])} must be 1 to 255 characters without spaces`);
    return { label, lookupKey: fields[1], insertedAt: instant(fields[2], `line ${line}`) };
  });
  return { createdAt, entries };
}

/** The SMD revocation list (RFC 9361 §6.2.1.1): revoked signed mark ids. */
export function parseSmdrl(text: string): { createdAt: Date; entries: Array<{ smdId: string; revokedAt: Date }> } {
  const rows = records(text);
  const createdAt = header(rows, ['smd-id', 'insertion-datetime'], 'SMDRL');
  const seen = new Set<string>();
  const entries = rows.slice(2).map(({ line, fields }) => {
    if (fields.length !== 2) throw new Error(`line ${line}: expected 2 fields (smd-id,insertion-datetime), got ${fields.length}`);
    if (!/^\d+-\d+$/.test(fields[0])) throw new Error(`line ${line}: ${JSON.stringify(fields[0])} is not an SMD id (digits-digits)`);
    if (seen.has(fields[0])) throw new Error(`line ${line}: SMD id ${fields[0]} is listed twice`);
    seen.add(fields[0]);
    return { smdId: fields[0], revokedAt: instant(fields[1], `line ${line}`) };
  });
  return { createdAt, entries };
}

export const LORDN_COLUMNS = {
  sunrise: 'roid,domain-name,SMD-id,registrar-id,registration-datetime,application-datetime',
  claims: 'roid,domain-name,notice-id,registrar-id,registration-datetime,ack-datetime,application-datetime',
} as const;

/**
 * A LORDN file (RFC 9361 §6.3.1): `1,<creation date-time>,<number of lines>`, the header, one line per
 * registration. application-datetime stays empty: this registry registers at once, it keeps no applications.
 * registrar-id is the registrar's IANA id; a registrar without one cannot be reported (the TMCH refuses the
 * line), so the file is refused naming it.
 */
export function lordnFile(kind: 'sunrise' | 'claims', rows: LaunchRegistration[], registrar: (id: number) => { clId: string; ianaId: number | null } | undefined, now: Date): string {
  const lines = rows.map((r) => {
    const reg = registrar(r.registrarId);
    if (!reg || reg.ianaId === null) throw new Error(`registrar ${reg?.clId ?? r.registrarId} of ${r.name} has no IANA id (registry registrar set ${reg?.clId ?? '<clID>'} --iana-id N): the LORDN file cannot report it`);
    const common = [r.roid, r.name];
    if (kind === 'sunrise') return [...common, r.smdId ?? '', String(reg.ianaId), r.registeredAt.toISOString(), ''].join(',');
    return [...common, r.notice?.id ?? '', String(reg.ianaId), r.registeredAt.toISOString(), r.notice?.acceptedAt.toISOString() ?? '', ''].join(',');
  });
  return [`1,${now.toISOString()},${lines.length}`, LORDN_COLUMNS[kind], ...lines].join('\n') + '\n';
}
