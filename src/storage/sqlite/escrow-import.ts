import type Database from 'better-sqlite3';
import type { TldPolicy } from '../../registry/policy.js';
import type { EscrowContact, EscrowDomain, EscrowHost, EscrowImport, EscrowRegistrar } from '../escrow-source.js';

/**
 * Restoring a deposit into an empty SQLite registry (`registry escrow import`): rows written as the deposit
 * gives them (ids from the roids when they carry this repository's suffix, so roids never collide later),
 * in one transaction the caller opens.
 */
export class SqliteEscrowImport implements EscrowImport {
  private readonly registrarIds = new Map<string, number>();

  constructor(
    private readonly db: Database.Database,
    private readonly roidSuffix: string,
  ) {
    for (const r of db.prepare('SELECT id, cl_id FROM registrars').all() as Array<{ id: number; cl_id: string }>) this.registrarIds.set(r.cl_id, r.id);
  }

  objectCount(): number {
    return this.db.prepare('SELECT (SELECT COUNT(*) FROM domains) + (SELECT COUNT(*) FROM hosts) + (SELECT COUNT(*) FROM contacts)').pluck().get() as number;
  }

  tldPolicy(name: string): string | undefined {
    return (this.db.prepare('SELECT policy FROM tlds WHERE name = ?').pluck().get(name) as string | undefined) ?? undefined;
  }

  addTld(name: string, policy: TldPolicy, now: Date): void {
    this.db.prepare('INSERT INTO tlds (name, policy, created_at) VALUES (?, ?, ?)').run(name, JSON.stringify(policy), now.getTime());
  }

  registrar(r: EscrowRegistrar, passwordHash: string): boolean {
    if (this.registrarIds.has(r.clId)) return false;
    const id = this.db
      .prepare(
        `INSERT INTO registrars (cl_id, name, password_hash, status, email, iana_id, postal_address, phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .pluck()
      .get(r.clId, r.name, passwordHash, r.status, r.email, r.ianaId, r.address ? JSON.stringify(r.address) : null, r.phone, r.createdAt.getTime(), r.updatedAt.getTime()) as number;
    this.registrarIds.set(r.clId, id);
    return true;
  }

  private rid(clId: string | null): number | null {
    if (clId === null) return null;
    const id = this.registrarIds.get(clId);
    if (id === undefined) throw new Error(`registrar ${clId} is not in the deposit`);
    return id;
  }

  /** The row id a roid of this repository carries (D12-REG → 12), or a fresh one past every id in use. */
  private idFor(roid: string, kind: 'D' | 'C' | 'H', table: string): number {
    const m = new RegExp(`^${kind}(\\d{1,15})-${this.roidSuffix}$`).exec(roid);
    if (m && !this.db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(Number(m[1]))) return Number(m[1]);
    return ((this.db.prepare(`SELECT MAX(id) FROM ${table}`).pluck().get() as number | null) ?? 0) + 1;
  }

  contact(c: EscrowContact): void {
    const id = this.idFor(c.roid, 'C', 'contacts');
    this.db
      .prepare(
        `INSERT INTO contacts (id, handle, roid, sponsor_id, creator_id, updater_id, created_at, updated_at, transferred_at, auth_hash, statuses,
                               postal_int, postal_loc, voice, voice_x, fax, fax_x, email, disclose, tci)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        c.handle,
        c.roid,
        this.rid(c.sponsorClId),
        this.rid(c.creatorClId),
        this.rid(c.updaterClId),
        c.createdAt.getTime(),
        c.updatedAt?.getTime() ?? null,
        c.transferredAt?.getTime() ?? null,
        null, // no authInfo (RFC 9154): deposits hold none; the sponsor sets one when a transfer is wanted
        JSON.stringify(c.statuses),
        c.postalInt && JSON.stringify(c.postalInt),
        c.postalLoc && JSON.stringify(c.postalLoc),
        c.voice?.number ?? null,
        c.voice?.x ?? null,
        c.fax?.number ?? null,
        c.fax?.x ?? null,
        c.email,
        c.disclose && JSON.stringify(c.disclose),
        c.tci && JSON.stringify(c.tci),
      );
    if (c.transfer) {
      const t = c.transfer;
      this.db
        .prepare('INSERT INTO contact_transfers (contact_id, status, requester_id, losing_id, requested_at, action_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, t.status, this.rid(t.requesterClId), this.rid(t.losingClId), t.requestedAt.getTime(), t.actionAt.getTime());
    }
  }

  host(h: EscrowHost): void {
    const id = this.idFor(h.roid, 'H', 'hosts');
    this.db
      .prepare(
        `INSERT INTO hosts (id, name, roid, sponsor_id, creator_id, updater_id, created_at, updated_at, transferred_at, statuses)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, h.name, h.roid, this.rid(h.sponsorClId), this.rid(h.creatorClId), this.rid(h.updaterClId), h.createdAt.getTime(), h.updatedAt?.getTime() ?? null, h.transferredAt?.getTime() ?? null, JSON.stringify(h.statuses));
    const addr = this.db.prepare('INSERT INTO host_addresses (host_id, ip, addr) VALUES (?, ?, ?)');
    for (const a of h.addresses) addr.run(id, a.ip, a.addr);
  }

  domain(d: EscrowDomain): void {
    const id = this.idFor(d.roid, 'D', 'domains');
    const contactId = (handle: string) => {
      const c = this.db.prepare('SELECT id FROM contacts WHERE handle = ?').pluck().get(handle) as number | undefined;
      if (c === undefined) throw new Error(`domain ${d.name}: contact ${handle} is not in the deposit`);
      return c;
    };
    const del = d.deletion;
    this.db
      .prepare(
        `INSERT INTO domains (id, name, tld, roid, sponsor_id, creator_id, updater_id, registrant_id, created_at, updated_at, expires_at, transferred_at,
                              auth_hash, statuses, max_sig_life, description, deleted_at, redemption_ends_at, purge_at, restore_requested_at, restore_report_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        d.name,
        d.tld,
        d.roid,
        this.rid(d.sponsorClId),
        this.rid(d.creatorClId),
        this.rid(d.updaterClId),
        d.registrantHandle === null ? null : contactId(d.registrantHandle),
        d.createdAt.getTime(),
        d.updatedAt?.getTime() ?? null,
        d.expiresAt.getTime(),
        d.transferredAt?.getTime() ?? null,
        null, // no authInfo (RFC 9154): deposits hold none; the sponsor sets one when a transfer is wanted
        JSON.stringify(d.statuses),
        d.maxSigLife,
        d.description,
        del?.deletedAt.getTime() ?? null,
        del?.redemptionEndsAt.getTime() ?? null,
        del?.purgeAt.getTime() ?? null,
        del?.restoreRequestedAt?.getTime() ?? null,
        del?.restoreReportBy?.getTime() ?? null,
      );
    const link = this.db.prepare('INSERT INTO domain_contacts (domain_id, type, contact_id) VALUES (?, ?, ?)');
    for (const c of d.contacts) link.run(id, c.type, contactId(c.handle));
    const ns = this.db.prepare('INSERT INTO domain_nameservers (domain_id, host_id) SELECT ?, id FROM hosts WHERE name = ?');
    for (const h of d.hostObjs) if (ns.run(id, h).changes !== 1) throw new Error(`domain ${d.name}: host ${h} is not in the deposit`);
    const attr = this.db.prepare('INSERT INTO domain_host_attrs (domain_id, name, addrs) VALUES (?, ?, ?)');
    for (const a of d.hostAttrs) attr.run(id, a.name, JSON.stringify(a.addrs));
    const ds = this.db.prepare(
      'INSERT INTO domain_ds (domain_id, key_tag, alg, digest_type, digest, key_flags, key_protocol, key_alg, key_pub) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const x of d.ds) ds.run(id, x.keyTag, x.alg, x.digestType, x.digest, x.key?.flags ?? null, x.key?.protocol ?? null, x.key?.alg ?? null, x.key?.pubKey ?? null);
    const key = this.db.prepare('INSERT INTO domain_keys (domain_id, flags, protocol, alg, pub_key) VALUES (?, ?, ?, ?, ?)');
    for (const k of d.keys) key.run(id, k.flags, k.protocol, k.alg, k.pubKey);
    const grace = this.db.prepare('INSERT INTO domain_grace_periods (domain_id, kind, registrar_id, ends_at, amount) VALUES (?, ?, ?, ?, 0)');
    for (const g of d.graces) grace.run(id, g.kind, this.rid(d.sponsorClId), g.endsAt.getTime());
    if (d.transfer) {
      const t = d.transfer;
      this.db
        .prepare(
          `INSERT INTO domain_transfers (domain_id, status, requester_id, losing_id, requested_at, action_at, period_value, period_unit, new_expires_at)
           VALUES (?, ?, ?, ?, ?, ?, 1, 'y', ?)`,
        )
        .run(id, t.status, this.rid(t.requesterClId), this.rid(t.losingClId), t.requestedAt.getTime(), t.actionAt.getTime(), t.newExpiresAt?.getTime() ?? null);
    }
  }

  /** Internal hosts get their superordinate domain (the longest imported domain name the host is under). */
  linkSubordinateHosts(): number {
    return this.db
      .prepare(
        `UPDATE hosts SET superordinate_id = (SELECT d.id FROM domains d WHERE hosts.name LIKE '%.' || d.name ORDER BY length(d.name) DESC LIMIT 1)
          WHERE superordinate_id IS NULL AND EXISTS (SELECT 1 FROM domains d WHERE hosts.name LIKE '%.' || d.name)`,
      )
      .run().changes;
  }

  /** The id sequences continue past the imported rows (roids are never reused). */
  finish(): void {
    const seq = this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = max(CAST(value AS INTEGER), excluded.value)');
    for (const t of ['domains', 'contacts', 'hosts']) seq.run(`sequence.${t}`, String((this.db.prepare(`SELECT MAX(id) FROM ${t}`).pluck().get() as number | null) ?? 0));
  }
}
