import type { ContactTransfer } from '../storage/contact-transfer-repo.js';
import type { Repos } from '../storage/store.js';
import { plusDays, type AppliedEvent } from './lifecycle.js';
import { contactTransferEvent } from './poll-events.js';
import { sweepDue, tellParties } from './transfers.js';

/**
 * Contact transfers (RFC 5733 §3.2.4): the same rules as domain transfers (transfers.ts), without what only a
 * registration has (no period, no expiry, no billing, no grace periods, no subordinate objects):
 *
 *   request (gaining registrar, with the authInfo) ─ pending, contact status pendingTransfer ─┬─ approve (sponsor)  → clientApproved
 *                                                                                            ├─ reject  (sponsor)  → clientRejected
 *                                                                                            ├─ cancel  (requester) → clientCancelled
 *                                                                                            └─ acDate = request + 5 days → serverApproved
 *
 * An approval changes the contact's sponsor, sets trDate (the approval instant; for serverApproved the
 * acDate) and unsets the authInfo (RFC 9154 §5.4: the new sponsor sets one with <update> when a transfer is
 * asked for). Every outcome is a poll message to the other party (both parties for the registry's own acts),
 * carrying a contactTransfer event (poll-events.ts; polled as <contact:trnData>). Domains that use the
 * contact keep using it.
 *
 * `applyDueContactTransfers` runs with the other due events (lifecycle.ts `applyDueEvents`), before every
 * object command in its transaction, so a transfer whose acDate has passed is approved exactly once.
 */

/**
 * Days after a contact transfer request at which the registry approves it. Domain transfers take this from
 * the TLD policy (transferAutoApprove), but a contact belongs to no TLD, so the registry has one period for
 * every contact: the same 5 days as the domain policies' default.
 */
export const CONTACT_TRANSFER_AUTO_APPROVE_DAYS = 5;

/** When a contact transfer requested at `requestedAt` is approved by the registry. */
export function contactAutoApproveAt(requestedAt: Date): Date {
  return plusDays(requestedAt, CONTACT_TRANSFER_AUTO_APPROVE_DAYS);
}

/** Queues the poll messages of the contact transfer's state (see `partiesToTell` in transfers.ts). */
export async function notifyContact(repos: Repos, t: ContactTransfer, now: Date): Promise<void> {
  await tellParties(repos, t, contactTransferEvent(t), now);
}

/**
 * Approves a pending contact transfer: by the sponsor (clientApproved, at `now`) or by the registry once its
 * acDate has passed (serverApproved, at the acDate). Returns the closed transfer.
 */
export async function approveContactTransfer(
  repos: Repos,
  t: ContactTransfer,
  status: 'clientApproved' | 'serverApproved',
  now: Date,
): Promise<ContactTransfer> {
  const at = status === 'serverApproved' ? t.actionAt : now;
  await repos.contactTransfers.moveContact(t.contactId, t.requesterId, at);
  const done = await repos.contactTransfers.close(t.id, status, at);
  await notifyContact(repos, done, now);
  return done;
}

/** Ends a pending contact transfer without moving the contact: rejected by the sponsor, or cancelled by the requester. */
export async function endContactTransfer(
  repos: Repos,
  t: ContactTransfer,
  status: 'clientRejected' | 'clientCancelled',
  now: Date,
): Promise<ContactTransfer> {
  const done = await repos.contactTransfers.close(t.id, status, now);
  await notifyContact(repos, done, now);
  return done;
}

/** Approves (serverApproved) every pending contact transfer whose acDate is at or before `now`. One indexed query when nothing is due. */
export async function applyDueContactTransfers(repos: Repos, now: Date, record: (e: AppliedEvent) => void = () => {}): Promise<void> {
  await sweepDue(
    (limit) => repos.contactTransfers.due(now, limit),
    async (t) => {
      await approveContactTransfer(repos, t, 'serverApproved', now);
      record({ event: 'contactTransferServerApproved', object: t.contactHandle, at: now });
    },
  );
}
