import type { ObjectCommand } from '../types.js';
import { displayStatuses, loadHost } from './host-data.js';
import type { HostInfo, HostInfoData } from './types.js';

/**
 * <host:info> (RFC 5732 §3.1.2): a host's name, roid, statuses (`ok`, `linked` while a domain uses it as a
 * nameserver), addresses, sponsor, creator and dates. Hosts have no authInfo: any logged-in registrar may
 * query any host and sees the same data.
 *
 * Errors: invalidHostName (2005) impossible name; hostNotFound (2303) unknown host.
 */
export const hostInfo: ObjectCommand<HostInfo, HostInfoData> = {
  kind: 'object',
  readOnly: true,
  name: 'host:info',
  async run(input, ctx) {
    const host = await loadHost(ctx, input.name);
    const linked = await ctx.repos.hosts.isLinked(host.id);
    return { data: { host, statuses: displayStatuses(host, linked) }, object: host.name };
  },
};
