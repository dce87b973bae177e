import { msgIdMissing } from '../commands/poll/conditions.js';
import type { PollAck, PollRequest, PollRequestData } from '../commands/poll/types.js';
import { NS } from '../protocol/namespaces.js';
import type { EppMessage } from '../protocol/parser.js';
import { eppDateTime } from '../protocol/response.js';
import { el, type Out } from '../protocol/xml-node.js';
import type { ChangeEvent, PollEvent } from '../registry/poll-events.js';
import type { Session } from '../session/session.js';
import type { Rendered } from './binding.js';
import { snapshotInfData } from './domain.js';
import { contactTrnData, domainTrnData } from './transfer.js';

/**
 * The EPP codec of <poll> (RFC 5730 §2.9.2.3): the two ops read from the command, and a polled message's
 * event rendered as the <resData> (and <extension>) of the response. The door then places each part by the
 * services the session selected (./unhandled.ts: RFC 9038 <extValue> for what it did not select).
 */

export function readPollRequest(_m: EppMessage): PollRequest {
  return {};
}

/** <poll op="ack" msgID="…">; msgIdMissing (2003) without a msgID. */
export function readPollAck(m: EppMessage): PollAck {
  const msgID = m.verbEl!.attrs.msgID;
  if (!msgID) throw msgIdMissing();
  return { msgID };
}

/**
 * A change poll message (RFC 8590) is the domain's <domain:infData> with <changePoll:changeData>, for a
 * client that selected changePoll or unhandled-namespaces (which then finds changeData in <extValue>). A
 * client that selected neither would get a bare <domain:infData> it cannot tell from any other: it gets
 * the RFC 5731 form of the same news instead (the <domain:renData> of an auto-renew, the <domain:panData>
 * of a purge, no <resData> for an update), as before change poll messages existed.
 */
export function renderPollMessage(data: PollRequestData, session: Session): Rendered {
  const e = data.event;
  if (e.kind === 'change' && (session.extURIs.has(NS.changePoll) || session.extURIs.has(NS.unhandledNamespaces))) {
    return { resData: [snapshotInfData(e.domain)], extension: [changeData(e)] };
  }
  const resData = eventResData(e);
  return resData ? { resData: [resData] } : {};
}

/** <changePoll:changeData> (RFC 8590 §3.1.2): what, when, which transaction, who, the case and why. */
function changeData(e: ChangeEvent): Out {
  return el('changePoll:changeData', { state: e.state }, [
    el('changePoll:operation', e.op === undefined ? null : { op: e.op }, e.operation),
    el('changePoll:date', null, eppDateTime(e.at)),
    el('changePoll:svTRID', null, e.svTRID),
    el('changePoll:who', null, e.who),
    e.caseId && el('changePoll:caseId', { type: e.caseId.type, name: e.caseId.name }, e.caseId.id),
    e.reason !== undefined && el('changePoll:reason', null, e.reason),
  ]);
}

/** The RFC 5730-5733 <resData> element of an event; none for an event its text says all of. */
function eventResData(e: PollEvent): Out | undefined {
  switch (e.kind) {
    case 'domainTransfer':
      return domainTrnData(e.name, e);
    case 'contactTransfer':
      return contactTrnData(e.handle, e);
    case 'autoRenew':
      return renData(e.name, e.expiresAt);
    case 'purge':
      return panData(e.name, e.paResult, e.deleteSvTRID, e.purgedAt);
    case 'serverStatus':
      return undefined;
    case 'change':
      if (e.operation === 'autoRenew') return renData(e.domain.name, new Date(e.domain.exDate));
      if (e.operation === 'autoPurge') return panData(e.domain.name, true, e.deleteSvTRID ?? null, e.at);
      return undefined;
    default:
      return unrendered(e);
  }
}

function renData(name: string, expiresAt: Date): Out {
  return el('domain:renData', null, [el('domain:name', null, name), el('domain:exDate', null, eppDateTime(expiresAt))]);
}

function panData(name: string, paResult: boolean, deleteSvTRID: string | null, at: Date): Out {
  return el('domain:panData', null, [
    el('domain:name', { paResult: paResult ? 1 : 0 }, name),
    el('domain:paTRID', null, [el('svTRID', null, deleteSvTRID ?? 'unknown')]),
    el('domain:paDate', null, eppDateTime(at)),
  ]);
}

/** A kind added to PollEvent without a rendering here does not compile. */
function unrendered(e: never): never {
  throw new Error(`poll event ${(e as PollEvent).kind} has no EPP rendering`);
}
