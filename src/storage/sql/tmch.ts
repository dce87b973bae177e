import type { SqlDb } from './db.js';
import type { DnlEntry, LaunchRegistration, TmchListInfo, TmchRepo } from '../tmch-repo.js';

interface LaunchRow {
  domain_id: number;
  roid: string;
  name: string;
  tld: string;
  kind: 'sunrise' | 'claims';
  registrar_id: number;
  registered_at: number;
  smd_id: string | null;
  notice_id: string | null;
  notice_validator: string | null;
  notice_not_after: number | null;
  notice_accepted_at: number | null;
  mark_xml: string | null;
  reported_at: number | null;
}

const launchOf = (r: LaunchRow): LaunchRegistration => ({
  domainId: r.domain_id,
  roid: r.roid,
  name: r.name,
  tld: r.tld,
  kind: r.kind,
  registrarId: r.registrar_id,
  registeredAt: new Date(r.registered_at),
  smdId: r.smd_id,
  notice:
    r.notice_id === null
      ? null
      : { id: r.notice_id, validatorId: r.notice_validator ?? 'tmch', notAfter: new Date(r.notice_not_after!), acceptedAt: new Date(r.notice_accepted_at!) },
  markXml: r.mark_xml,
  reportedAt: r.reported_at === null ? null : new Date(r.reported_at),
});

export class SqlTmchRepo implements TmchRepo {
  constructor(private readonly db: SqlDb) {}

  async claimKeys(labels: string[]) {
    const found = new Map<string, string>();
    const get = this.db.prepare('SELECT lookup_key FROM tmch_dnl WHERE label = ?');
    for (const label of new Set(labels)) {
      const r = (await get.get(label)) as { lookup_key: string } | undefined;
      if (r) found.set(label, r.lookup_key);
    }
    return found;
  }
  async smdRevoked(smdId: string) {
    return (await this.db.prepare('SELECT 1 FROM tmch_smdrl WHERE smd_id = ?').get(smdId)) !== undefined;
  }
  async certRevoked(serial: string) {
    return (await this.db.prepare('SELECT 1 FROM tmch_crl WHERE serial = ?').get(serial)) !== undefined;
  }
  private async header(list: TmchListInfo['list'], createdAt: Date, entries: number, nextUpdate: Date | null, now: Date) {
    await this.db
      .prepare(
        `INSERT INTO tmch_lists (list, created_at, loaded_at, entries, next_update) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (list) DO UPDATE SET created_at = excluded.created_at, loaded_at = excluded.loaded_at, entries = excluded.entries, next_update = excluded.next_update`,
      )
      .run(list, createdAt.getTime(), now.getTime(), entries, nextUpdate?.getTime() ?? null);
  }
  async replaceDnl(entries: DnlEntry[], createdAt: Date, now: Date) {
    await this.db.prepare('DELETE FROM tmch_dnl').run();
    const insert = this.db.prepare('INSERT INTO tmch_dnl (label, lookup_key, inserted_at) VALUES (?, ?, ?)');
    for (const e of entries) await insert.run(e.label, e.lookupKey, e.insertedAt.getTime());
    await this.header('dnl', createdAt, entries.length, null, now);
  }
  async addDnl(entries: DnlEntry[], now: Date) {
    const insert = this.db.prepare('INSERT INTO tmch_dnl (label, lookup_key, inserted_at) VALUES (?, ?, ?) ON CONFLICT (label) DO UPDATE SET lookup_key = excluded.lookup_key, inserted_at = excluded.inserted_at');
    for (const e of entries) await insert.run(e.label, e.lookupKey, e.insertedAt.getTime());
    const n = (await this.db.prepare('SELECT count(*) AS n FROM tmch_dnl').get() as { n: number }).n;
    // No TMCH file made these entries: a list header made at time 0, so that any DNL file is newer.
    await this.db
      .prepare('INSERT INTO tmch_lists (list, created_at, loaded_at, entries) VALUES (?, 0, ?, ?) ON CONFLICT(list) DO UPDATE SET entries = excluded.entries')
      .run('dnl', now.getTime(), n);
  }
  async replaceSmdrl(entries: Array<{ smdId: string; revokedAt: Date }>, createdAt: Date, now: Date) {
    await this.db.prepare('DELETE FROM tmch_smdrl').run();
    const insert = this.db.prepare('INSERT INTO tmch_smdrl (smd_id, revoked_at) VALUES (?, ?)');
    for (const e of entries) await insert.run(e.smdId, e.revokedAt.getTime());
    await this.header('smdrl', createdAt, entries.length, null, now);
  }
  async replaceCrl(serials: Array<{ serial: string; revokedAt: Date | null }>, createdAt: Date, nextUpdate: Date | null, now: Date) {
    await this.db.prepare('DELETE FROM tmch_crl').run();
    const insert = this.db.prepare('INSERT INTO tmch_crl (serial, revoked_at) VALUES (?, ?) ON CONFLICT (serial) DO UPDATE SET revoked_at = excluded.revoked_at');
    for (const e of serials) await insert.run(e.serial, e.revokedAt?.getTime() ?? null);
    await this.header('crl', createdAt, serials.length, nextUpdate, now);
  }
  async lists(): Promise<TmchListInfo[]> {
    const rows = (await this.db.prepare('SELECT * FROM tmch_lists ORDER BY list').all()) as Array<{ list: TmchListInfo['list']; created_at: number; loaded_at: number; entries: number; next_update: number | null }>;
    return rows.map((r) => ({ list: r.list, createdAt: new Date(r.created_at), loadedAt: new Date(r.loaded_at), entries: r.entries, nextUpdate: r.next_update === null ? null : new Date(r.next_update) }));
  }
  async recordLaunch(r: Omit<LaunchRegistration, 'reportedAt'>) {
    await this.db
      .prepare(
        `INSERT INTO launch_registrations (domain_id, roid, name, tld, kind, registrar_id, registered_at, smd_id, notice_id, notice_validator, notice_not_after, notice_accepted_at, mark_xml)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.domainId,
        r.roid,
        r.name,
        r.tld,
        r.kind,
        r.registrarId,
        r.registeredAt.getTime(),
        r.smdId,
        r.notice?.id ?? null,
        r.notice?.validatorId ?? null,
        r.notice?.notAfter.getTime() ?? null,
        r.notice?.acceptedAt.getTime() ?? null,
        r.markXml,
      );
  }
  async unreported(tld: string, kind: 'sunrise' | 'claims') {
    const rows = (await this.db.prepare('SELECT * FROM launch_registrations WHERE tld = ? AND kind = ? AND reported_at IS NULL ORDER BY registered_at, domain_id').all(tld, kind)) as LaunchRow[];
    return rows.map(launchOf);
  }
  async launchOf(domainId: number) {
    const r = (await this.db.prepare('SELECT * FROM launch_registrations WHERE domain_id = ?').get(domainId)) as LaunchRow | undefined;
    return r && launchOf(r);
  }
  async markReported(domainIds: number[], at: Date) {
    const mark = this.db.prepare('UPDATE launch_registrations SET reported_at = ? WHERE domain_id = ? AND reported_at IS NULL');
    for (const id of domainIds) await mark.run(at.getTime(), id);
  }
}
