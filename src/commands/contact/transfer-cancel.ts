import { fail } from '../../protocol/errors.js';
import { endContactTransfer } from '../../registry/contact-transfers.js';
import type { CommandDef } from '../types.js';
import { onlyExtensions } from './contact-data.js';
import { loadTransferTarget, requirePending, trnData } from './transfer-data.js';

/**
 * <contact:transfer op="cancel"> (RFC 5733 §3.2.4): the registrar that requested the pending transfer
 * withdraws it (clientCancelled); the contact stays as it is, pendingTransfer is removed and the sponsor is
 * notified (poll). An authInfo in the command is not needed and not checked.
 *
 * Errors: 2002 an extension element; 2004/2005 impossible id; 2201 not the requester; 2301 no pending
 * transfer; 2303 unknown contact.
 */
export const contactTransferCancel: CommandDef = {
  kind: 'object',
  name: 'contact:transfer-cancel',
  async run(req, ctx) {
    onlyExtensions(req, []);
    const target = await loadTransferTarget(ctx, req.object!);
    const pending = requirePending(target);
    if (pending.requesterId !== ctx.registrar.id) {
      throw fail.authorization(`Only the registrar that requested the transfer of contact ${target.contact.handle} may cancel it`);
    }
    const done = await endContactTransfer(ctx.repos, pending, 'clientCancelled', ctx.now);
    return { resData: [trnData(done)], object: target.contact.handle };
  },
};
