import { fail } from '../../protocol/errors.js';
import { contactAutoApproveAt, notifyContact } from '../../registry/contact-transfers.js';
import { TRANSFER_BLOCKERS } from '../../registry/transfers.js';
import type { CommandDef } from '../types.js';
import { idValue, onlyExtensions } from './contact-data.js';
import { loadTransferTarget, requireAuthInfo, trnData } from './transfer-data.js';

/**
 * <contact:transfer op="request"> (RFC 5733 §3.2.4): a registrar that is not the sponsor asks for the contact,
 * with its authInfo. The transfer is pending (contact status pendingTransfer, which refuses update and
 * delete) until the sponsor approves or rejects it, the requester cancels it, or the registry approves it at
 * acDate = now + CONTACT_TRANSFER_AUTO_APPROVE_DAYS (5). The answer is 1001 with <contact:trnData>; the
 * sponsor gets a poll message. Free of charge. Statuses other than the two below (e.g. clientUpdateProhibited,
 * linked) do not block a transfer. See src/registry/contact-transfers.ts for the approval.
 *
 * Errors: 2002 an extension element; 2004/2005 impossible id; 2102 <contact:ext> authInfo; 2106 the requester
 * already sponsors the contact; 2202 authInfo missing or wrong; 2300 a transfer is already pending; 2303
 * unknown contact; 2304 clientTransferProhibited or serverTransferProhibited.
 */
export const contactTransferRequest: CommandDef = {
  kind: 'object',
  name: 'contact:transfer-request',
  async run(req, ctx) {
    const object = req.object!;
    onlyExtensions(req, []);
    const target = await loadTransferTarget(ctx, object);
    const { contact } = target;

    if (contact.sponsorId === ctx.registrar.id) throw fail.notTransferable(`You are already the sponsor of contact ${contact.handle}`, idValue(contact.handle));
    requireAuthInfo(contact, object);
    if (target.latest?.status === 'pending') throw fail.pendingTransfer(`A transfer of contact ${contact.handle} is already pending`, idValue(contact.handle));
    const blocker = contact.statuses.find((s) => TRANSFER_BLOCKERS.includes(s));
    if (blocker) throw fail.status(`Contact ${contact.handle} has status ${blocker}: it cannot be transferred`, idValue(contact.handle));

    const t = await ctx.repos.contactTransfers.open({
      contactId: contact.id,
      requesterId: ctx.registrar.id,
      losingId: contact.sponsorId,
      requestedAt: ctx.now,
      actionAt: contactAutoApproveAt(ctx.now),
    });
    await notifyContact(ctx.repos, t, ctx.now);
    return { code: 1001, resData: [trnData(t)], object: contact.handle };
  },
};
