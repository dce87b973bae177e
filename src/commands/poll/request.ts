import type { ObjectCommand } from '../types.js';
import type { PollRequest, PollRequestData } from './types.js';

/**
 * <poll op="req"> (RFC 5730 §2.9.2.3): the oldest message waiting in the registrar's queue, with what it
 * tells of (1301), or 1300 when none wait. The message stays queued until it is acknowledged.
 *
 * Errors: none of its own.
 */
export const pollRequest: ObjectCommand<PollRequest, PollRequestData> = {
  kind: 'object',
  readOnly: true,
  name: 'poll:req',
  async run(_input, ctx) {
    const { count, first } = await ctx.repos.poll.head(ctx.registrar.id);
    if (!first) return { code: 1300 };
    return {
      code: 1301,
      msgQ: { count, id: String(first.id), qDate: first.queuedAt, msg: first.message },
      data: { id: first.id, qDate: first.queuedAt, text: first.message, event: first.event },
      object: String(first.id),
    };
  },
};
