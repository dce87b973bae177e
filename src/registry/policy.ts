import { parseAddress } from './addresses.js';
import { launchProblems, type LaunchPolicy } from './launch-phases.js';
import { normalizeName } from './names.js';
import { resolveIdnTables, type IdnTable, type IdnTableInput } from './scripts.js';

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
  /**
   * hostAttr model: which host attributes are in the registry's zones and so carry their addresses (glue):
   * 'domain', those named like the domain or under it; 'servedTlds', any name under a TLD this registry
   * serves. The others take no addresses.
   */
  hostAttrGlue: 'domain' | 'servedTlds';
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
  /**
   * IDN tables (src/registry/scripts.ts): the scripts U-labels may be written in, one per label, each with the
   * Common/Inherited characters it allows; a policy file may give a script name for a table. Empty: ASCII LDH only.
   */
  idnScripts: IdnTable[];
  /**
   * The IDN tables of the TLD's scripts as escrow deposits reference them (RFC 9022 idnTableRef): an id (the
   * table's language or script tag), the table's URL and the URL of its policy. A script without an entry is
   * referenced as id = the script name in lower case with IANA's IDN table repository as both URLs.
   */
  idnTables: Array<{ script: string; id: string; url: string; urlPolicy: string }>;
  /** Labels (without the TLD) that can never be registered. */
  reservedNames: string[];
  /**
   * Contact extension whose data every contact of this TLD's domains needs ('tci': the .TATAR/.ДЕТИ dialect):
   * checked when a contact is linked to a domain (create, update, transfer approval), not on contact create.
   */
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
  /** ISO 4217 code of the prices (fee-1.0 `<fee:currency>`); amounts stay in its minor units. */
  currency: string;
  /**
   * What RDAP publishes of the domains' contacts (ICANN Registration Data Policy). Of a contact only the
   * state/province and country are published unless listed here; every element withheld is declared in the
   * response's `redacted` array (RFC 9537). `publish`: the elements published for every contact. `consent`:
   * whose <contact:disclose flag="1"> (RFC 5733) publishes the elements it lists — 'legalPersons' (contacts
   * of an organization), 'everyone', or 'nobody'. An element a contact lists under flag="0" is withheld even
   * when `publish` names it. The TCI extension's data (birth date, passport, TIN, legal address) is never published.
   */
  rdap: { publish: ContactElement[]; consent: 'nobody' | 'legalPersons' | 'everyone' };
  /** The TLD's zone as `registry zone write` and the publisher of `serve` write it (src/zone/). */
  zone: ZonePolicy;
  /** The launch phases (RFC 8334): sunrise, landrush, claims, open with their instants; none: open from the start. */
  launch: LaunchPolicy;
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

/** One of the TLD's own name servers (the apex NS records). */
export interface ApexNameserver {
  /** Host name (A-labels); a name inside the TLD needs `addresses` (its glue), any other takes none. */
  name: string;
  addresses?: string[];
}

export interface ZonePolicy {
  /** TTL of every record of the zone, in seconds (the file's $TTL). */
  ttl: number;
  /** The apex NS records, 1 to 13. The default, `localhost`, only serves a development zone to a local DNS server. */
  nameservers: ApexNameserver[];
  soa: {
    /** Primary name server; '' for the first of `nameservers`. */
    mname: string;
    /** The zone's contact mailbox, user@host (written as the SOA RNAME, user.host.). */
    rname: string;
    refresh: number;
    retry: number;
    expire: number;
    /** Negative-caching TTL (RFC 2308). */
    minimum: number;
  };
  /** Digest types of the DS records computed from keyData (1 SHA-1, 2 SHA-256, 4 SHA-384); dsData is published as given. */
  dsDigestTypes: number[];
}

/** Contact data elements as RFC 5733 <contact:disclose> names them. */
export const CONTACT_ELEMENTS = ['name', 'org', 'addr', 'voice', 'fax', 'email'] as const;
export type ContactElement = (typeof CONTACT_ELEMENTS)[number];

export const DEFAULT_POLICY: TldPolicy = {
  dataModel: 'maximum',
  requiredContacts: { admin: 1, tech: 1, billing: 0 },
  maxContactsPerType: 1,
  period: { min: 1, max: 10, default: 1 },
  maxRegistrationYears: 10,
  nameservers: { min: 0, max: 13 },
  hostModel: 'hostObj',
  hostAttrGlue: 'domain',
  glue: 'optional',
  refusePrivateAddresses: false,
  dnssec: { interface: 'dsData', allowedFlags: [257], maxRecords: 8, acceptMaxSigLife: true },
  idnScripts: [],
  idnTables: [],
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
  currency: 'USD',
  // Development defaults: a zone any DNS server loads, served from this machine. Production sets them all.
  zone: {
    ttl: 3600,
    nameservers: [{ name: 'localhost' }],
    soa: { mname: '', rname: 'hostmaster@localhost', refresh: 1800, retry: 900, expire: 1_209_600, minimum: 3600 },
    dsDigestTypes: [2],
  },
  rdap: { publish: [], consent: 'legalPersons' },
  launch: { phases: [] },
  authInfo: { onCreate: 'any', minLength: 1, ttlDays: 14 },
};

/** Digest types the zone writer can compute (node:crypto): SHA-1, SHA-256, SHA-384. */
export const COMPUTABLE_DIGEST_TYPES = [1, 2, 4];

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };
export type TldPolicyInput = Omit<DeepPartial<TldPolicy>, 'idnScripts'> & { idnScripts?: IdnTableInput[] };

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
  if (!['domain', 'servedTlds'].includes(p.hostAttrGlue)) problems.push('hostAttrGlue must be domain or servedTlds');
  if (!['optional', 'required'].includes(p.glue)) problems.push('glue must be optional or required');
  if (!['dsData', 'keyData', 'none'].includes(p.dnssec.interface)) problems.push('dnssec.interface must be dsData, keyData or none');
  if (!['none', 'tci'].includes(p.contactExtension)) problems.push('contactExtension must be none or tci');
  if (![1000, 1001].includes(p.deleteResultCode)) problems.push('deleteResultCode must be 1000 or 1001');
  const idn = resolveIdnTables(p.idnScripts as unknown);
  problems.push(...idn.problems);
  p.idnScripts = idn.tables;
  // The escrow references of the IDN tables, once the tables are resolved (canonical script names).
  for (const [i, t] of (Array.isArray(p.idnTables) ? p.idnTables : [null]).entries()) {
    const url = (u: unknown) => typeof u === 'string' && /^https?:\/\/[^\s]+$/.test(u);
    if (!t || typeof t !== 'object') problems.push('idnTables must be a list of {script, id, url, urlPolicy}');
    else if (!p.idnScripts.some((table) => table.scripts.includes(t.script))) problems.push(`idnTables[${i}].script must be a script of idnScripts`);
    else if (typeof t.id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(t.id)) problems.push(`idnTables[${i}].id must be 1-64 letters, digits, '.', '_' or '-'`);
    else if (!url(t.url) || !url(t.urlPolicy)) problems.push(`idnTables[${i}].url and urlPolicy must be http(s) URLs`);
  }
  for (const [k, v] of Object.entries(p.grace)) intIn(v, 0, 3650, `grace.${k}`);
  for (const [k, v] of Object.entries(p.prices)) intIn(v, 0, 1e12, `prices.${k}`);
  if (typeof p.currency !== 'string' || !Intl.supportedValuesOf('currency').includes(p.currency)) problems.push(`currency must be an ISO 4217 code such as USD or EUR (got ${JSON.stringify(p.currency)})`);
  problems.push(...zoneProblems(p.zone));
  problems.push(...launchProblems(p.launch));
  if (!Array.isArray(p.rdap.publish) || !p.rdap.publish.every((e) => (CONTACT_ELEMENTS as readonly string[]).includes(e)) || new Set(p.rdap.publish).size !== p.rdap.publish.length) {
    problems.push(`rdap.publish must list distinct contact elements among ${CONTACT_ELEMENTS.join(', ')}`);
  }
  if (!['nobody', 'legalPersons', 'everyone'].includes(p.rdap.consent)) problems.push('rdap.consent must be nobody, legalPersons or everyone');
  if (!['empty', 'any'].includes(p.authInfo.onCreate)) problems.push('authInfo.onCreate must be empty or any');
  intIn(p.authInfo.minLength, 1, 255, 'authInfo.minLength');
  intIn(p.authInfo.ttlDays, 0, 3650, 'authInfo.ttlDays');
  if (problems.length) throw new Error(`invalid TLD policy: ${problems.join('; ')}`);
  return p;
}

const hostNameProblem = (name: unknown): string | undefined => {
  if (typeof name !== 'string') return 'must be a host name';
  const n = normalizeName(name, 1);
  if (!n.ok) return n.reason;
  if (n.name !== name.replace(/\.$/, '')) return `must be written in lower-case A-labels (${n.name})`;
  return undefined;
};

/** The zone settings' own problems (those that depend on the TLD's name: `checkZoneForTld`). */
function zoneProblems(z: ZonePolicy): string[] {
  const problems: string[] = [];
  const intIn = (v: unknown, lo: number, hi: number, name: string) => {
    if (!Number.isInteger(v) || (v as number) < lo || (v as number) > hi) problems.push(`zone.${name} must be an integer in ${lo}..${hi}`);
  };
  // RFC 2181 §8: TTLs are 31-bit; SOA timers likewise.
  intIn(z.ttl, 0, 2 ** 31 - 1, 'ttl');
  for (const k of ['refresh', 'retry', 'expire', 'minimum'] as const) intIn(z.soa[k], 0, 2 ** 31 - 1, `soa.${k}`);
  if (!Array.isArray(z.nameservers) || z.nameservers.length < 1 || z.nameservers.length > 13) {
    problems.push('zone.nameservers must list 1 to 13 name servers');
  } else {
    for (const [i, ns] of z.nameservers.entries()) {
      if (!ns || typeof ns !== 'object') {
        problems.push(`zone.nameservers[${i}] must be an object {name, addresses}`);
        continue;
      }
      const extra = Object.keys(ns).filter((k) => k !== 'name' && k !== 'addresses');
      if (extra.length) problems.push(`zone.nameservers[${i}]: unknown field ${extra[0]}`);
      const bad = hostNameProblem(ns.name);
      if (bad) problems.push(`zone.nameservers[${i}].name ${JSON.stringify(ns.name)}: ${bad}`);
      if (ns.addresses !== undefined && !Array.isArray(ns.addresses)) problems.push(`zone.nameservers[${i}].addresses must be a list`);
      for (const a of Array.isArray(ns.addresses) ? ns.addresses : []) {
        const parsed = typeof a === 'string' ? parseAddress(a, a.includes(':') ? 'v6' : 'v4') : { ok: false as const, reason: 'not a string' };
        if (!parsed.ok) problems.push(`zone.nameservers[${i}].addresses ${JSON.stringify(a)}: ${parsed.reason}`);
      }
    }
  }
  if (z.soa.mname !== '') {
    const bad = hostNameProblem(z.soa.mname);
    if (bad) problems.push(`zone.soa.mname ${JSON.stringify(z.soa.mname)}: ${bad}`);
  }
  const mailbox = typeof z.soa.rname === 'string' ? /^([^@\s\\"();]+)@(.+)$/.exec(z.soa.rname) : null;
  if (!mailbox) problems.push(`zone.soa.rname ${JSON.stringify(z.soa.rname)} must be a mailbox user@host`);
  else {
    const bad = hostNameProblem(mailbox[2]);
    if (bad) problems.push(`zone.soa.rname ${JSON.stringify(z.soa.rname)}: ${bad}`);
  }
  if (!Array.isArray(z.dsDigestTypes) || z.dsDigestTypes.length === 0 || z.dsDigestTypes.some((t) => !COMPUTABLE_DIGEST_TYPES.includes(t))) {
    problems.push(`zone.dsDigestTypes must list one or more of ${COMPUTABLE_DIGEST_TYPES.join(', ')}`);
  }
  return problems;
}

/** True when `name` is `zone` or below it. */
export function inZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/**
 * The zone settings that depend on the TLD's name: a name server inside the TLD needs its addresses (the
 * apex glue: nothing else would lead a resolver to it), one outside takes none (out-of-zone data).
 */
export function checkZoneForTld(tld: string, policy: TldPolicy): void {
  const problems: string[] = [];
  for (const [i, ns] of policy.zone.nameservers.entries()) {
    const name = ns.name.replace(/\.$/, '');
    const inside = inZone(name, tld);
    if (inside && !ns.addresses?.length) problems.push(`zone.nameservers[${i}] ${name} is inside .${tld}: give its addresses (the apex glue)`);
    if (!inside && ns.addresses?.length) problems.push(`zone.nameservers[${i}] ${name} is outside .${tld}: it takes no addresses in this zone`);
  }
  if (problems.length) throw new Error(`invalid TLD policy for ${tld}: ${problems.join('; ')}`);
}

/**
 * A partial policy merged into a whole one (`tld set-policy`): objects field by field, lists replaced whole.
 * Validate the result with resolvePolicy; an unknown field is refused here.
 */
export function mergePolicy(current: TldPolicy, change: TldPolicyInput): TldPolicyInput {
  return mergeDeep(current, change) as TldPolicyInput;
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
