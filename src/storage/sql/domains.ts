import type { SqlDb } from './db.js';
import { IdSequence } from './sequence.js';
import type { DsRecord, KeyRecord } from '../../registry/dnssec.js';
import type {
  ContactRef,
  Domain,
  DomainChanges,
  DomainContact,
  DomainContactType,
  DomainRepo,
  HostAttr,
  HostRef,
  NewDomain,
} from '../domain-repo.js';

interface DomainRow {
  id: number;
  name: string;
  tld: string;
  roid: string;
  sponsor_id: number;
  sponsor_cl_id: string;
  creator_cl_id: string;
  updater_cl_id: string | null;
  registrant_id: number | null;
  registrant_handle: string | null;
  created_at: number;
  updated_at: number | null;
  expires_at: number;
  transferred_at: number | null;
  auth_hash: string | null;
  auth_set_at: number | null;
  statuses: string;
  max_sig_life: number | null;
  description: string | null;
}

function toDomain(r: DomainRow | undefined): Domain | undefined {
  if (!r) return undefined;
  return {
    id: r.id,
    name: r.name,
    tld: r.tld,
    roid: r.roid,
    sponsorId: r.sponsor_id,
    sponsorClId: r.sponsor_cl_id,
    creatorClId: r.creator_cl_id,
    updaterClId: r.updater_cl_id,
    registrantId: r.registrant_id,
    registrantHandle: r.registrant_handle,
    createdAt: new Date(r.created_at),
    updatedAt: r.updated_at === null ? null : new Date(r.updated_at),
    expiresAt: new Date(r.expires_at),
    transferredAt: r.transferred_at === null ? null : new Date(r.transferred_at),
    authHash: r.auth_hash,
    authSetAt: r.auth_set_at === null ? null : new Date(r.auth_set_at),
    statuses: JSON.parse(r.statuses) as string[],
    maxSigLife: r.max_sig_life,
    description: r.description,
  };
}

interface ContactRefRow {
  id: number;
  handle: string;
  roid: string;
  auth_hash: string | null;
  auth_set_at: number | null;
  has_tci: number | boolean;
}

const toContactRef = (r: ContactRefRow | undefined): ContactRef | undefined =>
  r && { id: r.id, handle: r.handle, roid: r.roid, authHash: r.auth_hash, authSetAt: r.auth_set_at === null ? null : new Date(r.auth_set_at), hasTci: Boolean(r.has_tci) };

interface HostRow {
  id: number;
  name: string;
  superordinate_id: number | null;
  address_count: number;
}

const toHostRef = (r: HostRow): HostRef => ({ id: r.id, name: r.name, superordinateId: r.superordinate_id, addressCount: r.address_count });

/** Key of the settings row holding the highest domain id ever given out. */
const SEQUENCE_KEY = 'sequence.domains';

/** SQLite domain repository. Times are epoch ms; statuses a JSON array. */
export class SqlDomainRepo implements DomainRepo {
  private readonly byNameStmt;
  private readonly hostByNameStmt;
  private readonly contactByHandleStmt;
  private readonly contactsStmt;
  private readonly nameserversStmt;

  private readonly ids: IdSequence;
  constructor(protected readonly db: SqlDb) {
    this.ids = new IdSequence(db, 'domains', SEQUENCE_KEY);
    this.byNameStmt = db.reader<[string], DomainRow>(
      // The columns a Domain needs, not d.*: better-sqlite3 builds a row object property by property, and
      // the redemption columns nobody reads here cost about a third of the lookup.
      `SELECT d.id, d.name, d.tld, d.roid, d.sponsor_id, d.registrant_id, d.created_at, d.updated_at, d.expires_at,
              d.transferred_at, d.auth_hash, d.auth_set_at, d.statuses, d.max_sig_life, d.description,
              s.cl_id AS sponsor_cl_id, c.cl_id AS creator_cl_id, u.cl_id AS updater_cl_id, r.handle AS registrant_handle
         FROM domains d
         JOIN registrars s ON s.id = d.sponsor_id
         JOIN registrars c ON c.id = d.creator_id
         LEFT JOIN registrars u ON u.id = d.updater_id
         LEFT JOIN contacts r ON r.id = d.registrant_id
        WHERE d.name = ?`,
    );
    this.hostByNameStmt = db.prepare<[string], HostRow>(
      `SELECT h.id, h.name, h.superordinate_id, (SELECT COUNT(*) FROM host_addresses a WHERE a.host_id = h.id) AS address_count
         FROM hosts h WHERE h.name = ?`,
    );
    this.contactsStmt = db.reader<[number], { type: DomainContactType; contact_id: number; handle: string }>(
      `SELECT dc.type, dc.contact_id, c.handle FROM domain_contacts dc JOIN contacts c ON c.id = dc.contact_id
        WHERE dc.domain_id = ? ORDER BY CASE dc.type WHEN 'admin' THEN 0 WHEN 'tech' THEN 1 ELSE 2 END, c.handle`,
    );
    this.nameserversStmt = db.reader<[number], HostRow>(
      `SELECT h.id, h.name, h.superordinate_id, (SELECT COUNT(*) FROM host_addresses a WHERE a.host_id = h.id) AS address_count
         FROM domain_nameservers n JOIN hosts h ON h.id = n.host_id WHERE n.domain_id = ? ORDER BY h.name`,
    );
    this.contactByHandleStmt = db.prepare<[string], ContactRefRow>('SELECT id, handle, roid, auth_hash, auth_set_at, tci IS NOT NULL AS has_tci FROM contacts WHERE handle = ?');
  }

  async nextId(): Promise<number> {
    return this.ids.next();
  }

  async byName(name: string) {
    return toDomain(await this.byNameStmt.get(name));
  }

  async existing(names: string[]) {
    if (names.length === 0) return new Set<string>();
    const rows = (await this.db
      .prepare(`SELECT name FROM domains WHERE name IN (${names.map(() => '?').join(', ')})`)
      .all(...names)) as Array<{ name: string }>;
    return new Set(rows.map((r) => r.name));
  }

  async insert(d: NewDomain) {
    await this.db
      .prepare(
        `INSERT INTO domains (id, name, tld, roid, sponsor_id, creator_id, registrant_id, created_at, expires_at, auth_hash, auth_set_at, statuses, max_sig_life, description)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?)`,
      )
      .run(
        d.id,
        d.name,
        d.tld,
        d.roid,
        d.registrarId,
        d.registrarId,
        d.registrantId,
        d.createdAt.getTime(),
        d.expiresAt.getTime(),
        d.auth?.hash ?? null,
        d.auth?.setAt.getTime() ?? null,
        d.maxSigLife,
        d.description,
      );
  }

  async update(id: number, c: DomainChanges, updaterId: number, now: Date) {
    const cols: Record<string, unknown> = {};
    if (c.registrantId !== undefined) cols.registrant_id = c.registrantId;
    if (c.auth !== undefined) {
      cols.auth_hash = c.auth?.hash ?? null;
      cols.auth_set_at = c.auth?.setAt.getTime() ?? null;
    }
    if (c.statuses !== undefined) cols.statuses = JSON.stringify(c.statuses);
    if (c.maxSigLife !== undefined) cols.max_sig_life = c.maxSigLife;
    if (c.description !== undefined) cols.description = c.description;
    if (c.expiresAt !== undefined) cols.expires_at = c.expiresAt.getTime();
    cols.updater_id = updaterId;
    cols.updated_at = now.getTime();
    const keys = Object.keys(cols);
    await this.db.prepare(`UPDATE domains SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({ ...cols, id });
  }

  async contacts(domainId: number) {
    return (await this.contactsStmt.all(domainId)).map((r): DomainContact => ({ type: r.type, contactId: r.contact_id, handle: r.handle }));
  }

  async addContact(domainId: number, type: DomainContactType, contactId: number) {
    await this.db.prepare('INSERT INTO domain_contacts (domain_id, type, contact_id) VALUES (?, ?, ?)').run(domainId, type, contactId);
  }

  async removeContact(domainId: number, type: DomainContactType, contactId: number) {
    await this.db.prepare('DELETE FROM domain_contacts WHERE domain_id = ? AND type = ? AND contact_id = ?').run(domainId, type, contactId);
  }

  async nameservers(domainId: number) {
    return (await this.nameserversStmt.all(domainId)).map(toHostRef);
  }

  async addNameserver(domainId: number, hostId: number) {
    await this.db.prepare('INSERT INTO domain_nameservers (domain_id, host_id) VALUES (?, ?)').run(domainId, hostId);
  }

  async removeNameserver(domainId: number, hostId: number) {
    await this.db.prepare('DELETE FROM domain_nameservers WHERE domain_id = ? AND host_id = ?').run(domainId, hostId);
  }

  async hostAttrs(domainId: number) {
    const rows = (await this.db.prepare('SELECT name, addrs FROM domain_host_attrs WHERE domain_id = ? ORDER BY name').all(domainId)) as Array<{
      name: string;
      addrs: string;
    }>;
    return rows.map((r): HostAttr => ({ name: r.name, addrs: JSON.parse(r.addrs) as HostAttr['addrs'] }));
  }

  async addHostAttr(domainId: number, h: HostAttr) {
    await this.db.prepare('INSERT INTO domain_host_attrs (domain_id, name, addrs) VALUES (?, ?, ?)').run(domainId, h.name, JSON.stringify(h.addrs));
  }

  async removeHostAttr(domainId: number, name: string) {
    await this.db.prepare('DELETE FROM domain_host_attrs WHERE domain_id = ? AND name = ?').run(domainId, name);
  }

  async subordinateHosts(domainId: number) {
    const rows = (await this.db.prepare('SELECT name FROM hosts WHERE superordinate_id = ? ORDER BY name').all(domainId)) as Array<{ name: string }>;
    return rows.map((r) => r.name);
  }

  async dsData(domainId: number) {
    const rows = (await this.db.prepare('SELECT * FROM domain_ds WHERE domain_id = ? ORDER BY rowid').all(domainId)) as Array<{
      key_tag: number;
      alg: number;
      digest_type: number;
      digest: string;
      key_flags: number | null;
      key_protocol: number | null;
      key_alg: number | null;
      key_pub: string | null;
    }>;
    return rows.map(
      (r): DsRecord => ({
        keyTag: r.key_tag,
        alg: r.alg,
        digestType: r.digest_type,
        digest: r.digest,
        key:
          r.key_pub === null
            ? undefined
            : { flags: r.key_flags ?? 0, protocol: r.key_protocol ?? 0, alg: r.key_alg ?? 0, pubKey: r.key_pub },
      }),
    );
  }

  async keyData(domainId: number) {
    const rows = (await this.db.prepare('SELECT flags, protocol, alg, pub_key FROM domain_keys WHERE domain_id = ? ORDER BY rowid').all(domainId)) as Array<{
      flags: number;
      protocol: number;
      alg: number;
      pub_key: string;
    }>;
    return rows.map((r): KeyRecord => ({ flags: r.flags, protocol: r.protocol, alg: r.alg, pubKey: r.pub_key }));
  }

  async replaceDnssec(domainId: number, ds: DsRecord[], keys: KeyRecord[]) {
    await this.db.prepare('DELETE FROM domain_ds WHERE domain_id = ?').run(domainId);
    await this.db.prepare('DELETE FROM domain_keys WHERE domain_id = ?').run(domainId);
    const insDs = this.db.prepare(
      `INSERT INTO domain_ds (domain_id, key_tag, alg, digest_type, digest, key_flags, key_protocol, key_alg, key_pub)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const d of ds) {
      (await insDs.run(domainId, d.keyTag, d.alg, d.digestType, d.digest, d.key?.flags ?? null, d.key?.protocol ?? null, d.key?.alg ?? null, d.key?.pubKey ?? null));
    }
    const insKey = this.db.prepare('INSERT INTO domain_keys (domain_id, flags, protocol, alg, pub_key) VALUES (?, ?, ?, ?, ?)');
    for (const k of keys) (await insKey.run(domainId, k.flags, k.protocol, k.alg, k.pubKey));
  }

  async hostByName(name: string) {
    const r = await this.hostByNameStmt.get(name);
    return r && toHostRef(r);
  }

  async contactByHandle(handle: string) {
    return toContactRef(await this.contactByHandleStmt.get(handle));
  }

  async contactByRoid(roid: string): Promise<ContactRef | undefined> {
    return toContactRef(await this.db.prepare<[string], ContactRefRow>('SELECT id, handle, roid, auth_hash, auth_set_at, tci IS NOT NULL AS has_tci FROM contacts WHERE roid = ?').get(roid));
  }

  async linkedContactsWithoutTci(domainId: number) {
    return await this.db
      .prepare(
        `SELECT 'registrant' AS type, c.handle FROM domains d JOIN contacts c ON c.id = d.registrant_id WHERE d.id = @id AND c.tci IS NULL
         UNION ALL
         SELECT dc.type, c.handle FROM domain_contacts dc JOIN contacts c ON c.id = dc.contact_id WHERE dc.domain_id = @id AND c.tci IS NULL`,
      )
      .all({ id: domainId }) as Array<{ type: 'registrant' | DomainContactType; handle: string }>;
  }

  async subordinateHostsInUseElsewhere(domainId: number) {
    const rows = (await this.db
      .prepare(
        `SELECT DISTINCT h.name FROM hosts h JOIN domain_nameservers n ON n.host_id = h.id
          WHERE h.superordinate_id = ? AND n.domain_id <> ? ORDER BY h.name`,
      )
      .all(domainId, domainId)) as Array<{ name: string }>;
    return rows.map((r) => r.name);
  }

  async purge(domainId: number) {
    // The domain's own delegations go first (they may reference its subordinate hosts), then those hosts
    // (their addresses cascade), then the domain (contacts, host attributes and DNSSEC rows cascade).
    await this.db.prepare('DELETE FROM domain_nameservers WHERE domain_id = ?').run(domainId);
    await this.db.prepare('DELETE FROM hosts WHERE superordinate_id = ?').run(domainId);
    await this.db.prepare('DELETE FROM domains WHERE id = ?').run(domainId);
  }
}
