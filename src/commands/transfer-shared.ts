import { authInfoMatches, type StoredAuthInfo } from '../registry/auth-info.js';
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

/** The authInfo a command's password must match, and the days it works after it was set (0: no TTL). */
export interface AuthInfoToMatch {
  stored: StoredAuthInfo;
  ttlDays: number;
}

/**
 * Whether a command's authInfo matches (RFC 9154 §4.4): `storedFor(roid)` is the authInfo it must match
 * (roid undefined: the object's own; a roid: that of the object it names), null when the roid names nothing
 * acceptable. An empty password, an unset authInfo and one past its TTL never match. 'absent' when no
 * password was sent.
 */
export async function authInfoCheck(
  authInfo: AuthPassword | undefined,
  storedFor: (roid: string | undefined) => Promise<AuthInfoToMatch | null> | AuthInfoToMatch | null,
  now: Date,
): Promise<'absent' | 'valid' | 'invalid'> {
  if (!authInfo) return 'absent';
  const target = await storedFor(authInfo.roid);
  return target !== null && (await authInfoMatches(authInfo.pw, target.stored, target.ttlDays, now)) ? 'valid' : 'invalid';
}
