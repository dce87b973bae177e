import tr46 from 'tr46';
import { checkLabelScripts, type IdnTable, type LabelVerdict } from './scripts.js';

/**
 * Domain and host names (RFC 1035/1123 LDH, IDNA2008 through UTS #46 non-transitional processing, by the
 * tr46 library). Names are stored and returned as lower-case A-labels; U-label input is converted. The
 * top-level label is only checked for LDH syntax: test TLDs such as `zz--main-1234` exist.
 */
const STRICT = {
  checkHyphens: true,
  checkBidi: true,
  checkJoiners: true,
  useSTD3ASCIIRules: true,
  transitionalProcessing: false,
  verifyDNSLength: true,
} as const;

export type NameResult = { ok: true; name: string; labels: string[] } | { ok: false; reason: string };

const LDH = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const ASCII_LDH_CHARS = /^[A-Za-z0-9-]+$/;

function labelProblem(label: string): string {
  if (label.length === 0) return 'empty label';
  if ([...label].every((ch) => ch.charCodeAt(0) < 128)) {
    if (Buffer.byteLength(label) > 63) return `label "${label.slice(0, 20)}..." is longer than 63 octets`;
    if (/^-|-$/.test(label)) return `label "${label}" starts or ends with a hyphen`;
    if (/[^A-Za-z0-9-]/.test(label)) return `label "${label}" has characters other than letters, digits and hyphens`;
    if (/^xn--/i.test(label)) return `label "${label}" is not a valid A-label`;
    if (label.slice(2, 4) === '--') return `label "${label}" has hyphens in the third and fourth positions but is not an A-label`;
  }
  return `label "${label}" is not a valid IDNA2008 label`;
}

/** Normalises a name to lower-case A-labels and checks every label; `minLabels` is 2 for domains and hosts. */
export function normalizeName(input: string, minLabels = 2): NameResult {
  const raw = input.trim().replace(/\.$/, '');
  if (raw.length === 0) return { ok: false, reason: 'empty name' };
  const parts = raw.split('.');
  if (parts.length < minLabels) return { ok: false, reason: `a name needs at least ${minLabels} labels` };
  const labels: string[] = [];
  for (const [i, part] of parts.entries()) {
    const isTld = i === parts.length - 1;
    // Fast path for the common case, a plain LDH label: UTS #46 would only lower-case it. Labels with
    // hyphens in positions 3-4 (A-labels among them) and anything non-ASCII go through tr46.
    const lower = ASCII_LDH_CHARS.test(part) ? part.toLowerCase() : '';
    if (lower && lower.length <= 63 && LDH.test(lower) && lower.slice(2, 4) !== '--') {
      labels.push(lower);
      continue;
    }
    const ascii = tr46.toASCII(part, isTld ? { ...STRICT, checkHyphens: false } : STRICT);
    if (ascii === null || ascii.length === 0 || ascii.includes('.')) return { ok: false, reason: labelProblem(part) };
    if (isTld && !LDH.test(ascii)) return { ok: false, reason: labelProblem(part) };
    labels.push(ascii);
  }
  const name = labels.join('.');
  if (name.length > 253) return { ok: false, reason: 'name is longer than 253 characters' };
  return { ok: true, name, labels };
}

/** The U-label form of an A-label name, for display. */
export function toUnicodeName(aLabels: string): string {
  return tr46.toUnicode(aLabels, { ...STRICT, checkHyphens: false }).domain;
}

/**
 * Whether every IDN label of `labels` (A-labels; the TLD's own label excluded) is written in one script
 * (src/registry/scripts.ts): under `tables`, the IDN tables of the TLD `where` (none: IDN labels are refused),
 * or under the registry-wide rule for names no table governs ('any'). ASCII LDH labels always pass.
 */
export function scriptsAllowed(labels: string[], tables: readonly IdnTable[] | 'any', where = ''): LabelVerdict {
  for (const label of labels.slice(0, -1)) {
    if (!label.startsWith('xn--')) continue;
    const u = tr46.toUnicode(label, STRICT).domain;
    if (tables !== 'any' && tables.length === 0) {
      return { ok: false, reason: `internationalised label ${label} (${u}) is not allowed in ${where || 'this TLD'}`, short: 'Script not allowed in this TLD' };
    }
    const v = checkLabelScripts(u, tables, where);
    if (!v.ok) return { ok: false, reason: `${label}: ${v.reason}`, short: v.short };
  }
  return { ok: true };
}

/**
 * A reason that fits eppcom:reasonType (at most 32 characters, for <domain:reason>/<host:reason> in check
 * responses) for a name that normalizeName refused; `what` names the kind of name ("domain", "host").
 */
export function shortNameReason(reason: string, what: 'domain' | 'host'): string {
  const table: Array<[RegExp, string]> = [
    [/longer than 63/, 'Label longer than 63 octets'],
    [/longer than 253/, 'Name longer than 253 characters'],
    [/starts or ends with a hyphen/, 'Label starts/ends with a hyphen'],
    [/characters other than/, 'Invalid characters in a label'],
    [/not a valid A-label/, 'Invalid A-label'],
    [/third and fourth/, 'Hyphens in 3rd and 4th position'],
    [/at least/, `Not a ${what} name`],
    [/empty/, 'Empty label'],
  ];
  for (const [re, text] of table) if (re.test(reason)) return text;
  return reason.length <= 32 ? reason.charAt(0).toUpperCase() + reason.slice(1) : 'Invalid IDNA2008 label';
}

/**
 * Whether a host name (lower-case A-labels) is written one script per label: the labels below a TLD this
 * registry serves under that TLD's IDN tables (its zone would hold them), the labels of any other name under
 * the registry-wide rule ('any'); the top-level label itself is never judged.
 */
export function hostNameScripts(name: string, served: ReadonlyArray<{ name: string; policy: { idnScripts: IdnTable[] } }>): LabelVerdict {
  const tld = served.filter((t) => name === t.name || name.endsWith(`.${t.name}`)).sort((a, b) => b.name.length - a.name.length)[0];
  if (!tld) return scriptsAllowed(name.split('.'), 'any');
  const below = name === tld.name ? [] : name.slice(0, name.length - tld.name.length - 1).split('.');
  return scriptsAllowed([...below, tld.name], tld.policy.idnScripts, `.${tld.name}`);
}
