import type { ObjectCommand } from '../types.js';
import { messageNotQueued } from './conditions.js';
import type { PollAck, PollAckData } from './types.js';

/**
 * <poll op="ack" msgID="…"> (RFC 5730 §2.9.2.3): dequeues one of the registrar's own messages; the answer's
 * msgQ tells how many still wait.
 *
 * Errors: messageNotQueued (2303) not a waiting message of this registrar. (A missing msgID, msgIdMissing
 * (2003), is refused when the command is read.)
 */
export const pollAck: ObjectCommand<PollAck, PollAckData> = {
  kind: 'object',
  name: 'poll:ack',
  async run(input, ctx) {
    const { msgID } = input;
    const id = /^\d{1,15}$/.test(msgID) ? Number(msgID) : NaN;
    if (!Number.isSafeInteger(id) || !(await ctx.repos.poll.ack(ctx.registrar.id, id, ctx.now))) throw messageNotQueued(msgID);
    const count = await ctx.repos.poll.count(ctx.registrar.id);
    return { code: 1000, msgQ: { count, id: msgID }, data: { id: msgID, remaining: count }, object: msgID };
  },
};
