import { dsIdentity, dsProblem, keyIdentity, keyProblem, type DnssecPolicy, type DnssecProblem, type DsRecord, type KeyRecord } from '../../registry/dnssec.js';
import {
  dnssecNotOffered,
  dnssecValueInvalid,
  dnssecValueRefused,
  dsAlreadyOnDomain,
  dsDataNotAccepted,
  dsListedTwice,
  dsNotOnDomain,
  keyAlreadyOnDomain,
  keyDataNotAccepted,
  keyListedTwice,
  keyNotOnDomain,
  maxSigLifeInAdd,
  maxSigLifeInvalid,
  maxSigLifeUnsupported,
  secDnsUrgentUnsupported,
  tooManyDnssecRecords,
} from './conditions.js';

/**
 * DNSSEC on domains (RFC 5910, secDNS-1.1): the typed <secDNS:create> and <secDNS:update> (read by the EPP
 * codec, src/epp/secdns.ts, which also renders the <secDNS:infData> of info), their checks against the
 * TLD's policy (values: src/registry/dnssec.ts), and applying an update.
 *
 * - The TLD's interface decides what is accepted: 'dsData' (DS records, each optionally with its key) or
 *   'keyData' (keys only); the other interface (dsDataNotAccepted, keyDataNotAccepted), or any secDNS
 *   element when the TLD offers no DNSSEC (dnssecNotOffered): 2306.
 * - maxSigLife is stored and returned when the policy accepts it, else maxSigLifeUnsupported 2102
 *   (RFC 5910 §3.3); it is changed with <secDNS:chg>, not added (maxSigLifeInAdd 2306).
 * - update: <secDNS:rem> (records, or <secDNS:all>true</secDNS:all>) is applied before <secDNS:add>;
 *   removing a record that is not there (dsNotOnDomain, keyNotOnDomain) or adding one that already is
 *   (dsAlreadyOnDomain, keyAlreadyOnDomain): 2306; more than the policy's maxRecords afterwards
 *   (tooManyDnssecRecords): 2306. `urgent="true"` is not supported: secDnsUrgentUnsupported 2102
 *   (RFC 5910 §3.2.5).
 * - A bad value: dnssecValueInvalid 2005 (syntax) or dnssecValueRefused 2306 (policy), with the offending
 *   element in <value>; a record listed twice: dsListedTwice, keyListedTwice 2306.
 */

export interface SecDnsSet {
  ds: DsRecord[];
  keys: KeyRecord[];
}

/** <secDNS:create> as sent, values normalised (digest upper-case, key without whitespace); checked by checkSecDnsCreate. */
export interface SecDnsCreate extends SecDnsSet {
  maxSigLife: number | null;
}

/** <secDNS:update> as sent, values normalised; checked by checkSecDnsUpdate. */
export interface SecDnsUpdate {
  /** urgent="true" (refused). */
  urgent?: boolean;
  remAll: boolean;
  rem: SecDnsSet;
  add: SecDnsSet;
  /** The text of a <secDNS:maxSigLife> inside <secDNS:add> (refused: it is changed with <secDNS:chg>). */
  addMaxSigLife?: string;
  /** New maxSigLife (<secDNS:chg>); undefined when not changed. */
  maxSigLife?: number;
}

function valueProblem(p: DnssecProblem): never {
  throw p.code === 2005 ? dnssecValueInvalid(p) : dnssecValueRefused(p);
}

/** Checks the interface of a set's records, their values (unless only matched, as in a rem) and duplicates. */
function checkRecords(set: SecDnsSet, policy: DnssecPolicy, checkValues: boolean): void {
  // (interface 'none' never gets here: requireOffered refused the extension already)
  if (set.ds.length > 0 && policy.interface !== 'dsData') throw dsDataNotAccepted();
  if (set.keys.length > 0 && policy.interface !== 'keyData') throw keyDataNotAccepted();
  if (checkValues) {
    for (const d of set.ds) {
      const p = dsProblem(d, policy);
      if (p) valueProblem(p);
    }
    for (const k of set.keys) {
      const p = keyProblem(k, policy);
      if (p) valueProblem(p);
    }
  }
  const seen = new Set<string>();
  for (const d of set.ds) {
    if (seen.has(dsIdentity(d))) throw dsListedTwice(d);
    seen.add(dsIdentity(d));
  }
  for (const k of set.keys) {
    if (seen.has(keyIdentity(k))) throw keyListedTwice(k);
    seen.add(keyIdentity(k));
  }
}

function requireOffered(policy: DnssecPolicy): void {
  if (policy.interface === 'none') throw dnssecNotOffered();
}

function checkMaxSigLife(v: number, policy: DnssecPolicy): void {
  if (!policy.acceptMaxSigLife) throw maxSigLifeUnsupported();
  if (!Number.isInteger(v) || v < 1) throw maxSigLifeInvalid(v);
}

/** The rules of a <secDNS:create> (nothing to check when absent). */
export function checkSecDnsCreate(c: SecDnsCreate | undefined, policy: DnssecPolicy): void {
  if (!c) return;
  requireOffered(policy);
  if (c.maxSigLife !== null) checkMaxSigLife(c.maxSigLife, policy);
  checkRecords(c, policy, true);
  if (c.ds.length + c.keys.length > policy.maxRecords) throw tooManyDnssecRecords(policy.maxRecords);
}

/** The rules of a <secDNS:update> before it is applied (nothing to check when absent). */
export function checkSecDnsUpdate(u: SecDnsUpdate | undefined, policy: DnssecPolicy): void {
  if (!u) return;
  requireOffered(policy);
  if (u.urgent) throw secDnsUrgentUnsupported();
  // Records to remove are matched, not stored: only their interface is checked.
  checkRecords(u.rem, policy, false);
  if (u.addMaxSigLife !== undefined) throw maxSigLifeInAdd(u.addMaxSigLife);
  checkRecords(u.add, policy, true);
  if (u.maxSigLife !== undefined) checkMaxSigLife(u.maxSigLife, policy);
}

/** The records after an update: rem (or all) first, then add; 2306 for a missing/duplicate record or too many. */
export function applySecDnsUpdate(current: SecDnsSet, u: SecDnsUpdate, policy: DnssecPolicy): SecDnsSet {
  let ds = u.remAll ? [] : [...current.ds];
  let keys = u.remAll ? [] : [...current.keys];
  for (const r of u.rem.ds) {
    const id = dsIdentity(r);
    if (!ds.some((d) => dsIdentity(d) === id)) throw dsNotOnDomain(r);
    ds = ds.filter((d) => dsIdentity(d) !== id);
  }
  for (const r of u.rem.keys) {
    const id = keyIdentity(r);
    if (!keys.some((k) => keyIdentity(k) === id)) throw keyNotOnDomain(r);
    keys = keys.filter((k) => keyIdentity(k) !== id);
  }
  for (const a of u.add.ds) {
    if (ds.some((d) => dsIdentity(d) === dsIdentity(a))) throw dsAlreadyOnDomain(a);
    ds.push(a);
  }
  for (const a of u.add.keys) {
    if (keys.some((k) => keyIdentity(k) === keyIdentity(a))) throw keyAlreadyOnDomain(a);
    keys.push(a);
  }
  if (ds.length + keys.length > policy.maxRecords) throw tooManyDnssecRecords(policy.maxRecords, ds.length + keys.length);
  return { ds, keys };
}

/** Whether an update changes anything. */
export function secDnsChanges(u: SecDnsUpdate | undefined): boolean {
  return !!u && (u.remAll || u.rem.ds.length + u.rem.keys.length + u.add.ds.length + u.add.keys.length > 0 || u.maxSigLife !== undefined);
}
