import type { Contact } from '../../storage/contact-repo.js';
import type { ContactTransfer } from '../../storage/contact-transfer-repo.js';
import type { AuthPassword } from '../object-rules.js';
import { transferAuthInfoInvalid, transferAuthInfoMissing } from '../transfer-conditions.js';
import { CONTACT_AUTH_INFO_TTL_DAYS } from '../../registry/auth-info.js';
import { authInfoCheck as checkAuthInfo, requirePendingTransfer } from '../transfer-shared.js';
import type { CommandContext } from '../types.js';
import { loadContact } from './contact-data.js';

/**
 * What the five <contact:transfer> operations share: loading the contact and its latest transfer, and the
 * authInfo check. What they share with domain transfers is in ../transfer-shared.ts; the errors are in
 * ../transfer-conditions.ts; the approval is src/registry/contact-transfers.ts.
 */

export interface ContactTransferTarget {
  contact: Contact;
  /** The contact's latest transfer, whatever its status. */
  latest: ContactTransfer | undefined;
}

/**
 * Loads the contact a transfer command names and its latest transfer: contactValueRange (2004) or
 * contactValueSyntax (2005) for an impossible id, contactNotFound (2303).
 */
export async function loadTransferTarget(ctx: CommandContext, id: string): Promise<ContactTransferTarget> {
  const contact = await loadContact(ctx, id);
  return { contact, latest: await ctx.repos.contactTransfers.latest(contact.id) };
}

/** The latest transfer when it is still pending; noPendingTransfer (2301) otherwise. */
export function requirePending(target: ContactTransferTarget): ContactTransfer {
  return requirePendingTransfer(target.latest, 'contact', target.contact.handle);
}

/**
 * Whether an authInfo authorises a transfer of `c`: the contact's password, set and within the contacts'
 * TTL (a roid, when present, must be the contact's own, as for <contact:info>).
 */
export function authInfoCheck(c: Contact, authInfo: AuthPassword | undefined, now: Date): Promise<'absent' | 'valid' | 'invalid'> {
  return checkAuthInfo(authInfo, (roid) => (roid === undefined || roid === c.roid ? { stored: c, ttlDays: CONTACT_AUTH_INFO_TTL_DAYS } : null), now);
}

/**
 * A transfer request must carry the contact's authInfo, set and not expired: transferAuthInfoMissing /
 * transferAuthInfoInvalid (2202).
 */
export async function requireAuthInfo(c: Contact, authInfo: AuthPassword | undefined, now: Date): Promise<void> {
  const check = await authInfoCheck(c, authInfo, now);
  if (check === 'absent') throw transferAuthInfoMissing('contact', c.handle);
  if (check === 'invalid') throw transferAuthInfoInvalid('contact', c.handle);
}
