import { fail } from '../../protocol/errors.js';
import { approveTransfer } from '../../registry/transfers.js';
import type { CommandDef } from '../types.js';
import { onlyExtensions } from './domain-data.js';
import { loadTransferTarget, requirePending, trnData } from './transfer-data.js';

/**
 * <domain:transfer op="approve"> (RFC 5731 §3.2.4): the sponsor lets the pending transfer happen at once
 * (clientApproved): the domain and its subordinate hosts move to the requester, the registration is
 * extended by the requested period, the authInfo is replaced by a random one nobody was told, and the
 * requester is charged and notified (poll). See src/registry/transfers.ts. An authInfo in the command is
 * not needed and not checked: the sponsor is identified by its session.
 *
 * Errors: 2002 foreign extension; 2005 impossible name; 2201 not the sponsor; 2301 no pending transfer;
 * 2303 unknown domain.
 */
export const domainTransferApprove: CommandDef = {
  kind: 'object',
  name: 'domain:transfer-approve',
  async run(req, ctx) {
    onlyExtensions(req, []);
    const target = await loadTransferTarget(ctx, req.object!);
    const pending = requirePending(target);
    if (target.domain.sponsorId !== ctx.registrar.id) {
      throw fail.authorization(`Only the sponsor of ${target.domain.name} may approve its transfer`);
    }
    const done = await approveTransfer(ctx.repos, pending, 'clientApproved', ctx.now);
    return { resData: [trnData(done)], object: target.domain.name };
  },
};
