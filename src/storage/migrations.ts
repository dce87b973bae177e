/**
 * Schema migrations, applied in order at start inside one transaction each; `schema_version` records the
 * last one applied. Append new migrations; never edit one that has shipped. Times are epoch milliseconds.
 * Tables that hang off a domain reference it with ON DELETE CASCADE, so removing a domain removes its rows.
 */
export interface Migration {
  version: number;
  name: string;
  /** SQLite's form. */
  sql: string;
  /**
   * PostgreSQL's form, for every migration after the PostgreSQL baseline (postgres/schema.ts, which is the
   * schema of migrations 1..23): a PostgreSQL database refuses to start at a migration without one.
   */
  postgres?: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'core and objects',
    sql: `
CREATE TABLE registrars (
  id INTEGER PRIMARY KEY,
  cl_id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  cert_fingerprints TEXT NOT NULL DEFAULT '[]',
  allowed_ips TEXT,
  max_sessions INTEGER NOT NULL DEFAULT 10,
  balance INTEGER NOT NULL DEFAULT 0,
  email TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE tlds (
  name TEXT PRIMARY KEY,
  policy TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  handle TEXT NOT NULL UNIQUE COLLATE NOCASE,
  roid TEXT NOT NULL UNIQUE,
  sponsor_id INTEGER NOT NULL REFERENCES registrars(id),
  creator_id INTEGER NOT NULL REFERENCES registrars(id),
  updater_id INTEGER REFERENCES registrars(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER,
  transferred_at INTEGER,
  auth_pw TEXT NOT NULL,
  statuses TEXT NOT NULL DEFAULT '[]',
  postal_int TEXT,
  postal_loc TEXT,
  voice TEXT,
  voice_x TEXT,
  fax TEXT,
  fax_x TEXT,
  email TEXT NOT NULL,
  disclose TEXT,
  tci TEXT
);
CREATE INDEX contacts_sponsor ON contacts(sponsor_id);

CREATE TABLE domains (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  tld TEXT NOT NULL REFERENCES tlds(name),
  roid TEXT NOT NULL UNIQUE,
  sponsor_id INTEGER NOT NULL REFERENCES registrars(id),
  creator_id INTEGER NOT NULL REFERENCES registrars(id),
  updater_id INTEGER REFERENCES registrars(id),
  registrant_id INTEGER REFERENCES contacts(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER,
  expires_at INTEGER NOT NULL,
  transferred_at INTEGER,
  auth_pw TEXT,
  statuses TEXT NOT NULL DEFAULT '[]',
  max_sig_life INTEGER,
  description TEXT
);
CREATE INDEX domains_sponsor ON domains(sponsor_id);
CREATE INDEX domains_registrant ON domains(registrant_id);
CREATE INDEX domains_expiry ON domains(expires_at);

CREATE TABLE hosts (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  roid TEXT NOT NULL UNIQUE,
  sponsor_id INTEGER NOT NULL REFERENCES registrars(id),
  creator_id INTEGER NOT NULL REFERENCES registrars(id),
  updater_id INTEGER REFERENCES registrars(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER,
  transferred_at INTEGER,
  superordinate_id INTEGER REFERENCES domains(id),
  statuses TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX hosts_superordinate ON hosts(superordinate_id);
CREATE INDEX hosts_sponsor ON hosts(sponsor_id);

CREATE TABLE host_addresses (
  host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  ip TEXT NOT NULL CHECK (ip IN ('v4', 'v6')),
  addr TEXT NOT NULL,
  PRIMARY KEY (host_id, addr)
);

CREATE TABLE domain_contacts (
  domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
  type TEXT NOT NULL CHECK (type IN ('admin', 'tech', 'billing')),
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  PRIMARY KEY (domain_id, type, contact_id)
);
CREATE INDEX domain_contacts_contact ON domain_contacts(contact_id);

CREATE TABLE domain_nameservers (
  domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
  host_id INTEGER NOT NULL REFERENCES hosts(id),
  PRIMARY KEY (domain_id, host_id)
);
CREATE INDEX domain_nameservers_host ON domain_nameservers(host_id);

-- Nameservers as host attributes (RFC 5731 hostAttr), for TLDs whose policy uses that model.
CREATE TABLE domain_host_attrs (
  domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  addrs TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (domain_id, name)
);

-- DNSSEC (RFC 5910): DS records (with the optional key data a dsData may carry) or key records.
CREATE TABLE domain_ds (
  domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
  key_tag INTEGER NOT NULL,
  alg INTEGER NOT NULL,
  digest_type INTEGER NOT NULL,
  digest TEXT NOT NULL,
  key_flags INTEGER,
  key_protocol INTEGER,
  key_alg INTEGER,
  key_pub TEXT,
  PRIMARY KEY (domain_id, key_tag, alg, digest_type, digest)
);
CREATE TABLE domain_keys (
  domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
  flags INTEGER NOT NULL,
  protocol INTEGER NOT NULL,
  alg INTEGER NOT NULL,
  pub_key TEXT NOT NULL,
  PRIMARY KEY (domain_id, flags, protocol, alg, pub_key)
);

-- RFC 5730 §2.9.2.3 message queue, one per registrar.
CREATE TABLE poll_messages (
  id INTEGER PRIMARY KEY,
  registrar_id INTEGER NOT NULL REFERENCES registrars(id),
  queued_at INTEGER NOT NULL,
  message TEXT NOT NULL,
  res_data TEXT,
  acked_at INTEGER
);
CREATE INDEX poll_messages_pending ON poll_messages(registrar_id, id) WHERE acked_at IS NULL;

-- Every command and its result, written in the same transaction as the change it made.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  registrar_id INTEGER REFERENCES registrars(id),
  session_id TEXT,
  source TEXT NOT NULL,
  command TEXT NOT NULL,
  object TEXT,
  cl_trid TEXT,
  sv_trid TEXT NOT NULL UNIQUE,
  code INTEGER NOT NULL,
  message TEXT,
  duration_us INTEGER
);
CREATE INDEX audit_log_registrar ON audit_log(registrar_id, id);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  },
  {
    version: 6,
    name: 'lifecycle: grace periods, redemption, billing ledger',
    sql: `
ALTER TABLE domains ADD COLUMN deleted_at INTEGER;
ALTER TABLE domains ADD COLUMN redemption_ends_at INTEGER;
ALTER TABLE domains ADD COLUMN purge_at INTEGER;
ALTER TABLE domains ADD COLUMN restore_requested_at INTEGER;
ALTER TABLE domains ADD COLUMN restore_report_by INTEGER;
ALTER TABLE domains ADD COLUMN delete_sv_trid TEXT;
CREATE INDEX domains_purge ON domains(purge_at) WHERE purge_at IS NOT NULL;

CREATE TABLE domain_grace_periods (
  id INTEGER PRIMARY KEY,
  domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('add', 'renew', 'autoRenew', 'transfer')),
  registrar_id INTEGER NOT NULL REFERENCES registrars(id),
  ends_at INTEGER NOT NULL,
  amount INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX domain_grace_periods_domain ON domain_grace_periods(domain_id, ends_at);

CREATE TABLE billing_ledger (
  id INTEGER PRIMARY KEY,
  registrar_id INTEGER NOT NULL REFERENCES registrars(id),
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  object TEXT,
  amount INTEGER NOT NULL,
  balance_after INTEGER NOT NULL
);
CREATE INDEX billing_ledger_registrar ON billing_ledger(registrar_id, id);
`,
  },
  {
    version: 5,
    name: 'domain transfers (RFC 5731 §3.2.4)',
    sql: `
-- One row per transfer request; the latest row of a domain is what <transfer op="query"> shows.
-- action_at: when a pending transfer is auto-approved (acDate), or when it was acted on.
-- new_expires_at: the expiry the transfer gives (exDate); null when it does not extend the registration.
CREATE TABLE domain_transfers (
  id INTEGER PRIMARY KEY,
  domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'clientApproved', 'clientRejected', 'clientCancelled', 'serverApproved', 'serverCancelled')),
  requester_id INTEGER NOT NULL REFERENCES registrars(id),
  losing_id INTEGER NOT NULL REFERENCES registrars(id),
  requested_at INTEGER NOT NULL,
  action_at INTEGER NOT NULL,
  period_value INTEGER NOT NULL,
  period_unit TEXT NOT NULL CHECK (period_unit IN ('y', 'm')),
  new_expires_at INTEGER
);
CREATE INDEX domain_transfers_due ON domain_transfers(status, action_at);
CREATE INDEX domain_transfers_domain ON domain_transfers(domain_id);
-- At most one pending transfer per domain.
CREATE UNIQUE INDEX domain_transfers_one_pending ON domain_transfers(domain_id) WHERE status = 'pending';
`,
  },
  {
    version: 7,
    name: 'HTTP registrar API: channels, tokens, idempotency, request log, registrant metadata, sandbox, protected names, OT&E runs',
    sql: `
-- A registrar channel binds API tokens to a registrar; tlds: JSON array of approved TLDs (NULL: every TLD served).
CREATE TABLE http_channels (
  id TEXT PRIMARY KEY,
  registrar_id INTEGER NOT NULL REFERENCES registrars(id),
  tlds TEXT,
  production_approved INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
-- Bearer tokens: only the SHA-256 of the (256-bit random) token is kept; prefix identifies it in listings.
CREATE TABLE http_tokens (
  id INTEGER PRIMARY KEY,
  registrar_id INTEGER NOT NULL REFERENCES registrars(id),
  channel_id TEXT NOT NULL REFERENCES http_channels(id),
  token_sha256 TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  scopes TEXT NOT NULL,
  label TEXT,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX http_tokens_registrar ON http_tokens(registrar_id);
-- Every authenticated HTTP request with its (masked) bodies. The audit rows a request caused carry its
-- request id in audit_log.cl_trid (source 'http'), which is how GET /poll joins the two.
CREATE TABLE http_requests (
  id INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL UNIQUE,
  at INTEGER NOT NULL,
  registrar_id INTEGER REFERENCES registrars(id),
  token_id INTEGER,
  channel_id TEXT,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  command TEXT NOT NULL,
  domain TEXT,
  idempotency_key TEXT,
  replay_of TEXT,
  http_status INTEGER NOT NULL,
  epp_code INTEGER,
  error_code TEXT,
  request_body TEXT,
  response_body TEXT,
  rate_limit TEXT,
  duration_us INTEGER
);
CREATE INDEX http_requests_registrar ON http_requests(registrar_id, id);
CREATE INDEX http_requests_key ON http_requests(registrar_id, idempotency_key);
-- Idempotency keys, per registrar, kept until expires_at (config http.idempotencyRetentionHours).
CREATE TABLE http_idempotency (
  registrar_id INTEGER NOT NULL REFERENCES registrars(id),
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  request_id TEXT NOT NULL,
  command TEXT NOT NULL,
  domain TEXT,
  http_status INTEGER NOT NULL,
  epp_code INTEGER,
  response TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (registrar_id, key)
);
CREATE INDEX http_idempotency_expiry ON http_idempotency(expires_at);
-- Registrant metadata of domains in contact-less TLDs (the HTTP create carries no contact objects).
CREATE TABLE http_registrants (
  domain_id INTEGER PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
  email TEXT,
  external_id TEXT,
  updated_at INTEGER NOT NULL
);
-- Fixture domains made by POST /sandbox/reset: the only names a reset may remove and create again.
CREATE TABLE http_sandbox_objects (
  domain_id INTEGER PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
  name TEXT NOT NULL UNIQUE,
  registrar_id INTEGER NOT NULL REFERENCES registrars(id),
  request_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
-- Desired nameservers (PUT /domains/{domain}/nameservers) and whether they are applied to the domain yet.
CREATE TABLE http_nameserver_sets (
  domain_id INTEGER PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  registrar_id INTEGER NOT NULL REFERENCES registrars(id),
  hosts TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'applied', 'failed')),
  detail TEXT,
  request_id TEXT NOT NULL,
  requested_at INTEGER NOT NULL,
  applied_at INTEGER
);
CREATE INDEX http_nameserver_sets_pending ON http_nameserver_sets(status) WHERE status = 'pending';
-- Outbound transfer intents recorded by a sponsor, naming the gaining registrar.
CREATE TABLE http_transfer_intents (
  id INTEGER PRIMARY KEY,
  domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  registrar_id INTEGER NOT NULL REFERENCES registrars(id),
  gaining TEXT NOT NULL,
  status TEXT NOT NULL,
  request_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX http_transfer_intents_domain ON http_transfer_intents(domain_id);
-- Legacy/recovery records: never available until an operator records a recovery decision.
CREATE TABLE protected_names (
  name TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  reserved_in_policy INTEGER NOT NULL,
  protected_at INTEGER NOT NULL,
  decision TEXT,
  decided_by TEXT,
  decided_at INTEGER
);
-- Named OT&E runs recorded by an operator; the archive is frozen at recording time with its SHA-256.
CREATE TABLE http_ote_runs (
  id TEXT PRIMARY KEY,
  registrar_id INTEGER NOT NULL REFERENCES registrars(id),
  channel_id TEXT,
  name TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  decision TEXT NOT NULL,
  notes TEXT,
  selection TEXT NOT NULL,
  archive TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
`,
  },
  {
    version: 8,
    name: 'contact transfers (RFC 5733 §3.2.4)',
    sql: `
-- The same shape as domain_transfers, without period and exDate (a contact has no registration period).
CREATE TABLE contact_transfers (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'clientApproved', 'clientRejected', 'clientCancelled', 'serverApproved', 'serverCancelled')),
  requester_id INTEGER NOT NULL REFERENCES registrars(id),
  losing_id INTEGER NOT NULL REFERENCES registrars(id),
  requested_at INTEGER NOT NULL,
  action_at INTEGER NOT NULL
);
CREATE INDEX contact_transfers_due ON contact_transfers(status, action_at);
CREATE INDEX contact_transfers_contact ON contact_transfers(contact_id);
-- At most one pending transfer per contact.
CREATE UNIQUE INDEX contact_transfers_one_pending ON contact_transfers(contact_id) WHERE status = 'pending';
`,
  },
  {
    version: 9,
    name: 'pending poll message count per registrar, kept by triggers',
    sql: `
-- Every response carries the registrar's msgQ count: counting its unacknowledged messages on each command
-- would cost in proportion to a queue some registrars never drain. The triggers keep the count exact in
-- the transaction that inserts, acknowledges or deletes a message, whichever code path does it.
ALTER TABLE registrars ADD COLUMN poll_pending INTEGER NOT NULL DEFAULT 0;
UPDATE registrars SET poll_pending = (SELECT COUNT(*) FROM poll_messages p WHERE p.registrar_id = registrars.id AND p.acked_at IS NULL);
CREATE TRIGGER poll_pending_insert AFTER INSERT ON poll_messages WHEN NEW.acked_at IS NULL
BEGIN
  UPDATE registrars SET poll_pending = poll_pending + 1 WHERE id = NEW.registrar_id;
END;
CREATE TRIGGER poll_pending_update AFTER UPDATE OF registrar_id, acked_at ON poll_messages
BEGIN
  UPDATE registrars SET poll_pending = poll_pending - 1 WHERE id = OLD.registrar_id AND OLD.acked_at IS NULL;
  UPDATE registrars SET poll_pending = poll_pending + 1 WHERE id = NEW.registrar_id AND NEW.acked_at IS NULL;
END;
CREATE TRIGGER poll_pending_delete AFTER DELETE ON poll_messages WHEN OLD.acked_at IS NULL
BEGIN
  UPDATE registrars SET poll_pending = poll_pending - 1 WHERE id = OLD.registrar_id;
END;
`,
  },
  {
    version: 10,
    name: 'poll messages as typed events (kind + JSON data) instead of response trees',
    sql: `
-- A poll message kept the <resData> tree of its response (res_data: JSON of the response builder's element
-- tree). It keeps its text and the event it tells of instead: kind, and the event's other fields as JSON with
-- instants as ISO strings (src/registry/poll-events.ts); src/epp/poll.ts renders the tree when it is polled.
-- Every row is converted: the four trees the registry queued (domain and contact trnData, renData of an
-- auto-renew, panData of a purge), and the operator's status change, which had no tree (its statuses are
-- read back from its text). A row of any other shape stops the migration (CHECK poll_message_not_converted)
-- rather than losing what it said.
ALTER TABLE poll_messages ADD COLUMN kind TEXT;
ALTER TABLE poll_messages ADD COLUMN data TEXT;

-- The children of each tree by element name (a child is absent, or false for the exDate of a transfer that
-- does not extend the registration), and its instants as ISO strings with milliseconds.
CREATE TEMP TABLE poll_tree AS
  SELECT p.id AS id, json_extract(p.res_data, '$.name') AS root, json_extract(c.value, '$.name') AS name,
         json_extract(c.value, '$.text') AS text, c.value AS node
  FROM poll_messages p, json_each(p.res_data, '$.children') c
  WHERE p.res_data IS NOT NULL AND c.type = 'object';
-- Indexed by message: each row's fields are looked up by its id (without it, 20,000 messages took 2 minutes).
CREATE INDEX poll_tree_id ON poll_tree(id);
CREATE TEMP VIEW poll_field AS
  SELECT id, root, name, text,
         coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', text), text) AS instant
  FROM poll_tree;

UPDATE poll_messages SET kind = 'domainTransfer', data = (
  SELECT json_object(
    'name', max(CASE WHEN f.name = 'domain:name' THEN f.text END),
    'status', max(CASE WHEN f.name = 'domain:trStatus' THEN f.text END),
    'requesterClId', max(CASE WHEN f.name = 'domain:reID' THEN f.text END),
    'requestedAt', max(CASE WHEN f.name = 'domain:reDate' THEN f.instant END),
    'losingClId', max(CASE WHEN f.name = 'domain:acID' THEN f.text END),
    'actionAt', max(CASE WHEN f.name = 'domain:acDate' THEN f.instant END),
    'newExpiresAt', max(CASE WHEN f.name = 'domain:exDate' THEN f.instant END))
  FROM poll_field f WHERE f.id = poll_messages.id)
WHERE res_data IS NOT NULL AND json_extract(res_data, '$.name') = 'domain:trnData';

UPDATE poll_messages SET kind = 'contactTransfer', data = (
  SELECT json_object(
    'handle', max(CASE WHEN f.name = 'contact:id' THEN f.text END),
    'status', max(CASE WHEN f.name = 'contact:trStatus' THEN f.text END),
    'requesterClId', max(CASE WHEN f.name = 'contact:reID' THEN f.text END),
    'requestedAt', max(CASE WHEN f.name = 'contact:reDate' THEN f.instant END),
    'losingClId', max(CASE WHEN f.name = 'contact:acID' THEN f.text END),
    'actionAt', max(CASE WHEN f.name = 'contact:acDate' THEN f.instant END))
  FROM poll_field f WHERE f.id = poll_messages.id)
WHERE res_data IS NOT NULL AND json_extract(res_data, '$.name') = 'contact:trnData';

UPDATE poll_messages SET kind = 'autoRenew', data = (
  SELECT json_object(
    'name', max(CASE WHEN f.name = 'domain:name' THEN f.text END),
    'expiresAt', max(CASE WHEN f.name = 'domain:exDate' THEN f.instant END))
  FROM poll_field f WHERE f.id = poll_messages.id)
WHERE res_data IS NOT NULL AND json_extract(res_data, '$.name') = 'domain:renData';

-- paTRID holds the delete's svTRID ('unknown' when it was not known: null now).
UPDATE poll_messages SET kind = 'purge', data = (
  SELECT json_object(
    'name', max(CASE WHEN t.name = 'domain:name' THEN t.text END),
    'paResult', json(CASE WHEN max(CASE WHEN t.name = 'domain:name' THEN json_extract(t.node, '$.attrs.paResult') END) IN (1, '1', 'true') THEN 'true' ELSE 'false' END),
    'deleteSvTRID', nullif(max(CASE WHEN t.name = 'domain:paTRID' THEN json_extract(t.node, '$.children[0].text') END), 'unknown'),
    'purgedAt', max(CASE WHEN t.name = 'domain:paDate' THEN coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', t.text), t.text) END))
  FROM poll_tree t WHERE t.id = poll_messages.id)
WHERE res_data IS NOT NULL AND json_extract(res_data, '$.name') = 'domain:panData';

-- 'The registry changed the status of NAME: added A, B; removed C.' (either part may be absent).
UPDATE poll_messages SET kind = 'serverStatus', data = (
  SELECT json_object(
    'name', substr(m.message, 36, instr(m.message, ': ') - 36),
    'added', json(CASE WHEN m.parts LIKE 'added %'
                       THEN '["' || replace(substr(m.parts, 7, CASE WHEN instr(m.parts, '; ') > 0 THEN instr(m.parts, '; ') - 7 ELSE length(m.parts) END), ', ', '","') || '"]'
                       ELSE '[]' END),
    'removed', json(CASE WHEN instr(m.parts, 'removed ') > 0
                         THEN '["' || replace(substr(m.parts, instr(m.parts, 'removed ') + 8), ', ', '","') || '"]'
                         ELSE '[]' END))
  FROM (SELECT message, substr(message, instr(message, ': ') + 2, length(message) - instr(message, ': ') - 2) AS parts) m)
WHERE res_data IS NULL AND message LIKE 'The registry changed the status of %: %.';

CREATE TEMP TABLE poll_unconverted (id INTEGER CONSTRAINT poll_message_not_converted CHECK (id IS NULL));
INSERT INTO poll_unconverted SELECT id FROM poll_messages WHERE kind IS NULL OR data IS NULL;
DROP TABLE poll_unconverted;
DROP VIEW poll_field;
DROP TABLE poll_tree;
ALTER TABLE poll_messages DROP COLUMN res_data;
`,
  },
  {
    version: 11,
    name: 'registrars: IANA Registrar ID and abuse contact (published by RDAP and escrow deposits)',
    sql: `
ALTER TABLE registrars ADD COLUMN iana_id INTEGER CHECK (iana_id IS NULL OR iana_id > 0);
ALTER TABLE registrars ADD COLUMN abuse_email TEXT;
ALTER TABLE registrars ADD COLUMN abuse_phone TEXT;
CREATE UNIQUE INDEX registrars_iana_id ON registrars (iana_id) WHERE iana_id IS NOT NULL;
`,
  },
  {
    version: 12,
    name: 'zone publication: per-TLD serial, last publication and a change counter kept by triggers',
    sql: `
-- One row per TLD. \`changes\` counts every write that can change the TLD's zone; the publisher compares it
-- with the count its last publication read (\`published_changes\`, read in the same snapshot as the zone) to
-- know that the zone is stale, whichever process or code path made the change. \`serial\` is the last SOA
-- serial handed out: it only grows (src/zone/writer.ts).
CREATE TABLE zone_state (
  tld TEXT PRIMARY KEY REFERENCES tlds(name) ON DELETE CASCADE,
  changes INTEGER NOT NULL DEFAULT 0,
  serial INTEGER NOT NULL DEFAULT 0,
  published_serial INTEGER,
  published_at INTEGER,
  published_changes INTEGER,
  file TEXT,
  bytes INTEGER,
  delegations INTEGER,
  duration_ms INTEGER
);
INSERT INTO zone_state (tld) SELECT name FROM tlds;
CREATE TRIGGER zone_tld_insert AFTER INSERT ON tlds BEGIN
  INSERT OR IGNORE INTO zone_state (tld) VALUES (NEW.name);
END;
CREATE TRIGGER zone_tld_policy AFTER UPDATE OF policy ON tlds WHEN OLD.policy IS NOT NEW.policy BEGIN
  UPDATE zone_state SET changes = changes + 1 WHERE tld = NEW.name;
END;
CREATE TRIGGER zone_domain_insert AFTER INSERT ON domains BEGIN
  UPDATE zone_state SET changes = changes + 1 WHERE tld = NEW.tld;
END;
CREATE TRIGGER zone_domain_delete AFTER DELETE ON domains BEGIN
  UPDATE zone_state SET changes = changes + 1 WHERE tld = OLD.tld;
END;
CREATE TRIGGER zone_domain_update AFTER UPDATE OF name, tld, statuses, deleted_at ON domains
WHEN OLD.statuses IS NOT NEW.statuses OR OLD.deleted_at IS NOT NEW.deleted_at OR OLD.name IS NOT NEW.name OR OLD.tld IS NOT NEW.tld BEGIN
  UPDATE zone_state SET changes = changes + 1 WHERE tld IN (OLD.tld, NEW.tld);
END;
CREATE TRIGGER zone_ns_insert AFTER INSERT ON domain_nameservers BEGIN
  UPDATE zone_state SET changes = changes + 1 WHERE tld = (SELECT tld FROM domains WHERE id = NEW.domain_id);
END;
CREATE TRIGGER zone_ns_delete AFTER DELETE ON domain_nameservers BEGIN
  UPDATE zone_state SET changes = changes + 1 WHERE tld = (SELECT tld FROM domains WHERE id = OLD.domain_id);
END;
CREATE TRIGGER zone_attr_insert AFTER INSERT ON domain_host_attrs BEGIN
  UPDATE zone_state SET changes = changes + 1 WHERE tld = (SELECT tld FROM domains WHERE id = NEW.domain_id);
END;
CREATE TRIGGER zone_attr_delete AFTER DELETE ON domain_host_attrs BEGIN
  UPDATE zone_state SET changes = changes + 1 WHERE tld = (SELECT tld FROM domains WHERE id = OLD.domain_id);
END;
CREATE TRIGGER zone_attr_update AFTER UPDATE ON domain_host_attrs BEGIN
  UPDATE zone_state SET changes = changes + 1 WHERE tld = (SELECT tld FROM domains WHERE id = NEW.domain_id);
END;
CREATE TRIGGER zone_ds_insert AFTER INSERT ON domain_ds BEGIN
  UPDATE zone_state SET changes = changes + 1 WHERE tld = (SELECT tld FROM domains WHERE id = NEW.domain_id);
END;
CREATE TRIGGER zone_ds_delete AFTER DELETE ON domain_ds BEGIN
  UPDATE zone_state SET changes = changes + 1 WHERE tld = (SELECT tld FROM domains WHERE id = OLD.domain_id);
END;
CREATE TRIGGER zone_key_insert AFTER INSERT ON domain_keys BEGIN
  UPDATE zone_state SET changes = changes + 1 WHERE tld = (SELECT tld FROM domains WHERE id = NEW.domain_id);
END;
CREATE TRIGGER zone_key_delete AFTER DELETE ON domain_keys BEGIN
  UPDATE zone_state SET changes = changes + 1 WHERE tld = (SELECT tld FROM domains WHERE id = OLD.domain_id);
END;
-- Glue: a host's addresses show in the zone of its superordinate domain's TLD.
CREATE TRIGGER zone_addr_insert AFTER INSERT ON host_addresses BEGIN
  UPDATE zone_state SET changes = changes + 1
  WHERE tld = (SELECT d.tld FROM hosts h JOIN domains d ON d.id = h.superordinate_id WHERE h.id = NEW.host_id);
END;
CREATE TRIGGER zone_addr_delete AFTER DELETE ON host_addresses BEGIN
  UPDATE zone_state SET changes = changes + 1
  WHERE tld = (SELECT d.tld FROM hosts h JOIN domains d ON d.id = h.superordinate_id WHERE h.id = OLD.host_id);
END;
-- A renamed host changes the NS records of every domain that uses it, and its glue.
CREATE TRIGGER zone_host_update AFTER UPDATE OF name, superordinate_id ON hosts
WHEN OLD.name IS NOT NEW.name OR OLD.superordinate_id IS NOT NEW.superordinate_id BEGIN
  UPDATE zone_state SET changes = changes + 1
  WHERE tld IN (SELECT tld FROM domains WHERE id IN (OLD.superordinate_id, NEW.superordinate_id))
     OR tld IN (SELECT d.tld FROM domain_nameservers n JOIN domains d ON d.id = n.domain_id WHERE n.host_id = NEW.id);
END;
`,
  },
  {
    version: 13,
    name: "registrars: web site and RDAP base URL (the links of RDAP's registrar entity and of its domains)",
    sql: `
ALTER TABLE registrars ADD COLUMN url TEXT;
ALTER TABLE registrars ADD COLUMN rdap_base_url TEXT;
`,
  },
  {
    version: 14,
    name: 'registry data escrow: change epochs, deletions, deposits made',
    sql: `
-- Registry data escrow (RFC 8909/9022, src/escrow/). A differential deposit holds what changed since the previous
-- deposit: every deposit first moves the escrow epoch on by one (escrow_clock.epoch), then reads its snapshot, and
-- records the epoch it moved on from. Triggers stamp every domain, host, contact and registrar row with the epoch in
-- which something a deposit shows of it last changed (its own columns, its contacts, nameservers, DNSSEC records,
-- grace periods and transfers; a host's addresses; a contact's transfers; the first and the last reference to a
-- host or contact, which make it linked and unlinked), whichever code path made the change: commands, the lifecycle sweeps, the operator's CLI. A row
-- stamped after the previous deposit's epoch has changed since that deposit's snapshot. Deleted domains, hosts and
-- contacts are recorded in escrow_deletions with the epoch of their deletion. authInfo is not escrowed (RFC 9022
-- has no element for it), so a change of authInfo alone stamps nothing.
CREATE TABLE escrow_clock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  epoch INTEGER NOT NULL
);
INSERT INTO escrow_clock (id, epoch) VALUES (1, 1);
ALTER TABLE domains ADD COLUMN escrow_epoch INTEGER NOT NULL DEFAULT 1;
ALTER TABLE hosts ADD COLUMN escrow_epoch INTEGER NOT NULL DEFAULT 1;
ALTER TABLE contacts ADD COLUMN escrow_epoch INTEGER NOT NULL DEFAULT 1;
ALTER TABLE registrars ADD COLUMN escrow_epoch INTEGER NOT NULL DEFAULT 1;

CREATE TABLE escrow_deletions (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('domain', 'host', 'contact')),
  -- domain name, host name or contact id
  name TEXT NOT NULL,
  roid TEXT NOT NULL,
  -- the domain's TLD; hosts and contacts belong to no TLD
  tld TEXT,
  epoch INTEGER NOT NULL
);
CREATE INDEX escrow_deletions_epoch ON escrow_deletions(epoch);

-- One row per deposit written. epoch: every change stamped up to it is in the deposit; snapshot_at: the registry
-- time of its snapshot (grace and redemption periods that ended after it change a domain without a write);
-- state: JSON of the NNDN names and IDN table ids it held in full, which the next differential deposit compares.
CREATE TABLE escrow_deposits (
  id INTEGER PRIMARY KEY,
  tld TEXT NOT NULL,
  deposit_id TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('FULL', 'DIFF')),
  watermark INTEGER NOT NULL,
  resend INTEGER NOT NULL,
  prev_id TEXT,
  epoch INTEGER NOT NULL,
  snapshot_at INTEGER NOT NULL,
  base_name TEXT NOT NULL,
  counts TEXT NOT NULL,
  state TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (tld, type, watermark, resend)
);
CREATE INDEX escrow_deposits_tld ON escrow_deposits(tld, watermark);

CREATE TRIGGER escrow_domain_insert AFTER INSERT ON domains
BEGIN
  UPDATE domains SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
  UPDATE contacts SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.registrant_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock) AND NOT EXISTS (SELECT 1 FROM domain_contacts WHERE contact_id = NEW.registrant_id) AND NOT EXISTS (SELECT 1 FROM domains WHERE registrant_id = NEW.registrant_id AND id <> NEW.id);
END;
CREATE TRIGGER escrow_domain_update AFTER UPDATE OF name, sponsor_id, updater_id, registrant_id, updated_at, expires_at, transferred_at, statuses, max_sig_life, description, deleted_at, redemption_ends_at, purge_at, restore_requested_at, restore_report_by ON domains
BEGIN
  UPDATE domains SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_domain_registrant AFTER UPDATE OF registrant_id ON domains WHEN NEW.registrant_id IS NOT OLD.registrant_id
BEGIN
  UPDATE contacts SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = OLD.registrant_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock) AND NOT EXISTS (SELECT 1 FROM domain_contacts WHERE contact_id = OLD.registrant_id) AND NOT EXISTS (SELECT 1 FROM domains WHERE registrant_id = OLD.registrant_id);
  UPDATE contacts SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.registrant_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock) AND NOT EXISTS (SELECT 1 FROM domain_contacts WHERE contact_id = NEW.registrant_id) AND NOT EXISTS (SELECT 1 FROM domains WHERE registrant_id = NEW.registrant_id AND id <> NEW.id);
END;
CREATE TRIGGER escrow_domain_delete AFTER DELETE ON domains
BEGIN
  UPDATE contacts SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = OLD.registrant_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock) AND NOT EXISTS (SELECT 1 FROM domain_contacts WHERE contact_id = OLD.registrant_id) AND NOT EXISTS (SELECT 1 FROM domains WHERE registrant_id = OLD.registrant_id);
  INSERT INTO escrow_deletions (kind, name, roid, tld, epoch) VALUES ('domain', OLD.name, OLD.roid, OLD.tld, (SELECT epoch FROM escrow_clock));
END;
CREATE TRIGGER escrow_domain_contacts_insert AFTER INSERT ON domain_contacts
BEGIN
  UPDATE domains SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.domain_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
  UPDATE contacts SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.contact_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock) AND NOT EXISTS (SELECT 1 FROM domain_contacts WHERE contact_id = NEW.contact_id AND NOT (domain_id = NEW.domain_id AND type = NEW.type)) AND NOT EXISTS (SELECT 1 FROM domains WHERE registrant_id = NEW.contact_id);
END;
CREATE TRIGGER escrow_domain_contacts_delete AFTER DELETE ON domain_contacts
BEGIN
  UPDATE domains SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = OLD.domain_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
  UPDATE contacts SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = OLD.contact_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock) AND NOT EXISTS (SELECT 1 FROM domain_contacts WHERE contact_id = OLD.contact_id) AND NOT EXISTS (SELECT 1 FROM domains WHERE registrant_id = OLD.contact_id);
END;
CREATE TRIGGER escrow_domain_nameservers_insert AFTER INSERT ON domain_nameservers
BEGIN
  UPDATE domains SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.domain_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
  UPDATE hosts SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.host_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock) AND NOT EXISTS (SELECT 1 FROM domain_nameservers WHERE host_id = NEW.host_id AND domain_id <> NEW.domain_id);
END;
CREATE TRIGGER escrow_domain_nameservers_delete AFTER DELETE ON domain_nameservers
BEGIN
  UPDATE domains SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = OLD.domain_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
  UPDATE hosts SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = OLD.host_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock) AND NOT EXISTS (SELECT 1 FROM domain_nameservers WHERE host_id = OLD.host_id);
END;
CREATE TRIGGER escrow_domain_host_attrs_insert AFTER INSERT ON domain_host_attrs
BEGIN
  UPDATE domains SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.domain_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_domain_host_attrs_delete AFTER DELETE ON domain_host_attrs
BEGIN
  UPDATE domains SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = OLD.domain_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_domain_host_attrs_update AFTER UPDATE ON domain_host_attrs
BEGIN
  UPDATE domains SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.domain_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_domain_ds_insert AFTER INSERT ON domain_ds
BEGIN
  UPDATE domains SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.domain_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_domain_ds_delete AFTER DELETE ON domain_ds
BEGIN
  UPDATE domains SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = OLD.domain_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_domain_keys_insert AFTER INSERT ON domain_keys
BEGIN
  UPDATE domains SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.domain_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_domain_keys_delete AFTER DELETE ON domain_keys
BEGIN
  UPDATE domains SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = OLD.domain_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_domain_grace_periods_insert AFTER INSERT ON domain_grace_periods
BEGIN
  UPDATE domains SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.domain_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_domain_grace_periods_delete AFTER DELETE ON domain_grace_periods
BEGIN
  UPDATE domains SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = OLD.domain_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_domain_grace_periods_update AFTER UPDATE ON domain_grace_periods
BEGIN
  UPDATE domains SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.domain_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_domain_transfers_insert AFTER INSERT ON domain_transfers
BEGIN
  UPDATE domains SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.domain_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_domain_transfers_delete AFTER DELETE ON domain_transfers
BEGIN
  UPDATE domains SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = OLD.domain_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_domain_transfers_update AFTER UPDATE ON domain_transfers
BEGIN
  UPDATE domains SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.domain_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_host_insert AFTER INSERT ON hosts
BEGIN
  UPDATE hosts SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_host_update AFTER UPDATE OF name, sponsor_id, updater_id, updated_at, transferred_at, superordinate_id, statuses ON hosts
BEGIN
  UPDATE hosts SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_host_delete AFTER DELETE ON hosts
BEGIN
  INSERT INTO escrow_deletions (kind, name, roid, tld, epoch) VALUES ('host', OLD.name, OLD.roid, NULL, (SELECT epoch FROM escrow_clock));
END;
CREATE TRIGGER escrow_host_address_insert AFTER INSERT ON host_addresses
BEGIN
  UPDATE hosts SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.host_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_host_address_delete AFTER DELETE ON host_addresses
BEGIN
  UPDATE hosts SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = OLD.host_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_contact_insert AFTER INSERT ON contacts
BEGIN
  UPDATE contacts SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_contact_update AFTER UPDATE OF handle, sponsor_id, updater_id, updated_at, transferred_at, statuses, postal_int, postal_loc, voice, voice_x, fax, fax_x, email, disclose, tci ON contacts
BEGIN
  UPDATE contacts SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_contact_delete AFTER DELETE ON contacts
BEGIN
  INSERT INTO escrow_deletions (kind, name, roid, tld, epoch) VALUES ('contact', OLD.handle, OLD.roid, NULL, (SELECT epoch FROM escrow_clock));
END;
CREATE TRIGGER escrow_contact_transfer_insert AFTER INSERT ON contact_transfers
BEGIN
  UPDATE contacts SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.contact_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_contact_transfer_update AFTER UPDATE ON contact_transfers
BEGIN
  UPDATE contacts SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.contact_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_contact_transfer_delete AFTER DELETE ON contact_transfers
BEGIN
  UPDATE contacts SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = OLD.contact_id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_registrar_insert AFTER INSERT ON registrars
BEGIN
  UPDATE registrars SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
CREATE TRIGGER escrow_registrar_update AFTER UPDATE OF name, status, email, iana_id ON registrars
BEGIN
  UPDATE registrars SET escrow_epoch = (SELECT epoch FROM escrow_clock) WHERE id = NEW.id AND escrow_epoch <> (SELECT epoch FROM escrow_clock);
END;
`,
  },
  {
    version: 15,
    name: 'transfer intents found by request id',
    sql: `
-- GET /poll shows each transfer_domain row with the intent its request recorded (or replayed): looked up by request id.
CREATE INDEX http_transfer_intents_request ON http_transfer_intents(request_id);
`,
  },
  {
    version: 16,
    name: 'login security (RFC 8807): when each registrar password was set, failed logins since the last success',
    sql: `
-- Password expiry is counted from password_changed_at (set by every password change); a password set before
-- this migration counts from the migration. failed_logins counts wrong passwords for the account since its
-- last successful login, which reports and clears it.
ALTER TABLE registrars ADD COLUMN password_changed_at INTEGER;
UPDATE registrars SET password_changed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER);
ALTER TABLE registrars ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    version: 17,
    name: 'authInfo kept only as a salted hash with the instant it was set (RFC 9154)',
    sql: `
-- RFC 9154 §4.3: the registry keeps an authInfo only as a salted hash. Every value stored in clear is
-- replaced by its scrypt hash (authinfo_hash(), src/registry/auth-info.ts, registered on the connection
-- that migrates: SQL has no KDF of its own), and the column that held it goes. The TTL of a value
-- (src/registry/auth-info.ts) counts from auth_set_at: for a value set before this migration, from the
-- migration. An empty value was never accepted; it would mean none set (NULL).
ALTER TABLE domains ADD COLUMN auth_hash TEXT;
ALTER TABLE domains ADD COLUMN auth_set_at INTEGER;
UPDATE domains SET auth_hash = authinfo_hash(auth_pw), auth_set_at = CAST(unixepoch('subsec') * 1000 AS INTEGER)
 WHERE auth_pw IS NOT NULL AND auth_pw <> '';
ALTER TABLE domains DROP COLUMN auth_pw;
ALTER TABLE contacts ADD COLUMN auth_hash TEXT;
ALTER TABLE contacts ADD COLUMN auth_set_at INTEGER;
UPDATE contacts SET auth_hash = authinfo_hash(auth_pw), auth_set_at = CAST(unixepoch('subsec') * 1000 AS INTEGER)
 WHERE auth_pw IS NOT NULL AND auth_pw <> '';
ALTER TABLE contacts DROP COLUMN auth_pw;
`,
  },
  {
    version: 18,
    name: 'per-registrar EPP command-rate limit',
    sql: `
-- Commands per second a registrar's EPP sessions may start together; over it, its commands wait (never
-- refused): one registrar's flood does not starve the others (src/session/command-pacer.ts). NULL: no limit.
ALTER TABLE registrars ADD COLUMN command_rate INTEGER CHECK (command_rate IS NULL OR (typeof(command_rate) = 'integer' AND command_rate > 0));
`,
  },
  {
    version: 19,
    name: 'premium names per TLD (fee-1.0)',
    sql: `
-- A TLD's premium list: a label's class and its own prices (minor units of the TLD's currency; create,
-- renew and transfer a year, restore once). Replaced whole by \`registry tld premium load\`.
CREATE TABLE premium_names (
  tld TEXT NOT NULL REFERENCES tlds(name) ON DELETE CASCADE,
  label TEXT NOT NULL,
  class TEXT NOT NULL,
  create_price INTEGER NOT NULL CHECK (create_price >= 0),
  renew_price INTEGER NOT NULL CHECK (renew_price >= 0),
  transfer_price INTEGER NOT NULL CHECK (transfer_price >= 0),
  restore_price INTEGER NOT NULL CHECK (restore_price >= 0),
  PRIMARY KEY (tld, label)
) WITHOUT ROWID;
`,
  },
  {
    version: 20,
    name: "registrars: postal address and phone (RDAP profile 3.1: a registrar looked up by itself)",
    sql: `
-- The address as JSON {street: [1-3 lines], city, sp, pc, cc} (checked where it enters: the CLI, the OT&E
-- fixtures); the phone in the EPP form +CC.NUMBER. NULL: not given.
ALTER TABLE registrars ADD COLUMN postal_address TEXT CHECK (postal_address IS NULL OR json_valid(postal_address));
ALTER TABLE registrars ADD COLUMN phone TEXT;
`,
  },
  {
    version: 21,
    name: 'launch phases: the TMCH lists (DNL, SMDRL, CRL) and the sunrise/claims registrations reported in LORDN files',
    sql: `
-- The TMCH files (RFC 9361), each replaced whole by \`registry tmch dnl|smdrl|crl load\`; times in ms.
CREATE TABLE tmch_dnl (label TEXT PRIMARY KEY, lookup_key TEXT NOT NULL, inserted_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE tmch_smdrl (smd_id TEXT PRIMARY KEY, revoked_at INTEGER NOT NULL) WITHOUT ROWID;
-- Serial numbers of the TMCH certificates the CRL revokes: upper-case hex without leading zeros.
CREATE TABLE tmch_crl (serial TEXT PRIMARY KEY, revoked_at INTEGER) WITHOUT ROWID;
CREATE TABLE tmch_lists (
  list TEXT PRIMARY KEY CHECK (list IN ('dnl', 'smdrl', 'crl')),
  created_at INTEGER NOT NULL,
  loaded_at INTEGER NOT NULL,
  entries INTEGER NOT NULL,
  next_update INTEGER
) WITHOUT ROWID;
-- Sunrise (with the SMD id) and claims (with the accepted notice) registrations, for the LORDN files. No
-- foreign key to domains: a registration deleted and purged before the next LORDN is still reported.
CREATE TABLE launch_registrations (
  domain_id INTEGER PRIMARY KEY,
  roid TEXT NOT NULL,
  name TEXT NOT NULL,
  tld TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('sunrise', 'claims')),
  registrar_id INTEGER NOT NULL REFERENCES registrars(id),
  registered_at INTEGER NOT NULL,
  smd_id TEXT,
  notice_id TEXT,
  notice_validator TEXT,
  notice_not_after INTEGER,
  notice_accepted_at INTEGER,
  reported_at INTEGER,
  CHECK ((kind = 'sunrise' AND smd_id IS NOT NULL) OR (kind = 'claims' AND notice_id IS NOT NULL))
);
CREATE INDEX launch_registrations_unreported ON launch_registrations(tld, kind) WHERE reported_at IS NULL;
`,
  },
  {
    version: 22,
    name: 'domain transfers: the price quoted at the request',
    sql: `
-- The transfer price (minor units) the request quoted and the gaining registrar agreed to: the approval charges
-- it, even if the price list changed in between. NULL: a transfer requested before this version (or imported
-- from escrow), charged at the price of its approval as before.
ALTER TABLE domain_transfers ADD COLUMN price INTEGER CHECK (price IS NULL OR price >= 0);
`,
  },
  {
    version: 23,
    name: 'launch registrations: the signed mark as signed',
    sql: `
-- The <mark:mark> element of a sunrise registration's signed mark, as the signature covered it (XML text):
-- what <launch:info includeMark="true"> answers (RFC 8334 §3.2). NULL for claims registrations.
ALTER TABLE launch_registrations ADD COLUMN mark_xml TEXT;
`,
  },
  {
    version: 24,
    name: 'what the server processes of one PostgreSQL database share: limits and svTRIDs',
    // One process serves an SQLite database (its serve lock): it counts these in memory.
    sql: `-- Nothing on SQLite: one process serves the database and keeps its sessions and limits in memory.`,
    postgres: `
-- Sessions, failed logins and HTTP request counts of every server process (src/storage/postgres/pg-shared-limits.ts).
-- UNLOGGED: no WAL flush for them, and a database crash that empties them has ended every session they count.
CREATE UNLOGGED TABLE server_processes (
  id TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE UNLOGGED TABLE epp_sessions (
  id TEXT PRIMARY KEY,
  registrar_id BIGINT NOT NULL,
  process_id TEXT NOT NULL REFERENCES server_processes(id) ON DELETE CASCADE,
  opened_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX epp_sessions_registrar ON epp_sessions(registrar_id);
CREATE INDEX epp_sessions_process ON epp_sessions(process_id);
CREATE UNLOGGED TABLE login_failures (
  address TEXT NOT NULL,
  clid TEXT NOT NULL,
  n INTEGER NOT NULL,
  last_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL,
  PRIMARY KEY (address, clid)
);
CREATE INDEX login_failures_last ON login_failures(last_ms);
CREATE UNLOGGED TABLE rate_windows (
  key TEXT NOT NULL,
  window_start BIGINT NOT NULL,
  window_end BIGINT NOT NULL,
  count INTEGER NOT NULL,
  lim INTEGER NOT NULL,
  PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_windows_end ON rate_windows(window_end);
-- svTRIDs, registry-wide: each process reserves a block of 1,000 numbers at a time (nextval gives its first).
CREATE SEQUENCE svtrid_seq INCREMENT BY 1000;
`,
  },
];
