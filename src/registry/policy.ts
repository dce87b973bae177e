/**
 * Per-TLD policy: everything that differs between TLDs lives here as data, never as `if (tld === ...)`.
 * Stored as JSON on the TLD row; missing fields take the defaults below (a conventional gTLD).
 */
export interface TldPolicy {
  /** 'maximum': registrant and the contact types below are required; 'minimum': no contacts at all (a registrant is refused). */
  dataModel: 'maximum' | 'minimum';
  /** Minimum number of contacts of each type on create (maximum model only). */
  requiredContacts: { admin: number; tech: number; billing: number };
  /** Most contacts of one type a domain may have. */
  maxContactsPerType: number;
  /** Registration periods in years (months are accepted when a whole number of years). */
  period: { min: number; max: number; default: number };
  /** Longest total registration from now, in years (renew and transfer may not go past it). */
  maxRegistrationYears: number;
  nameservers: { min: number; max: number };
  /** How domains reference nameservers: host objects (RFC 5731 hostObj) or host attributes (hostAttr). */
  hostModel: 'hostObj' | 'hostAttr';
  /** Addresses on subordinate (in-bailiwick) hosts: 'optional' (may be created without) or 'required'. */
  glue: 'optional' | 'required';
  /** Refuse private/reserved address ranges (RFC 1918, documentation ranges...) on hosts. Loopback and unspecified are always refused. */
  refusePrivateAddresses: boolean;
  dnssec: {
    /** Which RFC 5910 interface the TLD accepts. */
    interface: 'dsData' | 'keyData' | 'none';
    /** DNSKEY flags values accepted in keyData (257 = KSK; 256 = ZSK). */
    allowedFlags: number[];
    maxRecords: number;
    /** Store and return secDNS:maxSigLife (some registries refuse it with 2102). */
    acceptMaxSigLife: boolean;
  };
  /** Unicode scripts allowed in U-labels (ISO 15924 names as used by \p{Script=...}); empty: ASCII LDH only. */
  idnScripts: string[];
  /** Labels (without the TLD) that can never be registered. */
  reservedNames: string[];
  /** Contact extension required on contact create for this TLD's registrars ('tci': the .TATAR/.ДЕТИ dialect). */
  contactExtension: 'none' | 'tci';
  /** Result of a domain delete that sends the domain to redemption: 1001 (RFC 5730's "action pending") or 1000. */
  deleteResultCode: 1000 | 1001;
  /** Lifecycle periods in days (RFC 3915 and the usual gTLD values). */
  grace: {
    add: number;
    renew: number;
    autoRenew: number;
    transfer: number;
    redemption: number;
    pendingDelete: number;
    restoreReport: number;
    transferAutoApprove: number;
    /** Days after create or transfer during which a transfer request is refused (2106); 0: none. */
    transferLock: number;
  };
  /** Prices per year in minor currency units. */
  prices: { create: number; renew: number; transfer: number; restore: number };
  /** A domain's authInfo (RFC 9154; it is kept only as a salted hash, never shown, unset by a transfer). */
  authInfo: {
    /**
     * What a create may carry: 'empty' (RFC 9154 §5.1: an empty one, so that a new domain is in no transfer
     * process; the registry MAY refuse a value) or 'any' (a value or an empty one: the OT&E documents set one).
     */
    onCreate: 'empty' | 'any';
    /** Shortest value accepted when one is set (RFC 9154 §4.1 asks registrars for 128 bits or more of randomness). */
    minLength: number;
    /** Days a value works after it is set (RFC 9154 §4.2 TTL); 0: until it is changed, unset or transferred. */
    ttlDays: number;
  };
}

export const DEFAULT_POLICY: TldPolicy = {
  dataModel: 'maximum',
  requiredContacts: { admin: 1, tech: 1, billing: 0 },
  maxContactsPerType: 1,
  period: { min: 1, max: 10, default: 1 },
  maxRegistrationYears: 10,
  nameservers: { min: 0, max: 13 },
  hostModel: 'hostObj',
  glue: 'optional',
  refusePrivateAddresses: false,
  dnssec: { interface: 'dsData', allowedFlags: [257], maxRecords: 8, acceptMaxSigLife: true },
  idnScripts: [],
  reservedNames: [],
  contactExtension: 'none',
  deleteResultCode: 1001,
  grace: {
    add: 5,
    renew: 5,
    autoRenew: 45,
    transfer: 5,
    redemption: 30,
    pendingDelete: 5,
    restoreReport: 7,
    transferAutoApprove: 5,
    transferLock: 0,
  },
  prices: { create: 1000, renew: 1000, transfer: 1000, restore: 4000 },
  authInfo: { onCreate: 'any', minLength: 1, ttlDays: 14 },
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };
export type TldPolicyInput = DeepPartial<TldPolicy>;

/** Fills in defaults and checks every value, naming the first bad one. */
export function resolvePolicy(input: TldPolicyInput | undefined): TldPolicy {
  const p = mergeDeep(DEFAULT_POLICY, input ?? {}) as TldPolicy;
  const problems: string[] = [];
  const intIn = (v: unknown, lo: number, hi: number, name: string) => {
    if (!Number.isInteger(v) || (v as number) < lo || (v as number) > hi) problems.push(`${name} must be an integer in ${lo}..${hi}`);
  };
  if (!['maximum', 'minimum'].includes(p.dataModel)) problems.push('dataModel must be maximum or minimum');
  intIn(p.period.min, 1, 99, 'period.min');
  intIn(p.period.max, p.period.min, 99, 'period.max');
  intIn(p.period.default, p.period.min, p.period.max, 'period.default');
  intIn(p.maxRegistrationYears, 1, 99, 'maxRegistrationYears');
  intIn(p.nameservers.min, 0, 13, 'nameservers.min');
  intIn(p.nameservers.max, p.nameservers.min, 13, 'nameservers.max');
  intIn(p.maxContactsPerType, 1, 10, 'maxContactsPerType');
  if (!['hostObj', 'hostAttr'].includes(p.hostModel)) problems.push('hostModel must be hostObj or hostAttr');
  if (!['optional', 'required'].includes(p.glue)) problems.push('glue must be optional or required');
  if (!['dsData', 'keyData', 'none'].includes(p.dnssec.interface)) problems.push('dnssec.interface must be dsData, keyData or none');
  if (!['none', 'tci'].includes(p.contactExtension)) problems.push('contactExtension must be none or tci');
  if (![1000, 1001].includes(p.deleteResultCode)) problems.push('deleteResultCode must be 1000 or 1001');
  for (const [k, v] of Object.entries(p.grace)) intIn(v, 0, 3650, `grace.${k}`);
  for (const [k, v] of Object.entries(p.prices)) intIn(v, 0, 1e12, `prices.${k}`);
  if (!['empty', 'any'].includes(p.authInfo.onCreate)) problems.push('authInfo.onCreate must be empty or any');
  intIn(p.authInfo.minLength, 1, 255, 'authInfo.minLength');
  intIn(p.authInfo.ttlDays, 0, 3650, 'authInfo.ttlDays');
  if (problems.length) throw new Error(`invalid TLD policy: ${problems.join('; ')}`);
  return p;
}

function mergeDeep(base: unknown, over: unknown): unknown {
  if (over === undefined) return structuredClone(base);
  if (base && typeof base === 'object' && !Array.isArray(base) && over && typeof over === 'object' && !Array.isArray(over)) {
    const out: Record<string, unknown> = {};
    for (const k of new Set([...Object.keys(base), ...Object.keys(over)])) {
      if (!(k in (base as object))) throw new Error(`invalid TLD policy: unknown field ${k}`);
      out[k] = mergeDeep((base as Record<string, unknown>)[k], (over as Record<string, unknown>)[k]);
    }
    return out;
  }
  return structuredClone(over);
}
