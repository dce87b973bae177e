import type { HostAddress } from '../registry/addresses.js';

/** One host row, with the registrars' clIDs resolved and its addresses. */
export interface Host {
  id: number;
  /** Lower-case A-labels. */
  name: string;
  roid: string;
  sponsorId: number;
  sponsorClId: string;
  creatorClId: string;
  updaterClId: string | null;
  createdAt: Date;
  updatedAt: Date | null;
  transferredAt: Date | null;
  /** The registered domain this host is under (internal host); null for an external host. */
  superordinateId: number | null;
  /** Stored statuses (client*, server*, pending*); `ok` and `linked` are computed, never stored. */
  statuses: string[];
  /** IPv4 first, then IPv6, each in canonical text form. */
  addresses: HostAddress[];
}

/** A domain as a host sees it: the candidate superordinate domain of an internal host. */
export interface SuperordinateDomain {
  id: number;
  name: string;
  tld: string;
  sponsorId: number;
  statuses: string[];
}

export interface NewHost {
  id: number;
  name: string;
  roid: string;
  registrarId: number;
  createdAt: Date;
  superordinateId: number | null;
}

/** Columns an update may change; absent fields stay as they are. */
export interface HostChanges {
  name?: string;
  superordinateId?: number | null;
  statuses?: string[];
}

/**
 * Repository of host objects and their addresses. It also reads the domain tables where a host command
 * needs them (the superordinate domain, `linked` from domain_nameservers).
 */
export interface HostRepo {
  /** A fresh row id, never used before by any host (roids are never reused, even after a delete). */
  nextId(): Promise<number>;
  byName(name: string): Promise<Host | undefined>;
  /** Which of these names are host objects. */
  existing(names: string[]): Promise<Set<string>>;
  insert(h: NewHost): Promise<void>;
  /** Applies the changes and records the updater and time (also for an update that only changed addresses). */
  update(id: number, changes: HostChanges, updaterId: number, now: Date): Promise<void>;
  addAddress(hostId: number, a: HostAddress): Promise<void>;
  removeAddress(hostId: number, addr: string): Promise<void>;
  /** Removes the host and its addresses (the caller has checked it is not linked). */
  delete(id: number): Promise<void>;

  /** Whether some domain uses the host as a nameserver (status `linked`). */
  isLinked(hostId: number): Promise<boolean>;
  /** Whether a domain of another registrar than `registrarId` uses the host as a nameserver. */
  linkedByOthers(hostId: number, registrarId: number): Promise<boolean>;
  /** The registered domain among these names with the most labels (the longest), if any. */
  longestDomain(names: string[]): Promise<SuperordinateDomain | undefined>;
}
