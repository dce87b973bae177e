import type { PollEvent } from '../../registry/poll-events.js';

/**
 * The poll commands (RFC 5730 §2.9.2.3) as the handlers see them. The EPP door reads them from <poll> and
 * renders a message's event as its <resData> (src/epp/poll.ts).
 */

/** <poll op="req">: nothing to say but the op. */
export type PollRequest = Record<string, never>;

/** The oldest waiting message (the count waiting is the result's msgQ). */
export interface PollRequestData {
  id: number;
  /** When it was queued (<qDate>). */
  qDate: Date;
  /** Its text (<msg>). */
  text: string;
  /** What it tells of. */
  event: PollEvent;
}

/** <poll op="ack" msgID="…">: the message id as sent. */
export interface PollAck {
  msgID: string;
}

export interface PollAckData {
  /** The acknowledged message's id, as sent. */
  id: string;
  /** Messages still waiting. */
  remaining: number;
}
