import { fail } from '../../protocol/errors.js';
import { child } from '../../protocol/xml-node.js';
import { isTransferParty } from '../transfer-shared.js';
import type { CommandDef } from '../types.js';
import { nameValue, onlyExtensions } from './domain-data.js';
import { authInfoCheck, loadTransferTarget, trnData } from './transfer-data.js';

/**
 * <domain:transfer op="query"> (RFC 5731 §3.2.4): the state of the domain's latest transfer (pending or
 * done), as <domain:trnData>. The sponsor and the two parties of the latest transfer (requester and losing
 * registrar) may ask without authInfo; anyone else must send the domain's (or the registrant's) authInfo.
 *
 * Errors: 2002 foreign extension; 2005 impossible name; 2102 <domain:ext> authInfo; 2201 not a party and
 * no authInfo; 2202 not a party and a wrong authInfo; 2301 the domain was never transferred nor asked
 * for; 2303 unknown domain.
 */
export const domainTransferQuery: CommandDef = {
  kind: 'object',
  readOnly: true,
  name: 'domain:transfer-query',
  async run(req, ctx) {
    const object = req.object!;
    onlyExtensions(req, []);
    const { domain, latest } = await loadTransferTarget(ctx, object);
    if (!isTransferParty(ctx.registrar.id, domain.sponsorId, latest)) {
      const check = authInfoCheck(domain, child(object, 'authInfo'));
      if (check === 'absent') {
        throw fail.authorization(`Only the sponsor, the parties of a transfer of ${domain.name}, or a registrar with its authInfo may query it`);
      }
      if (check === 'invalid') throw fail.invalidAuthInfo(`The authInfo given for ${domain.name} is not valid`);
    }
    if (!latest) throw fail.notPendingTransfer(`No transfer of ${domain.name} was ever requested`, nameValue(domain.name));
    return { resData: [trnData(latest)], object: domain.name };
  },
};
