import { approveContactTransfer } from '../../registry/contact-transfers.js';
import { transferNotSponsor } from '../transfer-conditions.js';
import type { ObjectCommand } from '../types.js';
import { loadTransferTarget, requirePending } from './transfer-data.js';
import type { ContactTransferCommand, ContactTransferData } from './transfer-types.js';

/**
 * <contact:transfer op="approve"> (RFC 5733 §3.2.4): the sponsor lets the pending transfer happen at once
 * (clientApproved): the contact moves to the requester (trDate now), its authInfo is unset (RFC 9154: the
 * new sponsor sets one when a transfer is asked for), and the requester is notified (poll). See src/registry/contact-transfers.ts. An authInfo
 * in the command is not needed and not checked: the sponsor is identified by its session.
 *
 * Errors: contactValueRange (2004), contactValueSyntax (2005) an impossible id; contactNotFound (2303);
 * noPendingTransfer (2301); transferNotSponsor (2201).
 */
export const contactTransferApprove: ObjectCommand<ContactTransferCommand, ContactTransferData> = {
  kind: 'object',
  name: 'contact:transfer-approve',
  async run(input, ctx) {
    const target = await loadTransferTarget(ctx, input.id);
    const pending = requirePending(target);
    if (target.contact.sponsorId !== ctx.registrar.id) throw transferNotSponsor('contact', target.contact.handle, 'approve');
    const transfer = await approveContactTransfer(ctx.repos, pending, 'clientApproved', ctx.now);
    return { data: { transfer }, object: target.contact.handle };
  },
};
