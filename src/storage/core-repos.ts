import type { PremiumName } from '../registry/pricing.js';
import type { PollEvent } from '../registry/poll-events.js';
import type { TldPolicy } from '../registry/policy.js';

export interface Registrar {
  id: number;
  clId: string;
  name: string;
  passwordHash: string;
  status: 'active' | 'suspended';
  /** SHA-256 fingerprints (upper-case hex, colon-separated, as Node prints them) of the client certificates bound to the account. */
  certFingerprints: string[];
  /** CIDR ranges a login may come from; null: anywhere. */
  allowedIps: string[] | null;
  maxSessions: number;
  /** Balance in minor currency units. */
  balance: number;
  email: string | null;
  /** IANA Registrar ID (published in RDAP and escrow deposits); null until set. */
  ianaId: number | null;
  /** Abuse contact published for the registrar (RDAP), set with the IANA ID. */
  abuseEmail: string | null;
  /** Abuse phone in the EPP form +CC.NUMBER (RFC 5733). */
  abusePhone: string | null;
  /** The registrar's web site (RDAP: the href of its entity's "about" link); null until set. */
  url: string | null;
  /** Base URL of the registrar's own RDAP service, ending in "/" (RDAP: the "related" link of its domains). */
  rdapBaseUrl: string | null;
  /** When the password was last set (RFC 8807 password expiry counts from it). */
  passwordChangedAt: Date;
  /** Wrong passwords given for the account since its last successful login. */
  failedLogins: number;
  /** EPP commands per second the account's sessions may start together (over it they wait); null: no limit. */
  commandRate: number | null;
  /** The registrar's postal address (RDAP profile 3.1: published when the registrar is looked up by itself). */
  address: RegistrarAddress | null;
  /** The registrar's phone in the EPP form +CC.NUMBER (RFC 5733), published with the address. */
  phone: string | null;
}

/** A postal address as RFC 5733 gives a contact's: 1 to 3 street lines, city, optional state/province and postal code, ISO 3166 country code. */
export interface RegistrarAddress {
  street: string[];
  city: string;
  sp: string | null;
  pc: string | null;
  cc: string;
}

export interface NewRegistrar {
  clId: string;
  name: string;
  passwordHash: string;
  certFingerprints?: string[];
  allowedIps?: string[] | null;
  maxSessions?: number;
  balance?: number;
  email?: string | null;
  ianaId?: number | null;
  abuseEmail?: string | null;
  abusePhone?: string | null;
  url?: string | null;
  rdapBaseUrl?: string | null;
  commandRate?: number | null;
  address?: RegistrarAddress | null;
  phone?: string | null;
}

export interface RegistrarRepo {
  byClId(clId: string): Promise<Registrar | undefined>;
  byId(id: number): Promise<Registrar | undefined>;
  list(): Promise<Registrar[]>;
  insert(r: NewRegistrar, now: Date): Promise<Registrar>;
  /** A new passwordHash also sets passwordChangedAt to `now`. */
  update(id: number, changes: Partial<Omit<Registrar, 'id' | 'clId' | 'passwordChangedAt' | 'failedLogins'>>, now: Date): Promise<void>;
  /** Counts a wrong password for the account. */
  loginFailed(id: number): Promise<void>;
  /** A successful login: the wrong passwords counted since the last one, and the count starts again. */
  loginSucceeded(id: number): Promise<number>;
}

export interface Tld {
  name: string;
  policy: TldPolicy;
}

export interface TldRepo {
  get(name: string): Promise<Tld | undefined>;
  list(): Promise<Tld[]>;
  upsert(tld: Tld, now: Date): Promise<void>;
  /** How many domains (any state, pendingDelete included) the TLD holds. */
  domainCount(name: string): Promise<number>;
  /** Stops serving a TLD (the caller has checked it holds no domains). */
  remove(name: string): Promise<void>;
  /** The premium list entry of a label (the domain's name without its TLD), if any. */
  premium(tld: string, label: string): Promise<PremiumName | undefined>;
  premiumList(tld: string): Promise<PremiumName[]>;
  /** Replaces the TLD's whole premium list. */
  replacePremium(tld: string, list: PremiumName[]): Promise<void>;
}

/** A message in a registrar's queue: its text, and the event it tells of (rendered when it is polled). */
export interface PollMessage {
  id: number;
  registrarId: number;
  queuedAt: Date;
  message: string;
  event: PollEvent;
}

export interface PollRepo {
  enqueue(registrarId: number, message: string, event: PollEvent, now: Date): Promise<number>;
  /** Oldest unacknowledged message and the number waiting. */
  head(registrarId: number): Promise<{ count: number; first?: PollMessage }>;
  count(registrarId: number): Promise<number>;
  /** Acknowledges a message of this registrar; false when no such unacknowledged message is theirs. */
  ack(registrarId: number, id: number, now: Date): Promise<boolean>;
}

export interface AuditEntry {
  at: Date;
  registrarId: number | null;
  sessionId: string | null;
  source: 'epp' | 'http' | 'cli';
  command: string;
  object: string | null;
  clTRID: string | null;
  svTRID: string;
  code: number;
  message: string | null;
  durationUs: number | null;
}

export interface AuditRepo {
  record(e: AuditEntry): Promise<void>;
  recent(registrarId: number | null, limit: number): Promise<Array<AuditEntry & { id: number }>>;
}

export interface SettingsRepo {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}
