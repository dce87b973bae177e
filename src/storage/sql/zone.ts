import type { SqlDb } from './db.js';
import type { Publication, ZoneDomain, ZoneRepo, ZoneState } from '../zone-repo.js';

interface StateRow {
  tld: string;
  changes: number;
  serial: number;
  published_serial: number | null;
  published_at: number | null;
  published_changes: number | null;
  file: string | null;
  bytes: number | null;
  delegations: number | null;
  duration_ms: number | null;
}

export class SqlZoneRepo implements ZoneRepo {
  constructor(private readonly db: SqlDb) {}

  async states(): Promise<ZoneState[]> {
    // PostgreSQL keeps a TLD's later changes as rows of zone_changes (see postgres/schema.ts).
    const sql =
      this.db.dialect === 'sqlite'
        ? 'SELECT * FROM zone_state ORDER BY tld'
        : `SELECT s.tld, s.changes + (SELECT COUNT(*) FROM zone_changes c WHERE c.tld = s.tld) AS changes, s.serial, s.published_serial, s.published_at,
                  s.published_changes, s.file, s.bytes, s.delegations, s.duration_ms
             FROM zone_state s ORDER BY s.tld`;
    const rows = (await this.db.prepare(sql).all()) as StateRow[];
    return rows.map((r) => ({
      tld: r.tld,
      changes: r.changes,
      serial: r.serial,
      published:
        r.published_serial === null
          ? null
          : {
              serial: r.published_serial,
              at: new Date(r.published_at!),
              changes: r.published_changes!,
              file: r.file!,
              bytes: r.bytes!,
              delegations: r.delegations!,
              durationMs: r.duration_ms!,
            },
    }));
  }

  async reserveSerial(tld: string, atLeast: number): Promise<number> {
    const larger = this.db.dialect === 'sqlite' ? 'max' : 'GREATEST';
    const serial = await this.db.pluck<[number, string], number>(`UPDATE zone_state SET serial = ${larger}(serial + 1, ?) WHERE tld = ? RETURNING serial`).get(atLeast, tld);
    if (serial === undefined) throw new Error(`no TLD ${tld}`);
    return serial;
  }

  async recordPublication(tld: string, p: Publication): Promise<boolean> {
    const r = (await this.db
      .prepare(
        `UPDATE zone_state SET published_serial = ?, published_at = ?, published_changes = ?, file = ?, bytes = ?, delegations = ?, duration_ms = ?
         WHERE tld = ? AND (published_serial IS NULL OR published_serial < ?)`,
      )
      .run(p.serial, p.at.getTime(), p.changes, p.file, p.bytes, p.delegations, p.durationMs, tld, p.serial));
    return r.changes === 1;
  }
}

/**
 * One domain of a zone snapshot as both stores' queries give it: its data as JSON arrays (text), `eligible`
 * 0/1 (SQLite) or a boolean (PostgreSQL).
 */
export interface ZoneDomainRow {
  name: string;
  eligible: number | boolean;
  ns: string;
  attrs: string;
  ds: string;
  keys: string;
  glue: string;
}

export function zoneDomainOf(r: ZoneDomainRow): ZoneDomain {
  return {
    name: r.name,
    eligible: Boolean(r.eligible),
    nameservers: (JSON.parse(r.ns) as string[]).sort(),
    hostAttrs: (JSON.parse(r.attrs) as Array<[string, ZoneDomain['hostAttrs'][number]['addrs']]>).map(([name, addrs]) => ({ name, addrs })),
    ds: (JSON.parse(r.ds) as Array<[number, number, number, string]>).map(([keyTag, alg, digestType, digest]) => ({ keyTag, alg, digestType, digest })),
    keys: (JSON.parse(r.keys) as Array<[number, number, number, string]>).map(([flags, protocol, alg, pubKey]) => ({ flags, protocol, alg, pubKey })),
    glue: (JSON.parse(r.glue) as Array<[string, 'v4' | 'v6', string]>).map(([name, ip, addr]) => ({ name, ip, addr })),
  };
}
