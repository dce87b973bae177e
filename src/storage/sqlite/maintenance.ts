import type Database from 'better-sqlite3';

/**
 * Operator maintenance on the SQLite store (not reachable from EPP): clearing an OT&E environment.
 *
 * Deletes every domain the given registrars sponsor in `tld`, with their subordinate hosts, then the
 * registrars' contacts and hosts that no remaining domain references (contacts and external hosts belong
 * to no TLD), and the registrars' poll messages; rows that hang off domains go with them by ON DELETE CASCADE. Refuses, changing nothing, when a subordinate host to be deleted is a nameserver of a domain
 * that is not being deleted (another registrar's or another TLD's).
 */
export function clearEnvironmentObjects(db: Database.Database, tld: string, registrarIds: number[]): { domains: number; hosts: number; contacts: number } {
  if (registrarIds.length === 0) return { domains: 0, hosts: 0, contacts: 0 };
  const ids = registrarIds.join(',');
  return db.transaction(() => {
    const domains = db.prepare(`SELECT id, name FROM domains WHERE tld = ? AND sponsor_id IN (${ids})`).all(tld) as Array<{ id: number; name: string }>;
    const domainIds = domains.map((d) => d.id);
    const dl = domainIds.join(',') || '0';
    const blocking = db
      .prepare(
        `SELECT h.name AS host, d.name AS domain FROM hosts h
         JOIN domain_nameservers n ON n.host_id = h.id JOIN domains d ON d.id = n.domain_id
         WHERE h.superordinate_id IN (${dl}) AND d.id NOT IN (${dl}) LIMIT 1`,
      )
      .get() as { host: string; domain: string } | undefined;
    if (blocking) {
      throw new Error(`refusing to reset: host ${blocking.host} is a nameserver of ${blocking.domain}, which this reset does not own`);
    }
    // Subordinate hosts of these domains, whoever sponsors them (a domain's hosts go with it).
    db.prepare(`DELETE FROM domain_nameservers WHERE domain_id IN (${dl})`).run();
    const subHosts = db.prepare(`DELETE FROM hosts WHERE superordinate_id IN (${dl})`).run().changes;
    const removedDomains = db.prepare(`DELETE FROM domains WHERE id IN (${dl})`).run().changes;
    const hosts = db
      .prepare(
        `DELETE FROM hosts WHERE sponsor_id IN (${ids}) AND superordinate_id IS NULL
         AND id NOT IN (SELECT host_id FROM domain_nameservers)`,
      )
      .run().changes;
    const contacts = db
      .prepare(
        `DELETE FROM contacts WHERE sponsor_id IN (${ids})
         AND id NOT IN (SELECT contact_id FROM domain_contacts)
         AND id NOT IN (SELECT registrant_id FROM domains WHERE registrant_id IS NOT NULL)`,
      )
      .run().changes;
    // A reset starts the accounts' certification afresh: their message queues too.
    db.prepare(`DELETE FROM poll_messages WHERE registrar_id IN (${ids})`).run();
    return { domains: removedDomains, hosts: hosts + subHosts, contacts };
  })();
}

