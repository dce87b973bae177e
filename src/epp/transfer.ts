import { authInfoExtUnsupported } from '../commands/conditions.js';
import type { ContactTransferCommand, ContactTransferData } from '../commands/contact/transfer-types.js';
import type { AuthInfoInput, DomainTransfer, DomainTransferData } from '../commands/domain/types.js';
import type { EppMessage } from '../protocol/parser.js';
import { eppDateTime } from '../protocol/response.js';
import { child, childText, el, type Elem, type Out } from '../protocol/xml-node.js';
import type { TransferStatus } from '../storage/transfer-repo.js';
import type { Rendered } from './binding.js';

/**
 * The EPP codec of the <transfer> commands of domains (RFC 5731 §3.2.4) and contacts (RFC 5733 §3.2.4):
 * the commands read into their typed inputs, and the trnData trees, shown by the transfer responses and by
 * the poll messages of transfers (./poll.ts).
 */

// ---------------------------------------------------------------- reading

/** The transfer's op (the picker has chosen the handler by it). */
function transferOp(m: EppMessage): DomainTransfer['op'] {
  return m.verbEl!.attrs.op as DomainTransfer['op'];
}

/**
 * <prefix:authInfo>: its password (with the roid it names, if any; as sent, untrimmed), undefined when
 * absent. <prefix:ext> is not implemented: authInfoExtUnsupported (2102).
 */
function readAuthInfo(prefix: 'domain' | 'contact', authInfo: Elem | undefined): AuthInfoInput | undefined {
  if (!authInfo) return undefined;
  if (child(authInfo, 'ext')) throw authInfoExtUnsupported(prefix);
  const pw = child(authInfo, 'pw');
  if (!pw) return undefined;
  return pw.attrs.roid === undefined ? { pw: pw.text } : { pw: pw.text, roid: pw.attrs.roid };
}

/** <transfer op="…"><domain:transfer>: name, period (request only) and authInfo, as sent. */
export function readDomainTransfer(m: EppMessage): DomainTransfer {
  const o = m.object!;
  const p = child(o, 'period');
  const period = p && { value: Number(p.text.trim()), unit: (p.attrs.unit ?? 'y') as 'y' | 'm', text: p.text.trim() };
  return { op: transferOp(m), name: childText(o, 'name') ?? '', period, authInfo: readAuthInfo('domain', child(o, 'authInfo')) };
}

/** <transfer op="…"><contact:transfer>: id and authInfo, as sent. */
export function readContactTransfer(m: EppMessage): ContactTransferCommand {
  const o = m.object!;
  return { op: transferOp(m), id: childText(o, 'id') ?? '', authInfo: readAuthInfo('contact', child(o, 'authInfo')) };
}

// ---------------------------------------------------------------- rendering

/** The response of every domain transfer op: <domain:trnData> of the transfer's state after the command. */
export function renderDomainTransfer(data: DomainTransferData): Rendered {
  return { resData: [domainTrnData(data.transfer.domainName, data.transfer)] };
}

/** The response of every contact transfer op: <contact:trnData> of the transfer's state after the command. */
export function renderContactTransfer(data: ContactTransferData): Rendered {
  return { resData: [contactTrnData(data.transfer.contactHandle, data.transfer)] };
}

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
