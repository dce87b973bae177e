import type { ContactTransfer } from '../storage/contact-transfer-repo.js';
import type { Transfer, TransferStatus } from '../storage/transfer-repo.js';

/**
 * What a poll message tells its registrar (RFC 5730 §2.9.2.3), as a typed event: the registry queues the
 * event with its text, and each door renders it when the message is polled (EPP: src/epp/poll.ts, as the
 * <resData> of the poll response). Stored as `kind` plus the other fields in JSON, instants as ISO strings.
 */
export type PollEvent = DomainTransferEvent | ContactTransferEvent | AutoRenewEvent | PurgeEvent | ServerStatusEvent | ChangeEvent;

/** A domain transfer's state (RFC 5731 <domain:trnData>): requested, approved, rejected or cancelled. */
export interface DomainTransferEvent {
  kind: 'domainTransfer';
  name: string;
  status: TransferStatus;
  requesterClId: string;
  requestedAt: Date;
  losingClId: string;
  actionAt: Date;
  /** exDate: the expiry the transfer gives; null when it does not extend the registration. */
  newExpiresAt: Date | null;
}

/** A contact transfer's state (RFC 5733 <contact:trnData>). */
export interface ContactTransferEvent {
  kind: 'contactTransfer';
  /** The contact id (<contact:id>). */
  handle: string;
  status: TransferStatus;
  requesterClId: string;
  requestedAt: Date;
  losingClId: string;
  actionAt: Date;
}

/**
 * The registry renewed an expired domain for its sponsor (<domain:renData>). Queued before change poll
 * messages existed; the registry now queues a ChangeEvent (autoRenew) instead.
 */
export interface AutoRenewEvent {
  kind: 'autoRenew';
  name: string;
  expiresAt: Date;
}

/**
 * A deleted domain was purged at the end of its redemption (RFC 5731 <domain:panData>). Queued before change
 * poll messages existed; the registry now queues a ChangeEvent (autoPurge) instead.
 */
export interface PurgeEvent {
  kind: 'purge';
  name: string;
  /** paResult: whether the pending action (the delete) succeeded. */
  paResult: boolean;
  /** paTRID: the svTRID of the delete; null when it is not known. */
  deleteSvTRID: string | null;
  /** paDate. */
  purgedAt: Date;
}

/**
 * The registry operator changed a domain's server* statuses (no <resData>: the text says it all). Queued
 * before change poll messages existed; the registry now queues a ChangeEvent instead.
 */
export interface ServerStatusEvent {
  kind: 'serverStatus';
  name: string;
  added: string[];
  removed: string[];
}

/** The operations of RFC 8590 §2.1 (changePoll:operationEnum). */
export type ChangeOperation = 'create' | 'delete' | 'renew' | 'transfer' | 'update' | 'restore' | 'autoRenew' | 'autoDelete' | 'autoPurge' | 'custom';

/** A case a change was made for (RFC 8590 <changePoll:caseId>): UDRP, URS or a custom kind named by `name`. */
export interface ChangeCase {
  type: 'udrp' | 'urs' | 'custom';
  name?: string;
  id: string;
}

/**
 * A domain as its sponsor's <domain:info> shows it (RFC 5731 <domain:infData>, without authInfo), taken when
 * a change poll message is queued: the message tells of the object as it was then, whatever happened
 * since. Instants as ISO strings (the snapshot is stored as it is).
 */
export interface DomainSnapshot {
  name: string;
  roid: string;
  /** Stored and computed statuses (ok, inactive). */
  statuses: string[];
  registrant: string | null;
  contacts: Array<{ type: string; handle: string }>;
  hostObjs: string[];
  hostAttrs: Array<{ name: string; addrs: Array<{ ip: 'v4' | 'v6'; addr: string }> }>;
  /** Subordinate host names. */
  hosts: string[];
  clID: string;
  crID: string;
  crDate: string;
  upID: string | null;
  upDate: string | null;
  exDate: string;
  trDate: string | null;
}

/**
 * A change the registry made to a domain without its sponsor asking (RFC 8590 change poll): an operator's
 * update, an auto-renew, a purge. Polled as the domain's <domain:infData> with <changePoll:changeData>
 * (what, when, which transaction, who, why); a client that selected neither changePoll nor
 * unhandled-namespaces gets the RFC 5731 form of the same news instead (src/epp/poll.ts).
 */
export interface ChangeEvent {
  kind: 'change';
  operation: ChangeOperation;
  /** The op attribute: a sub-operation (e.g. purge) or the name of a custom operation. */
  op?: string;
  /** Whether `domain` is the object before the change (a purge: there is no after) or after it. */
  state: 'before' | 'after';
  /** When the change was made. */
  at: Date;
  /** The server transaction id of the change. */
  svTRID: string;
  /** Who made it: an operator, or `batch` for the registry's scheduled work. */
  who: string;
  caseId?: ChangeCase;
  /** Why (at most 32 characters: eppcom reasonType). */
  reason?: string;
  domain: DomainSnapshot;
  /** autoPurge: the svTRID of the delete the purge completes (the paTRID of its RFC 5731 form); null when not known. */
  deleteSvTRID?: string | null;
}

/** Who a change of the registry's own scheduled work (auto-renew, purge) is by. */
export const BATCH = 'batch';

export type PollEventKind = PollEvent['kind'];

/** The event of a domain transfer's current state. */
export function domainTransferEvent(t: Transfer): DomainTransferEvent {
  return {
    kind: 'domainTransfer',
    name: t.domainName,
    status: t.status,
    requesterClId: t.requesterClId,
    requestedAt: t.requestedAt,
    losingClId: t.losingClId,
    actionAt: t.actionAt,
    newExpiresAt: t.newExpiresAt,
  };
}

/** The event of a contact transfer's current state. */
export function contactTransferEvent(t: ContactTransfer): ContactTransferEvent {
  return {
    kind: 'contactTransfer',
    handle: t.contactHandle,
    status: t.status,
    requesterClId: t.requesterClId,
    requestedAt: t.requestedAt,
    losingClId: t.losingClId,
    actionAt: t.actionAt,
  };
}

/** The fields of each kind that are instants (stored as ISO strings, read back as Dates). */
const INSTANTS: { readonly [K in PollEventKind]: ReadonlyArray<keyof Extract<PollEvent, { kind: K }>> } = {
  domainTransfer: ['requestedAt', 'actionAt', 'newExpiresAt'],
  contactTransfer: ['requestedAt', 'actionAt'],
  autoRenew: ['expiresAt'],
  purge: ['purgedAt'],
  serverStatus: [],
  change: ['at'],
};

/** The stored form of an event: its kind, and its other fields as JSON (instants as ISO strings). */
export function storedPollEvent(e: PollEvent): { kind: PollEventKind; data: string } {
  const { kind, ...fields } = e;
  return { kind, data: JSON.stringify(fields) };
}

/** The event a stored kind and JSON data stand for. */
export function pollEventFromStored(kind: string, data: string): PollEvent {
  const instants = INSTANTS[kind as PollEventKind] as readonly string[] | undefined;
  if (!instants) throw new Error(`unknown poll event kind ${kind}`);
  const fields = JSON.parse(data) as Record<string, unknown>;
  for (const f of instants) {
    const v = fields[f];
    if (typeof v === 'string') fields[f] = new Date(v);
  }
  return { kind, ...fields } as PollEvent;
}
