/**
 * What the HTTP registrar API keeps beside the registry objects (src/http): channels and API tokens,
 * idempotency records, the request log, registrant metadata of HTTP-created domains, sandbox markers,
 * desired nameserver sets, transfer intents, protected names and recorded OT&E runs. Registry objects
 * themselves are only ever changed through the command handlers (CommandRunner.execute); the few reads
 * of the domain tables here serve the gateway's own decisions (e.g. the current expiry a renew names).
 * Rows that hang off a domain go with it (ON DELETE CASCADE): a purged name leaves no metadata behind.
 */

/** A registrar channel: the binding of API tokens to a registrar, with its approved namespaces. */
export interface HttpChannel {
  id: string;
  registrarId: number;
  /** Approved TLDs (namespace listings); null: every TLD the registry serves. */
  tlds: string[] | null;
  productionApproved: boolean;
  createdAt: Date;
}

export interface ApiToken {
  id: number;
  registrarId: number;
  channelId: string;
  /** First characters of the token, to recognise it in listings (never enough to use it). */
  prefix: string;
  scopes: string[];
  label: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** One HTTP request as the request log keeps it (bodies with secrets masked). */
export interface HttpRequestRecord {
  /** Order of arrival in the log (set when read back). */
  seq?: number;
  requestId: string;
  at: Date;
  registrarId: number | null;
  tokenId: number | null;
  channelId: string | null;
  method: string;
  path: string;
  command: string;
  domain: string | null;
  idempotencyKey: string | null;
  /** Request id whose stored response this request replayed. */
  replayOf: string | null;
  httpStatus: number;
  eppCode: number | null;
  errorCode: string | null;
  requestBody: string | null;
  responseBody: string | null;
  /** JSON of the rate-limit headers sent: {limit, remaining, reset, retryAfter?}. */
  rateLimit: string | null;
  durationUs: number | null;
}

export interface RequestSelection {
  from?: Date;
  to?: Date;
  fromSeq?: number;
  toSeq?: number;
  keys?: string[];
  requestIds?: string[];
  channelId?: string;
  command?: string;
}

/** The http_status of a key claimed by a request still running. */
export const IDEMPOTENCY_PENDING = 0;

export interface IdempotencyRecord {
  registrarId: number;
  key: string;
  fingerprint: string;
  requestId: string;
  command: string;
  domain: string | null;
  /** 0 while the request is running (IDEMPOTENCY_PENDING). */
  httpStatus: number;
  eppCode: number | null;
  /** The JSON response body, exactly as first sent. */
  response: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface RegistrantMeta {
  email: string | null;
  externalId: string | null;
  updatedAt: Date;
}

export interface NameserverSet {
  domainId: number;
  name: string;
  registrarId: number;
  hosts: string[];
  status: 'pending' | 'applied' | 'failed';
  detail: string | null;
  requestId: string;
  requestedAt: Date;
  appliedAt: Date | null;
}

export interface TransferIntent {
  id: number;
  domainId: number;
  name: string;
  registrarId: number;
  gaining: Record<string, unknown>;
  status: string;
  requestId: string;
  createdAt: Date;
}

export interface ProtectedName {
  name: string;
  reason: string;
  /** Whether `protect` added the label to the TLD policy's reservedNames (so that `unprotect` removes it again). */
  reservedInPolicy: boolean;
  protectedAt: Date;
  decision: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
}

export interface OteRun {
  id: string;
  registrarId: number;
  channelId: string | null;
  name: string;
  reviewer: string;
  decision: string;
  notes: string | null;
  /** JSON of what selected the run's requests (window, keys, request ids). */
  selection: string;
  archive: string;
  sha256: string;
  createdAt: Date;
}

/** An audit row as GET /poll shows it: the audit_log row, with its HTTP request when it came through the API. */
export interface PollRow {
  auditId: number;
  at: Date;
  source: string;
  eppCommand: string;
  object: string | null;
  clTRID: string | null;
  svTRID: string;
  code: number;
  requestId: string | null;
  httpCommand: string | null;
  idempotencyKey: string | null;
  httpStatus: number | null;
  replayOf: string | null;
  channelId: string | null;
  /** The transfer intent the row's request recorded (intent and approval rows, and replays of them). */
  transferIntent: { id: number; status: string; gaining: Record<string, unknown> } | null;
}

export interface PollFilter {
  registrarId: number;
  idempotencyKey?: string;
  requestId?: string;
  /** HTTP command names (create_domain) and the EPP command names they stand for (domain:create). */
  commands?: string[];
  status?: 'success' | 'error';
  domain?: string;
  /** Only rows with an id below this (paging backwards). */
  beforeId?: number;
  limit: number;
}

/** The live domain facts the gateway needs for its own decisions. */
export interface DomainFacts {
  id: number;
  name: string;
  tld: string;
  sponsorId: number;
  expiresAt: Date;
  createdAt: Date;
}

export interface HttpRepo {
  // ---- channels and tokens
  channel(id: string): Promise<HttpChannel | undefined>;
  insertChannel(c: HttpChannel): Promise<void>;
  insertToken(t: Omit<ApiToken, 'id' | 'lastUsedAt' | 'revokedAt'> & { sha256: string }): Promise<number>;
  /** The live (not revoked) token with this SHA-256. */
  tokenBySha256(sha256: string): Promise<ApiToken | undefined>;
  tokens(registrarId?: number): Promise<ApiToken[]>;
  revokeToken(id: number, now: Date): Promise<boolean>;
  touchToken(id: number, now: Date): Promise<void>;

  // ---- request log and idempotency
  logRequest(r: HttpRequestRecord): Promise<void>;
  /** The registrar's logged requests, in order of arrival; the selections (keys, request ids) are OR-ed, the bounds AND-ed. */
  requests(registrarId: number, opts: RequestSelection): Promise<HttpRequestRecord[]>;
  idempotency(registrarId: number, key: string, now: Date): Promise<IdempotencyRecord | undefined>;
  saveIdempotency(r: IdempotencyRecord): Promise<void>;
  /**
   * Takes the key for a request about to run: stores `pending` (http_status 0, a short expiry) unless a live
   * record of the key exists, which is returned instead (finished, or pending: another request with the
   * key is running). Every server process sees the claim of the others.
   */
  claimIdempotency(pending: IdempotencyRecord, now: Date): Promise<IdempotencyRecord | undefined>;
  /** Gives up the claim of `requestId` on the key (its request failed and stores no outcome). */
  releaseIdempotency(registrarId: number, key: string, requestId: string): Promise<void>;
  /** Forgets idempotency records past their retention; returns how many. */
  expireIdempotency(now: Date): Promise<number>;
  poll(f: PollFilter): Promise<PollRow[]>;
  auditRowsOf(requestIds: string[]): Promise<PollRow[]>;

  // ---- domain-side records
  domainFacts(name: string): Promise<DomainFacts | undefined>;
  registrant(domainId: number): Promise<RegistrantMeta | undefined>;
  setRegistrant(domainId: number, m: { email?: string | null; externalId?: string | null }, now: Date): Promise<void>;
  isSandbox(domainId: number): Promise<boolean>;
  markSandbox(domainId: number, name: string, registrarId: number, requestId: string, now: Date): Promise<void>;
  nameserverSet(domainId: number): Promise<NameserverSet | undefined>;
  saveNameserverSet(s: NameserverSet): Promise<void>;
  pendingNameserverSets(limit: number): Promise<NameserverSet[]>;
  addTransferIntent(t: Omit<TransferIntent, 'id'>): Promise<number>;
  transferIntents(domainId: number): Promise<TransferIntent[]>;

  // ---- protected names
  protectedName(name: string): Promise<ProtectedName | undefined>;
  /** Protected names without a recovery decision. */
  protectedNames(includeReleased?: boolean): Promise<ProtectedName[]>;
  protect(p: ProtectedName): Promise<void>;
  release(name: string, decision: string, decidedBy: string, now: Date): Promise<void>;

  // ---- OT&E runs
  insertOteRun(r: OteRun): Promise<void>;
  oteRun(id: string): Promise<OteRun | undefined>;
}
