import { EppError, fail } from '../../protocol/errors.js';
import { NS } from '../../protocol/namespaces.js';
import { child, childText, children, el, type Elem } from '../../protocol/xml-node.js';
import {
  dsIdentity,
  dsProblem,
  keyIdentity,
  keyProblem,
  normalizeDigest,
  normalizePubKey,
  type DnssecPolicy,
  type DsRecord,
  type KeyRecord,
} from '../../registry/dnssec.js';
import { dsDataOut, keyDataOut } from './conditions.js';

/**
 * DNSSEC on domains (RFC 5910, secDNS-1.1): parsing <secDNS:create> and <secDNS:update>, checking them
 * against the TLD's policy (src/registry/dnssec.ts) and applying an update. The <secDNS:infData> of info is
 * rendered by the EPP codec (src/epp/secdns.ts).
 *
 * - The TLD's interface decides what is accepted: 'dsData' (DS records, each optionally with its key) or
 *   'keyData' (keys only); the other interface, or any secDNS element when the TLD offers no DNSSEC: 2306.
 * - maxSigLife is stored and returned when the policy accepts it, else 2102 (RFC 5910 §3.3).
 * - update: <secDNS:rem> (records, or <secDNS:all>true</secDNS:all>) is applied before <secDNS:add>;
 *   removing a record that is not there or adding one that already is: 2306; more than the policy's
 *   maxRecords afterwards: 2306. `urgent="true"` is not supported: 2102 (RFC 5910 §3.2.5).
 * - A bad value: 2005 (syntax) or 2306 (policy), with the offending element in <value>.
 */

export interface SecDnsSet {
  ds: DsRecord[];
  keys: KeyRecord[];
}

export interface SecDnsCreate extends SecDnsSet {
  maxSigLife: number | null;
}

export interface SecDnsUpdate {
  remAll: boolean;
  rem: SecDnsSet;
  add: SecDnsSet;
  /** New maxSigLife; undefined when not changed. */
  maxSigLife?: number;
}

const int = (e: Elem | undefined, name: string): number => Number(childText(e, name, NS.secDNS) ?? NaN);

function parseKey(e: Elem): KeyRecord {
  return { flags: int(e, 'flags'), protocol: int(e, 'protocol'), alg: int(e, 'alg'), pubKey: normalizePubKey(childText(e, 'pubKey', NS.secDNS) ?? '') };
}

function parseDs(e: Elem): DsRecord {
  const k = child(e, 'keyData', NS.secDNS);
  return {
    keyTag: int(e, 'keyTag'),
    alg: int(e, 'alg'),
    digestType: int(e, 'digestType'),
    digest: normalizeDigest(childText(e, 'digest', NS.secDNS) ?? ''),
    key: k ? parseKey(k) : undefined,
  };
}

function throwProblem(p: { code: 2005 | 2306; element: string; value: string; reason: string }): never {
  throw new EppError(p.code, `DNSSEC data refused: ${p.reason}`, el(p.element, null, p.value));
}

/** Parses the dsData/keyData children of `holder`, checking the interface and every record. */
function parseRecords(holder: Elem, policy: DnssecPolicy, checkValues: boolean): SecDnsSet {
  const dsEls = children(holder, 'dsData', NS.secDNS);
  const keyEls = children(holder, 'keyData', NS.secDNS);
  // (interface 'none' never gets here: requireOffered refused the extension already)
  if (dsEls.length > 0 && policy.interface !== 'dsData') {
    throw fail.policy('This TLD takes DNSSEC data through the keyData interface, not dsData', el('secDNS:dsData'));
  }
  if (keyEls.length > 0 && policy.interface !== 'keyData') {
    throw fail.policy('This TLD takes DNSSEC data through the dsData interface (keyData only inside dsData)', el('secDNS:keyData'));
  }
  const ds = dsEls.map(parseDs);
  const keys = keyEls.map(parseKey);
  if (checkValues) {
    for (const d of ds) {
      const p = dsProblem(d, policy);
      if (p) throwProblem(p);
    }
    for (const k of keys) {
      const p = keyProblem(k, policy);
      if (p) throwProblem(p);
    }
  }
  const seen = new Set<string>();
  for (const d of ds) {
    if (seen.has(dsIdentity(d))) throw fail.policy('The same DS record is listed twice', dsDataOut(d));
    seen.add(dsIdentity(d));
  }
  for (const k of keys) {
    if (seen.has(keyIdentity(k))) throw fail.policy('The same key is listed twice', keyDataOut(k));
    seen.add(keyIdentity(k));
  }
  return { ds, keys };
}

function requireOffered(policy: DnssecPolicy): void {
  if (policy.interface === 'none') throw fail.policy('This TLD offers no DNSSEC: the secDNS extension is not accepted');
}

function parseMaxSigLife(holder: Elem | undefined, policy: DnssecPolicy): number | undefined {
  const text = childText(holder, 'maxSigLife', NS.secDNS);
  if (text === undefined) return undefined;
  if (!policy.acceptMaxSigLife) throw fail.unimplementedOption('secDNS:maxSigLife is not supported in this TLD');
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1) throw fail.valueSyntax('maxSigLife must be a positive integer', el('secDNS:maxSigLife', null, text));
  return v;
}

/** <secDNS:create> of a domain:create; undefined when absent. */
export function parseSecDnsCreate(ext: Elem | undefined, policy: DnssecPolicy): SecDnsCreate | undefined {
  if (!ext) return undefined;
  requireOffered(policy);
  const maxSigLife = parseMaxSigLife(ext, policy) ?? null;
  const set = parseRecords(ext, policy, true);
  if (set.ds.length + set.keys.length > policy.maxRecords) {
    throw fail.policy(`At most ${policy.maxRecords} DNSSEC records are allowed per domain`);
  }
  return { ...set, maxSigLife };
}

/** <secDNS:update> of a domain:update; undefined when absent. */
export function parseSecDnsUpdate(ext: Elem | undefined, policy: DnssecPolicy): SecDnsUpdate | undefined {
  if (!ext) return undefined;
  requireOffered(policy);
  if (ext.attrs.urgent === 'true' || ext.attrs.urgent === '1') throw fail.unimplementedOption('secDNS urgent updates are not supported');
  const rem = child(ext, 'rem', NS.secDNS);
  const add = child(ext, 'add', NS.secDNS);
  const chg = child(ext, 'chg', NS.secDNS);
  const allText = childText(rem, 'all', NS.secDNS);
  const remAll = allText === 'true' || allText === '1';
  // Records to remove are matched, not stored: only their interface is checked.
  const remSet = rem ? parseRecords(rem, policy, false) : { ds: [], keys: [] };
  if (add && child(add, 'maxSigLife', NS.secDNS)) {
    throw fail.policy('maxSigLife is changed with <secDNS:chg>, not added', el('secDNS:maxSigLife', null, childText(add, 'maxSigLife', NS.secDNS) ?? ''));
  }
  const addSet = add ? parseRecords(add, policy, true) : { ds: [], keys: [] };
  const maxSigLife = parseMaxSigLife(chg, policy);
  return { remAll, rem: remSet, add: addSet, maxSigLife };
}

/** The records after an update: rem (or all) first, then add; 2306 for a missing/duplicate record or too many. */
export function applySecDnsUpdate(current: SecDnsSet, u: SecDnsUpdate, policy: DnssecPolicy): SecDnsSet {
  let ds = u.remAll ? [] : [...current.ds];
  let keys = u.remAll ? [] : [...current.keys];
  for (const r of u.rem.ds) {
    const id = dsIdentity(r);
    if (!ds.some((d) => dsIdentity(d) === id)) throw fail.policy('The DS record to remove is not on the domain', dsDataOut(r));
    ds = ds.filter((d) => dsIdentity(d) !== id);
  }
  for (const r of u.rem.keys) {
    const id = keyIdentity(r);
    if (!keys.some((k) => keyIdentity(k) === id)) throw fail.policy('The key to remove is not on the domain', keyDataOut(r));
    keys = keys.filter((k) => keyIdentity(k) !== id);
  }
  for (const a of u.add.ds) {
    if (ds.some((d) => dsIdentity(d) === dsIdentity(a))) throw fail.policy('The DS record to add is already on the domain', dsDataOut(a));
    ds.push(a);
  }
  for (const a of u.add.keys) {
    if (keys.some((k) => keyIdentity(k) === keyIdentity(a))) throw fail.policy('The key to add is already on the domain', keyDataOut(a));
    keys.push(a);
  }
  if (ds.length + keys.length > policy.maxRecords) {
    throw fail.policy(`At most ${policy.maxRecords} DNSSEC records are allowed per domain; this would leave ${ds.length + keys.length}`);
  }
  return { ds, keys };
}

/** Whether an update changes anything. */
export function secDnsChanges(u: SecDnsUpdate | undefined): boolean {
  return !!u && (u.remAll || u.rem.ds.length + u.rem.keys.length + u.add.ds.length + u.add.keys.length > 0 || u.maxSigLife !== undefined);
}
