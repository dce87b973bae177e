import type { SqlDb } from './db.js';
import type {
  ApiToken,
  DomainFacts,
  HttpChannel,
  HttpRepo,
  HttpRequestRecord,
  IdempotencyRecord,
  NameserverSet,
  OteRun,
  PollFilter,
  PollRow,
  ProtectedName,
  RegistrantMeta,
  RequestSelection,
  TransferIntent,
} from '../http-repo.js';

const date = (v: number | null): Date | null => (v === null ? null : new Date(v));

interface TokenRow {
  id: number;
  registrar_id: number;
  channel_id: string;
  prefix: string;
  scopes: string;
  label: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

function toToken(r: TokenRow): ApiToken {
  return {
    id: r.id,
    registrarId: r.registrar_id,
    channelId: r.channel_id,
    prefix: r.prefix,
    scopes: JSON.parse(r.scopes) as string[],
    label: r.label,
    createdAt: new Date(r.created_at),
    lastUsedAt: date(r.last_used_at),
    revokedAt: date(r.revoked_at),
  };
}

interface RequestRow {
  id: number;
  request_id: string;
  at: number;
  registrar_id: number | null;
  token_id: number | null;
  channel_id: string | null;
  method: string;
  path: string;
  command: string;
  domain: string | null;
  idempotency_key: string | null;
  replay_of: string | null;
  http_status: number;
  epp_code: number | null;
  error_code: string | null;
  request_body: string | null;
  response_body: string | null;
  rate_limit: string | null;
  duration_us: number | null;
}

function toRequest(r: RequestRow): HttpRequestRecord {
  return {
    seq: r.id,
    requestId: r.request_id,
    at: new Date(r.at),
    registrarId: r.registrar_id,
    tokenId: r.token_id,
    channelId: r.channel_id,
    method: r.method,
    path: r.path,
    command: r.command,
    domain: r.domain,
    idempotencyKey: r.idempotency_key,
    replayOf: r.replay_of,
    httpStatus: r.http_status,
    eppCode: r.epp_code,
    errorCode: r.error_code,
    requestBody: r.request_body,
    responseBody: r.response_body,
    rateLimit: r.rate_limit,
    durationUs: r.duration_us,
  };
}

interface NsRow {
  domain_id: number;
  name: string;
  registrar_id: number;
  hosts: string;
  status: NameserverSet['status'];
  detail: string | null;
  request_id: string;
  requested_at: number;
  applied_at: number | null;
}

function toNs(r: NsRow): NameserverSet {
  return {
    domainId: r.domain_id,
    name: r.name,
    registrarId: r.registrar_id,
    hosts: JSON.parse(r.hosts) as string[],
    status: r.status,
    detail: r.detail,
    requestId: r.request_id,
    requestedAt: new Date(r.requested_at),
    appliedAt: date(r.applied_at),
  };
}

interface ProtectedRow {
  name: string;
  reason: string;
  reserved_in_policy: number;
  protected_at: number;
  decision: string | null;
  decided_by: string | null;
  decided_at: number | null;
}

function toProtected(r: ProtectedRow): ProtectedName {
  return {
    name: r.name,
    reason: r.reason,
    reservedInPolicy: r.reserved_in_policy === 1,
    protectedAt: new Date(r.protected_at),
    decision: r.decision,
    decidedBy: r.decided_by,
    decidedAt: date(r.decided_at),
  };
}

const POLL_COLUMNS = `a.id AS "auditId", a.at, a.source, a.command AS "eppCommand", a.object, a.cl_trid AS "clTRID", a.sv_trid AS "svTRID", a.code,
  h.request_id AS "requestId", h.command AS "httpCommand", h.idempotency_key AS "idempotencyKey", h.http_status AS "httpStatus",
  h.replay_of AS "replayOf", h.channel_id AS "channelId", ti.id AS "intentId", ti.status AS "intentStatus", ti.gaining AS "intentGaining"`;

/**
 * HTTP rows join their request by request id (the audit row's cl_trid holds it); the rows of a transfer intent
 * (recorded, or an approval) and the replays of its request join the intent that request recorded.
 */
const POLL_FROM = `audit_log a LEFT JOIN http_requests h ON a.source = 'http' AND h.request_id = a.cl_trid
  LEFT JOIN http_transfer_intents ti ON a.source = 'http' AND ti.request_id = CASE
    WHEN a.command IN ('http:transfer-intent', 'domain:transfer-approve') THEN a.cl_trid
    WHEN a.command = 'http:replay' THEN h.replay_of END`;

type PollDbRow = Omit<PollRow, 'at' | 'transferIntent'> & { at: number; intentId: number | null; intentStatus: string | null; intentGaining: string | null };

function toPoll({ intentId, intentStatus, intentGaining, ...r }: PollDbRow): PollRow {
  const transferIntent = intentId === null ? null : { id: intentId, status: intentStatus!, gaining: JSON.parse(intentGaining!) as Record<string, unknown> };
  return { ...r, at: new Date(r.at), transferIntent };
}

export class SqlHttpRepo implements HttpRepo {
  private readonly tokenStmt;
  private readonly touchStmt;
  private readonly idemStmt;
  private readonly logStmt;
  private readonly factsStmt;
  constructor(private readonly db: SqlDb) {
    this.tokenStmt = db.prepare<[string], TokenRow>('SELECT * FROM http_tokens WHERE token_sha256 = ? AND revoked_at IS NULL');
    this.touchStmt = db.prepare('UPDATE http_tokens SET last_used_at = ? WHERE id = ?');
    this.idemStmt = db.prepare<[number, string, number], Record<string, unknown>>(
      'SELECT * FROM http_idempotency WHERE registrar_id = ? AND key = ? AND expires_at > ?',
    );
    this.logStmt = db.prepare(
      `INSERT INTO http_requests (request_id, at, registrar_id, token_id, channel_id, method, path, command, domain, idempotency_key, replay_of,
         http_status, epp_code, error_code, request_body, response_body, rate_limit, duration_us)
       VALUES (@requestId, @at, @registrarId, @tokenId, @channelId, @method, @path, @command, @domain, @idempotencyKey, @replayOf,
         @httpStatus, @eppCode, @errorCode, @requestBody, @responseBody, @rateLimit, @durationUs)`,
    );
    this.factsStmt = db.prepare<[string], { id: number; name: string; tld: string; sponsor_id: number; expires_at: number; created_at: number }>(
      'SELECT id, name, tld, sponsor_id, expires_at, created_at FROM domains WHERE name = ?',
    );
  }

  // ---------------------------------------------------------------- channels and tokens

  async channel(id: string): Promise<HttpChannel | undefined> {
    const r = (await this.db.prepare('SELECT * FROM http_channels WHERE id = ?').get(id)) as
      | { id: string; registrar_id: number; tlds: string | null; production_approved: number; created_at: number }
      | undefined;
    return (
      r && {
        id: r.id,
        registrarId: r.registrar_id,
        tlds: r.tlds === null ? null : (JSON.parse(r.tlds) as string[]),
        productionApproved: r.production_approved === 1,
        createdAt: new Date(r.created_at),
      }
    );
  }
  async insertChannel(c: HttpChannel) {
    await this.db
      .prepare('INSERT INTO http_channels (id, registrar_id, tlds, production_approved, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(c.id, c.registrarId, c.tlds === null ? null : JSON.stringify(c.tlds), c.productionApproved ? 1 : 0, c.createdAt.getTime());
  }
  async insertToken(t: Omit<ApiToken, 'id' | 'lastUsedAt' | 'revokedAt'> & { sha256: string }) {
    return (await this.db
      .pluck<unknown[], number>('INSERT INTO http_tokens (registrar_id, channel_id, token_sha256, prefix, scopes, label, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id')
      .get(t.registrarId, t.channelId, t.sha256, t.prefix, JSON.stringify(t.scopes), t.label, t.createdAt.getTime()))!;
  }
  async tokenBySha256(sha256: string) {
    const r = await this.tokenStmt.get(sha256);
    return r && toToken(r);
  }
  async tokens(registrarId?: number) {
    const rows = (await this.db
      .prepare('SELECT * FROM http_tokens WHERE (CAST(? AS BIGINT) IS NULL OR registrar_id = ?) ORDER BY id')
      .all(registrarId ?? null, registrarId ?? null)) as TokenRow[];
    return rows.map(toToken);
  }
  async revokeToken(id: number, now: Date) {
    return (await this.db.prepare('UPDATE http_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now.getTime(), id)).changes === 1;
  }
  async touchToken(id: number, now: Date) {
    await this.touchStmt.run(now.getTime(), id);
  }

  // ---------------------------------------------------------------- request log and idempotency

  async logRequest(r: HttpRequestRecord) {
    const { seq: _seq, ...row } = r;
    await this.logStmt.run({ ...row, at: r.at.getTime() });
  }
  async requests(registrarId: number, o: RequestSelection) {
    const where = ['registrar_id = @registrarId'];
    const params: Record<string, unknown> = { registrarId };
    if (o.from) (where.push('at >= @from'), (params.from = o.from.getTime()));
    if (o.to) (where.push('at <= @to'), (params.to = o.to.getTime()));
    if (o.fromSeq !== undefined) (where.push('id >= @fromSeq'), (params.fromSeq = o.fromSeq));
    if (o.toSeq !== undefined) (where.push('id <= @toSeq'), (params.toSeq = o.toSeq));
    if (o.channelId) (where.push('channel_id = @channelId'), (params.channelId = o.channelId));
    if (o.command) (where.push('command = @command'), (params.command = o.command));
    const sets: string[] = [];
    if (o.keys && o.keys.length > 0) {
      sets.push(`idempotency_key IN (${o.keys.map((_, i) => `@k${i}`).join(', ')})`);
      o.keys.forEach((k, i) => (params[`k${i}`] = k));
    }
    if (o.requestIds && o.requestIds.length > 0) {
      sets.push(`request_id IN (${o.requestIds.map((_, i) => `@r${i}`).join(', ')})`);
      o.requestIds.forEach((k, i) => (params[`r${i}`] = k));
    }
    if (sets.length > 0) where.push(`(${sets.join(' OR ')})`);
    const rows = (await this.db.prepare(`SELECT * FROM http_requests WHERE ${where.join(' AND ')} ORDER BY id`).all(params)) as RequestRow[];
    return rows.map(toRequest);
  }
  async claimIdempotency(pending: IdempotencyRecord, now: Date): Promise<IdempotencyRecord | undefined> {
    // Only an expired record is replaced; a live one (finished or pending) is the caller's to answer from.
    const { changes } = await this.db
      .prepare(
        `INSERT INTO http_idempotency (registrar_id, key, fingerprint, request_id, command, domain, http_status, epp_code, response, created_at, expires_at)
         VALUES (@registrarId, @key, @fingerprint, @requestId, @command, @domain, @httpStatus, @eppCode, @response, @createdAt, @expiresAt)
         ON CONFLICT (registrar_id, key) DO UPDATE SET fingerprint = excluded.fingerprint, request_id = excluded.request_id,
           command = excluded.command, domain = excluded.domain, http_status = excluded.http_status, epp_code = excluded.epp_code,
           response = excluded.response, created_at = excluded.created_at, expires_at = excluded.expires_at
         WHERE http_idempotency.expires_at <= @now`,
      )
      .run({ ...pending, createdAt: pending.createdAt.getTime(), expiresAt: pending.expiresAt.getTime(), now: now.getTime() });
    return changes === 1 ? undefined : this.idempotency(pending.registrarId, pending.key, now);
  }
  async releaseIdempotency(registrarId: number, key: string, requestId: string) {
    await this.db.prepare('DELETE FROM http_idempotency WHERE registrar_id = ? AND key = ? AND request_id = ?').run(registrarId, key, requestId);
  }
  async idempotency(registrarId: number, key: string, now: Date): Promise<IdempotencyRecord | undefined> {
    const r = await this.idemStmt.get(registrarId, key, now.getTime());
    if (!r) return undefined;
    return {
      registrarId: r.registrar_id as number,
      key: r.key as string,
      fingerprint: r.fingerprint as string,
      requestId: r.request_id as string,
      command: r.command as string,
      domain: r.domain as string | null,
      httpStatus: r.http_status as number,
      eppCode: r.epp_code as number | null,
      response: r.response as string,
      createdAt: new Date(r.created_at as number),
      expiresAt: new Date(r.expires_at as number),
    };
  }
  async saveIdempotency(r: IdempotencyRecord) {
    // An expired record of the same key is replaced: past its retention a key may be used again.
    await this.db
      .prepare(
        `INSERT INTO http_idempotency (registrar_id, key, fingerprint, request_id, command, domain, http_status, epp_code, response, created_at, expires_at)
         VALUES (@registrarId, @key, @fingerprint, @requestId, @command, @domain, @httpStatus, @eppCode, @response, @createdAt, @expiresAt)
         ON CONFLICT (registrar_id, key) DO UPDATE SET fingerprint = excluded.fingerprint, request_id = excluded.request_id,
           command = excluded.command, domain = excluded.domain, http_status = excluded.http_status, epp_code = excluded.epp_code,
           response = excluded.response, created_at = excluded.created_at, expires_at = excluded.expires_at`,
      )
      .run({ ...r, createdAt: r.createdAt.getTime(), expiresAt: r.expiresAt.getTime() });
  }
  async expireIdempotency(now: Date) {
    return (await this.db.prepare('DELETE FROM http_idempotency WHERE expires_at <= ?').run(now.getTime())).changes;
  }
  async poll(f: PollFilter): Promise<PollRow[]> {
    const where = ['a.registrar_id = @registrarId'];
    const params: Record<string, unknown> = { registrarId: f.registrarId, limit: f.limit };
    if (f.idempotencyKey !== undefined) (where.push('h.idempotency_key = @key'), (params.key = f.idempotencyKey));
    if (f.requestId !== undefined) (where.push('h.request_id = @requestId'), (params.requestId = f.requestId));
    if (f.domain !== undefined) (where.push('a.object = @domain'), (params.domain = f.domain));
    if (f.status === 'success') where.push('a.code < 2000');
    if (f.status === 'error') where.push('a.code >= 2000');
    if (f.beforeId !== undefined) (where.push('a.id < @beforeId'), (params.beforeId = f.beforeId));
    if (f.commands && f.commands.length > 0) {
      const names = f.commands.map((_, i) => `@c${i}`).join(', ');
      where.push(`(h.command IN (${names}) OR (h.command IS NULL AND a.command IN (${names})))`);
      f.commands.forEach((c, i) => (params[`c${i}`] = c));
    }
    const rows = (await this.db.prepare(`SELECT ${POLL_COLUMNS} FROM ${POLL_FROM} WHERE ${where.join(' AND ')} ORDER BY a.id DESC LIMIT @limit`).all(params)) as PollDbRow[];
    return rows.map(toPoll);
  }
  async auditRowsOf(requestIds: string[]): Promise<PollRow[]> {
    if (requestIds.length === 0) return [];
    const params: Record<string, string> = {};
    requestIds.forEach((r, i) => (params[`r${i}`] = r));
    const rows = (await this.db
      .prepare(`SELECT ${POLL_COLUMNS} FROM ${POLL_FROM} WHERE a.source = 'http' AND a.cl_trid IN (${requestIds.map((_, i) => `@r${i}`).join(', ')}) ORDER BY a.id`)
      .all(params)) as PollDbRow[];
    return rows.map(toPoll);
  }

  // ---------------------------------------------------------------- domain-side records

  async domainFacts(name: string): Promise<DomainFacts | undefined> {
    const r = await this.factsStmt.get(name);
    return r && { id: r.id, name: r.name, tld: r.tld, sponsorId: r.sponsor_id, expiresAt: new Date(r.expires_at), createdAt: new Date(r.created_at) };
  }
  async registrant(domainId: number): Promise<RegistrantMeta | undefined> {
    const r = (await this.db.prepare('SELECT email, external_id, updated_at FROM http_registrants WHERE domain_id = ?').get(domainId)) as
      | { email: string | null; external_id: string | null; updated_at: number }
      | undefined;
    return r && { email: r.email, externalId: r.external_id, updatedAt: new Date(r.updated_at) };
  }
  async setRegistrant(domainId: number, m: { email?: string | null; externalId?: string | null }, now: Date) {
    const cur = await this.registrant(domainId);
    const email = m.email !== undefined ? m.email : (cur?.email ?? null);
    const externalId = m.externalId !== undefined ? m.externalId : (cur?.externalId ?? null);
    await this.db
      .prepare(
        `INSERT INTO http_registrants (domain_id, email, external_id, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (domain_id) DO UPDATE SET email = excluded.email, external_id = excluded.external_id, updated_at = excluded.updated_at`,
      )
      .run(domainId, email, externalId, now.getTime());
  }
  async isSandbox(domainId: number) {
    return (await this.db.prepare('SELECT 1 FROM http_sandbox_objects WHERE domain_id = ?').get(domainId)) !== undefined;
  }
  async markSandbox(domainId: number, name: string, registrarId: number, requestId: string, now: Date) {
    await this.db
      .prepare(
        `INSERT INTO http_sandbox_objects (domain_id, name, registrar_id, request_id, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (domain_id) DO UPDATE SET name = excluded.name, registrar_id = excluded.registrar_id, request_id = excluded.request_id, created_at = excluded.created_at`,
      )
      .run(domainId, name, registrarId, requestId, now.getTime());
  }
  async nameserverSet(domainId: number) {
    const r = (await this.db.prepare('SELECT * FROM http_nameserver_sets WHERE domain_id = ?').get(domainId)) as NsRow | undefined;
    return r && toNs(r);
  }
  async saveNameserverSet(s: NameserverSet) {
    await this.db
      .prepare(
        `INSERT INTO http_nameserver_sets (domain_id, name, registrar_id, hosts, status, detail, request_id, requested_at, applied_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (domain_id) DO UPDATE SET name = excluded.name, registrar_id = excluded.registrar_id, hosts = excluded.hosts,
           status = excluded.status, detail = excluded.detail, request_id = excluded.request_id, requested_at = excluded.requested_at,
           applied_at = excluded.applied_at`,
      )
      .run(s.domainId, s.name, s.registrarId, JSON.stringify(s.hosts), s.status, s.detail, s.requestId, s.requestedAt.getTime(), s.appliedAt?.getTime() ?? null);
  }
  async pendingNameserverSets(limit: number) {
    const rows = (await this.db.prepare("SELECT * FROM http_nameserver_sets WHERE status = 'pending' ORDER BY requested_at LIMIT ?").all(limit)) as NsRow[];
    return rows.map(toNs);
  }
  async addTransferIntent(t: Omit<TransferIntent, 'id'>) {
    return (await this.db
      .pluck<unknown[], number>(
        'INSERT INTO http_transfer_intents (domain_id, name, registrar_id, gaining, status, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
      )
      .get(t.domainId, t.name, t.registrarId, JSON.stringify(t.gaining), t.status, t.requestId, t.createdAt.getTime()))!;
  }
  async transferIntents(domainId: number) {
    const rows = (await this.db.prepare('SELECT * FROM http_transfer_intents WHERE domain_id = ? ORDER BY id').all(domainId)) as Array<{
      id: number;
      domain_id: number;
      name: string;
      registrar_id: number;
      gaining: string;
      status: string;
      request_id: string;
      created_at: number;
    }>;
    return rows.map((r) => ({
      id: r.id,
      domainId: r.domain_id,
      name: r.name,
      registrarId: r.registrar_id,
      gaining: JSON.parse(r.gaining) as Record<string, unknown>,
      status: r.status,
      requestId: r.request_id,
      createdAt: new Date(r.created_at),
    }));
  }

  // ---------------------------------------------------------------- protected names

  async protectedName(name: string) {
    const r = (await this.db.prepare('SELECT * FROM protected_names WHERE name = ?').get(name)) as ProtectedRow | undefined;
    return r && toProtected(r);
  }
  async protectedNames(includeReleased = false) {
    const rows = (await this.db.prepare(`SELECT * FROM protected_names ${includeReleased ? '' : 'WHERE decided_at IS NULL'} ORDER BY name`).all()) as ProtectedRow[];
    return rows.map(toProtected);
  }
  async protect(p: ProtectedName) {
    await this.db
      .prepare(
        `INSERT INTO protected_names (name, reason, reserved_in_policy, protected_at, decision, decided_by, decided_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET reason = excluded.reason, reserved_in_policy = excluded.reserved_in_policy,
           protected_at = excluded.protected_at, decision = excluded.decision, decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
      )
      .run(p.name, p.reason, p.reservedInPolicy ? 1 : 0, p.protectedAt.getTime(), p.decision, p.decidedBy, p.decidedAt?.getTime() ?? null);
  }
  async release(name: string, decision: string, decidedBy: string, now: Date) {
    await this.db.prepare('UPDATE protected_names SET decision = ?, decided_by = ?, decided_at = ? WHERE name = ?').run(decision, decidedBy, now.getTime(), name);
  }

  // ---------------------------------------------------------------- OT&E runs

  async insertOteRun(r: OteRun) {
    await this.db
      .prepare(
        `INSERT INTO http_ote_runs (id, registrar_id, channel_id, name, reviewer, decision, notes, selection, archive, sha256, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(r.id, r.registrarId, r.channelId, r.name, r.reviewer, r.decision, r.notes, r.selection, r.archive, r.sha256, r.createdAt.getTime());
  }
  async oteRun(id: string): Promise<OteRun | undefined> {
    const r = (await this.db.prepare('SELECT * FROM http_ote_runs WHERE id = ?').get(id)) as Record<string, unknown> | undefined;
    if (!r) return undefined;
    return {
      id: r.id as string,
      registrarId: r.registrar_id as number,
      channelId: r.channel_id as string | null,
      name: r.name as string,
      reviewer: r.reviewer as string,
      decision: r.decision as string,
      notes: r.notes as string | null,
      selection: r.selection as string,
      archive: r.archive as string,
      sha256: r.sha256 as string,
      createdAt: new Date(r.created_at as number),
    };
  }
}
