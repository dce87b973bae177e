import { fail } from '../../protocol/errors.js';
import { child } from '../../protocol/xml-node.js';
import { isTransferParty } from '../transfer-shared.js';
import type { CommandDef } from '../types.js';
import { idValue, onlyExtensions } from './contact-data.js';
import { authInfoCheck, loadTransferTarget, trnData } from './transfer-data.js';

/**
 * <contact:transfer op="query"> (RFC 5733 §3.2.4): the state of the contact's latest transfer (pending or
 * done), as <contact:trnData>. The sponsor and the two parties of the latest transfer (requester and losing
 * registrar) may ask without authInfo; anyone else must send the contact's authInfo.
 *
 * Errors: 2002 an extension element; 2004/2005 impossible id; 2102 <contact:ext> authInfo; 2201 not a party
 * and no authInfo; 2202 not a party and a wrong authInfo; 2301 the contact was never transferred nor asked
 * for; 2303 unknown contact.
 */
export const contactTransferQuery: CommandDef = {
  kind: 'object',
  readOnly: true,
  name: 'contact:transfer-query',
  async run(req, ctx) {
    const object = req.object!;
    onlyExtensions(req, []);
    const { contact, latest } = await loadTransferTarget(ctx, object);
    if (!isTransferParty(ctx.registrar.id, contact.sponsorId, latest)) {
      const check = authInfoCheck(contact, child(object, 'authInfo'));
      if (check === 'absent') {
        throw fail.authorization(`Only the sponsor, the parties of a transfer of contact ${contact.handle}, or a registrar with its authInfo may query it`);
      }
      if (check === 'invalid') throw fail.invalidAuthInfo(`The authInfo given for contact ${contact.handle} is not valid`);
    }
    if (!latest) throw fail.notPendingTransfer(`No transfer of contact ${contact.handle} was ever requested`, idValue(contact.handle));
    return { resData: [trnData(latest)], object: contact.handle };
  },
};
