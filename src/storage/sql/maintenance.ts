import type { SqlDb } from './db.js';
import type { MaintenanceRepo } from '../maintenance-repo.js';

/** The id lists below are row ids read from the database (integers), written into the SQL as such. */
const idList = (ids: number[]) => ids.map((n) => String(Math.trunc(n))).join(',') || '0';

export class SqlMaintenanceRepo implements MaintenanceRepo {
  constructor(private readonly db: SqlDb) {}

  async clearEnvironmentObjects(tld: string, registrarIds: number[]) {
    if (registrarIds.length === 0) return { domains: 0, hosts: 0, contacts: 0 };
    const db = this.db;
    const ids = idList(registrarIds);
    const domains = await db.prepare<[string], { id: number; name: string }>(`SELECT id, name FROM domains WHERE tld = ? AND sponsor_id IN (${ids})`).all(tld);
    const dl = idList(domains.map((d) => d.id));
    const blocking = await db
      .prepare<[], { host: string; domain: string }>(
        `SELECT h.name AS host, d.name AS domain FROM hosts h
         JOIN domain_nameservers n ON n.host_id = h.id JOIN domains d ON d.id = n.domain_id
         WHERE h.superordinate_id IN (${dl}) AND d.id NOT IN (${dl}) LIMIT 1`,
      )
      .get();
    if (blocking) {
      throw new Error(`refusing to reset: host ${blocking.host} is a nameserver of ${blocking.domain}, which this reset does not own`);
    }
    // Subordinate hosts of these domains, whoever sponsors them (a domain's hosts go with it).
    await db.prepare(`DELETE FROM domain_nameservers WHERE domain_id IN (${dl})`).run();
    const subHosts = (await db.prepare(`DELETE FROM hosts WHERE superordinate_id IN (${dl})`).run()).changes;
    const removedDomains = (await db.prepare(`DELETE FROM domains WHERE id IN (${dl})`).run()).changes;
    const hosts = (
      await db
        .prepare(
          `DELETE FROM hosts WHERE sponsor_id IN (${ids}) AND superordinate_id IS NULL
           AND id NOT IN (SELECT host_id FROM domain_nameservers)`,
        )
        .run()
    ).changes;
    const contacts = (
      await db
        .prepare(
          `DELETE FROM contacts WHERE sponsor_id IN (${ids})
           AND id NOT IN (SELECT contact_id FROM domain_contacts)
           AND id NOT IN (SELECT registrant_id FROM domains WHERE registrant_id IS NOT NULL)`,
        )
        .run()
    ).changes;
    // A reset starts the accounts' certification afresh: their message queues too.
    await db.prepare(`DELETE FROM poll_messages WHERE registrar_id IN (${ids})`).run();
    return { domains: removedDomains, hosts: hosts + subHosts, contacts };
  }
}
