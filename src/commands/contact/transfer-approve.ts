import { fail } from '../../protocol/errors.js';
import { approveContactTransfer } from '../../registry/contact-transfers.js';
import type { CommandDef } from '../types.js';
import { onlyExtensions } from './contact-data.js';
import { loadTransferTarget, requirePending, trnData } from './transfer-data.js';

/**
 * <contact:transfer op="approve"> (RFC 5733 §3.2.4): the sponsor lets the pending transfer happen at once
 * (clientApproved): the contact moves to the requester (trDate now), its authInfo is replaced by a random one
 * nobody was told, and the requester is notified (poll). See src/registry/contact-transfers.ts. An authInfo
 * in the command is not needed and not checked: the sponsor is identified by its session.
 *
 * Errors: 2002 an extension element; 2004/2005 impossible id; 2201 not the sponsor; 2301 no pending
 * transfer; 2303 unknown contact.
 */
export const contactTransferApprove: CommandDef = {
  kind: 'object',
  name: 'contact:transfer-approve',
  async run(req, ctx) {
    onlyExtensions(req, []);
    const target = await loadTransferTarget(ctx, req.object!);
    const pending = requirePending(target);
    if (target.contact.sponsorId !== ctx.registrar.id) {
      throw fail.authorization(`Only the sponsor of contact ${target.contact.handle} may approve its transfer`);
    }
    const done = await approveContactTransfer(ctx.repos, pending, 'clientApproved', ctx.now);
    return { resData: [trnData(done)], object: target.contact.handle };
  },
};
