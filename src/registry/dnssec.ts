/**
 * DNSSEC data rules (RFC 5910 on RFC 4034): which DS and DNSKEY values the registry accepts.
 *
 * Decisions (the RFCs leave them to the registry):
 * - Algorithms: only numbers assigned by IANA ("DNS Security Algorithm Numbers") are syntactically valid; an
 *   unassigned or reserved number (4, 9, 11, 18-22, 24-251, 255, e.g. 123) is a 2005. Assigned numbers that
 *   must not be used to sign zones are refused by policy with 2306: 0 (DELETE, only meaningful in
 *   CDS/CDNSKEY, RFC 8078), 1 RSAMD5 (RFC 6725), 2 DH (not a signing algorithm), 3 DSA and 6 DSA-NSEC3-SHA1
 *   and 12 ECC-GOST (RFC 8624 "MUST NOT" sign), 252 INDIRECT, 253/254 private algorithms (no resolver can
 *   validate them). RSASHA1 (5) and RSASHA1-NSEC3-SHA1 (7) are still accepted: registrars have zones signed
 *   with them (the OT&E script uses 5).
 * - Digest types: 1 SHA-1 (40 hex digits), 2 SHA-256 (64), 4 SHA-384 (96), 5 GOST R 34.11-2012 (64,
 *   RFC 9558), 6 SM3 (64, RFC 9563). 3 GOST R 34.11-94 is assigned but refused (2306, RFC 8624 "MUST NOT");
 *   0, 7-255 are not assigned (2005). The digest must have the length of its type (2005).
 * - keyData: flags within the TLD's allowedFlags (2306), protocol exactly 3 (2005, RFC 4034 §2.1.2), the
 *   algorithm as above, the public key non-empty valid base64 (whitespace allowed and removed, 2005).
 * - A DS that carries key data must name the same algorithm as its key (2306).
 * - Digests are never checked against the key or against live DNS (the OT&E DS is not self-consistent).
 */

export interface KeyRecord {
  flags: number;
  protocol: number;
  alg: number;
  /** Base64, whitespace removed. */
  pubKey: string;
}

export interface DsRecord {
  keyTag: number;
  alg: number;
  digestType: number;
  /** Upper-case hex. */
  digest: string;
  key?: KeyRecord;
}

export interface DnssecPolicy {
  interface: 'dsData' | 'keyData' | 'none';
  allowedFlags: number[];
  maxRecords: number;
  acceptMaxSigLife: boolean;
}

/** What is wrong with one value: the EPP code, the element at fault (secDNS:*) with its value, and why. */
export interface DnssecProblem {
  code: 2005 | 2306;
  element: string;
  value: string;
  reason: string;
}

type AlgInfo = { name: string; refused?: string };

/** IANA DNS Security Algorithm Numbers (assigned ones only). */
export const ALGORITHMS: Readonly<Record<number, AlgInfo>> = {
  0: { name: 'DELETE', refused: 'algorithm 0 (DELETE) is only meaningful in CDS/CDNSKEY records (RFC 8078)' },
  1: { name: 'RSAMD5', refused: 'algorithm 1 (RSAMD5) must not be used (RFC 6725, RFC 8624)' },
  2: { name: 'DH', refused: 'algorithm 2 (DH) is not a zone signing algorithm' },
  3: { name: 'DSA', refused: 'algorithm 3 (DSA) must not be used to sign zones (RFC 8624)' },
  5: { name: 'RSASHA1' },
  6: { name: 'DSA-NSEC3-SHA1', refused: 'algorithm 6 (DSA-NSEC3-SHA1) must not be used to sign zones (RFC 8624)' },
  7: { name: 'RSASHA1-NSEC3-SHA1' },
  8: { name: 'RSASHA256' },
  10: { name: 'RSASHA512' },
  12: { name: 'ECC-GOST', refused: 'algorithm 12 (ECC-GOST) must not be used to sign zones (RFC 8624)' },
  13: { name: 'ECDSAP256SHA256' },
  14: { name: 'ECDSAP384SHA384' },
  15: { name: 'ED25519' },
  16: { name: 'ED448' },
  17: { name: 'SM2SM3' },
  23: { name: 'ECC-GOST12' },
  252: { name: 'INDIRECT', refused: 'algorithm 252 (INDIRECT) is reserved and not used' },
  253: { name: 'PRIVATEDNS', refused: 'private algorithm 253 cannot be validated by resolvers' },
  254: { name: 'PRIVATEOID', refused: 'private algorithm 254 cannot be validated by resolvers' },
};

type DigestInfo = { name: string; hexLength: number; refused?: string };

/** IANA DS RR Type Digest Algorithms (assigned ones only). */
export const DIGEST_TYPES: Readonly<Record<number, DigestInfo>> = {
  1: { name: 'SHA-1', hexLength: 40 },
  2: { name: 'SHA-256', hexLength: 64 },
  3: { name: 'GOST R 34.11-94', hexLength: 64, refused: 'digest type 3 (GOST R 34.11-94) must not be used (RFC 8624)' },
  4: { name: 'SHA-384', hexLength: 96 },
  5: { name: 'GOST R 34.11-2012', hexLength: 64 },
  6: { name: 'SM3', hexLength: 64 },
};

/** Protocol field of a DNSKEY (RFC 4034 §2.1.2). */
export const DNSKEY_PROTOCOL = 3;

export function normalizeDigest(hex: string): string {
  return hex.replace(/\s+/g, '').toUpperCase();
}

export function normalizePubKey(b64: string): string {
  return b64.replace(/\s+/g, '');
}

function algorithmProblem(alg: number, element: string): DnssecProblem | undefined {
  const info = Number.isInteger(alg) ? ALGORITHMS[alg] : undefined;
  if (!info) return { code: 2005, element, value: String(alg), reason: `${alg} is not an assigned DNSSEC algorithm number` };
  if (info.refused) return { code: 2306, element, value: String(alg), reason: info.refused };
  return undefined;
}

/** Checks one key (keyData interface, or the key inside a dsData). */
export function keyProblem(k: KeyRecord, policy: DnssecPolicy): DnssecProblem | undefined {
  if (!Number.isInteger(k.flags) || k.flags < 0 || k.flags > 65535) {
    return { code: 2005, element: 'secDNS:flags', value: String(k.flags), reason: 'flags must be an integer in 0..65535' };
  }
  if (!policy.allowedFlags.includes(k.flags)) {
    return {
      code: 2306,
      element: 'secDNS:flags',
      value: String(k.flags),
      reason: `flags ${k.flags} are not accepted; allowed: ${policy.allowedFlags.join(', ')}`,
    };
  }
  if (k.protocol !== DNSKEY_PROTOCOL) {
    return { code: 2005, element: 'secDNS:protocol', value: String(k.protocol), reason: 'protocol must be 3 (RFC 4034 §2.1.2)' };
  }
  const a = algorithmProblem(k.alg, 'secDNS:alg');
  if (a) return a;
  if (k.pubKey.length === 0 || k.pubKey.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(k.pubKey)) {
    return { code: 2005, element: 'secDNS:pubKey', value: k.pubKey.slice(0, 64), reason: 'pubKey must be non-empty base64' };
  }
  return undefined;
}

/** Checks one DS record and the key it may carry. */
export function dsProblem(ds: DsRecord, policy: DnssecPolicy): DnssecProblem | undefined {
  if (!Number.isInteger(ds.keyTag) || ds.keyTag < 0 || ds.keyTag > 65535) {
    return { code: 2005, element: 'secDNS:keyTag', value: String(ds.keyTag), reason: 'keyTag must be an integer in 0..65535' };
  }
  const a = algorithmProblem(ds.alg, 'secDNS:alg');
  if (a) return a;
  const dt = Number.isInteger(ds.digestType) ? DIGEST_TYPES[ds.digestType] : undefined;
  if (!dt) {
    return { code: 2005, element: 'secDNS:digestType', value: String(ds.digestType), reason: `${ds.digestType} is not an assigned DS digest type` };
  }
  if (dt.refused) return { code: 2306, element: 'secDNS:digestType', value: String(ds.digestType), reason: dt.refused };
  if (!/^[0-9A-F]*$/.test(ds.digest) || ds.digest.length !== dt.hexLength) {
    return {
      code: 2005,
      element: 'secDNS:digest',
      value: ds.digest.slice(0, 128),
      reason: `a ${dt.name} digest has ${dt.hexLength} hex digits, this one has ${ds.digest.length}`,
    };
  }
  if (ds.key) {
    const k = keyProblem(ds.key, policy);
    if (k) return k;
    if (ds.key.alg !== ds.alg) {
      return { code: 2306, element: 'secDNS:alg', value: String(ds.key.alg), reason: `the key's algorithm ${ds.key.alg} differs from the DS algorithm ${ds.alg}` };
    }
  }
  return undefined;
}

/** Identity of a DS record (RFC 5910 §5.2.5: the four DS fields identify it; key data do not). */
export function dsIdentity(ds: DsRecord): string {
  return `${ds.keyTag}/${ds.alg}/${ds.digestType}/${ds.digest}`;
}

/** Identity of a key record: all four fields. */
export function keyIdentity(k: KeyRecord): string {
  return `${k.flags}/${k.protocol}/${k.alg}/${k.pubKey}`;
}
