import { fail } from '../../protocol/errors.js';
import { endTransfer } from '../../registry/transfers.js';
import type { CommandDef } from '../types.js';
import { onlyExtensions } from './domain-data.js';
import { loadTransferTarget, requirePending, trnData } from './transfer-data.js';

/**
 * <domain:transfer op="reject"> (RFC 5731 §3.2.4): the sponsor refuses the pending transfer
 * (clientRejected); the domain stays as it is, pendingTransfer is removed and the requester is notified
 * (poll). An authInfo in the command is not needed and not checked.
 *
 * Errors: 2002 foreign extension; 2005 impossible name; 2201 not the sponsor; 2301 no pending transfer;
 * 2303 unknown domain.
 */
export const domainTransferReject: CommandDef = {
  kind: 'object',
  name: 'domain:transfer-reject',
  async run(req, ctx) {
    onlyExtensions(req, []);
    const target = await loadTransferTarget(ctx, req.object!);
    const pending = requirePending(target);
    if (target.domain.sponsorId !== ctx.registrar.id) {
      throw fail.authorization(`Only the sponsor of ${target.domain.name} may reject its transfer`);
    }
    const done = await endTransfer(ctx.repos, pending, 'clientRejected', ctx.now);
    return { resData: [trnData(done)], object: target.domain.name };
  },
};
