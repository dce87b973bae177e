/**
 * Schema migrations, applied in order at start inside one transaction each; `schema_version` records the
 * last one applied. Append new migrations; never edit one that has shipped. Times are epoch milliseconds.
 * Tables that hang off a domain reference it with ON DELETE CASCADE, so removing a domain removes its rows.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
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
];
