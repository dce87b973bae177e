import type Database from 'better-sqlite3';
import { HOSTS, type Cmd, type Model } from './workload.js';

/**
 * What must hold in the database after any crash, as SQL over the whole database: each check selects the
 * rows that break it. They hold for every object, whether or not a client ever heard of the command that
 * made it, so a half-applied command shows up even when its response never left the server.
 *
 * The rules are those of the crash workload (workload.ts): every domain is created with a registrant, one
 * admin, one tech contact and the two nameservers HOSTS, paying `price`; an update sets clientHold and makes
 * the tech contact the admin, or undoes both; transfers are requested, then approved by the sponsor.
 */
const HELD = "EXISTS (SELECT 1 FROM json_each(f.statuses) WHERE value = 'clientHold')";
const contactOf = (type: string) => `(SELECT contact_id FROM domain_contacts WHERE domain_id = f.id AND type = '${type}')`;

/**
 * Per domain, what the audit log, the ledger and the transfer table say about it. Grouped first and joined by
 * name, so that a check costs a few passes over each table however large a long run makes them.
 */
const FACTS = `
  WITH audits AS (SELECT object, command, code, count(*) AS n, min(registrar_id) AS rid_min, max(registrar_id) AS rid_max FROM audit_log
                  -- The updates that only set an authInfo before a transfer request (clTRID …-auth) are not the clientHold toggles.
                  WHERE NOT (command = 'domain:update' AND cl_trid LIKE '%-auth')
                  GROUP BY 1, 2, 3),
       debits AS (SELECT object, count(*) AS n, min(registrar_id) AS rid_min, max(registrar_id) AS rid_max, min(amount) AS amount_min, max(amount) AS amount_max
                  FROM billing_ledger WHERE kind = 'create' GROUP BY 1),
       transfers AS (SELECT domain_id, count(*) AS requests, sum(status = 'clientApproved') AS approvals, sum(status = 'pending') AS pending
                     FROM domain_transfers GROUP BY 1),
       f AS (
         SELECT d.*,
           coalesce(ca.n, 0) AS create_audits, ca.rid_min AS create_audit_rid_min, ca.rid_max AS create_audit_rid_max,
           coalesce(ua.n, 0) AS update_audits, coalesce(ra.n, 0) AS request_audits, coalesce(aa.n, 0) AS approve_audits,
           coalesce(db.n, 0) AS create_debits, db.rid_min AS debit_rid_min, db.rid_max AS debit_rid_max, db.amount_min, db.amount_max,
           coalesce(t.requests, 0) AS requests, coalesce(t.approvals, 0) AS approvals, coalesce(t.pending, 0) AS pending
         FROM domains d
         LEFT JOIN audits ca ON ca.object = d.name AND ca.command = 'domain:create' AND ca.code = 1000
         LEFT JOIN audits ua ON ua.object = d.name AND ua.command = 'domain:update' AND ua.code = 1000
         LEFT JOIN audits ra ON ra.object = d.name AND ra.command = 'domain:transfer-request' AND ra.code = 1001
         LEFT JOIN audits aa ON aa.object = d.name AND aa.command = 'domain:transfer-approve' AND aa.code = 1000
         LEFT JOIN debits db ON db.object = d.name
         LEFT JOIN transfers t ON t.domain_id = d.id)`;

function checks(price: number): Array<[string, string]> {
  const perDomain = (where: string) => `${FACTS} SELECT f.name FROM f WHERE ${where}`;
  return [
    // ---- a domain is whole: registrant, contacts, nameservers, charge, grace period, audit row
    [
      'domain without its registrant, one admin and one tech contact',
      perDomain(`f.registrant_id IS NULL
         OR (SELECT count(*) FROM domain_contacts c WHERE c.domain_id = f.id AND c.type = 'admin') != 1
         OR (SELECT count(*) FROM domain_contacts c WHERE c.domain_id = f.id AND c.type = 'tech') != 1
         OR (SELECT count(*) FROM domain_contacts c WHERE c.domain_id = f.id AND c.type = 'billing') != 0`),
    ],
    [`domain without its ${HOSTS.length} nameservers`, perDomain(`(SELECT count(*) FROM domain_nameservers n WHERE n.domain_id = f.id) != ${HOSTS.length}`)],
    [
      'domain without exactly one successful domain:create audit row, by its creator',
      perDomain('f.create_audits != 1 OR f.create_audit_rid_min != f.creator_id OR f.create_audit_rid_max != f.creator_id'),
    ],
    [
      'successful domain:create audit row without its domain',
      `SELECT a.object, a.sv_trid FROM audit_log a WHERE a.command = 'domain:create' AND a.code = 1000 AND NOT EXISTS (SELECT 1 FROM domains d WHERE d.name = a.object)`,
    ],
    [
      'domain without exactly one create debit of its creator',
      perDomain(`f.create_debits != 1 OR f.debit_rid_min != f.creator_id OR f.debit_rid_max != f.creator_id OR f.amount_min != -${price} OR f.amount_max != -${price}`),
    ],
    ['create debit without its domain', `SELECT l.id, l.object FROM billing_ledger l WHERE l.kind = 'create' AND NOT EXISTS (SELECT 1 FROM domains d WHERE d.name = l.object)`],
    [
      'domain without exactly its one grace period (add by the creator; transfer by the sponsor once transferred)',
      perDomain(`(SELECT count(*) FROM domain_grace_periods g WHERE g.domain_id = f.id) != 1
          OR NOT EXISTS (SELECT 1 FROM domain_grace_periods g WHERE g.domain_id = f.id AND g.amount = ${price} AND
               CASE WHEN f.approvals > 0 THEN g.kind = 'transfer' AND g.registrar_id = f.sponsor_id ELSE g.kind = 'add' AND g.registrar_id = f.creator_id END)`),
    ],
    [
      'expiry not one year after creation plus one per approved transfer',
      perDomain(
        "CAST(strftime('%Y', f.expires_at / 1000, 'unixepoch') AS INTEGER) - CAST(strftime('%Y', f.created_at / 1000, 'unixepoch') AS INTEGER) != 1 + f.approvals",
      ),
    ],
    // ---- updates: clientHold and the admin swap go together, and match the audit trail
    ['clientHold without the admin swap (or the swap without clientHold)', perDomain(`${HELD} != (${contactOf('admin')} = ${contactOf('tech')})`)],
    ['clientHold not matching the number of successful updates audited', perDomain(`${HELD} != (f.update_audits % 2 = 1)`)],
    // ---- transfers: rows, statuses, sponsorship, charges and poll messages match the audit trail
    ['transfer requests not matching the successful transfer-request audit rows', perDomain('f.requests != f.request_audits')],
    ['approved transfers not matching the successful transfer-approve audit rows', perDomain('f.approvals != f.approve_audits')],
    [
      'successful update or transfer audit row of a domain that does not exist',
      `SELECT a.command, a.object FROM audit_log a
       WHERE a.command IN ('domain:update', 'domain:transfer-request', 'domain:transfer-approve') AND a.code IN (1000, 1001)
         AND NOT EXISTS (SELECT 1 FROM domains d WHERE d.name = a.object)`,
    ],
    ['transfer neither pending nor approved by the sponsor', `SELECT t.id, t.status FROM domain_transfers t WHERE t.status NOT IN ('pending', 'clientApproved')`],
    [
      'pendingTransfer status without a pending transfer, or the other way round',
      perDomain("EXISTS (SELECT 1 FROM json_each(f.statuses) WHERE value = 'pendingTransfer') != (f.pending = 1)"),
    ],
    [
      'sponsor or transfer date not those of the last approved transfer (the creator when none)',
      `SELECT d.name FROM domains d LEFT JOIN (
         SELECT t.domain_id, t.requester_id, t.action_at FROM domain_transfers t
         WHERE t.status = 'clientApproved' AND t.id = (SELECT max(u.id) FROM domain_transfers u WHERE u.domain_id = t.domain_id AND u.status = 'clientApproved')
       ) last ON last.domain_id = d.id
       WHERE d.sponsor_id != coalesce(last.requester_id, d.creator_id) OR d.transferred_at IS NOT last.action_at`,
    ],
    [
      'approved transfers not matching the transfer debits of the gaining registrar',
      `WITH a AS (SELECT d.name, t.requester_id AS rid, count(*) AS n FROM domain_transfers t JOIN domains d ON d.id = t.domain_id
                  WHERE t.status = 'clientApproved' GROUP BY 1, 2),
            l AS (SELECT object AS name, registrar_id AS rid, count(*) AS n FROM billing_ledger WHERE kind = 'transfer' GROUP BY 1, 2)
       SELECT coalesce(a.name, l.name) AS name, coalesce(a.rid, l.rid) AS registrar, a.n AS approved, l.n AS debits
       FROM a FULL OUTER JOIN l ON a.name = l.name AND a.rid = l.rid WHERE coalesce(a.n, 0) != coalesce(l.n, 0)`,
    ],
    [
      "transfer requests not matching the losing registrar's 'Transfer requested.' poll messages",
      pollMatch("SELECT d.name, t.losing_id AS rid, count(*) AS n FROM domain_transfers t JOIN domains d ON d.id = t.domain_id GROUP BY 1, 2", 'Transfer requested.'),
    ],
    [
      "approved transfers not matching the gaining registrar's 'Transfer approved.' poll messages",
      pollMatch(
        "SELECT d.name, t.requester_id AS rid, count(*) AS n FROM domain_transfers t JOIN domains d ON d.id = t.domain_id WHERE t.status = 'clientApproved' GROUP BY 1, 2",
        'Transfer approved.',
      ),
    ],
    ['poll message the workload cannot cause', `SELECT id, message FROM poll_messages WHERE message NOT IN ('Transfer requested.', 'Transfer approved.')`],
    // ---- contacts
    [
      'contact without exactly one successful contact:create audit row, by its creator',
      `SELECT c.handle FROM contacts c
       LEFT JOIN (SELECT object, count(*) AS n, min(registrar_id) AS rid_min, max(registrar_id) AS rid_max FROM audit_log
                  WHERE command = 'contact:create' AND code = 1000 GROUP BY 1) a ON a.object = c.handle
       WHERE coalesce(a.n, 0) != 1 OR a.rid_min != c.creator_id OR a.rid_max != c.creator_id`,
    ],
    [
      'successful contact:create audit row without its contact',
      `SELECT a.object, a.sv_trid FROM audit_log a WHERE a.command = 'contact:create' AND a.code = 1000 AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.handle = a.object)`,
    ],
    // ---- money: every change of a balance is in the ledger, and the ledger adds up
    [
      'balance not equal to the sum of its ledger',
      `SELECT r.cl_id, r.balance, s.total FROM registrars r LEFT JOIN (SELECT registrar_id, sum(amount) AS total FROM billing_ledger GROUP BY 1) s ON s.registrar_id = r.id
       WHERE r.balance != coalesce(s.total, 0)`,
    ],
    [
      'ledger row whose balance_after is not the running sum',
      `SELECT id, registrar_id, balance_after, running FROM (
         SELECT id, registrar_id, balance_after, sum(amount) OVER (PARTITION BY registrar_id ORDER BY id) AS running FROM billing_ledger
       ) WHERE balance_after != running`,
    ],
    [
      'ledger row the workload cannot cause',
      `SELECT id, kind, amount FROM billing_ledger WHERE NOT ((kind = 'credit' AND amount > 0) OR (kind IN ('create', 'transfer') AND amount = -${price}))`,
    ],
  ];
}

/** Per (domain, registrar): the counts `expected` gives against the poll messages with this text naming the domain. */
function pollMatch(expected: string, message: string): string {
  return `WITH e AS (${expected}),
            p AS (SELECT json_extract(data, '$.name') AS name, registrar_id AS rid, count(*) AS n FROM poll_messages
                  WHERE message = '${message}' AND kind = 'domainTransfer' GROUP BY 1, 2)
          SELECT coalesce(e.name, p.name) AS name, coalesce(e.rid, p.rid) AS registrar, e.n AS expected, p.n AS messages
          FROM e FULL OUTER JOIN p ON e.name = p.name AND e.rid = p.rid WHERE coalesce(e.n, 0) != coalesce(p.n, 0)`;
}

/** Every broken invariant of the whole database, with up to five offending rows each. */
export function databaseViolations(db: Database.Database, price: number): string[] {
  const out: string[] = [];
  const integrity = db.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') out.push(`integrity_check: ${integrity}`);
  const fk = db.pragma('foreign_key_check') as unknown[];
  if (fk.length > 0) out.push(`foreign_key_check: ${JSON.stringify(fk.slice(0, 5))}`);
  for (const [what, sql] of checks(price)) {
    const rows = db.prepare(sql).all();
    if (rows.length > 0) out.push(`${what} (${rows.length}): ${JSON.stringify(rows.slice(0, 5))}`);
  }
  return out;
}

/** The audit rows of the workload's commands, by clTRID. */
export function auditByClTRID(db: Database.Database): Map<string, { sv_trid: string; code: number; command: string; object: string | null }> {
  const rows = db.prepare("SELECT cl_trid, sv_trid, code, command, object FROM audit_log WHERE cl_trid LIKE 'crash-w%'").all() as Array<{
    cl_trid: string;
    sv_trid: string;
    code: number;
    command: string;
    object: string | null;
  }>;
  return new Map(rows.map((r) => [r.cl_trid, r]));
}

/** Acknowledged commands whose audit row (the same svTRID and result) is not in the database. */
export function lostAcknowledged(audit: ReturnType<typeof auditByClTRID>, acked: Cmd[]): string[] {
  const out: string[] = [];
  for (const c of acked) {
    const row = audit.get(c.clTRID);
    if (!row || row.sv_trid !== c.ack!.svTRID || row.code !== c.ack!.code || row.command !== c.command || row.object !== c.object) {
      out.push(`acknowledged ${c.command} ${c.object} (${c.clTRID}, ${c.ack!.code} ${c.ack!.svTRID}) is not in the audit log as answered: ${JSON.stringify(row)}`);
    }
  }
  return out;
}

/**
 * Differences between the database and the model (the effects of every committed command of the workload):
 * a lost acknowledged change, a change without its audit row, or part of a command, shows up here.
 */
export function modelViolations(db: Database.Database, model: Model): string[] {
  const out: string[] = [];
  const rows = db
    .prepare(
      `SELECT d.name, s.cl_id AS sponsor, c.cl_id AS creator, r.handle AS registrant, d.statuses,
         (SELECT k.handle FROM domain_contacts x JOIN contacts k ON k.id = x.contact_id WHERE x.domain_id = d.id AND x.type = 'admin') AS admin,
         (SELECT k.handle FROM domain_contacts x JOIN contacts k ON k.id = x.contact_id WHERE x.domain_id = d.id AND x.type = 'tech') AS tech,
         (SELECT group_concat(name, ' ') FROM (SELECT h.name FROM domain_nameservers n JOIN hosts h ON h.id = n.host_id WHERE n.domain_id = d.id ORDER BY h.name)) AS ns,
         (SELECT count(*) FROM domain_transfers t WHERE t.domain_id = d.id) AS requests,
         (SELECT count(*) FROM domain_transfers t WHERE t.domain_id = d.id AND t.status = 'clientApproved') AS approvals
       FROM domains d JOIN registrars s ON s.id = d.sponsor_id JOIN registrars c ON c.id = d.creator_id LEFT JOIN contacts r ON r.id = d.registrant_id`,
    )
    .all() as Array<Record<string, string | number | null>>;
  const inDb = new Map(rows.map((r) => [r.name as string, r]));
  for (const d of model.domains.values()) {
    const r = inDb.get(d.name);
    if (!r) {
      out.push(`domain ${d.name} is missing`);
      continue;
    }
    const statuses = JSON.parse(r.statuses as string) as string[];
    const want = {
      sponsor: d.sponsor,
      creator: d.creator,
      registrant: d.registrant,
      admin: d.held ? d.tech : d.admin,
      tech: d.tech,
      ns: [...HOSTS].sort().join(' '),
      requests: d.requests,
      approvals: d.approvals,
      clientHold: d.held,
      pendingTransfer: d.pendingTransfer,
    };
    const got = { ...want, ...pick(r, ['sponsor', 'creator', 'registrant', 'admin', 'tech', 'ns', 'requests', 'approvals']) };
    got.clientHold = statuses.includes('clientHold');
    got.pendingTransfer = statuses.includes('pendingTransfer');
    if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`domain ${d.name}: expected ${JSON.stringify(want)}, database has ${JSON.stringify(got)}`);
  }
  for (const name of inDb.keys()) if (!model.domains.has(name)) out.push(`domain ${name} is in the database, but no committed command created it`);

  const contacts = db.prepare('SELECT c.handle, r.cl_id FROM contacts c JOIN registrars r ON r.id = c.sponsor_id').all() as Array<{ handle: string; cl_id: string }>;
  const contactsInDb = new Map(contacts.map((c) => [c.handle, c.cl_id]));
  for (const [handle, reg] of model.contacts) {
    if (contactsInDb.get(handle) !== reg) out.push(`contact ${handle} of ${reg}: database has ${contactsInDb.get(handle) ?? 'nothing'}`);
  }
  for (const handle of contactsInDb.keys()) if (!model.contacts.has(handle)) out.push(`contact ${handle} is in the database, but no committed command created it`);
  return out;
}

function pick<T extends Record<string, unknown>>(r: T, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, r[k]]));
}
