import type { Out } from '../../protocol/xml-node.js';
import type { CommandDef } from '../types.js';

/** <poll op="req"> (RFC 5730 §2.9.2.3): the oldest waiting message with its data (1301), or 1300 when none wait. */
export const pollRequest: CommandDef = {
  kind: 'object',
  readOnly: true,
  name: 'poll:req',
  async run(_req, ctx) {
    const { count, first } = await ctx.repos.poll.head(ctx.registrar.id);
    if (!first) return { code: 1300 };
    return {
      code: 1301,
      msgQ: { count, id: String(first.id), qDate: first.queuedAt, msg: first.message },
      resData: first.resData ? [JSON.parse(first.resData) as Out] : undefined,
      object: String(first.id),
    };
  },
};
