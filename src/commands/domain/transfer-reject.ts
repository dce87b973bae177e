import { endTransfer } from '../../registry/transfers.js';
import { transferNotSponsor } from '../transfer-conditions.js';
import type { ObjectCommand } from '../types.js';
import { loadTransferTarget, requirePending } from './transfer-data.js';
import type { DomainTransfer, DomainTransferData } from './types.js';

/**
 * <domain:transfer op="reject"> (RFC 5731 §3.2.4): the sponsor refuses the pending transfer
 * (clientRejected); the domain stays as it is, pendingTransfer is removed and the requester is notified
 * (poll). An authInfo in the command is not needed and not checked.
 *
 * Errors: 2005 impossible name; domainNotFound (2303); noPendingTransfer (2301); transferNotSponsor (2201).
 */
export const domainTransferReject: ObjectCommand<DomainTransfer, DomainTransferData> = {
  kind: 'object',
  name: 'domain:transfer-reject',
  async run(input, ctx) {
    const target = await loadTransferTarget(ctx, input.name);
    const pending = requirePending(target);
    if (target.domain.sponsorId !== ctx.registrar.id) throw transferNotSponsor('domain', target.domain.name, 'reject');
    const transfer = await endTransfer(ctx.repos, pending, 'clientRejected', ctx.now);
    return { data: { transfer }, object: target.domain.name };
  },
};
