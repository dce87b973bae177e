import type { Host } from '../../storage/host-repo.js';

/**
 * The host commands as the handlers see them (RFC 5732): typed inputs, with names and addresses as sent so
 * that an error can echo them, and typed results. The EPP door reads them from XML and renders the results
 * (src/epp/host.ts).
 */

/** An address as sent: <host:addr ip="v4|v6">text</host:addr>; `ip` absent means v4. */
export interface HostAddrInput {
  addr: string;
  ip?: 'v4' | 'v6';
}

// ---------------------------------------------------------------- check

export interface HostCheck {
  names: string[];
}
export interface HostCheckData {
  /** One per name asked, in order (a name asked twice is answered twice); names normalised where possible. */
  results: Array<{ name: string; available: boolean; reason?: string }>;
}

// ---------------------------------------------------------------- info

export interface HostInfo {
  name: string;
}
export interface HostInfoData {
  host: Host;
  /** Stored statuses plus the computed ones (ok, linked). */
  statuses: string[];
}

// ---------------------------------------------------------------- create

export interface HostCreate {
  name: string;
  addrs: HostAddrInput[];
}
export interface HostCreateData {
  name: string;
  createdAt: Date;
}

// ---------------------------------------------------------------- update, delete

export interface HostUpdate {
  name: string;
  add: { addrs: HostAddrInput[]; statuses: string[] };
  rem: { addrs: HostAddrInput[]; statuses: string[] };
  /** <host:chg><host:name>: the new name as sent. */
  chg: { name?: string };
}

export interface HostDelete {
  name: string;
}
