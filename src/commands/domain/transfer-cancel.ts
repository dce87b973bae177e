import { endTransfer } from '../../registry/transfers.js';
import { transferNotRequester } from '../transfer-conditions.js';
import type { ObjectCommand } from '../types.js';
import { loadTransferTarget, requirePending } from './transfer-data.js';
import type { DomainTransfer, DomainTransferData } from './types.js';

/**
 * <domain:transfer op="cancel"> (RFC 5731 §3.2.4): the registrar that requested the pending transfer
 * withdraws it (clientCancelled); the domain stays as it is, pendingTransfer is removed and the sponsor is
 * notified (poll). An authInfo in the command is not needed and not checked.
 *
 * Errors: 2005 impossible name; domainNotFound (2303); noPendingTransfer (2301); transferNotRequester (2201).
 */
export const domainTransferCancel: ObjectCommand<DomainTransfer, DomainTransferData> = {
  kind: 'object',
  name: 'domain:transfer-cancel',
  async run(input, ctx) {
    const target = await loadTransferTarget(ctx, input.name);
    const pending = requirePending(target);
    if (pending.requesterId !== ctx.registrar.id) throw transferNotRequester('domain', target.domain.name);
    const transfer = await endTransfer(ctx.repos, pending, 'clientCancelled', ctx.now);
    return { data: { transfer }, object: target.domain.name };
  },
};
