import type { Repos } from '../storage/store.js';
import type { DomainSnapshot } from './poll-events.js';
import { domainDisplayStatuses } from './statuses.js';

/**
 * The domain named `name` as its sponsor's <domain:info> shows it now (hosts="all", no authInfo), for a
 * change poll message (RFC 8590); undefined when there is no such domain.
 */
export async function domainSnapshot(repos: Repos, name: string): Promise<DomainSnapshot | undefined> {
  const d = await repos.domains.byName(name);
  if (!d) return undefined;
  const nameservers = await repos.domains.nameservers(d.id);
  const hostAttrs = await repos.domains.hostAttrs(d.id);
  const iso = (x: Date | null) => (x === null ? null : x.toISOString());
  return {
    name: d.name,
    roid: d.roid,
    statuses: domainDisplayStatuses(d.statuses, nameservers.length + hostAttrs.length),
    registrant: d.registrantHandle,
    contacts: (await repos.domains.contacts(d.id)).map((c) => ({ type: c.type, handle: c.handle })),
    hostObjs: nameservers.map((h) => h.name),
    hostAttrs: hostAttrs.map((h) => ({ name: h.name, addrs: h.addrs.map((a) => ({ ip: a.ip, addr: a.addr })) })),
    hosts: await repos.domains.subordinateHosts(d.id),
    clID: d.sponsorClId,
    crID: d.creatorClId,
    crDate: d.createdAt.toISOString(),
    upID: d.updaterClId,
    upDate: iso(d.updatedAt),
    exDate: d.expiresAt.toISOString(),
    trDate: iso(d.transferredAt),
  };
}
