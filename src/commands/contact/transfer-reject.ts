import { endContactTransfer } from '../../registry/contact-transfers.js';
import { transferNotSponsor } from '../transfer-conditions.js';
import type { ObjectCommand } from '../types.js';
import { loadTransferTarget, requirePending } from './transfer-data.js';
import type { ContactTransferCommand, ContactTransferData } from './transfer-types.js';

/**
 * <contact:transfer op="reject"> (RFC 5733 §3.2.4): the sponsor refuses the pending transfer
 * (clientRejected); the contact stays as it is, pendingTransfer is removed and the requester is notified
 * (poll). An authInfo in the command is not needed and not checked.
 *
 * Errors: contactValueRange (2004), contactValueSyntax (2005) an impossible id; contactNotFound (2303);
 * noPendingTransfer (2301); transferNotSponsor (2201).
 */
export const contactTransferReject: ObjectCommand<ContactTransferCommand, ContactTransferData> = {
  kind: 'object',
  name: 'contact:transfer-reject',
  async run(input, ctx) {
    const target = await loadTransferTarget(ctx, input.id);
    const pending = requirePending(target);
    if (target.contact.sponsorId !== ctx.registrar.id) throw transferNotSponsor('contact', target.contact.handle, 'reject');
    const transfer = await endContactTransfer(ctx.repos, pending, 'clientRejected', ctx.now);
    return { data: { transfer }, object: target.contact.handle };
  },
};
