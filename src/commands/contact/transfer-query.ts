import { neverTransferred, transferAuthInfoInvalid, transferQueryRefused } from '../transfer-conditions.js';
import { isTransferParty } from '../transfer-shared.js';
import type { ObjectCommand } from '../types.js';
import { authInfoCheck, loadTransferTarget } from './transfer-data.js';
import type { ContactTransferCommand, ContactTransferData } from './transfer-types.js';

/**
 * <contact:transfer op="query"> (RFC 5733 §3.2.4): the state of the contact's latest transfer (pending or
 * done). The sponsor and the two parties of the latest transfer (requester and losing registrar) may ask
 * without authInfo; anyone else must send the contact's authInfo.
 *
 * Errors: contactValueRange (2004), contactValueSyntax (2005) an impossible id; contactNotFound (2303);
 * transferQueryRefused (2201) not a party and no authInfo; transferAuthInfoInvalid (2202) not a party and a
 * wrong authInfo; neverTransferred (2301) the contact was never transferred nor asked for. (<contact:ext>
 * authInfo, authInfoExtUnsupported (2102), is refused when the command is read.)
 */
export const contactTransferQuery: ObjectCommand<ContactTransferCommand, ContactTransferData> = {
  kind: 'object',
  readOnly: true,
  name: 'contact:transfer-query',
  async run(input, ctx) {
    const { contact, latest } = await loadTransferTarget(ctx, input.id);
    if (!isTransferParty(ctx.registrar.id, contact.sponsorId, latest)) {
      const check = await authInfoCheck(contact, input.authInfo, ctx.now);
      if (check === 'absent') throw transferQueryRefused('contact', contact.handle);
      if (check === 'invalid') throw transferAuthInfoInvalid('contact', contact.handle);
    }
    if (!latest) throw neverTransferred('contact', contact.handle);
    return { data: { transfer: latest }, object: contact.handle };
  },
};
