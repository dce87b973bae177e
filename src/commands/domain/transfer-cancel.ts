import { fail } from '../../protocol/errors.js';
import { endTransfer } from '../../registry/transfers.js';
import type { CommandDef } from '../types.js';
import { onlyExtensions } from './domain-data.js';
import { loadTransferTarget, requirePending, trnData } from './transfer-data.js';

/**
 * <domain:transfer op="cancel"> (RFC 5731 §3.2.4): the registrar that requested the pending transfer
 * withdraws it (clientCancelled); the domain stays as it is, pendingTransfer is removed and the sponsor is
 * notified (poll). An authInfo in the command is not needed and not checked.
 *
 * Errors: 2002 foreign extension; 2005 impossible name; 2201 not the requester; 2301 no pending transfer;
 * 2303 unknown domain.
 */
export const domainTransferCancel: CommandDef = {
  kind: 'object',
  name: 'domain:transfer-cancel',
  async run(req, ctx) {
    onlyExtensions(req, []);
    const target = await loadTransferTarget(ctx, req.object!);
    const pending = requirePending(target);
    if (pending.requesterId !== ctx.registrar.id) {
      throw fail.authorization(`Only the registrar that requested the transfer of ${target.domain.name} may cancel it`);
    }
    const done = await endTransfer(ctx.repos, pending, 'clientCancelled', ctx.now);
    return { resData: [trnData(done)], object: target.domain.name };
  },
};
