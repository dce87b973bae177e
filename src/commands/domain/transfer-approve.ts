import { approveTransfer, contactsLackingExtension } from '../../registry/transfers.js';
import { transferNotSponsor } from '../transfer-conditions.js';
import type { ObjectCommand } from '../types.js';
import { contactExtensionDataMissing } from './conditions.js';
import { loadTransferTarget, requirePending } from './transfer-data.js';
import type { DomainTransfer, DomainTransferData } from './types.js';

/**
 * <domain:transfer op="approve"> (RFC 5731 §3.2.4): the sponsor lets the pending transfer happen at once
 * (clientApproved): the domain and its subordinate hosts move to the requester, the registration is
 * extended by the requested period, the authInfo is unset (RFC 9154), and the requester is charged and
 * notified (poll). See src/registry/transfers.ts. An authInfo in the command is not needed and not checked:
 * the sponsor is identified by its session. In a TLD whose policy requires the TCI contact extension, the
 * domain's registrant and contacts must carry its data: the approval links them to the new sponsor's domain
 * (the sponsor completes them with <contact:update> first).
 *
 * Errors: 2005 impossible name; domainNotFound (2303); noPendingTransfer (2301); transferNotSponsor (2201);
 * contactExtensionDataMissing (2306).
 */
export const domainTransferApprove: ObjectCommand<DomainTransfer, DomainTransferData> = {
  kind: 'object',
  name: 'domain:transfer-approve',
  async run(input, ctx) {
    const target = await loadTransferTarget(ctx, input.name);
    const pending = requirePending(target);
    if (target.domain.sponsorId !== ctx.registrar.id) throw transferNotSponsor('domain', target.domain.name, 'approve');
    const [missing] = await contactsLackingExtension(ctx.repos, target.domain.id, target.policy);
    if (missing) throw contactExtensionDataMissing(target.domain.tld, missing.type, missing.handle);
    const transfer = await approveTransfer(ctx.repos, pending, 'clientApproved', ctx.now);
    return { data: { transfer }, object: target.domain.name };
  },
};
