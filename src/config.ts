import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addressList } from './http/ops.js';

/** The installed package (dist/src/config.js → two folders up): home of schemas/ and fixtures/. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Server configuration: defaults, then a JSON file (`--config FILE`, or REGISTRY_CONFIG, or
 * ./registry.config.json when present), then environment variables. Checked once at start; a bad value
 * stops the start with a message that names it.
 */
export interface Config {
  /**
   * Where the registry lives: a SQLite database file (the embedded default), or a `postgres://` URL for
   * PostgreSQL (several server processes on one database; see README, PostgreSQL).
   */
  database: string;
  /** PRAGMA synchronous: FULL (every acknowledged change survives power loss) or NORMAL. */
  synchronous: 'FULL' | 'NORMAL';
  /**
   * PostgreSQL: seconds between a server process's heartbeats. A process silent for three is taken for dead:
   * its EPP sessions stop counting against its registrars' session limits.
   */
  heartbeatSeconds: number;
  /** Folder of the TLS material; development certificates are generated here when missing. */
  certsDir: string;
  /** Folder of the XSDs every command and response is validated against. */
  schemasDir: string;
  epp: {
    host: string;
    port: number;
    /** Largest accepted frame, header included. */
    maxFrameBytes: number;
    /** Seconds without a complete frame before the server closes the session. */
    idleTimeout: number;
    /** Seconds a session may last at most, however busy. */
    sessionTimeout: number;
    /** Seconds a connection may take to complete the TLS handshake. */
    handshakeTimeout: number;
    /** Seconds from the end of the TLS handshake to a successful <login>; then the server closes the connection. */
    loginTimeout: number;
    /** Failed logins in one session before 2501 and close (RFC 5730 leaves it to the server; 3 is customary). */
    maxLoginFailures: number;
    /** Server identifier in the greeting. */
    svID: string;
    /**
     * RFC 9038 §5: whether a response other than a poll message moves data of a namespace the client did not
     * select (e.g. <rgp:infData> of an info) into <extValue> for a client that selected unhandled-namespaces,
     * or leaves it out. Poll messages always carry it (§6).
     */
    unhandledNamespacesInResponses: boolean;
    /** RFC 8807: days a registrar password works after it was set (0: passwords do not expire). */
    passwordMaxAgeDays: number;
    /** RFC 8807: days before a password expires from which a login says so (a warning event). */
    passwordExpiryWarningDays: number;
    /** RFC 8807: days before the client certificate expires from which a login says so (a warning event). */
    certificateExpiryWarningDays: number;
  };
  tls: {
    cert: string;
    key: string;
    /** CA that issues registrars' client certificates. */
    ca: string;
    /** Certificate revocation list (PEM) of the client CA; empty: none. */
    crl: string;
  };
  /** Suffix of repository object ids (roid), e.g. D12-REG. */
  roidSuffix: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Load the development registrars and OT&E environments at start (npm start). */
  devFixtures: boolean;
  /** The HTTP registrar API (src/http): a gateway onto the same command handlers as EPP. */
  http: {
    enabled: boolean;
    host: string;
    /** 0: any free port. Left at its default while epp.port is 0 (tests), it also takes any free port. */
    port: number;
    rateLimit: {
      /** Length of a rate-limit window in seconds. */
      windowSeconds: number;
      /** Requests per window for one token. */
      perToken: number;
      /** Requests per window for one registrar, all its tokens together. */
      perRegistrar: number;
    };
    /** Hours an idempotency key (and its stored response) is kept, per registrar. */
    idempotencyRetentionHours: number;
    /** Largest accepted request body in bytes. */
    maxBodyBytes: number;
    /** SHA-256 (hex) of the operator's admin token for /admin endpoints; '' with no adminTokenFile: admin API off. */
    adminTokenSha256: string;
    /** File holding the admin token itself (read at start, only its hash kept); '' for none. */
    adminTokenFile: string;
    /** TLDs where POST /sandbox/reset may create fixture domains (OT&E namespaces). */
    sandboxTlds: string[];
    /** Addresses (CIDR ranges) GET /metrics answers to; [] turns it off. /healthz and /readyz answer anyone. */
    metricsAllow: string[];
  };
  /** Zone publication by `serve` (src/zone/publisher.ts); what a zone holds is the TLD policy's `zone`. */
  zone: {
    /** Write each TLD's zone at start and after changes. */
    publish: boolean;
    /** Folder of the zone files, one `<tld>.zone` per TLD. */
    dir: string;
    /** Least seconds between two publications of one TLD: changes wait at most this long. */
    interval: number;
    /**
     * Shell command run after each publication, e.g. `knotc zone-reload {tld}`: {tld}, {file} and {serial}
     * are replaced (also in the environment as ZONE_TLD, ZONE_FILE, ZONE_SERIAL); '' for none.
     */
    reloadCommand: string;
  };
  /** The RDAP service (src/rdap): registration data over HTTP(S), read-only, from the same core. */
  rdap: {
    enabled: boolean;
    host: string;
    /** 0: any free port. Left at its default while epp.port is 0 (tests), it also takes any free port. */
    port: number;
    /** Public base URL the responses' links use (ending in "/"); '' derives it from the address it listens on. */
    baseUrl: string;
    /** Certificate and key (PEM files) to serve HTTPS; both '' for plain HTTP (development, or behind a TLS proxy). */
    tls: { cert: string; key: string };
    /** The terms of service every response links to; '' links the service's own /help. */
    termsOfServiceUrl: string;
    /** Per client address (RFC 7480 §5.5): queries a second and the burst allowed; perSecond 0: no limit. */
    rateLimit: { perSecond: number; burst: number };
  };
  /** The Trademark Clearinghouse (launch phases, RFC 8334/7848/9361). */
  tmch: {
    /**
     * PEM file of the TMCH CA certificate(s) the signed marks of sunrise creates must chain to; '' for none
     * (sunrise creates are then refused), which development mode (`serve --dev`) replaces by ICANN's test
     * CA, fixtures/tmch/icann-tmch-pilot.crt (see tmchCaFile).
     */
    ca: string;
  };
  /** Registry data escrow (src/escrow/): the keys deposits are encrypted to and signed with, and where they go. */
  escrow: {
    /** The escrow agent's armored public key file. */
    agentPublicKey: string;
    /** The registry's armored secret signing key file. */
    signingKey: string;
    /** File holding the signing key's passphrase ('' for none; REGISTRY_ESCROW_SIGNING_KEY_PASSPHRASE wins). */
    signingKeyPassphraseFile: string;
    /** Folder the deposits are written to (`escrow deposit --out` overrides it). */
    outDir: string;
  };
}

/** ICANN's TMCH test ("Pilot") CA, trusted for signed marks in development mode when tmch.ca is unset. */
export const TMCH_PILOT_CA = resolve(PACKAGE_ROOT, 'fixtures/tmch/icann-tmch-pilot.crt');

/** The TMCH CA file in effect: tmch.ca, or in development mode ICANN's test CA; '' for none. */
export function tmchCaFile(c: Config, development = c.devFixtures): string {
  return c.tmch.ca !== '' ? c.tmch.ca : development ? TMCH_PILOT_CA : '';
}

/** The certificates of a PEM text (at least one; each must parse). */
export function pemCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate in it');
  return blocks.map((b) => new X509Certificate(b));
}

/** Default port of the HTTP registrar API. */
export const DEFAULT_HTTP_PORT = 7080;
/** Default port of the RDAP service. */
export const DEFAULT_RDAP_PORT = 7480;

export function defaultConfig(base = process.cwd()): Config {
  const certsDir = resolve(base, 'certs');
  return {
    database: resolve(base, 'data/registry.sqlite'),
    synchronous: 'FULL',
    heartbeatSeconds: 10,
    certsDir,
    schemasDir: resolve(PACKAGE_ROOT, 'schemas'),
    epp: {
      host: '127.0.0.1',
      port: 7000,
      maxFrameBytes: 65536,
      idleTimeout: 600,
      sessionTimeout: 86400,
      handshakeTimeout: 10,
      loginTimeout: 60,
      maxLoginFailures: 3,
      svID: 'EPP Registry',
      unhandledNamespacesInResponses: true,
      passwordMaxAgeDays: 0,
      passwordExpiryWarningDays: 14,
      certificateExpiryWarningDays: 30,
    },
    // Follow certsDir unless set explicitly (see loadConfig).
    tls: { cert: resolve(certsDir, 'server.crt'), key: resolve(certsDir, 'server.key'), ca: resolve(certsDir, 'ca.crt'), crl: '' },
    roidSuffix: 'REG',
    logLevel: 'info',
    devFixtures: false,
    http: {
      enabled: true,
      host: '127.0.0.1',
      port: DEFAULT_HTTP_PORT,
      rateLimit: { windowSeconds: 60, perToken: 120, perRegistrar: 600 },
      idempotencyRetentionHours: 24,
      maxBodyBytes: 65536,
      adminTokenSha256: '',
      adminTokenFile: '',
      sandboxTlds: ['defiwallet'],
      metricsAllow: ['127.0.0.0/8', '::1/128'],
    },
    zone: { publish: true, dir: resolve(base, 'data/zones'), interval: 60, reloadCommand: '' },
    rdap: {
      enabled: true,
      host: '127.0.0.1',
      port: DEFAULT_RDAP_PORT,
      baseUrl: '',
      tls: { cert: '', key: '' },
      termsOfServiceUrl: '',
      rateLimit: { perSecond: 0, burst: 50 },
    },
    tmch: { ca: '' },
    // The development keys `registry escrow keys generate` writes (and `npm start` makes), beside the certificates.
    escrow: {
      agentPublicKey: resolve(certsDir, 'escrow-agent.pub.asc'),
      signingKey: resolve(certsDir, 'escrow-signing.sec.asc'),
      signingKeyPassphraseFile: '',
      outDir: resolve(base, 'data/escrow'),
    },
  };
}

/** Environment variable → config path. */
const ENV: Record<string, string> = {
  REGISTRY_DATABASE: 'database',
  REGISTRY_SYNCHRONOUS: 'synchronous',
  REGISTRY_CERTS_DIR: 'certsDir',
  REGISTRY_EPP_HOST: 'epp.host',
  REGISTRY_EPP_PORT: 'epp.port',
  REGISTRY_MAX_FRAME_BYTES: 'epp.maxFrameBytes',
  REGISTRY_IDLE_TIMEOUT: 'epp.idleTimeout',
  REGISTRY_SESSION_TIMEOUT: 'epp.sessionTimeout',
  REGISTRY_HANDSHAKE_TIMEOUT: 'epp.handshakeTimeout',
  REGISTRY_LOGIN_TIMEOUT: 'epp.loginTimeout',
  REGISTRY_SVID: 'epp.svID',
  REGISTRY_UNHANDLED_NAMESPACES_IN_RESPONSES: 'epp.unhandledNamespacesInResponses',
  REGISTRY_PASSWORD_MAX_AGE_DAYS: 'epp.passwordMaxAgeDays',
  REGISTRY_PASSWORD_WARNING_DAYS: 'epp.passwordExpiryWarningDays',
  REGISTRY_CERTIFICATE_WARNING_DAYS: 'epp.certificateExpiryWarningDays',
  REGISTRY_TLS_CERT: 'tls.cert',
  REGISTRY_TLS_KEY: 'tls.key',
  REGISTRY_TLS_CA: 'tls.ca',
  REGISTRY_TLS_CRL: 'tls.crl',
  REGISTRY_LOG_LEVEL: 'logLevel',
  REGISTRY_HEARTBEAT_SECONDS: 'heartbeatSeconds',
  REGISTRY_DEV_FIXTURES: 'devFixtures',
  REGISTRY_HTTP_ENABLED: 'http.enabled',
  REGISTRY_HTTP_HOST: 'http.host',
  REGISTRY_HTTP_PORT: 'http.port',
  REGISTRY_HTTP_RATE_WINDOW: 'http.rateLimit.windowSeconds',
  REGISTRY_HTTP_RATE_PER_TOKEN: 'http.rateLimit.perToken',
  REGISTRY_HTTP_RATE_PER_REGISTRAR: 'http.rateLimit.perRegistrar',
  REGISTRY_HTTP_IDEMPOTENCY_HOURS: 'http.idempotencyRetentionHours',
  REGISTRY_HTTP_MAX_BODY_BYTES: 'http.maxBodyBytes',
  REGISTRY_HTTP_ADMIN_TOKEN_SHA256: 'http.adminTokenSha256',
  REGISTRY_HTTP_ADMIN_TOKEN_FILE: 'http.adminTokenFile',
  REGISTRY_HTTP_SANDBOX_TLDS: 'http.sandboxTlds',
  REGISTRY_HTTP_METRICS_ALLOW: 'http.metricsAllow',
  REGISTRY_ZONE_PUBLISH: 'zone.publish',
  REGISTRY_ZONE_DIR: 'zone.dir',
  REGISTRY_ZONE_INTERVAL: 'zone.interval',
  REGISTRY_ZONE_RELOAD_COMMAND: 'zone.reloadCommand',
  REGISTRY_RDAP_ENABLED: 'rdap.enabled',
  REGISTRY_RDAP_HOST: 'rdap.host',
  REGISTRY_RDAP_PORT: 'rdap.port',
  REGISTRY_RDAP_BASE_URL: 'rdap.baseUrl',
  REGISTRY_RDAP_TLS_CERT: 'rdap.tls.cert',
  REGISTRY_RDAP_TLS_KEY: 'rdap.tls.key',
  REGISTRY_RDAP_TERMS_URL: 'rdap.termsOfServiceUrl',
  REGISTRY_RDAP_RATE_LIMIT_PER_SECOND: 'rdap.rateLimit.perSecond',
  REGISTRY_RDAP_RATE_LIMIT_BURST: 'rdap.rateLimit.burst',
  REGISTRY_TMCH_CA: 'tmch.ca',
  REGISTRY_ESCROW_AGENT_PUBLIC_KEY: 'escrow.agentPublicKey',
  REGISTRY_ESCROW_SIGNING_KEY: 'escrow.signingKey',
  REGISTRY_ESCROW_SIGNING_KEY_PASSPHRASE_FILE: 'escrow.signingKeyPassphraseFile',
  REGISTRY_ESCROW_OUT_DIR: 'escrow.outDir',
};

/** Settings that name files or folders: resolved against the working directory where they are given. */
const PATH_SETTING = /database|dir|tls\.|escrow\./i;

/** A path setting's value that names a file (a PostgreSQL URL in `database` is not one). */
const isPathValue = (path: string, v: string) => PATH_SETTING.test(path) && !(path === 'database' && /^postgres(ql)?:/i.test(v));

export class ConfigError extends Error {}

/** An absolute http(s) URL without query or fragment; base URLs are kept with a final "/". */
function checkedBaseUrl(v: string, name: string): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new ConfigError(`${name} must be an absolute http or https URL (got ${JSON.stringify(v)})`);
  }
  if (!['http:', 'https:'].includes(u.protocol) || !u.hostname || u.search || u.hash) {
    throw new ConfigError(`${name} must be an absolute http or https URL without query or fragment (got ${JSON.stringify(v)})`);
  }
  return name.endsWith('baseUrl') && !u.href.endsWith('/') ? `${u.href}/` : u.href;
}

export function loadConfig(opts: { file?: string; env?: NodeJS.ProcessEnv; base?: string } = {}): Config {
  const env = opts.env ?? process.env;
  const base = opts.base ?? process.cwd();
  const cfg = defaultConfig(base) as unknown as Record<string, unknown>;
  const file = opts.file ?? env.REGISTRY_CONFIG ?? (existsSync(resolve(base, 'registry.config.json')) ? resolve(base, 'registry.config.json') : undefined);
  if (file) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ConfigError(`config file ${file}: ${(e as Error).message}`);
    }
    mergeInto(cfg, data, '', file);
  }
  for (const [name, path] of Object.entries(ENV)) {
    const v = env[name];
    if (v !== undefined && v !== '') setPath(cfg, path, v, name);
  }
  const c = cfg as unknown as Config;
  const defaults = defaultConfig(base).tls;
  if (c.tls.cert === defaults.cert) c.tls.cert = resolve(c.certsDir, 'server.crt');
  if (c.tls.key === defaults.key) c.tls.key = resolve(c.certsDir, 'server.key');
  if (c.tls.ca === defaults.ca) c.tls.ca = resolve(c.certsDir, 'ca.crt');
  const escrowDefaults = defaultConfig(base).escrow;
  if (c.escrow.agentPublicKey === escrowDefaults.agentPublicKey) c.escrow.agentPublicKey = resolve(c.certsDir, 'escrow-agent.pub.asc');
  if (c.escrow.signingKey === escrowDefaults.signingKey) c.escrow.signingKey = resolve(c.certsDir, 'escrow-signing.sec.asc');
  return validate(c);
}

function mergeInto(target: Record<string, unknown>, src: unknown, prefix: string, file: string): void {
  if (!src || typeof src !== 'object' || Array.isArray(src)) throw new ConfigError(`config file ${file}: ${prefix || 'top level'} must be an object`);
  for (const [k, v] of Object.entries(src)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (!(k in target)) throw new ConfigError(`config file ${file}: unknown setting ${path}`);
    const cur = target[k];
    if (cur && typeof cur === 'object' && !Array.isArray(cur)) mergeInto(cur as Record<string, unknown>, v, path, file);
    else target[k] = typeof v === 'string' && v !== '' && typeof cur === 'string' && isPathValue(path, v) ? resolve(v) : v;
  }
}

function setPath(cfg: Record<string, unknown>, path: string, raw: string, envName: string): void {
  const keys = path.split('.');
  let obj = cfg;
  for (const k of keys.slice(0, -1)) obj = obj[k] as Record<string, unknown>;
  const last = keys[keys.length - 1];
  const cur = obj[last];
  if (Array.isArray(cur)) {
    // Lists come as comma-separated values.
    obj[last] = raw.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
  } else if (typeof cur === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new ConfigError(`${envName}=${raw}: not a number`);
    obj[last] = n;
  } else if (typeof cur === 'boolean') {
    if (!['true', 'false', '1', '0'].includes(raw)) throw new ConfigError(`${envName}=${raw}: must be true or false`);
    obj[last] = raw === 'true' || raw === '1';
  } else {
    obj[last] = isPathValue(path, raw) && raw !== '' ? resolve(raw) : raw;
  }
}

function validate(c: Config): Config {
  const bad = (msg: string) => {
    throw new ConfigError(msg);
  };
  const int = (v: unknown, lo: number, hi: number, name: string) => {
    if (!Number.isInteger(v) || (v as number) < lo || (v as number) > hi) bad(`${name} must be an integer from ${lo} to ${hi} (got ${JSON.stringify(v)})`);
  };
  int(c.epp.port, 0, 65535, 'epp.port');
  int(c.epp.maxFrameBytes, 1024, 16 * 1024 * 1024, 'epp.maxFrameBytes');
  int(c.epp.idleTimeout, 1, 86400, 'epp.idleTimeout');
  int(c.epp.sessionTimeout, 1, 7 * 86400, 'epp.sessionTimeout');
  int(c.epp.handshakeTimeout, 1, 600, 'epp.handshakeTimeout');
  int(c.epp.loginTimeout, 1, 3600, 'epp.loginTimeout');
  int(c.epp.maxLoginFailures, 1, 100, 'epp.maxLoginFailures');
  if (typeof c.epp.host !== 'string' || !c.epp.host) bad('epp.host must be a host name or address');
  if (typeof c.epp.svID !== 'string' || c.epp.svID.length < 3 || c.epp.svID.length > 64) bad('epp.svID must be 3 to 64 characters');
  int(c.epp.passwordMaxAgeDays, 0, 3650, 'epp.passwordMaxAgeDays');
  int(c.epp.passwordExpiryWarningDays, 0, 365, 'epp.passwordExpiryWarningDays');
  int(c.epp.certificateExpiryWarningDays, 0, 365, 'epp.certificateExpiryWarningDays');
  if (typeof c.epp.unhandledNamespacesInResponses !== 'boolean') bad('epp.unhandledNamespacesInResponses must be true or false');
  if (!['FULL', 'NORMAL'].includes(c.synchronous)) bad('synchronous must be FULL or NORMAL');
  if (/^postgres(ql)?:/i.test(c.database)) {
    let u: URL | undefined;
    try {
      u = new URL(c.database);
    } catch {
      // reported below, without echoing a password
    }
    if (!u || !/^postgres(ql)?:\/\//i.test(c.database) || u.pathname.length <= 1) {
      bad('database: a PostgreSQL URL must look like postgres://user@host:5432/dbname (or postgres:///dbname?host=/socket/dir)');
    }
  }
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(c.logLevel)) bad(`logLevel must be one of fatal, error, warn, info, debug, trace, silent`);
  int(c.heartbeatSeconds, 1, 300, 'heartbeatSeconds');
  if (!/^[A-Za-z0-9]{1,8}$/.test(c.roidSuffix)) bad('roidSuffix must be 1 to 8 letters or digits (RFC 5730 roid)');
  if (typeof c.devFixtures !== 'boolean') bad('devFixtures must be true or false');
  if (typeof c.tmch?.ca !== 'string') bad('tmch.ca must be the path of a PEM file of TMCH CA certificates (or empty: none)');
  else if (c.tmch.ca !== '') {
    try {
      pemCertificates(readFileSync(c.tmch.ca, 'utf8'));
    } catch (e) {
      bad(`tmch.ca ${c.tmch.ca}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  }
  if (typeof c.tls.crl !== 'string') bad('tls.crl must be the path of a PEM CRL file (or empty: none)');
  else if (c.tls.crl !== '' && !existsSync(c.tls.crl)) bad(`tls.crl: no file ${c.tls.crl}`);
  const h = c.http;
  if (typeof h.enabled !== 'boolean') bad('http.enabled must be true or false');
  if (typeof h.host !== 'string' || !h.host) bad('http.host must be a host name or address');
  int(h.port, 0, 65535, 'http.port');
  int(h.rateLimit.windowSeconds, 1, 86400, 'http.rateLimit.windowSeconds');
  int(h.rateLimit.perToken, 1, 1_000_000, 'http.rateLimit.perToken');
  int(h.rateLimit.perRegistrar, 1, 1_000_000, 'http.rateLimit.perRegistrar');
  int(h.idempotencyRetentionHours, 1, 24 * 90, 'http.idempotencyRetentionHours');
  int(h.maxBodyBytes, 1024, 16 * 1024 * 1024, 'http.maxBodyBytes');
  if (typeof h.adminTokenSha256 !== 'string' || (h.adminTokenSha256 !== '' && !/^[0-9a-fA-F]{64}$/.test(h.adminTokenSha256))) {
    bad('http.adminTokenSha256 must be the SHA-256 of the admin token as 64 hex digits (or empty)');
  }
  if (typeof h.adminTokenFile !== 'string') bad('http.adminTokenFile must be a file path (or empty)');
  if (h.adminTokenFile !== '' && !existsSync(h.adminTokenFile)) bad(`http.adminTokenFile ${h.adminTokenFile} does not exist`);
  if (!Array.isArray(h.sandboxTlds) || !h.sandboxTlds.every((t) => typeof t === 'string' && /^[a-z0-9-]{1,63}$/.test(t))) {
    bad('http.sandboxTlds must be a list of TLDs (lower-case A-labels)');
  }
  if (!Array.isArray(h.metricsAllow) || !h.metricsAllow.every((a) => typeof a === 'string')) bad('http.metricsAllow must be a list of IP addresses or CIDR ranges');
  try {
    addressList(h.metricsAllow);
  } catch (e) {
    bad(`http.metricsAllow: ${(e as Error).message}`);
  }
  const z = c.zone;
  if (typeof z.publish !== 'boolean') bad('zone.publish must be true or false');
  if (typeof z.dir !== 'string' || !z.dir) bad('zone.dir must be a folder');
  int(z.interval, 1, 86400, 'zone.interval');
  if (typeof z.reloadCommand !== 'string') bad('zone.reloadCommand must be a shell command (or empty)');
  const r = c.rdap;
  if (typeof r.enabled !== 'boolean') bad('rdap.enabled must be true or false');
  if (typeof r.host !== 'string' || !r.host) bad('rdap.host must be a host name or address');
  int(r.port, 0, 65535, 'rdap.port');
  if (typeof r.baseUrl !== 'string') bad('rdap.baseUrl must be a URL (or empty)');
  if (r.baseUrl !== '') r.baseUrl = checkedBaseUrl(r.baseUrl, 'rdap.baseUrl');
  if (typeof r.tls?.cert !== 'string' || typeof r.tls?.key !== 'string') bad('rdap.tls.cert and rdap.tls.key must be file paths (or empty)');
  if ((r.tls.cert === '') !== (r.tls.key === '')) bad('rdap.tls.cert and rdap.tls.key go together: give both for HTTPS, neither for HTTP');
  for (const [name, file] of [['rdap.tls.cert', r.tls.cert], ['rdap.tls.key', r.tls.key]] as const) {
    if (file !== '' && !existsSync(file)) bad(`${name} ${file} does not exist`);
  }
  if (typeof r.termsOfServiceUrl !== 'string') bad('rdap.termsOfServiceUrl must be a URL (or empty)');
  if (r.termsOfServiceUrl !== '') checkedBaseUrl(r.termsOfServiceUrl, 'rdap.termsOfServiceUrl');
  int(r.rateLimit?.perSecond, 0, 1_000_000, 'rdap.rateLimit.perSecond');
  int(r.rateLimit?.burst, 1, 1_000_000, 'rdap.rateLimit.burst');
  const e = c.escrow;
  for (const k of ['agentPublicKey', 'signingKey', 'outDir'] as const) if (typeof e[k] !== 'string' || e[k] === '') bad(`escrow.${k} must be a file or folder path`);
  if (typeof e.signingKeyPassphraseFile !== 'string') bad('escrow.signingKeyPassphraseFile must be a file path (or empty)');
  return c;
}
