import { msgIdMissing } from '../commands/poll/conditions.js';
import type { PollAck, PollRequest, PollRequestData } from '../commands/poll/types.js';
import type { EppMessage } from '../protocol/parser.js';
import { eppDateTime } from '../protocol/response.js';
import { el, type Out } from '../protocol/xml-node.js';
import type { PollEvent } from '../registry/poll-events.js';
import type { Session } from '../session/session.js';
import type { Rendered } from './binding.js';
import { contactTrnData, domainTrnData } from './transfer.js';

/**
 * The EPP codec of <poll> (RFC 5730 §2.9.2.3): the two ops read from the command, and a polled message's
 * event rendered as the <resData> of the response. The session is there for the events that will have a
 * form per namespace (an extension's data only for a session that selected it).
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

export function renderPollMessage(data: PollRequestData, session: Session): Rendered {
  const resData = eventResData(data.event, session);
  return resData ? { resData: [resData] } : {};
}

/** The <resData> element of an event; none for an event its text says all of. */
export function eventResData(e: PollEvent, _session: Session): Out | undefined {
  switch (e.kind) {
    case 'domainTransfer':
      return domainTrnData(e.name, e);
    case 'contactTransfer':
      return contactTrnData(e.handle, e);
    case 'autoRenew':
      return el('domain:renData', null, [el('domain:name', null, e.name), el('domain:exDate', null, eppDateTime(e.expiresAt))]);
    case 'purge':
      return el('domain:panData', null, [
        el('domain:name', { paResult: e.paResult ? 1 : 0 }, e.name),
        el('domain:paTRID', null, [el('svTRID', null, e.deleteSvTRID ?? 'unknown')]),
        el('domain:paDate', null, eppDateTime(e.purgedAt)),
      ]);
    case 'serverStatus':
      return undefined;
    default:
      return unrendered(e);
  }
}

/** A kind added to PollEvent without a rendering here does not compile. */
function unrendered(e: never): never {
  throw new Error(`poll event ${(e as PollEvent).kind} has no EPP rendering`);
}
