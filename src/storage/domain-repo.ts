import type { DsRecord, KeyRecord } from '../registry/dnssec.js';

export type DomainContactType = 'admin' | 'tech' | 'billing';

/** One domain row, with the registrars' clIDs and the registrant's handle resolved. */
export interface Domain {
  id: number;
  /** Lower-case A-labels. */
  name: string;
  tld: string;
  roid: string;
  sponsorId: number;
  sponsorClId: string;
  creatorClId: string;
  updaterClId: string | null;
  registrantId: number | null;
  registrantHandle: string | null;
  createdAt: Date;
  updatedAt: Date | null;
  expiresAt: Date;
  transferredAt: Date | null;
  /** The authInfo's salted hash (RFC 9154: the value itself is never kept), null when none is set. */
  authHash: string | null;
  /** When the authInfo was set (its TTL counts from it), null when none is set. */
  authSetAt: Date | null;
  /** Stored statuses (client*, server*, pending*); `ok` and `inactive` are computed, never stored. */
  statuses: string[];
  maxSigLife: number | null;
  description: string | null;
}

export interface DomainContact {
  type: DomainContactType;
  contactId: number;
  handle: string;
}

export interface HostAddr {
  ip: 'v4' | 'v6';
  addr: string;
}

/** A nameserver as a host attribute (RFC 5731 hostAttr). */
export interface HostAttr {
  name: string;
  addrs: HostAddr[];
}

/** A host object as a domain sees it (for delegation). */
export interface HostRef {
  id: number;
  name: string;
  superordinateId: number | null;
  addressCount: number;
}

/** A contact as a domain sees it. */
export interface ContactRef {
  id: number;
  handle: string;
  roid: string;
  /** The contact's authInfo (an info may name it by roid). */
  authHash: string | null;
  authSetAt: Date | null;
  /** Whether the contact carries the TCI extension's data (person or organization). */
  hasTci: boolean;
}

/** An authInfo to store: its salted hash and when it was set; null unsets it. */
export type AuthInfoChange = { hash: string; setAt: Date } | null;

export interface NewDomain {
  id: number;
  name: string;
  tld: string;
  roid: string;
  registrarId: number;
  registrantId: number | null;
  createdAt: Date;
  expiresAt: Date;
  auth: AuthInfoChange;
  maxSigLife: number | null;
  description: string | null;
}

/** Columns an update may change; absent fields stay as they are. */
export interface DomainChanges {
  registrantId?: number | null;
  auth?: AuthInfoChange;
  statuses?: string[];
  maxSigLife?: number | null;
  description?: string | null;
  expiresAt?: Date;
}

/**
 * Repository of domain objects and their associations (contacts, nameservers, DNSSEC data). It also reads
 * the contact and host tables where a domain command needs them (existence, delegation checks).
 */
export interface DomainRepo {
  /** A fresh row id, never used before by any domain (roids are never reused, even after a purge). */
  nextId(): Promise<number>;
  byName(name: string): Promise<Domain | undefined>;
  /** Which of these names are registered. */
  existing(names: string[]): Promise<Set<string>>;
  insert(d: NewDomain): Promise<void>;
  update(id: number, changes: DomainChanges, updaterId: number, now: Date): Promise<void>;

  contacts(domainId: number): Promise<DomainContact[]>;
  /** The domain's registrant and contacts that carry no TCI extension data, registrant first (handles). */
  linkedContactsWithoutTci(domainId: number): Promise<Array<{ type: 'registrant' | DomainContactType; handle: string }>>;
  addContact(domainId: number, type: DomainContactType, contactId: number): Promise<void>;
  removeContact(domainId: number, type: DomainContactType, contactId: number): Promise<void>;

  /** Delegated host objects (hostObj model), by name. */
  nameservers(domainId: number): Promise<HostRef[]>;
  addNameserver(domainId: number, hostId: number): Promise<void>;
  removeNameserver(domainId: number, hostId: number): Promise<void>;
  hostAttrs(domainId: number): Promise<HostAttr[]>;
  addHostAttr(domainId: number, h: HostAttr): Promise<void>;
  removeHostAttr(domainId: number, name: string): Promise<void>;
  /** Names of the hosts whose superordinate domain this is. */
  subordinateHosts(domainId: number): Promise<string[]>;

  dsData(domainId: number): Promise<DsRecord[]>;
  keyData(domainId: number): Promise<KeyRecord[]>;
  /** Replaces all DNSSEC records of the domain with these. */
  replaceDnssec(domainId: number, ds: DsRecord[], keys: KeyRecord[]): Promise<void>;

  /** Host objects by name (lower-case A-labels). */
  hostByName(name: string): Promise<HostRef | undefined>;
  /** A contact by handle (handles are case-insensitive). */
  contactByHandle(handle: string): Promise<ContactRef | undefined>;
  contactByRoid(roid: string): Promise<ContactRef | undefined>;

  /** Subordinate hosts of this domain that other domains use as nameservers (they block a delete). */
  subordinateHostsInUseElsewhere(domainId: number): Promise<string[]>;
  /** Removes the domain, its associations, DNSSEC data and subordinate hosts. */
  purge(domainId: number): Promise<void>;
}
