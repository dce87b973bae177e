import type { DsRecord, KeyRecord } from '../registry/dnssec.js';
import type { TldPolicy } from '../registry/policy.js';
import type { HostAddr } from './domain-repo.js';

/** A TLD's zone bookkeeping: the change counter, the last serial handed out, the last publication. */
export interface ZoneState {
  tld: string;
  /** Counts every write that can change the zone (kept by triggers, whichever process writes). */
  changes: number;
  /** Last SOA serial handed out (0: none yet). */
  serial: number;
  published: Publication | null;
}

export interface Publication {
  serial: number;
  at: Date;
  /** `changes` as the publication's snapshot read it: the zone is stale once the counter differs. */
  changes: number;
  file: string;
  bytes: number;
  delegations: number;
  durationMs: number;
}

export interface ZoneRepo {
  states(): Promise<ZoneState[]>;
  /** Hands out the TLD's next serial: the last one + 1, or `atLeast` when larger (RFC 1982: it only grows). */
  reserveSerial(tld: string, atLeast: number): Promise<number>;
  /** Records a publication, unless one with a larger serial was recorded meanwhile (false then). */
  recordPublication(tld: string, p: Publication): Promise<boolean>;
}

/** One domain of a TLD as the zone sees it, read in the zone's snapshot. */
export interface ZoneDomain {
  /** Lower-case A-labels. */
  name: string;
  /** Not held, not deleted (redemption, pendingDelete): delegated when it also has name servers. */
  eligible: boolean;
  /** Host objects' names (hostObj model). */
  nameservers: string[];
  /** Host attributes (hostAttr model), with the addresses the registrar gave. */
  hostAttrs: Array<{ name: string; addrs: HostAddr[] }>;
  ds: DsRecord[];
  keys: KeyRecord[];
  /**
   * The addresses of the host objects subordinate to this domain that a delegation of the zone (eligible,
   * in the same TLD) uses: their glue, sorted by name and address.
   */
  glue: Array<{ name: string; ip: 'v4' | 'v6'; addr: string }>;
}

/**
 * One consistent read of the registry for a zone: every call sees the same committed state (a read
 * transaction of its own, on its own connection), however long the zone takes to write.
 */
export interface ZoneSnapshot {
  policy(tld: string): Promise<TldPolicy | undefined>;
  /** The TLD's change counter in this snapshot. */
  changes(tld: string): Promise<number>;
  /**
   * Every domain of the TLD, sorted by name (byte order of the A-labels), one at a time: memory does not
   * grow with the TLD. `notDelegated`: statuses that keep a domain out of the zone.
   */
  domains(tld: string, notDelegated: readonly string[]): AsyncIterable<ZoneDomain>;
  close(): Promise<void>;
}
