import type { CommandDef } from '../types.js';
import { infData, loadHost, noExtensions } from './host-data.js';

/**
 * <host:info> (RFC 5732 §3.1.2): a host's name, roid, statuses (`ok`, `linked` while a domain uses it as a
 * nameserver), addresses, sponsor, creator and dates. Hosts have no authInfo: any logged-in registrar may
 * query any host and sees the same data.
 *
 * Errors: 2002 an extension element; 2005 impossible name; 2303 unknown host.
 */
export const hostInfo: CommandDef = {
  kind: 'object',
  readOnly: true,
  name: 'host:info',
  async run(req, ctx) {
    noExtensions(req);
    const host = await loadHost(ctx, req.object!);
    const linked = await ctx.repos.hosts.isLinked(host.id);
    return { resData: [infData(host, linked)], object: host.name };
  },
};
