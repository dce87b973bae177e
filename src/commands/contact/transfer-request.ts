import { contactAutoApproveAt, notifyContact } from '../../registry/contact-transfers.js';
import { TRANSFER_BLOCKERS } from '../../registry/transfers.js';
import { alreadySponsor, transferAlreadyPending, transferProhibitedByStatus } from '../transfer-conditions.js';
import type { ObjectCommand } from '../types.js';
import { loadTransferTarget, requireAuthInfo } from './transfer-data.js';
import type { ContactTransferCommand, ContactTransferData } from './transfer-types.js';

/**
 * <contact:transfer op="request"> (RFC 5733 §3.2.4): a registrar that is not the sponsor asks for the contact,
 * with its authInfo. The transfer is pending (contact status pendingTransfer, which refuses update and
 * delete) until the sponsor approves or rejects it, the requester cancels it, or the registry approves it at
 * acDate = now + CONTACT_TRANSFER_AUTO_APPROVE_DAYS (5). The answer is 1001 with the transfer; the sponsor
 * gets a poll message. Free of charge. Statuses other than the two below (e.g. clientUpdateProhibited,
 * linked) do not block a transfer. See src/registry/contact-transfers.ts for the approval.
 *
 * Errors: contactValueRange (2004), contactValueSyntax (2005) an impossible id; contactNotFound (2303);
 * alreadySponsor (2106); transferAuthInfoMissing, transferAuthInfoInvalid (2202); transferAlreadyPending
 * (2300); transferProhibitedByStatus (2304) clientTransferProhibited or serverTransferProhibited.
 * (<contact:ext> authInfo, authInfoExtUnsupported (2102), is refused when the command is read.)
 */
export const contactTransferRequest: ObjectCommand<ContactTransferCommand, ContactTransferData> = {
  kind: 'object',
  name: 'contact:transfer-request',
  async run(input, ctx) {
    const target = await loadTransferTarget(ctx, input.id);
    const { contact } = target;

    if (contact.sponsorId === ctx.registrar.id) throw alreadySponsor('contact', contact.handle);
    await requireAuthInfo(contact, input.authInfo, ctx.now);
    if (target.latest?.status === 'pending') throw transferAlreadyPending('contact', contact.handle);
    const blocker = contact.statuses.find((s) => TRANSFER_BLOCKERS.includes(s));
    if (blocker) throw transferProhibitedByStatus('contact', contact.handle, blocker);

    const transfer = await ctx.repos.contactTransfers.open({
      contactId: contact.id,
      requesterId: ctx.registrar.id,
      losingId: contact.sponsorId,
      requestedAt: ctx.now,
      actionAt: contactAutoApproveAt(ctx.now),
    });
    await notifyContact(ctx.repos, transfer, ctx.now);
    return { code: 1001, data: { transfer }, object: contact.handle };
  },
};
