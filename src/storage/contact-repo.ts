import type { AuthInfoChange } from './domain-repo.js';
/** RFC 5733 postal data of one form (`int`: ASCII only; `loc`: any script). Country codes are upper case. */
export interface PostalInfo {
  name: string;
  org?: string;
  /** 0 to 3 lines (empty lines are not kept). */
  street: string[];
  city: string;
  sp?: string;
  pc?: string;
  cc: string;
}

export interface Phone {
  /** +CC.NUMBER */
  number: string;
  /** Extension (the `x` attribute). */
  x?: string;
}

export type PostalType = 'int' | 'loc';

/** RFC 5733 §2.9 disclosure preference: `flag` true asks to disclose, false not to disclose, the listed elements. */
export interface Disclose {
  flag: boolean;
  name: PostalType[];
  org: PostalType[];
  addr: PostalType[];
  voice: boolean;
  fax: boolean;
  email: boolean;
}

/** The TCI contact extension (shared/notes/tci-contact-ext.md §3): a natural person or an organization. */
export interface TciPerson {
  /** YYYY-MM-DD */
  birthday: string;
  /** One or more lines, each a document number with its issuer. */
  passport: string[];
  tin?: string;
}

export interface TciLegalAddr {
  type: PostalType;
  street: string[];
  city: string;
  sp?: string;
  pc?: string;
  cc: string;
}

export interface TciOrganization {
  /** One or two legal addresses, in the order given, types distinct. */
  legalAddr: TciLegalAddr[];
  tin: string;
}

export type TciContactData = { person: TciPerson } | { organization: TciOrganization };

/** One contact row, with the registrars' clIDs resolved. */
export interface Contact {
  id: number;
  /** The contact id as created (ids are compared case-insensitively). */
  handle: string;
  roid: string;
  sponsorId: number;
  sponsorClId: string;
  creatorClId: string;
  updaterClId: string | null;
  createdAt: Date;
  updatedAt: Date | null;
  transferredAt: Date | null;
  /** The authInfo's salted hash (RFC 9154: the value itself is never kept), null when none is set. */
  authHash: string | null;
  /** When the authInfo was set (its TTL counts from it), null when none is set. */
  authSetAt: Date | null;
  /** Stored statuses (client*, server*, pending*); `ok` and `linked` are computed, never stored. */
  statuses: string[];
  postalInt: PostalInfo | null;
  postalLoc: PostalInfo | null;
  voice: Phone | null;
  fax: Phone | null;
  email: string;
  disclose: Disclose | null;
  tci: TciContactData | null;
}

export interface NewContact {
  id: number;
  handle: string;
  roid: string;
  registrarId: number;
  createdAt: Date;
  auth: AuthInfoChange;
  postalInt: PostalInfo | null;
  postalLoc: PostalInfo | null;
  voice: Phone | null;
  fax: Phone | null;
  email: string;
  disclose: Disclose | null;
  tci: TciContactData | null;
}

/** Columns an update may change; absent fields stay as they are. */
export interface ContactChanges {
  statuses?: string[];
  postalInt?: PostalInfo;
  postalLoc?: PostalInfo;
  voice?: Phone | null;
  fax?: Phone | null;
  email?: string;
  auth?: AuthInfoChange;
  disclose?: Disclose | null;
  tci?: TciContactData | null;
}

/** Repository of contact objects (RFC 5733). It reads the domain tables to know whether a contact is linked. */
export interface ContactRepo {
  /** A fresh row id, never used before by any contact (roids are never reused). */
  nextId(): Promise<number>;
  /** The contact with this id, compared case-insensitively. */
  byHandle(handle: string): Promise<Contact | undefined>;
  /** Which of these ids exist (case-insensitively); the result holds them lower-cased. */
  existing(handles: string[]): Promise<Set<string>>;
  insert(c: NewContact): Promise<void>;
  update(id: number, changes: ContactChanges, updaterId: number, now: Date): Promise<void>;
  delete(id: number): Promise<void>;
  /** Whether a domain references the contact (as registrant or as admin/tech/billing contact). */
  isLinked(id: number): Promise<boolean>;
}
