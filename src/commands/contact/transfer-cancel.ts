import { endContactTransfer } from '../../registry/contact-transfers.js';
import { transferNotRequester } from '../transfer-conditions.js';
import type { ObjectCommand } from '../types.js';
import { loadTransferTarget, requirePending } from './transfer-data.js';
import type { ContactTransferCommand, ContactTransferData } from './transfer-types.js';

/**
 * <contact:transfer op="cancel"> (RFC 5733 §3.2.4): the registrar that requested the pending transfer
 * withdraws it (clientCancelled); the contact stays as it is, pendingTransfer is removed and the sponsor is
 * notified (poll). An authInfo in the command is not needed and not checked.
 *
 * Errors: contactValueRange (2004), contactValueSyntax (2005) an impossible id; contactNotFound (2303);
 * noPendingTransfer (2301); transferNotRequester (2201).
 */
export const contactTransferCancel: ObjectCommand<ContactTransferCommand, ContactTransferData> = {
  kind: 'object',
  name: 'contact:transfer-cancel',
  async run(input, ctx) {
    const target = await loadTransferTarget(ctx, input.id);
    const pending = requirePending(target);
    if (pending.requesterId !== ctx.registrar.id) throw transferNotRequester('contact', target.contact.handle);
    const transfer = await endContactTransfer(ctx.repos, pending, 'clientCancelled', ctx.now);
    return { data: { transfer }, object: target.contact.handle };
  },
};
