import { fail } from '../../protocol/errors.js';
import type { CommandDef } from '../types.js';
import { loadHost, nameValue, noExtensions, requireSponsor } from './host-data.js';

/** Statuses that forbid a delete. */
const DELETE_BLOCKERS = ['clientDeleteProhibited', 'serverDeleteProhibited', 'pendingDelete', 'pendingTransfer'];

/**
 * <host:delete> (RFC 5732 §3.2.2): the sponsor deletes a host that no domain uses as a nameserver (RFC
 * 5732: a linked host cannot be deleted; the delegations must go first). The host and its addresses are
 * removed at once (1000); its name can be created again, its roid is never given out again.
 *
 * Errors: 2002 an extension element; 2005 impossible name; 2201 not the sponsor; 2303 unknown host; 2304
 * clientDeleteProhibited/serverDeleteProhibited (or pendingDelete, pendingTransfer); 2305 the host is a
 * nameserver of some domain (of any registrar).
 */
export const hostDelete: CommandDef = {
  kind: 'object',
  name: 'host:delete',
  async run(req, ctx) {
    noExtensions(req);
    const host = await loadHost(ctx, req.object!);
    requireSponsor(ctx, host, 'delete');
    const blocker = host.statuses.find((s) => DELETE_BLOCKERS.includes(s));
    if (blocker) throw fail.status(`Host ${host.name} has status ${blocker}: it cannot be deleted`, nameValue(host.name));
    const repo = ctx.repos.hosts;
    if (await repo.isLinked(host.id)) {
      throw fail.association(`Host ${host.name} is a nameserver of a domain (status linked): remove it from the domains first`, nameValue(host.name));
    }
    await repo.delete(host.id);
    return { object: host.name };
  },
};
