import { fail } from '../../protocol/errors.js';
import { endContactTransfer } from '../../registry/contact-transfers.js';
import type { CommandDef } from '../types.js';
import { onlyExtensions } from './contact-data.js';
import { loadTransferTarget, requirePending, trnData } from './transfer-data.js';

/**
 * <contact:transfer op="reject"> (RFC 5733 §3.2.4): the sponsor refuses the pending transfer
 * (clientRejected); the contact stays as it is, pendingTransfer is removed and the requester is notified
 * (poll). An authInfo in the command is not needed and not checked.
 *
 * Errors: 2002 an extension element; 2004/2005 impossible id; 2201 not the sponsor; 2301 no pending
 * transfer; 2303 unknown contact.
 */
export const contactTransferReject: CommandDef = {
  kind: 'object',
  name: 'contact:transfer-reject',
  async run(req, ctx) {
    onlyExtensions(req, []);
    const target = await loadTransferTarget(ctx, req.object!);
    const pending = requirePending(target);
    if (target.contact.sponsorId !== ctx.registrar.id) {
      throw fail.authorization(`Only the sponsor of contact ${target.contact.handle} may reject its transfer`);
    }
    const done = await endContactTransfer(ctx.repos, pending, 'clientRejected', ctx.now);
    return { resData: [trnData(done)], object: target.contact.handle };
  },
};
