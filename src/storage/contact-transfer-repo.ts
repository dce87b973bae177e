import type { TransferRecord } from './transfer-repo.js';

/** One contact transfer request (RFC 5733 §3.2.4) and what became of it. */
export interface ContactTransfer extends TransferRecord {
  contactId: number;
  /** The contact id as created (what <contact:trnData> shows). */
  contactHandle: string;
}

export interface NewContactTransfer {
  contactId: number;
  requesterId: number;
  losingId: number;
  requestedAt: Date;
  actionAt: Date;
}

/**
 * Contact transfers: the transfer rows, and the contact changes a transfer makes (the pendingTransfer status,
 * the sponsor change), all in the caller's transaction. The contact itself is read with the contact repository.
 */
export interface ContactTransferRepo {
  /** The contact's most recent transfer, whatever its status. */
  latest(contactId: number): Promise<ContactTransfer | undefined>;
  /** Every transfer of the contact, oldest first (what tests read back; no command needs it). */
  history(contactId: number): Promise<ContactTransfer[]>;
  /** Records a pending transfer and adds `pendingTransfer` to the contact's statuses. */
  open(t: NewContactTransfer): Promise<ContactTransfer>;
  /** Ends a pending transfer with `status` at `actionAt`, and removes `pendingTransfer` from the contact's statuses. */
  close(id: number, status: Exclude<ContactTransfer['status'], 'pending'>, actionAt: Date): Promise<ContactTransfer>;
  /** Moves the contact to the gaining registrar (sponsor, trDate) and unsets its authInfo (RFC 9154). Does not touch upID/upDate. */
  moveContact(contactId: number, gainingId: number, at: Date): Promise<void>;
  /** Pending transfers whose acDate is at or before `now`, oldest first (one indexed query). */
  due(now: Date, limit: number): Promise<ContactTransfer[]>;
}
