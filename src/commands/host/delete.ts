import { requireSponsor } from '../object-rules.js';
import type { ObjectCommand } from '../types.js';
import { hostDeleteProhibited, hostLinked, nameValue } from './conditions.js';
import { loadHost } from './host-data.js';
import type { HostDelete } from './types.js';

/** Statuses that forbid a delete. */
const DELETE_BLOCKERS = ['clientDeleteProhibited', 'serverDeleteProhibited', 'pendingDelete', 'pendingTransfer'];

/**
 * <host:delete> (RFC 5732 §3.2.2): the sponsor deletes a host that no domain uses as a nameserver (RFC
 * 5732: a linked host cannot be deleted; the delegations must go first). The host and its addresses are
 * removed at once (1000); its name can be created again, its roid is never given out again.
 *
 * Errors: invalidHostName (2005) impossible name; notSponsor (2201); hostNotFound (2303);
 * hostDeleteProhibited (2304) clientDeleteProhibited/serverDeleteProhibited (or pendingDelete,
 * pendingTransfer); hostLinked (2305) the host is a nameserver of some domain (of any registrar).
 */
export const hostDelete: ObjectCommand<HostDelete, undefined> = {
  kind: 'object',
  name: 'host:delete',
  async run(input, ctx) {
    const host = await loadHost(ctx, input.name);
    requireSponsor(ctx, 'Host', host, 'delete', nameValue(host.name));
    const blocker = host.statuses.find((s) => DELETE_BLOCKERS.includes(s));
    if (blocker) throw hostDeleteProhibited(host.name, blocker);
    const repo = ctx.repos.hosts;
    if (await repo.isLinked(host.id)) throw hostLinked(host.name);
    await repo.delete(host.id);
    return { object: host.name };
  },
};
