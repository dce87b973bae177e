import { neverTransferred, transferAuthInfoInvalid, transferQueryRefused } from '../transfer-conditions.js';
import { isTransferParty } from '../transfer-shared.js';
import type { ObjectCommand } from '../types.js';
import { authInfoCheck, loadTransferTarget } from './transfer-data.js';
import type { DomainTransfer, DomainTransferData } from './types.js';

/**
 * <domain:transfer op="query"> (RFC 5731 §3.2.4): the state of the domain's latest transfer (pending or
 * done). The sponsor and the two parties of the latest transfer (requester and losing registrar) may ask
 * without authInfo; anyone else must send the domain's (or the registrant's) authInfo.
 *
 * Errors: 2005 impossible name; domainNotFound (2303); transferQueryRefused (2201) not a party and no
 * authInfo; transferAuthInfoInvalid (2202) not a party and a wrong authInfo; neverTransferred (2301) the
 * domain was never transferred nor asked for. (<domain:ext> authInfo, authInfoExtUnsupported (2102), is
 * refused when the command is read.)
 */
export const domainTransferQuery: ObjectCommand<DomainTransfer, DomainTransferData> = {
  kind: 'object',
  readOnly: true,
  name: 'domain:transfer-query',
  async run(input, ctx) {
    const target = await loadTransferTarget(ctx, input.name);
    const { domain, latest } = target;
    if (!isTransferParty(ctx.registrar.id, domain.sponsorId, latest)) {
      const check = await authInfoCheck(target, input.authInfo, ctx.now);
      if (check === 'absent') throw transferQueryRefused('domain', domain.name);
      if (check === 'invalid') throw transferAuthInfoInvalid('domain', domain.name);
    }
    if (!latest) throw neverTransferred('domain', domain.name);
    return { data: { transfer: latest }, object: domain.name };
  },
};
