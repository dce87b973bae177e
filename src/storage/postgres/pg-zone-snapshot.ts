import pg from 'pg';
import { resolvePolicy, type TldPolicy } from '../../registry/policy.js';
import type { ZoneDomain, ZoneSnapshot } from '../zone-repo.js';
import { zoneDomainOf, type ZoneDomainRow } from '../sql/zone.js';
import { PgDb } from './pg-db.js';
import { pgTypes } from './pg-types.js';

/**
 * The zone's read on PostgreSQL: the query of the SQLite snapshot (sqlite/zone-snapshot.ts) with
 * PostgreSQL's JSON functions. Names in byte order whatever the database's collation (COLLATE "C").
 */
const DOMAINS_SQL = `
SELECT d.name,
  (d.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM json_array_elements_text(CAST(d.statuses AS JSON)) s(v)
                                        WHERE s.v IN (SELECT json_array_elements_text(CAST(:excluded AS JSON))))) AS eligible,
  CAST(COALESCE((SELECT json_agg(h.name) FROM domain_nameservers n JOIN hosts h ON h.id = n.host_id WHERE n.domain_id = d.id), '[]') AS TEXT) AS ns,
  CAST(COALESCE((SELECT json_agg(json_build_array(a.name, CAST(a.addrs AS JSON)) ORDER BY a.name) FROM domain_host_attrs a WHERE a.domain_id = d.id), '[]') AS TEXT) AS attrs,
  CAST(COALESCE((SELECT json_agg(json_build_array(x.key_tag, x.alg, x.digest_type, x.digest) ORDER BY x.rowid) FROM domain_ds x WHERE x.domain_id = d.id), '[]') AS TEXT) AS ds,
  CAST(COALESCE((SELECT json_agg(json_build_array(k.flags, k.protocol, k.alg, k.pub_key) ORDER BY k.rowid) FROM domain_keys k WHERE k.domain_id = d.id), '[]') AS TEXT) AS keys,
  CAST(COALESCE((SELECT json_agg(json_build_array(g.name, g.ip, g.addr) ORDER BY g.name COLLATE "C", g.ip, g.addr) FROM (
     SELECT h.name, ha.ip, ha.addr FROM hosts h JOIN host_addresses ha ON ha.host_id = h.id
     WHERE h.superordinate_id = d.id
       AND EXISTS (SELECT 1 FROM domain_nameservers n2 JOIN domains u ON u.id = n2.domain_id
                   WHERE n2.host_id = h.id AND u.tld = d.tld AND u.deleted_at IS NULL
                     AND NOT EXISTS (SELECT 1 FROM json_array_elements_text(CAST(u.statuses AS JSON)) s(v)
                                     WHERE s.v IN (SELECT json_array_elements_text(CAST(:excluded AS JSON)))))) g), '[]') AS TEXT) AS glue
FROM domains d WHERE d.tld = :tld ORDER BY d.name COLLATE "C"`;

class PgZoneSnapshot implements ZoneSnapshot {
  private readonly db: PgDb;
  constructor(private readonly client: pg.Client) {
    this.db = new PgDb(client);
  }

  async policy(tld: string): Promise<TldPolicy | undefined> {
    const text = await this.db.pluck<[string], string>('SELECT policy FROM tlds WHERE name = ?').get(tld);
    return text === undefined ? undefined : resolvePolicy(JSON.parse(text));
  }

  async changes(tld: string): Promise<number> {
    const sql = 'SELECT s.changes + (SELECT COUNT(*) FROM zone_changes c WHERE c.tld = s.tld) FROM zone_state s WHERE s.tld = ?';
    return (await this.db.pluck<[string], number>(sql).get(tld)) ?? 0;
  }

  async *domains(tld: string, notDelegated: readonly string[]): AsyncIterable<ZoneDomain> {
    for await (const r of this.db.iterate<ZoneDomainRow>(DOMAINS_SQL, { tld, excluded: JSON.stringify(notDelegated) })) yield zoneDomainOf(r);
  }

  async close(): Promise<void> {
    await this.client.query('ROLLBACK').catch(() => {});
    await this.client.end();
  }
}

/** A consistent read of the registry for one zone: a connection of its own, one read-only snapshot. */
export async function openPgZoneSnapshot(url: string): Promise<ZoneSnapshot> {
  const client = new pg.Client({ connectionString: url, types: pgTypes, application_name: 'registry zone' });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return new PgZoneSnapshot(client);
  } catch (e) {
    await client.end();
    throw e;
  }
}
