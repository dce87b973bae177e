import type { SqlDb } from './db.js';
import { IdSequence } from './sequence.js';
import type { Contact, ContactChanges, ContactRepo, Disclose, NewContact, PostalInfo, TciContactData } from '../contact-repo.js';

interface ContactRow {
  id: number;
  handle: string;
  roid: string;
  sponsor_id: number;
  sponsor_cl_id: string;
  creator_cl_id: string;
  updater_cl_id: string | null;
  created_at: number;
  updated_at: number | null;
  transferred_at: number | null;
  auth_hash: string | null;
  auth_set_at: number | null;
  statuses: string;
  postal_int: string | null;
  postal_loc: string | null;
  voice: string | null;
  voice_x: string | null;
  fax: string | null;
  fax_x: string | null;
  email: string;
  disclose: string | null;
  tci: string | null;
}

const json = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));
const phone = (number: string | null, x: string | null) => (number === null ? null : x === null ? { number } : { number, x });

function toContact(r: ContactRow | undefined): Contact | undefined {
  if (!r) return undefined;
  return {
    id: r.id,
    handle: r.handle,
    roid: r.roid,
    sponsorId: r.sponsor_id,
    sponsorClId: r.sponsor_cl_id,
    creatorClId: r.creator_cl_id,
    updaterClId: r.updater_cl_id,
    createdAt: new Date(r.created_at),
    updatedAt: r.updated_at === null ? null : new Date(r.updated_at),
    transferredAt: r.transferred_at === null ? null : new Date(r.transferred_at),
    authHash: r.auth_hash,
    authSetAt: r.auth_set_at === null ? null : new Date(r.auth_set_at),
    statuses: JSON.parse(r.statuses) as string[],
    postalInt: json<PostalInfo>(r.postal_int),
    postalLoc: json<PostalInfo>(r.postal_loc),
    voice: phone(r.voice, r.voice_x),
    fax: phone(r.fax, r.fax_x),
    email: r.email,
    disclose: json<Disclose>(r.disclose),
    tci: json<TciContactData>(r.tci),
  };
}

const toJson = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/** Key of the settings row holding the highest contact id ever given out. */
const SEQUENCE_KEY = 'sequence.contacts';

/**
 * SQLite contact repository. Times are epoch ms; statuses a JSON array; postal data, disclose preference
 * and the TCI extension data JSON objects. `handle` has the NOCASE collation: lookups are case-insensitive.
 */
export class SqlContactRepo implements ContactRepo {
  private readonly byHandleStmt;
  private readonly linkedStmt;

  private readonly ids: IdSequence;
  constructor(protected readonly db: SqlDb) {
    this.ids = new IdSequence(db, 'contacts', SEQUENCE_KEY);
    this.byHandleStmt = db.reader<[string], ContactRow>(
      `SELECT c.*, s.cl_id AS sponsor_cl_id, cr.cl_id AS creator_cl_id, u.cl_id AS updater_cl_id
         FROM contacts c
         JOIN registrars s ON s.id = c.sponsor_id
         JOIN registrars cr ON cr.id = c.creator_id
         LEFT JOIN registrars u ON u.id = c.updater_id
        WHERE c.handle = ?`,
    );
    this.linkedStmt = db.prepare<[number, number], { linked: number | boolean }>(
      `SELECT EXISTS (SELECT 1 FROM domain_contacts WHERE contact_id = ?)
           OR EXISTS (SELECT 1 FROM domains WHERE registrant_id = ?) AS linked`,
    );
  }

  async nextId(): Promise<number> {
    return this.ids.next();
  }

  async byHandle(handle: string) {
    return toContact(await this.byHandleStmt.get(handle));
  }

  async existing(handles: string[]) {
    if (handles.length === 0) return new Set<string>();
    const rows = (await this.db
      .prepare(`SELECT handle FROM contacts WHERE handle IN (${handles.map(() => '?').join(', ')})`)
      .all(...handles)) as Array<{ handle: string }>;
    return new Set(rows.map((r) => r.handle.toLowerCase()));
  }

  async insert(c: NewContact) {
    await this.db
      .prepare(
        `INSERT INTO contacts (id, handle, roid, sponsor_id, creator_id, created_at, auth_hash, auth_set_at, statuses,
                               postal_int, postal_loc, voice, voice_x, fax, fax_x, email, disclose, tci)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        c.id,
        c.handle,
        c.roid,
        c.registrarId,
        c.registrarId,
        c.createdAt.getTime(),
        c.auth?.hash ?? null,
        c.auth?.setAt.getTime() ?? null,
        toJson(c.postalInt),
        toJson(c.postalLoc),
        c.voice?.number ?? null,
        c.voice?.x ?? null,
        c.fax?.number ?? null,
        c.fax?.x ?? null,
        c.email,
        toJson(c.disclose),
        toJson(c.tci),
      );
  }

  async update(id: number, c: ContactChanges, updaterId: number, now: Date) {
    const cols: Record<string, unknown> = {};
    if (c.statuses !== undefined) cols.statuses = JSON.stringify(c.statuses);
    if (c.postalInt !== undefined) cols.postal_int = toJson(c.postalInt);
    if (c.postalLoc !== undefined) cols.postal_loc = toJson(c.postalLoc);
    if (c.voice !== undefined) {
      cols.voice = c.voice?.number ?? null;
      cols.voice_x = c.voice?.x ?? null;
    }
    if (c.fax !== undefined) {
      cols.fax = c.fax?.number ?? null;
      cols.fax_x = c.fax?.x ?? null;
    }
    if (c.email !== undefined) cols.email = c.email;
    if (c.auth !== undefined) {
      cols.auth_hash = c.auth?.hash ?? null;
      cols.auth_set_at = c.auth?.setAt.getTime() ?? null;
    }
    if (c.disclose !== undefined) cols.disclose = toJson(c.disclose);
    if (c.tci !== undefined) cols.tci = toJson(c.tci);
    cols.updater_id = updaterId;
    cols.updated_at = now.getTime();
    const keys = Object.keys(cols);
    await this.db.prepare(`UPDATE contacts SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({ ...cols, id });
  }

  async delete(id: number) {
    await this.db.prepare('DELETE FROM contacts WHERE id = ?').run(id);
  }

  async isLinked(id: number) {
    // A boolean on PostgreSQL, 0/1 on SQLite.
    return Boolean((await this.linkedStmt.get(id, id))!.linked);
  }
}
