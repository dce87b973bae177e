import { EppError } from '../../protocol/errors.js';
import type { CommandDef } from '../types.js';

/** <poll op="ack" msgID="..."> (RFC 5730 §2.9.2.3): dequeues one of the registrar's own messages. */
export const pollAck: CommandDef = {
  kind: 'object',
  name: 'poll:ack',
  async run(req, ctx) {
    const msgID = req.message.verbEl!.attrs.msgID;
    if (!msgID) throw new EppError(2003, 'msgID is required with op="ack"');
    const id = /^\d{1,15}$/.test(msgID) ? Number(msgID) : NaN;
    if (!Number.isSafeInteger(id) || !(await ctx.repos.poll.ack(ctx.registrar.id, id, ctx.now))) {
      throw new EppError(2303, `No message ${msgID} waits in your queue`);
    }
    const count = await ctx.repos.poll.count(ctx.registrar.id);
    return { code: 1000, msgQ: { count, id: msgID }, object: msgID };
  },
};
