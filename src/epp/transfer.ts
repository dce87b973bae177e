import { eppDateTime } from '../protocol/response.js';
import { el, type Out } from '../protocol/xml-node.js';
import type { TransferStatus } from '../storage/transfer-repo.js';

/**
 * The EPP codec of the <transfer> commands of domains (RFC 5731 §3.2.4) and contacts (RFC 5733 §3.2.4):
 * the trnData trees, shown by the transfer responses and by the poll messages of transfers (./poll.ts).
 */

/** What every trnData shows after the object's name: the transfer's status and parties. */
export interface TransferState {
  status: TransferStatus;
  requesterClId: string;
  requestedAt: Date;
  losingClId: string;
  actionAt: Date;
}

/** trStatus, reID, reDate, acID, acDate of a <domain:trnData> or <contact:trnData>. */
function trnFields(prefix: 'domain' | 'contact', t: TransferState): Out[] {
  return [
    el(`${prefix}:trStatus`, null, t.status),
    el(`${prefix}:reID`, null, t.requesterClId),
    el(`${prefix}:reDate`, null, eppDateTime(t.requestedAt)),
    el(`${prefix}:acID`, null, t.losingClId),
    el(`${prefix}:acDate`, null, eppDateTime(t.actionAt)),
  ];
}

/** <domain:trnData> of a domain transfer; exDate only when the transfer extends the registration. */
export function domainTrnData(name: string, t: TransferState & { newExpiresAt: Date | null }): Out {
  return el('domain:trnData', null, [
    el('domain:name', null, name),
    ...trnFields('domain', t),
    t.newExpiresAt !== null && el('domain:exDate', null, eppDateTime(t.newExpiresAt)),
  ]);
}

/** <contact:trnData> of a contact transfer. */
export function contactTrnData(id: string, t: TransferState): Out {
  return el('contact:trnData', null, [el('contact:id', null, id), ...trnFields('contact', t)]);
}
