import type { ContactTransfer } from '../../storage/contact-transfer-repo.js';
import type { AuthPassword } from '../object-rules.js';

/**
 * The contact transfer commands (RFC 5733 §3.2.4) as the handlers see them. The EPP door reads them from
 * XML and renders the result as <contact:trnData> (src/epp/transfer.ts).
 */

/** <transfer op="…"><contact:transfer>: the contact id and authInfo as sent. */
export interface ContactTransferCommand {
  op: 'request' | 'query' | 'approve' | 'reject' | 'cancel';
  id: string;
  /** The contact's password (a roid, when present, must be the contact's own). */
  authInfo?: AuthPassword;
}

/** The transfer's state after the command (<contact:trnData>). */
export interface ContactTransferData {
  transfer: ContactTransfer;
}
