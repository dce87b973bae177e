import { createHash, timingSafeEqual } from 'node:crypto';
import type { TransferRecord } from '../storage/transfer-repo.js';
import type { AuthPassword } from './object-rules.js';
import { noPendingTransfer, type TransferKind } from './transfer-conditions.js';

/**
 * What the <transfer> commands of every object type (domain, contact) share: the pending-transfer check, who
 * may query without authInfo, and the authInfo password check. The object's own rules stay in
 * src/commands/<object>/transfer-data.ts, the error conditions in ./transfer-conditions.ts.
 */

/** The object's latest transfer when it is still pending; noPendingTransfer (2301) otherwise. */
export function requirePendingTransfer<T extends TransferRecord>(latest: T | undefined, kind: TransferKind, name: string): T {
  if (!latest || latest.status !== 'pending') throw noPendingTransfer(kind, name);
  return latest;
}

/** Whether the registrar may query the object's transfer without authInfo: its sponsor, or a party of its latest transfer. */
export function isTransferParty(registrarId: number, sponsorId: number, latest: TransferRecord | undefined): boolean {
  return sponsorId === registrarId || latest?.requesterId === registrarId || latest?.losingId === registrarId;
}

/**
 * Whether a command's authInfo matches: `secretFor(roid)` is the password it must carry (roid undefined: the
 * object's own; a roid: the password of the object it names), null when the roid names nothing acceptable.
 * 'absent' when no password was sent.
 */
export function authInfoMatches(authInfo: AuthPassword | undefined, secretFor: (roid: string | undefined) => string | null): 'absent' | 'valid' | 'invalid' {
  if (!authInfo) return 'absent';
  const secret = secretFor(authInfo.roid);
  return secret !== null && sameSecret(authInfo.pw, secret) ? 'valid' : 'invalid';
}

/** Compares secrets in constant time (through their digests, so that lengths do not leak either). */
export function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}
