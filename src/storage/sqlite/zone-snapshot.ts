import Database from 'better-sqlite3';
import { resolvePolicy, type TldPolicy } from '../../registry/policy.js';
import type { ZoneDomain, ZoneSnapshot } from '../zone-repo.js';
import { zoneDomainOf, type ZoneDomainRow as DomainRow } from '../sql/zone.js';

/**
 * The zone's read: every domain of the TLD in name order (the `name` index), with its name servers, host
 * attributes, DS and key records and the glue of its subordinate hosts as JSON arrays built by correlated
 * subqueries, so that one row carries a whole domain and one cursor walks the TLD. (A connection runs one
 * statement at a time while a cursor is open: the per-domain data cannot be fetched by further queries.)
 * `eligible` and the glue's "used by a delegation" apply the caller's list of statuses that keep a domain
 * out of the zone; a domain in redemption or pendingDelete also has `deleted_at`.
 */
const DOMAINS_SQL = `
SELECT d.name,
  (d.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM json_each(d.statuses) s WHERE s.value IN (SELECT value FROM json_each(:excluded)))) AS eligible,
  (SELECT json_group_array(h.name) FROM domain_nameservers n JOIN hosts h ON h.id = n.host_id WHERE n.domain_id = d.id) AS ns,
  (SELECT json_group_array(json_array(a.name, json(a.addrs))) FROM domain_host_attrs a WHERE a.domain_id = d.id) AS attrs,
  (SELECT json_group_array(json_array(x.key_tag, x.alg, x.digest_type, x.digest)) FROM domain_ds x WHERE x.domain_id = d.id) AS ds,
  (SELECT json_group_array(json_array(k.flags, k.protocol, k.alg, k.pub_key)) FROM domain_keys k WHERE k.domain_id = d.id) AS keys,
  (SELECT json_group_array(json_array(g.name, g.ip, g.addr)) FROM (
     SELECT h.name, ha.ip, ha.addr FROM hosts h JOIN host_addresses ha ON ha.host_id = h.id
     WHERE h.superordinate_id = d.id
       AND EXISTS (SELECT 1 FROM domain_nameservers n2 JOIN domains u ON u.id = n2.domain_id
                   WHERE n2.host_id = h.id AND u.tld = d.tld AND u.deleted_at IS NULL
                     AND NOT EXISTS (SELECT 1 FROM json_each(u.statuses) s WHERE s.value IN (SELECT value FROM json_each(:excluded))))
     ORDER BY h.name, ha.ip, ha.addr) g) AS glue
FROM domains d WHERE d.tld = :tld ORDER BY d.name`;


class SqliteZoneSnapshot implements ZoneSnapshot {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    this.db.pragma('busy_timeout = 5000');
    // A read transaction: its first read fixes the snapshot every later read of it sees (WAL mode).
    this.db.exec('BEGIN');
    this.db.prepare('SELECT count(*) FROM zone_state').get();
  }

  async policy(tld: string): Promise<TldPolicy | undefined> {
    const r = this.db.prepare('SELECT policy FROM tlds WHERE name = ?').get(tld) as { policy: string } | undefined;
    return r && resolvePolicy(JSON.parse(r.policy));
  }

  async changes(tld: string): Promise<number> {
    return (this.db.prepare('SELECT changes FROM zone_state WHERE tld = ?').get(tld) as { changes: number } | undefined)?.changes ?? 0;
  }

  async *domains(tld: string, notDelegated: readonly string[]): AsyncIterable<ZoneDomain> {
    const rows = this.db.prepare(DOMAINS_SQL).iterate({ tld, excluded: JSON.stringify(notDelegated) }) as IterableIterator<DomainRow>;
    for (const r of rows) {
      yield zoneDomainOf(r);
    }
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.db.exec('ROLLBACK');
    this.db.close();
  }
}

/** Opens a consistent read of the database file for one zone (a connection of its own, read-only). */
export function openZoneSnapshot(path: string): ZoneSnapshot {
  return new SqliteZoneSnapshot(path);
}
