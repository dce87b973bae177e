import { createHash, timingSafeEqual } from 'node:crypto';
import { fail } from '../protocol/errors.js';
import { eppDateTime } from '../protocol/response.js';
import { child, el, type Elem, type Out } from '../protocol/xml-node.js';
import type { TransferRecord } from '../storage/transfer-repo.js';

/**
 * What the <transfer> commands of every object type (domain, contact) share: the trnData fields that follow
 * the object's name, the pending-transfer check, who may query without authInfo, and the authInfo password
 * check. The object's own rules stay in src/commands/<object>/transfer-data.ts.
 */

/** trStatus, reID, reDate, acID, acDate of a <domain:trnData> or <contact:trnData> (RFC 5731/5733 §3.2.4). */
export function trnFields(prefix: 'domain' | 'contact', t: TransferRecord): Out[] {
  return [
    el(`${prefix}:trStatus`, null, t.status),
    el(`${prefix}:reID`, null, t.requesterClId),
    el(`${prefix}:reDate`, null, eppDateTime(t.requestedAt)),
    el(`${prefix}:acID`, null, t.losingClId),
    el(`${prefix}:acDate`, null, eppDateTime(t.actionAt)),
  ];
}

/** The object's latest transfer when it is still pending; 2301 (`msg`, `value` naming the object) otherwise. */
export function requirePendingTransfer<T extends TransferRecord>(latest: T | undefined, msg: string, value: Out): T {
  if (!latest || latest.status !== 'pending') throw fail.notPendingTransfer(msg, value);
  return latest;
}

/** Whether the registrar may query the object's transfer without authInfo: its sponsor, or a party of its latest transfer. */
export function isTransferParty(registrarId: number, sponsorId: number, latest: TransferRecord | undefined): boolean {
  return sponsorId === registrarId || latest?.requesterId === registrarId || latest?.losingId === registrarId;
}

/**
 * Whether a command's <prefix:authInfo> matches: `secretFor(roid)` is the password it must carry (roid
 * undefined: the object's own; a roid: the password of the object it names), null when the roid names
 * nothing acceptable. 'absent' when no password was sent; <prefix:ext> is not supported (2102).
 */
export function passwordCheck(
  prefix: 'domain' | 'contact',
  authInfo: Elem | undefined,
  secretFor: (roid: string | undefined) => string | null,
): 'absent' | 'valid' | 'invalid' {
  if (!authInfo) return 'absent';
  if (child(authInfo, 'ext')) throw fail.unimplementedOption(`Only password authInfo (<${prefix}:pw>) is supported`);
  const pw = child(authInfo, 'pw');
  if (!pw) return 'absent';
  const secret = secretFor(pw.attrs.roid);
  return secret !== null && sameSecret(pw.text, secret) ? 'valid' : 'invalid';
}

/** Compares secrets in constant time (through their digests, so that lengths do not leak either). */
export function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}
