import type { SqlDb } from './db.js';
import { IdSequence } from './sequence.js';
import type { HostAddress, IpVersion } from '../../registry/addresses.js';
import type { Host, HostChanges, HostRepo, NewHost, SuperordinateDomain } from '../host-repo.js';

interface HostRow {
  id: number;
  name: string;
  roid: string;
  sponsor_id: number;
  sponsor_cl_id: string;
  creator_cl_id: string;
  updater_cl_id: string | null;
  created_at: number;
  updated_at: number | null;
  transferred_at: number | null;
  superordinate_id: number | null;
  statuses: string;
}

/** Key of the settings row holding the highest host id ever given out. */
const SEQUENCE_KEY = 'sequence.hosts';

/** SQLite host repository. Times are epoch ms; statuses a JSON array; addresses in host_addresses. */
export class SqlHostRepo implements HostRepo {
  private readonly byNameStmt;
  private readonly addressesStmt;
  private readonly linkedStmt;
  private readonly linkedByOthersStmt;

  private readonly ids: IdSequence;
  constructor(protected readonly db: SqlDb) {
    this.ids = new IdSequence(db, 'hosts', SEQUENCE_KEY);
    this.byNameStmt = db.reader<[string], HostRow>(
      `SELECT h.*, s.cl_id AS sponsor_cl_id, c.cl_id AS creator_cl_id, u.cl_id AS updater_cl_id
         FROM hosts h
         JOIN registrars s ON s.id = h.sponsor_id
         JOIN registrars c ON c.id = h.creator_id
         LEFT JOIN registrars u ON u.id = h.updater_id
        WHERE h.name = ?`,
    );
    this.addressesStmt = db.prepare<[number], { ip: IpVersion; addr: string }>(
      'SELECT ip, addr FROM host_addresses WHERE host_id = ? ORDER BY ip, rowid',
    );
    this.linkedStmt = db.prepare<[number], { one: number }>('SELECT 1 AS one FROM domain_nameservers WHERE host_id = ? LIMIT 1');
    this.linkedByOthersStmt = db.prepare<[number, number], { one: number }>(
      `SELECT 1 AS one FROM domain_nameservers n JOIN domains d ON d.id = n.domain_id
        WHERE n.host_id = ? AND d.sponsor_id <> ? LIMIT 1`,
    );
  }

  async nextId(): Promise<number> {
    return this.ids.next();
  }

  async byName(name: string): Promise<Host | undefined> {
    const r = await this.byNameStmt.get(name);
    if (!r) return undefined;
    return {
      id: r.id,
      name: r.name,
      roid: r.roid,
      sponsorId: r.sponsor_id,
      sponsorClId: r.sponsor_cl_id,
      creatorClId: r.creator_cl_id,
      updaterClId: r.updater_cl_id,
      createdAt: new Date(r.created_at),
      updatedAt: r.updated_at === null ? null : new Date(r.updated_at),
      transferredAt: r.transferred_at === null ? null : new Date(r.transferred_at),
      superordinateId: r.superordinate_id,
      statuses: JSON.parse(r.statuses) as string[],
      addresses: (await this.addressesStmt.all(r.id)).map((a): HostAddress => ({ ip: a.ip, addr: a.addr })),
    };
  }

  async existing(names: string[]) {
    if (names.length === 0) return new Set<string>();
    const rows = (await this.db
      .prepare(`SELECT name FROM hosts WHERE name IN (${names.map(() => '?').join(', ')})`)
      .all(...names)) as Array<{ name: string }>;
    return new Set(rows.map((r) => r.name));
  }

  async insert(h: NewHost) {
    await this.db
      .prepare(
        `INSERT INTO hosts (id, name, roid, sponsor_id, creator_id, created_at, superordinate_id, statuses)
         VALUES (?, ?, ?, ?, ?, ?, ?, '[]')`,
      )
      .run(h.id, h.name, h.roid, h.registrarId, h.registrarId, h.createdAt.getTime(), h.superordinateId);
  }

  async update(id: number, c: HostChanges, updaterId: number, now: Date) {
    const cols: Record<string, unknown> = {};
    if (c.name !== undefined) cols.name = c.name;
    if (c.superordinateId !== undefined) cols.superordinate_id = c.superordinateId;
    if (c.statuses !== undefined) cols.statuses = JSON.stringify(c.statuses);
    cols.updater_id = updaterId;
    cols.updated_at = now.getTime();
    const keys = Object.keys(cols);
    await this.db.prepare(`UPDATE hosts SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({ ...cols, id });
  }

  async addAddress(hostId: number, a: HostAddress) {
    await this.db.prepare('INSERT INTO host_addresses (host_id, ip, addr) VALUES (?, ?, ?)').run(hostId, a.ip, a.addr);
  }

  async removeAddress(hostId: number, addr: string) {
    await this.db.prepare('DELETE FROM host_addresses WHERE host_id = ? AND addr = ?').run(hostId, addr);
  }

  async delete(id: number) {
    await this.db.prepare('DELETE FROM hosts WHERE id = ?').run(id);
  }

  async isLinked(hostId: number) {
    return await this.linkedStmt.get(hostId) !== undefined;
  }

  async linkedByOthers(hostId: number, registrarId: number) {
    return await this.linkedByOthersStmt.get(hostId, registrarId) !== undefined;
  }

  async longestDomain(names: string[]): Promise<SuperordinateDomain | undefined> {
    if (names.length === 0) return undefined;
    const r = (await this.db
      .prepare(
        `SELECT id, name, tld, sponsor_id, statuses FROM domains WHERE name IN (${names.map(() => '?').join(', ')})
          ORDER BY length(name) DESC LIMIT 1`,
      )
      .get(...names)) as { id: number; name: string; tld: string; sponsor_id: number; statuses: string } | undefined;
    return r && { id: r.id, name: r.name, tld: r.tld, sponsorId: r.sponsor_id, statuses: JSON.parse(r.statuses) as string[] };
  }
}
