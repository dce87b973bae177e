import { fail } from '../../protocol/errors.js';
import { el, child, type Elem, type Out } from '../../protocol/xml-node.js';
import type { Contact } from '../../storage/contact-repo.js';
import type { ContactTransfer } from '../../storage/contact-transfer-repo.js';
import { eppDateTime } from '../../protocol/response.js';
import { passwordCheck, requirePendingTransfer } from '../transfer-shared.js';
import type { CommandContext } from '../types.js';
import { idValue, loadContact } from './contact-data.js';

/**
 * What the five <contact:transfer> operations share: loading the contact and its latest transfer, the
 * authInfo check, and the <contact:trnData> tree (also the resData of the transfer poll messages). What
 * they share with domain transfers is in ../transfer-shared.ts; the approval is src/registry/contact-transfers.ts.
 */

/** <contact:trnData> (RFC 5733 §3.2.4) of a transfer. */
export function trnData(t: ContactTransfer): Out {
  return el('contact:trnData', null, [
    el('contact:id', null, t.contactHandle),
    el('contact:trStatus', null, t.status),
    el('contact:reID', null, t.requesterClId),
    el('contact:reDate', null, eppDateTime(t.requestedAt)),
    el('contact:acID', null, t.losingClId),
    el('contact:acDate', null, eppDateTime(t.actionAt)),
  ]);
}

export interface ContactTransferTarget {
  contact: Contact;
  /** The contact's latest transfer, whatever its status. */
  latest: ContactTransfer | undefined;
}

/** Loads the contact a transfer command names and its latest transfer (2004/2005 impossible id, 2303 unknown contact). */
export async function loadTransferTarget(ctx: CommandContext, object: Elem): Promise<ContactTransferTarget> {
  const contact = await loadContact(ctx, object);
  return { contact, latest: await ctx.repos.contactTransfers.latest(contact.id) };
}

/** The latest transfer when it is still pending (2301 otherwise). */
export function requirePending(target: ContactTransferTarget): ContactTransfer {
  const { handle } = target.contact;
  return requirePendingTransfer(target.latest, 'contact', handle);
}

/**
 * Whether the command's <contact:authInfo> authorises a transfer of `c`: the contact's password (a `roid`
 * attribute, when present, must be the contact's own, as for <contact:info>). 'absent' when none was sent.
 * <contact:ext> is not supported (2102).
 */
export function authInfoCheck(c: Contact, authInfo: Elem | undefined): 'absent' | 'valid' | 'invalid' {
  return passwordCheck('contact', authInfo, (roid) => (roid === undefined || roid === c.roid ? c.authPw : null));
}

/** A transfer request must carry the contact's authInfo: 2202 when it is missing or wrong. */
export function requireAuthInfo(c: Contact, object: Elem): void {
  const check = authInfoCheck(c, child(object, 'authInfo'));
  if (check === 'absent') throw fail.invalidAuthInfo(`A transfer of contact ${c.handle} requires the contact's authInfo`);
  if (check === 'invalid') throw fail.invalidAuthInfo(`The authInfo given for contact ${c.handle} is not valid`);
}
