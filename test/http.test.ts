import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runHttpChecklist } from '../src/http/checklist.js';
import { sha256Hex, issueToken } from '../src/http/tokens.js';
import { protectName, releaseName } from '../src/http/protected.js';
import { loadConfig } from '../src/config.js';
import { IDEMPOTENCY_PENDING } from '../src/storage/http-repo.js';
import type { Repos } from '../src/storage/store.js';
import { REPO_ROOT } from '../src/ote/environment.js';
import { command, send, startTestRegistry, type TestRegistry } from './helpers.js';
import * as seed from './seed.js';
import { keepArtifact } from './artifacts.js';

/**
 * The HTTP registrar API (issue 6) over real HTTP: the HeadlessDomains OT&E checklist in order with its
 * retries, idempotency conflicts, rate limits, poll reconciliation, both doors onto one registry (HTTP ↔
 * EPP), authentication and authorisation, protected names, nameserver apply, and the operator's evidence
 * archive (API and CLI).
 */

const DOMAIN_NS = 'xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"';
const HOST_NS = 'xmlns:host="urn:ietf:params:xml:ns:host-1.0"';
const ADMIN_TOKEN = 'admin-token-for-tests-0123456789abcdef';
const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');

interface Res {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

class Api {
  constructor(
    private readonly base: string,
    readonly token: string | undefined,
  ) {}
  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
    const h: Record<string, string> = { ...headers };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      h['content-type'] = 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const r = await fetch(this.base + path, { method, headers: h, body: payload });
    const text = await r.text();
    // Every response, whatever it is, carries a request id and the rate-limit state.
    expect(r.headers.get('x-request-id'), `${method} ${path}: X-Request-Id`).to.match(/^[0-9a-f-]{36}$/);
    for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
      expect(r.headers.get(name), `${method} ${path}: ${name}`).to.match(/^\d+$/);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: r.status, headers: r.headers, body: parsed, text };
  }
  get = (path: string, headers?: Record<string, string>) => this.call('GET', path, undefined, headers);
  post = (path: string, body?: unknown, headers?: Record<string, string>) => this.call('POST', path, body ?? {}, headers);
  patch = (path: string, body: unknown) => this.call('PATCH', path, body);
  put = (path: string, body: unknown) => this.call('PUT', path, body);
  del = (path: string, headers?: Record<string, string>) => this.call('DELETE', path, undefined, headers);
}

function expectError(r: Res, status: number, code: string, field?: string): void {
  expect(r.status, r.text).to.equal(status);
  expect(r.body.error.code, r.text).to.equal(code);
  expect(r.body.error).to.include.all.keys('code', 'message', 'field', 'epp_code');
  expect(r.body.error.message).to.be.a('string').and.not.empty;
  if (field !== undefined) expect(r.body.error.field, r.text).to.equal(field);
}

const balanceOf = seed.balance;
const auditCount = async (t: TestRegistry) => (await seed.auditRows(t)).length;

describe('HTTP registrar API (issue 6)', function () {
  this.timeout(60000);
  let t: TestRegistry;
  let base: string;
  let x: Api; // ClientX, every scope
  let y: Api; // ClientY, every scope
  let admin: Api;
  let channelX: string;

  before(async () => {
    t = await startTestRegistry((c) => {
      c.http.adminTokenSha256 = sha256Hex(ADMIN_TOKEN);
      // A second sandbox namespace, so that the refusal tests do not disturb the checklist's fixtures.
      c.http.sandboxTlds = ['defiwallet', 'sandbox2'];
      // Room for the whole file; the limits themselves are tested on a registry of their own.
      c.http.rateLimit = { windowSeconds: 60, perToken: 1000, perRegistrar: 2000 };
    });
    await t.registry.store.transaction(async (r) => {
      const dw = (await r.tlds.get('defiwallet'))!;
      await r.tlds.upsert({ name: 'sandbox2', policy: dw.policy }, new Date());
    });
    expect(t.registry.http!.port).to.be.above(0);
    base = `http://127.0.0.1:${t.registry.http!.port}/api/v1/registrar/v1`;
    channelX = 'hd-ote-clientx';
    x = new Api(base, (await issueToken(t.registry.store, { clId: 'ClientX', channel: channelX }, new Date())).token);
    y = new Api(base, (await issueToken(t.registry.store, { clId: 'ClientY', channel: 'hd-ote-clienty' }, new Date())).token);
    admin = new Api(base, ADMIN_TOKEN);
  });
  after(async () => {
    await t?.close();
  });

  // ---------------------------------------------------------------- the checklist, in order

  it('runs the OT&E checklist command sequence in order, each retry replaying safely, then archives the run', async () => {
    const keys: Record<string, string> = {};
    const startedAt = new Date(t.clock.now().getTime() - 1000);

    // 1. Status preflight.
    const status = await x.get('/status');
    expect(status.status, status.text).to.equal(200);
    expect(status.body.channel).to.include({ id: channelX, approval_state: 'approved_for_ote', production_state: 'not_approved' });
    expect(status.body.namespaces.map((n: { tld: string }) => n.tld)).to.include('defiwallet');
    expect(status.body.namespaces.find((n: { tld: string }) => n.tld === 'defiwallet').sandbox).to.equal(true);
    expect(status.body.token.scopes).to.include.members(['status', 'check', 'create', 'info', 'renew', 'update', 'transfer', 'nameservers', 'delete', 'poll', 'sandbox']);
    expect(status.body.capabilities.create_domain).to.equal(true);
    expect(status.body.rate_limits).to.include({ per_token: 1000, per_registrar: 2000, window_seconds: 60 });
    expect(status.body.rate_limits.current).to.include({ limit: 1000 });
    expect(status.body.registry_service.commands.map((c: { command: string }) => c.command)).to.include.members(['create_domain', 'delete_domain', 'poll']);
    expect(status.body.registry_service.epp.port).to.equal(t.registry.address.port);
    expect(status.body.audit_provenance.registrar_channel_id).to.equal(channelX);

    // Reset fixtures.
    keys.reset = 'ote-reset-001';
    const reset = await x.post('/sandbox/reset', { tld: 'defiwallet', sandbox: true, idempotency_key: keys.reset });
    expect(reset.status, reset.text).to.equal(200);
    expect(reset.body.fixtures.map((f: { domain: string }) => f.domain)).to.deep.equal(
      ['ote-renew', 'ote-update', 'ote-transfer', 'ote-ns', 'ote-delete'].map((l) => `${l}.defiwallet`),
    );
    expect(reset.body.available).to.deep.equal(['ote-available.defiwallet']);

    // 2. Availability.
    const check = await x.post('/domains/check', { domain: 'ote-available.defiwallet' });
    expect(check.status, check.text).to.equal(200);
    expect(check.body).to.include({ domain: 'ote-available.defiwallet', available: true, reason: null });
    const checkLabel = await x.post('/domains/check', { label: 'ote-renew', tld: 'defiwallet' });
    expect(checkLabel.body).to.include({ domain: 'ote-renew.defiwallet', available: false });
    expect(checkLabel.body.reason).to.be.a('string');

    // 3. Create, retried with the same key: one registration, one debit; a different request with the key: 409.
    keys.create = 'ote-create-001';
    const createReq = { domain: 'ote-livecheck.defiwallet', years: 1, registrant_email: 'ote-customer@example.invalid', registrant_external_id: 'registrar-ote-customer-001', idempotency_key: keys.create };
    const balance0 = await balanceOf(t, 'ClientX');
    const create = await x.post('/domains', createReq);
    expect(create.status, create.text).to.equal(201);
    expect(create.body).to.include({ domain: 'ote-livecheck.defiwallet', status: 'registered' });
    expect(create.body.registrant).to.deep.equal({ email: 'ote-customer@example.invalid', external_id: 'registrar-ote-customer-001' });
    expect(create.headers.get('idempotent-replayed')).to.equal(null);
    const createRetry = await x.post('/domains', createReq);
    expect(createRetry.status).to.equal(201);
    expect(createRetry.text).to.equal(create.text);
    expect(createRetry.headers.get('idempotent-replayed')).to.equal('true');
    expect(createRetry.headers.get('x-idempotent-replay-of')).to.equal(create.headers.get('x-request-id'));
    expect(createRetry.headers.get('x-request-id')).to.not.equal(create.headers.get('x-request-id'));
    expect(await balanceOf(t, 'ClientX')).to.equal(balance0 - 1000);
    const conflict = await x.post('/domains', { ...createReq, years: 2 });
    expectError(conflict, 409, 'duplicate_idempotency_key_conflict', 'idempotency_key');
    expect(conflict.body.error.original_request_id).to.equal(create.headers.get('x-request-id'));
    // The key may come as a header too; header and body must agree.
    const viaHeader = await x.post('/domains', { domain: 'ote-livecheck.defiwallet', years: 1, registrant_email: 'ote-customer@example.invalid', registrant_external_id: 'registrar-ote-customer-001' }, { 'idempotency-key': keys.create });
    expect(viaHeader.status).to.equal(201);
    expect(viaHeader.headers.get('idempotent-replayed')).to.equal('true');
    expectError(await x.post('/domains', createReq, { 'idempotency-key': 'something-else' }), 400, 'idempotency_key_mismatch', 'idempotency_key');

    // 4. Info of the created domain and the fixtures.
    const info = await x.get('/domains/ote-livecheck.defiwallet');
    expect(info.status, info.text).to.equal(200);
    expect(info.body.domain).to.equal('ote-livecheck.defiwallet');
    expect(info.body.registration.registrar).to.equal('ClientX');
    expect(info.body.registration.expires_at).to.equal(create.body.expires_at);
    expect(info.body.registrant).to.deep.equal({ email: 'ote-customer@example.invalid', external_id: 'registrar-ote-customer-001' });
    expect(info.body.lifecycle.state).to.equal('active');
    expect(info.body.nameservers).to.include({ backend_apply_status: 'none' });
    expect(info.body.namespace).to.include({ tld: 'defiwallet', sandbox: true });
    for (const l of ['ote-renew', 'ote-update', 'ote-transfer', 'ote-ns', 'ote-delete']) {
      const f = await x.get(`/domains/${l}.defiwallet`);
      expect(f.status, f.text).to.equal(200);
      expect(f.body.sandbox, l).to.equal(true);
    }

    // 5. Renew, retried: one expiry jump, one debit.
    keys.renew = 'ote-renew-001';
    const before = (await x.get('/domains/ote-renew.defiwallet')).body.registration.expires_at as string;
    const balance1 = await balanceOf(t, 'ClientX');
    const renew = await x.post('/domains/ote-renew.defiwallet/renew', { years: 1, idempotency_key: keys.renew });
    expect(renew.status, renew.text).to.equal(200);
    expect(new Date(renew.body.expires_at).getUTCFullYear()).to.equal(new Date(before).getUTCFullYear() + 1);
    const renewRetry = await x.post('/domains/ote-renew.defiwallet/renew', { years: 1, idempotency_key: keys.renew });
    expect(renewRetry.status).to.equal(200);
    expect(renewRetry.text).to.equal(renew.text);
    expect(renewRetry.headers.get('idempotent-replayed')).to.equal('true');
    expect((await x.get('/domains/ote-renew.defiwallet')).body.registration.expires_at).to.equal(renew.body.expires_at);
    expect(await balanceOf(t, 'ClientX')).to.equal(balance1 - 1000);

    // 6. Metadata update.
    keys.update = 'ote-update-001';
    const patch = await x.patch('/domains/ote-update.defiwallet', { registrant_email: 'new-owner@example.invalid', registrant_external_id: 'registrar-ote-customer-002', idempotency_key: keys.update });
    expect(patch.status, patch.text).to.equal(200);
    expect(patch.body.registrant).to.deep.equal({ email: 'new-owner@example.invalid', external_id: 'registrar-ote-customer-002' });
    expect((await x.get('/domains/ote-update.defiwallet')).body.registrant.email).to.equal('new-owner@example.invalid');
    const lock = await x.patch('/domains/ote-update.defiwallet', { client_statuses: { add: ['clientTransferProhibited'] }, idempotency_key: 'ote-update-002' });
    expect(lock.status, lock.text).to.equal(200);
    expect((await x.get('/domains/ote-update.defiwallet')).body.lifecycle.statuses).to.include('clientTransferProhibited');

    // 7. Transfer intent with gaining registrar metadata (not this registry's registrar id), retried.
    keys.transfer = 'ote-transfer-001';
    const gaining = { name: 'Gaining Registrar OT&E', external_id: 'registrar-ote-gaining', contact_email: 'transfers@gaining.example' };
    const transferReq = { gaining_registrar: gaining, idempotency_key: keys.transfer };
    const transfer = await x.post('/domains/ote-transfer.defiwallet/transfer', transferReq);
    expect(transfer.status, transfer.text).to.equal(202);
    expect(transfer.body.transfer).to.include({ direction: 'outbound', status: 'intent_recorded' });
    expect(transfer.body.backend_apply_status).to.equal('pending');
    const transferRetry = await x.post('/domains/ote-transfer.defiwallet/transfer', transferReq);
    expect(transferRetry.status).to.equal(202);
    expect(transferRetry.text).to.equal(transfer.text);
    expect(transferRetry.headers.get('idempotent-replayed')).to.equal('true');
    const intents = (await x.get('/domains/ote-transfer.defiwallet')).body.transfer.intents;
    expect(intents).to.have.length(1);
    expect(intents[0].gaining_registrar).to.deep.equal(gaining);

    // 8. Nameservers: two valid hosts, stored, pending backend apply (the hosts are not host objects here).
    keys.ns = 'ote-ns-001';
    const ns = await x.put('/domains/ote-ns.defiwallet/nameservers', { nameservers: ['ns1.example.net', 'NS2.example.net.'], idempotency_key: keys.ns });
    expect(ns.status, ns.text).to.equal(202);
    expect(ns.body).to.include({ backend_apply_status: 'pending' });
    expect(ns.body.nameservers).to.deep.equal(['ns1.example.net', 'ns2.example.net']);
    const nsInfo = (await x.get('/domains/ote-ns.defiwallet')).body.nameservers;
    expect(nsInfo).to.include({ backend_apply_status: 'pending' });
    expect(nsInfo.desired).to.deep.equal(['ns1.example.net', 'ns2.example.net']);

    // 9. Delete / cancel, retried: redemption (not a hard delete), and the retry is not "already deleted".
    keys.delete = 'ote-delete-001';
    const del = await x.del('/domains/ote-delete.defiwallet', { 'idempotency-key': keys.delete });
    expect(del.status, del.text).to.equal(202);
    expect(del.body).to.include({ status: 'pending_delete', hard_delete: false });
    expect(del.body.lifecycle.state).to.equal('redemption');
    const delRetry = await x.del('/domains/ote-delete.defiwallet', { 'idempotency-key': keys.delete });
    expect(delRetry.status).to.equal(202);
    expect(delRetry.text).to.equal(del.text);
    expect(delRetry.headers.get('idempotent-replayed')).to.equal('true');
    const gone = await x.get('/domains/ote-delete.defiwallet');
    expect(gone.status).to.equal(200);
    expect(gone.body.lifecycle.state).to.equal('redemption');
    expect(gone.body.lifecycle.statuses).to.include('pendingDelete');
    // A new key on the deleted domain is a new request: the lifecycle refuses it.
    expectError(await x.del('/domains/ote-delete.defiwallet', { 'idempotency-key': 'ote-delete-002' }), 409, 'status_prohibits_operation');

    // 10. Poll: every command appears with its status, domain and idempotency key, and the channel id of GET /status.
    const expectations: Array<[string, string, string | null, string]> = [
      [keys.reset, 'sandbox_reset', null, 'success'],
      [keys.create, 'create_domain', 'ote-livecheck.defiwallet', 'success'],
      [keys.renew, 'renew_domain', 'ote-renew.defiwallet', 'success'],
      [keys.update, 'update_domain', 'ote-update.defiwallet', 'success'],
      [keys.transfer, 'transfer_domain', 'ote-transfer.defiwallet', 'success'],
      [keys.ns, 'set_nameservers', 'ote-ns.defiwallet', 'success'],
      [keys.delete, 'delete_domain', 'ote-delete.defiwallet', 'success'],
    ];
    for (const [key, cmd, domain, st] of expectations) {
      const p = await x.get(`/poll?idempotency_key=${encodeURIComponent(key)}`);
      expect(p.status, p.text).to.equal(200);
      const events = p.body.events as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(events.length, `${key}: ${p.text}`).to.be.greaterThan(0);
      for (const e of events) {
        expect(e.command, key).to.equal(cmd);
        expect(e.status, key).to.equal(st);
        expect(e.idempotency_key).to.equal(key);
        expect(e.registrar).to.deep.equal({ id: 'ClientX', channel_id: channelX });
        expect(e.audit_id).to.be.a('number');
        expect(e.request_id).to.be.a('string');
        expect(e.recorded_at).to.be.a('string');
        if (domain) expect(e.domain, key).to.equal(domain);
      }
    }
    // The transfer intent and its replay are transfer rows carrying the intent.
    const transferEvents = (await x.get(`/poll?idempotency_key=${keys.transfer}&command=transfer_domain`)).body.events as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const intentRows = transferEvents.filter((e) => e.transfer !== null);
    expect(intentRows.map((e) => [e.epp_command, e.replay])).to.deep.equal([
      ['http:replay', true],
      ['http:transfer-intent', false],
    ]);
    for (const e of intentRows) expect(e.transfer).to.deep.equal({ intent_id: transfer.body.transfer.intent_id, status: 'intent_recorded', gaining_registrar: gaining });
    // The retries show as replays next to the attempt they repeat.
    const createEvents = (await x.get(`/poll?idempotency_key=${keys.create}`)).body.events as Array<Record<string, unknown>>;
    expect(createEvents.filter((e) => e.replay === true).length).to.equal(2);
    expect(createEvents.filter((e) => e.replay === false).map((e) => e.epp_command)).to.deep.equal(['domain:create']);
    expect(createEvents.find((e) => e.replay === false)!.request_id).to.equal(create.headers.get('x-request-id'));
    // The sample audit poll of the checklist.
    const sample = await x.get('/poll?idempotency_key=ote-create-001&command=create_domain&status=success&domain=ote-livecheck.defiwallet&limit=1');
    expect(sample.body.events).to.have.length(1);
    expect(sample.body.events[0]).to.include({ command: 'create_domain', status: 'success', domain: 'ote-livecheck.defiwallet', idempotency_key: 'ote-create-001' });
    // Reads (check, info) are audited too and found by request id.
    const byRequest = await x.get(`/poll?request_id=${check.headers.get('x-request-id')}`);
    expect(byRequest.body.events.map((e: { command: string; epp_command: string }) => [e.command, e.epp_command])).to.deep.equal([['check_domain', 'domain:check']]);

    // Archive the run: the operator records it (admin token), exports the Markdown with its SHA-256 and companion.
    const rec = await admin.post('/admin/interop', {
      run_id: 'ote-clientx-http-001',
      registrar: 'ClientX',
      channel_id: channelX,
      name: 'ClientX HTTP registrar OT&E',
      reviewer: 'registry-ops@example.invalid',
      decision: 'approved',
      notes: 'All checklist commands and retries passed.',
      window: { from: startedAt.toISOString(), to: new Date(t.clock.now().getTime() + 1000).toISOString() },
    });
    expect(rec.status, rec.text).to.equal(201);
    expect(rec.body.run_id).to.equal('ote-clientx-http-001');
    const md = await admin.get('/admin/registrar-ote-runs/ote-clientx-http-001/evidence-archive.md');
    expect(md.status).to.equal(200);
    expect(md.headers.get('content-type')).to.match(/^text\/markdown/);
    const sha = createHash('sha256').update(md.text, 'utf8').digest('hex');
    expect(md.headers.get('x-archive-sha256')).to.equal(sha);
    expect(rec.body.archive.sha256).to.equal(sha);
    const companion = await admin.get('/admin/registrar-ote-runs/ote-clientx-http-001/evidence-archive.md.sha256');
    expect(companion.text).to.equal(`${sha}  ote-clientx-http-001-evidence-archive.md\n`);
    expect(md.text).to.include('# OT&E evidence: ClientX HTTP registrar OT&E');
    expect(md.text).to.include('- Command coverage: complete');
    expect(md.text).to.include('Reviewer decision: **APPROVED**');
    expect(md.text).to.include(create.headers.get('x-request-id')!);
    expect(md.text).to.include('duplicate_idempotency_key_conflict');
    // No secret reaches the archive: no bearer token, no auth code.
    expect(md.text).to.not.include(x.token!);
    // RFC 9154: a domain created without auth_code has none, and none can be read back (it was shown here before).
    expect(info.body.registration).to.not.have.property('auth_code');
    // The same bytes come out of the CLI.
    const cli = spawnSync(process.execPath, [CLI, 'ote', 'http-archive', 'ote-clientx-http-001', '--out', join(t.artifacts, 'evidence')], {
      env: { ...process.env, REGISTRY_DATABASE: t.config.database, REGISTRY_CERTS_DIR: t.config.certsDir },
      encoding: 'utf8',
    });
    expect(cli.status, cli.stderr).to.equal(0);
    keepArtifact('http/cli-http-archive.txt', cli.stdout + cli.stderr);
    expect(readFileSync(join(t.artifacts, 'evidence/ote-clientx-http-001-evidence-archive.md'), 'utf8')).to.equal(md.text);
    expect(readFileSync(join(t.artifacts, 'evidence/ote-clientx-http-001-evidence-archive.md.sha256'), 'utf8')).to.equal(companion.text);
    // Admin endpoints never accept a registrar token.
    expectError(await x.get('/admin/registrar-ote-runs/ote-clientx-http-001/evidence-archive.md'), 401, 'invalid_admin_token');
    expectError(await admin.post('/admin/interop', { run_id: 'ote-clientx-http-001', registrar: 'ClientX', name: 'again', reviewer: 'r', decision: 'pending', idempotency_keys: ['ote-create-001'] }), 409, 'run_exists');
  });

  // ---------------------------------------------------------------- both doors, one registry

  it('offers create only in TLDs it can serve: a maximum-model TLD (a registrant needed, no field for it) says create_available false and refuses POST /domains with 422, creating nothing', async () => {
    const status = await x.get('/status');
    const ns = (tld: string) => status.body.namespaces.find((n: { tld: string }) => n.tld === tld);
    expect(ns('defiwallet')).to.include({ data_model: 'minimum', create_available: true });
    expect(ns('tatar')).to.include({ data_model: 'maximum', create_available: false });
    const r = await x.post('/domains', { domain: 'http-needs-registrant.tatar', idempotency_key: 'max-model-create-1' });
    expectError(r, 422, 'namespace_not_creatable', 'domain');
    expect(r.body.error.message).to.match(/\.tatar needs a registrant contact/);
    expect((await x.get('/domains/http-needs-registrant.tatar')).status).to.equal(404);
  });

  it('shows a domain created over HTTP to EPP, and one created over EPP to HTTP', async () => {
    const c = await t.login('ClientX');
    try {
      const created = await x.post('/domains', { domain: 'cross-http.defiwallet', years: 2, idempotency_key: 'cross-1' });
      expect(created.status, created.text).to.equal(201);
      let r = await send(c, command(`<info><domain:info ${DOMAIN_NS}><domain:name>cross-http.defiwallet</domain:name></domain:info></info>`));
      expect(r.code).to.equal(1000);
      expect(r.text('//domain:clID')).to.equal('ClientX');
      expect(r.text('//domain:exDate')?.slice(0, 10)).to.equal(created.body.expires_at.slice(0, 10));
      // RFC 9154 (this compared the two doors' auth codes before): neither shows one; an HTTP create sets none.
      expect(r.text('//domain:authInfo/domain:pw')).to.equal('');
      expect((await x.get('/domains/cross-http.defiwallet')).body.registration).to.not.have.property('auth_code');

      r = await send(c, command(`<create><domain:create ${DOMAIN_NS}><domain:name>cross-epp.defiwallet</domain:name><domain:period unit="y">1</domain:period><domain:authInfo><domain:pw>epp-Secret-1</domain:pw></domain:authInfo></domain:create></create>`));
      expect(r.code, r.xml).to.equal(1000);
      const info = await x.get('/domains/cross-epp.defiwallet');
      expect(info.status, info.text).to.equal(200);
      expect(info.body.registration).to.include({ registrar: 'ClientX' });
      expect(info.body.registration).to.not.have.property('auth_code');
      expect(info.body.registration.expires_at.slice(0, 10)).to.equal(r.text('//domain:exDate')!.slice(0, 10));
      // HTTP renew → EPP sees the new expiry; EPP delete → HTTP sees redemption.
      const renew = await x.post('/domains/cross-epp.defiwallet/renew', { idempotency_key: 'cross-2' });
      expect(renew.status, renew.text).to.equal(200);
      r = await send(c, command(`<info><domain:info ${DOMAIN_NS}><domain:name>cross-epp.defiwallet</domain:name></domain:info></info>`));
      expect(r.text('//domain:exDate')?.slice(0, 10)).to.equal(renew.body.expires_at.slice(0, 10));
      r = await send(c, command(`<delete><domain:delete ${DOMAIN_NS}><domain:name>cross-http.defiwallet</domain:name></domain:delete></delete>`));
      expect(r.code).to.equal(1001);
      expect((await x.get('/domains/cross-http.defiwallet')).body.lifecycle.state).to.equal('redemption');
      // The key may be in a DELETE body too.
      const del = await x.call('DELETE', '/domains/cross-epp.defiwallet', { idempotency_key: 'cross-3' });
      expect(del.status, del.text).to.equal(202);
      r = await send(c, command(`<info><domain:info ${DOMAIN_NS}><domain:name>cross-epp.defiwallet</domain:name></domain:info></info>`));
      expect(r.texts('//domain:status/@s')).to.include('pendingDelete');
      // EPP commands show in GET /poll too, under their EPP command names.
      const p = await x.get('/poll?domain=cross-http.defiwallet&command=delete_domain');
      expect(p.body.events).to.have.length(1);
      expect(p.body.events[0]).to.include({ source: 'epp', epp_command: 'domain:delete', command: 'delete_domain', request_id: null, cl_trid: 'ABC-12345' });
      expect(p.body.events[0].registrar).to.deep.equal({ id: 'ClientX', channel_id: null });
      // The HTTP request's id is the audit row's clTRID.
      const rows = (await seed.auditRows(t)).filter((a) => a.command === 'domain:create' && a.object === 'cross-http.defiwallet');
      expect(rows.map((a) => ({ source: a.source, cl_trid: a.clTRID }))).to.deep.equal([{ source: 'http', cl_trid: created.headers.get('x-request-id') }]);
    } finally {
      c.close();
    }
  });

  // ---------------------------------------------------------------- authentication and authorisation

  it('answers 401 without a valid token, 403 for a missing scope', async () => {
    const anon = new Api(base, undefined);
    let r = await anon.get('/status');
    expectError(r, 401, 'missing_token');
    expect(r.headers.get('www-authenticate')).to.match(/^Bearer/);
    expectError(await new Api(base, 'rrapi_not-a-real-token').get('/status'), 401, 'invalid_token');
    expectError(await new Api(base, 'rrapi_not-a-real-token').post('/domains', { domain: 'nope.defiwallet', idempotency_key: 'k' }), 401, 'invalid_token');

    const issued = await issueToken(t.registry.store, { clId: 'ClientX', channel: channelX, scopes: ['status', 'check'] }, new Date());
    const narrow = new Api(base, issued.token);
    r = await narrow.get('/status');
    expect(r.status).to.equal(200);
    expect(r.body.capabilities).to.include({ check_domain: true, create_domain: false });
    expect((await narrow.post('/domains/check', { domain: 'scope-test.defiwallet' })).status).to.equal(200);
    const audits = await auditCount(t);
    r = await narrow.post('/domains', { domain: 'scope-test.defiwallet', idempotency_key: 'scope-1' });
    expectError(r, 403, 'insufficient_scope');
    expect(r.body.error.required_scope).to.equal('create');
    expectError(await narrow.get('/poll'), 403, 'insufficient_scope');
    expect(await auditCount(t)).to.equal(audits);
    expect((await x.post('/domains/check', { domain: 'scope-test.defiwallet' })).body.available).to.equal(true);

    // A channel approved for one namespace only.
    const dw = new Api(base, (await issueToken(t.registry.store, { clId: 'ClientX', channel: 'dw-only', tlds: ['defiwallet'] }, new Date())).token);
    expect((await dw.get('/status')).body.namespaces.map((n: { tld: string }) => n.tld)).to.deep.equal(['defiwallet']);
    expectError(await dw.post('/domains', { domain: 'elsewhere.tatar', idempotency_key: 'ns-1' }), 403, 'namespace_not_approved', 'domain');
    expectError(await dw.post('/domains/check', { domain: 'elsewhere.tatar' }), 403, 'namespace_not_approved', 'domain');
    expect((await dw.post('/domains/check', { domain: 'elsewhere.defiwallet' })).status).to.equal(200);

    // A revoked token stops working at once.
    await t.registry.store.transaction((s) => s.http.revokeToken(issued.id, new Date()));
    expectError(await narrow.get('/status'), 401, 'invalid_token');
    // Only the hash is stored.
    const [stored] = (await seed.sqlRows(t, 'SELECT token_sha256 FROM http_tokens WHERE id = ?', issued.id)) as Array<{ token_sha256: string }>;
    expect(stored.token_sha256).to.equal(sha256Hex(issued.token));
    expect(JSON.stringify(await seed.sqlRows(t, 'SELECT * FROM http_tokens'))).to.not.include(issued.token);
  });

  it("treats another registrar's domain as not found, and never shows its data", async () => {
    const made = await x.post('/domains', { domain: 'x-owned.defiwallet', registrant_email: 'secret-owner@example.invalid', idempotency_key: 'owned-1' });
    expect(made.status, made.text).to.equal(201);
    // RFC 9154: the auth code is made by the registry on request and shown once (it was read back with GET before).
    const generated = await x.post('/domains/x-owned.defiwallet/auth-code');
    expect(generated.status, generated.text).to.equal(201);
    const authCode = generated.body.auth_code as string;
    const expiry = made.body.expires_at as string;

    const tries: Res[] = [
      await y.get('/domains/x-owned.defiwallet'),
      await y.post('/domains/x-owned.defiwallet/renew', { idempotency_key: 'y-1' }),
      await y.patch('/domains/x-owned.defiwallet', { registrant_email: 'thief@example.invalid', idempotency_key: 'y-2' }),
      await y.put('/domains/x-owned.defiwallet/nameservers', { nameservers: ['ns1.example.net', 'ns2.example.net'], idempotency_key: 'y-3' }),
      await y.post('/domains/x-owned.defiwallet/transfer', { gaining_registrar: { id: 'ClientX' }, idempotency_key: 'y-4' }),
      await y.del('/domains/x-owned.defiwallet', { 'idempotency-key': 'y-5' }),
    ];
    for (const r of tries) {
      expectError(r, 404, 'domain_not_found', 'domain');
      for (const secret of [authCode, 'secret-owner@example.invalid', expiry, 'ClientX']) expect(r.text).to.not.include(secret);
    }
    // Same answer as for a name nobody has.
    expectError(await y.get('/domains/nobody-has-this.defiwallet'), 404, 'domain_not_found', 'domain');
    const after = await x.get('/domains/x-owned.defiwallet');
    expect(after.body.registration.expires_at).to.equal(expiry);
    expect(after.body.registrant.email).to.equal('secret-owner@example.invalid');
    expect(after.body.lifecycle.statuses).to.not.include('pendingDelete');

    // With the auth code, ClientY is a gaining registrar: a real EPP transfer request, pending.
    expectError(await y.post('/domains/x-owned.defiwallet/transfer', { auth_code: 'wrong-code', idempotency_key: 'y-6' }), 403, 'invalid_auth_code');
    const req = await y.post('/domains/x-owned.defiwallet/transfer', { auth_code: authCode, gaining_registrar: { id: 'ClientY', name: 'Y' }, idempotency_key: 'y-7' });
    expect(req.status, req.text).to.equal(202);
    expect(req.body.transfer).to.include({ direction: 'inbound', status: 'pending', requested_by: 'ClientY', losing_registrar: 'ClientX' });
    expect((await x.get('/domains/x-owned.defiwallet')).body.transfer.pending).to.equal(true);
    // The sponsor's transfer intent naming ClientY approves it (EPP transfer approve).
    const ok = await x.post('/domains/x-owned.defiwallet/transfer', { gaining_registrar: { id: 'ClientY' }, idempotency_key: 'owned-2' });
    expect(ok.status, ok.text).to.equal(200);
    expect(ok.body.transfer).to.include({ direction: 'outbound', status: 'clientApproved' });
    const c = await t.login('ClientY');
    try {
      const r = await send(c, command(`<info><domain:info ${DOMAIN_NS}><domain:name>x-owned.defiwallet</domain:name></domain:info></info>`));
      expect(r.text('//domain:clID')).to.equal('ClientY');
    } finally {
      c.close();
    }
    expect((await y.get('/domains/x-owned.defiwallet')).status).to.equal(200);
    expectError(await x.get('/domains/x-owned.defiwallet'), 404, 'domain_not_found');
  });

  // ---------------------------------------------------------------- bad input

  it('refuses bad input with 400 and changes nothing', async () => {
    const audits = await auditCount(t);
    const cases: Array<[Res, string, string | undefined]> = [
      [await x.post('/domains', { domain: 'bad-1.defiwallet', yearz: 1, idempotency_key: 'bad-1' }), 'invalid_request', 'yearz'],
      [await x.post('/domains', { domain: 'bad-2.defiwallet', years: 'one', idempotency_key: 'bad-2' }), 'invalid_request', 'years'],
      [await x.post('/domains', { years: 1, idempotency_key: 'bad-3' }), 'invalid_request', undefined],
      [await x.post('/domains', { domain: 'bad-4.defiwallet', registrant_email: 'not-an-email', idempotency_key: 'bad-4' }), 'invalid_request', 'registrant_email'],
      [await x.post('/domains', { domain: 'bad-5.defiwallet' }), 'missing_idempotency_key', 'idempotency_key'],
      [await x.post('/domains', '{"domain": "bad-6.defiwallet",', {}), 'invalid_json', undefined],
      [await x.post('/domains/check', { domain: 'a.defiwallet', label: 'a', tld: 'defiwallet' }), 'invalid_request', undefined],
      [await x.put('/domains/ote-ns.defiwallet/nameservers', { nameservers: ['ns1.example.net'], idempotency_key: 'bad-7' }), 'invalid_request', 'nameservers'],
      [await x.put('/domains/ote-ns.defiwallet/nameservers', { nameservers: ['ns1.example.net', 'bad_host!.example'], idempotency_key: 'bad-8' }), 'invalid_value', 'nameservers[1]'],
      [await x.put('/domains/ote-ns.defiwallet/nameservers', { nameservers: ['ns1.example.net', 'NS1.example.net'], idempotency_key: 'bad-9' }), 'invalid_value', 'nameservers[1]'],
      [await x.patch('/domains/ote-update.defiwallet', { idempotency_key: 'bad-10' }), 'invalid_request', undefined],
      [await x.patch('/domains/ote-update.defiwallet', { client_statuses: { add: ['serverHold'] }, idempotency_key: 'bad-11' }), 'invalid_request', 'client_statuses.add.0'],
      [await x.post('/sandbox/reset', { tld: 'defiwallet', sandbox: false, idempotency_key: 'bad-12' }), 'invalid_request', 'sandbox'],
      [await x.get('/poll?limit=100000'), 'invalid_request', 'limit'],
      [await x.get('/poll?colour=blue'), 'invalid_request', 'colour'],
    ];
    for (const [r, code, field] of cases) {
      expectError(r, 400, code, field);
    }
    expect(await auditCount(t)).to.equal(audits);
    expect((await x.post('/domains/check', { domain: 'bad-1.defiwallet' })).body.available).to.equal(true);
    // Errors of the registry core come back with their EPP code.
    const invalid = await x.post('/domains', { domain: '-bad-.defiwallet', idempotency_key: 'bad-13' });
    expectError(invalid, 400, 'invalid_value', 'domain');
    expect(invalid.body.error.epp_code).to.equal(2005);
    const tooLong = await x.post('/domains', { domain: 'bad-14.defiwallet', years: 11, idempotency_key: 'bad-14' });
    expectError(tooLong, 422, 'value_out_of_range', 'years');
    expect(tooLong.body.error.epp_code).to.equal(2004);
    const taken = await x.post('/domains', { domain: 'ote-renew.defiwallet', idempotency_key: 'bad-15' });
    expectError(taken, 409, 'domain_exists', 'domain');
    expectError(await x.get('/no/such/route'), 404, 'route_not_found');
  });

  // ---------------------------------------------------------------- rate limits

  it('answers 429 registrar_rate_limit_exceeded with Retry-After over the per-token and per-registrar limits', async () => {
    const small = await startTestRegistry((c) => {
      // A day's window (aligned on UTC days): no window ends during the test.
      c.http.rateLimit = { windowSeconds: 86400, perToken: 3, perRegistrar: 5 };
    });
    try {
      const b = `http://127.0.0.1:${small.registry.http!.port}/api/v1/registrar/v1`;
      const a1 = new Api(b, (await issueToken(small.registry.store, { clId: 'ClientX', channel: 'rl-1' }, new Date())).token);
      const a2 = new Api(b, (await issueToken(small.registry.store, { clId: 'ClientX', channel: 'rl-1' }, new Date())).token);
      const other = new Api(b, (await issueToken(small.registry.store, { clId: 'ClientY', channel: 'rl-2' }, new Date())).token);
      const remaining: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await a1.get('/status');
        expect(r.status).to.equal(200);
        expect(r.headers.get('x-ratelimit-limit')).to.equal('3');
        remaining.push(r.headers.get('x-ratelimit-remaining')!);
      }
      expect(remaining).to.deep.equal(['2', '1', '0']);
      let r = await a1.post('/domains', { domain: 'rl.defiwallet', idempotency_key: 'rl-1' });
      expectError(r, 429, 'registrar_rate_limit_exceeded');
      expect(Number(r.headers.get('retry-after'))).to.be.within(1, 86400);
      expect(r.headers.get('x-ratelimit-remaining')).to.equal('0');
      expect(r.body.error.retry_after).to.equal(Number(r.headers.get('retry-after')));
      // Nothing ran: the domain is still free.
      expect((await other.post('/domains/check', { domain: 'rl.defiwallet' })).body.available).to.equal(true);
      // The registrar's limit binds both its tokens: 3 + 2 = 5 requests, then 429 on the second token too.
      expect((await a2.get('/status')).status).to.equal(200);
      r = await a2.get('/status');
      expect(r.status).to.equal(200);
      expect(r.headers.get('x-ratelimit-limit')).to.equal('5');
      expect(r.headers.get('x-ratelimit-remaining')).to.equal('0');
      expectError(await a2.get('/status'), 429, 'registrar_rate_limit_exceeded');
      // Another registrar is not affected.
      expect((await other.get('/status')).status).to.equal(200);
      // The 429s are in the request log, for the evidence archive.
      const logged = await small.registry.store.transaction(async (s) => s.http.requests((await s.registrars.byClId('ClientX'))!.id, {}));
      expect(logged.filter((q) => q.httpStatus === 429)).to.have.length(2);
    } finally {
      await small.close();
    }
  });

  // ---------------------------------------------------------------- sandbox refusals and protected names

  it('refuses a sandbox reset over a real domain or a protected name, changing nothing', async () => {
    let r = await x.post('/sandbox/reset', { tld: 'sandbox2', sandbox: true, idempotency_key: 'sb2-1' });
    expect(r.status, r.text).to.equal(200);
    const renewExpiry = (await x.get('/domains/ote-renew.sandbox2')).body.registration.expires_at;
    // A reset again replaces the fixtures (sandbox objects) freely.
    r = await x.post('/sandbox/reset', { tld: 'sandbox2', sandbox: true, idempotency_key: 'sb2-2' });
    expect(r.status, r.text).to.equal(200);
    // A real registration of the name the reset keeps free.
    expect((await y.post('/domains', { domain: 'ote-available.sandbox2', idempotency_key: 'sb2-y1' })).status).to.equal(201);
    const audits = await auditCount(t);
    r = await x.post('/sandbox/reset', { tld: 'sandbox2', sandbox: true, idempotency_key: 'sb2-3' });
    expectError(r, 409, 'sandbox_reset_conflict', 'tld');
    expect(r.body.error.conflicts).to.deep.equal([{ domain: 'ote-available.sandbox2', reason: 'registered and not a sandbox object' }]);
    expect(await auditCount(t)).to.equal(audits + 1); // the refusal is audited; nothing else happened
    expect((await y.get('/domains/ote-available.sandbox2')).status).to.equal(200);
    expect((await x.get('/domains/ote-renew.sandbox2')).body.registration.expires_at).to.equal(renewExpiry);
    // Not a sandbox namespace.
    expectError(await x.post('/sandbox/reset', { tld: 'tatar', sandbox: true, idempotency_key: 'sb2-4' }), 422, 'not_a_sandbox_namespace', 'tld');
    // Idempotency keys are per registrar: ClientY may use ClientX's key for something else.
    expect((await y.post('/domains', { domain: 'y-key.defiwallet', idempotency_key: 'sb2-1' })).status).to.equal(201);
  });

  it('keeps protected names unavailable through both doors until an operator records a recovery decision', async () => {
    await protectName(t.registry.store, 'legacy-brand.defiwallet', 'legacy NB recovery record', new Date());
    const check = await x.post('/domains/check', { domain: 'legacy-brand.defiwallet' });
    expect(check.body).to.include({ available: false, protected: true });
    expect(check.body.reason).to.match(/legacy NB recovery record.*recovery decision/);
    const create = await x.post('/domains', { domain: 'legacy-brand.defiwallet', idempotency_key: 'legacy-1' });
    expectError(create, 409, 'name_protected', 'domain');
    expect((await x.get('/poll?idempotency_key=legacy-1')).body.events[0]).to.include({ command: 'create_domain', status: 'error', result_code: 2306 });
    const c = await t.login('ClientX');
    try {
      let r = await send(c, command(`<check><domain:check ${DOMAIN_NS}><domain:name>legacy-brand.defiwallet</domain:name></domain:check></check>`));
      expect(r.text('//domain:name/@avail')).to.equal('0');
      r = await send(c, command(`<create><domain:create ${DOMAIN_NS}><domain:name>legacy-brand.defiwallet</domain:name><domain:authInfo><domain:pw>pw-Legacy-1</domain:pw></domain:authInfo></domain:create></create>`));
      expect(r.code).to.equal(2306);
    } finally {
      c.close();
    }
    // A protected fixture name blocks a sandbox reset.
    await protectName(t.registry.store, 'ote-ns.sandbox2', 'legacy record', new Date());
    const reset = await x.post('/sandbox/reset', { tld: 'sandbox2', sandbox: true, idempotency_key: 'legacy-2' });
    expectError(reset, 409, 'sandbox_reset_conflict');
    expect(reset.body.error.conflicts.map((k: { domain: string }) => k.domain)).to.include('ote-ns.sandbox2');
    await releaseName(t.registry.store, 'ote-ns.sandbox2', 'recovered: sandbox fixture', 'ops', new Date());

    await releaseName(t.registry.store, 'legacy-brand.defiwallet', 'recovery approved, ticket 42', 'ops', new Date());
    expect((await x.post('/domains/check', { domain: 'legacy-brand.defiwallet' })).body).to.include({ available: true, protected: false });
    expect((await x.post('/domains', { domain: 'legacy-brand.defiwallet', idempotency_key: 'legacy-3' })).status).to.equal(201);
    const row = await t.registry.store.transaction((r) => r.http.protectedName('legacy-brand.defiwallet'));
    expect({ decision: row?.decision, decided_by: row?.decidedBy }).to.deep.equal({ decision: 'recovery approved, ticket 42', decided_by: 'ops' });
  });

  // ---------------------------------------------------------------- nameserver apply

  it('applies a nameserver set through domain:update once its hosts exist', async () => {
    expect((await x.post('/domains', { domain: 'ns-apply.defiwallet', idempotency_key: 'nsa-1' })).status).to.equal(201);
    const c = await t.login('ClientX');
    try {
      for (const h of ['ns1.apply.example', 'ns2.apply.example']) {
        const r = await send(c, command(`<create><host:create ${HOST_NS}><host:name>${h}</host:name></host:create></create>`));
        expect(r.code, r.xml).to.equal(1000);
      }
      // Hosts that exist: applied at once.
      let r = await x.put('/domains/ns-apply.defiwallet/nameservers', { nameservers: ['ns1.apply.example', 'ns2.apply.example'], idempotency_key: 'nsa-2' });
      expect(r.status, r.text).to.equal(200);
      expect(r.body.backend_apply_status).to.equal('applied');
      let info = await send(c, command(`<info><domain:info ${DOMAIN_NS}><domain:name>ns-apply.defiwallet</domain:name></domain:info></info>`));
      expect(info.texts('//domain:hostObj')).to.have.members(['ns1.apply.example', 'ns2.apply.example']);
      // A host that does not exist yet: pending, applied once it is created.
      r = await x.put('/domains/ns-apply.defiwallet/nameservers', { nameservers: ['ns1.apply.example', 'ns3.apply.example'], idempotency_key: 'nsa-3' });
      expect(r.status, r.text).to.equal(202);
      expect(r.body).to.include({ backend_apply_status: 'pending' });
      expect(r.body.missing_hosts).to.deep.equal(['ns3.apply.example']);
      expect(await t.registry.httpServer!.applyPendingNameservers()).to.equal(0);
      const made = await send(c, command(`<create><host:create ${HOST_NS}><host:name>ns3.apply.example</host:name></host:create></create>`));
      expect(made.code).to.equal(1000);
      expect(await t.registry.httpServer!.applyPendingNameservers()).to.equal(1);
      info = await send(c, command(`<info><domain:info ${DOMAIN_NS}><domain:name>ns-apply.defiwallet</domain:name></domain:info></info>`));
      expect(info.texts('//domain:hostObj')).to.have.members(['ns1.apply.example', 'ns3.apply.example']);
      const view = (await x.get('/domains/ns-apply.defiwallet')).body.nameservers;
      expect(view).to.include({ backend_apply_status: 'applied' });
      expect(view.delegated).to.have.members(['ns1.apply.example', 'ns3.apply.example']);
      // The background apply is audited under the PUT's request id.
      const events = (await x.get('/poll?idempotency_key=nsa-3')).body.events;
      expect(events.map((e: { epp_command: string }) => e.epp_command)).to.deep.equal(['domain:update', 'domain:update']);
    } finally {
      c.close();
    }
  });

  it('runs the checklist as a script from the registrar side (registry ote http-run) and archives it', async () => {
    const steps: string[] = [];
    const r = await runHttpChecklist({ baseUrl: base, token: x.token!, tld: 'defiwallet', runTag: 'script1', onStep: (s) => steps.push(`${s.id} ${s.status}`) });
    expect(r.steps.filter((s) => !s.ok).map((s) => `${s.id} ${s.title}: ${s.problems.join('; ')}`)).to.deep.equal([]);
    expect(r.passed).to.equal(true);
    expect(steps.length).to.equal(r.steps.length);
    expect(r.steps.filter((s) => s.replayed).map((s) => s.id)).to.deep.equal(['3.1', '5.1', '7.1', '9.1']);
    expect(r.archive).to.include('- Command coverage: complete');
    keepArtifact('http/ote-http-script1.md', r.archive);
    expect(r.sha256).to.equal(createHash('sha256').update(r.archive, 'utf8').digest('hex'));
    expect(r.archive).to.not.include(x.token!);
    // RFC 9154: the checklist's domain has no auth code (it compared one read back with GET before).
    expect((await x.get('/domains/ote-livecheck-script1.defiwallet')).body.registration).to.not.have.property('auth_code');
  });

  it('reads and checks the http section of the configuration', () => {
    const c = loadConfig({ env: { REGISTRY_HTTP_PORT: '9090', REGISTRY_HTTP_RATE_PER_TOKEN: '7', REGISTRY_HTTP_SANDBOX_TLDS: 'defiwallet, sandbox2', REGISTRY_HTTP_ENABLED: 'false' }, base: t.dir });
    expect(c.http).to.include({ port: 9090, enabled: false, idempotencyRetentionHours: 24 });
    expect(c.http.rateLimit.perToken).to.equal(7);
    expect(c.http.sandboxTlds).to.deep.equal(['defiwallet', 'sandbox2']);
    expect(() => loadConfig({ env: { REGISTRY_HTTP_PORT: '70000' }, base: t.dir })).to.throw(/http.port must be an integer/);
    expect(() => loadConfig({ env: { REGISTRY_HTTP_ADMIN_TOKEN_SHA256: 'abc' }, base: t.dir })).to.throw(/adminTokenSha256/);
    expect(() => loadConfig({ env: { REGISTRY_HTTP_RATE_WINDOW: '0' }, base: t.dir })).to.throw(/windowSeconds/);
  });

  it("writes a request's own records in its command's transaction: PATCH metadata, the nameserver set and the idempotency outcome commit with the update", async () => {
    // Each store transaction is recorded with the repository methods it called (the handlers and the gateway
    // get their repositories through it), so a write done in a transaction of its own would show apart.
    const store = t.registry.store;
    const original = store.transaction.bind(store);
    const txs: string[][] = [];
    store.transaction = (fn) =>
      original((repos) => {
        const calls: string[] = [];
        txs.push(calls);
        const spied = new Proxy(repos, {
          get: (target, repo: string) =>
            new Proxy((target as any)[repo], { get: (r, m: string) => (typeof r[m] === 'function' ? (...a: unknown[]) => (calls.push(`${repo}.${m}`), r[m](...a)) : r[m]) }),
        });
        return fn(spied);
      });
    try {
      expect((await x.post('/domains', { domain: 'one-tx.defiwallet', idempotency_key: 'one-tx-1' })).status).to.equal(201);
      const withUpdate = () => txs.filter((c) => c.includes('domains.update'));
      txs.length = 0;
      const patch = await x.patch('/domains/one-tx.defiwallet', { registrant_email: 'one@example.invalid', client_statuses: { add: ['clientHold'] }, idempotency_key: 'one-tx-2' });
      expect(patch.status, patch.text).to.equal(200);
      expect(withUpdate()).to.have.length(1);
      expect(withUpdate()[0]).to.include.members(['http.setRegistrant', 'http.saveIdempotency', 'audit.record']);
      expect(txs.filter((c) => c.includes('http.setRegistrant') || c.includes('http.saveIdempotency'))).to.have.length(1);

      txs.length = 0;
      const ns = await x.put('/domains/one-tx.defiwallet/nameservers', { nameservers: ['ns1.one-tx.example', 'ns2.one-tx.example'], idempotency_key: 'one-tx-3' });
      expect(ns.status, ns.text).to.equal(202); // the hosts do not exist yet: stored as pending
      expect(txs.filter((c) => c.includes('http.saveNameserverSet'))).to.have.length(1);
      expect(txs.find((c) => c.includes('http.saveNameserverSet'))).to.include.members(['http.saveIdempotency', 'audit.record']);

      // A refused command stores its outcome apart (nothing else was written), and a retry replays it.
      txs.length = 0;
      const refused = await x.patch('/domains/one-tx.defiwallet', { client_statuses: { remove: ['clientDeleteProhibited'] }, idempotency_key: 'one-tx-4' });
      expect(refused.status).to.equal(422);
      expect(txs.filter((c) => c.includes('http.saveIdempotency'))).to.have.length(1);
      const again = await x.patch('/domains/one-tx.defiwallet', { client_statuses: { remove: ['clientDeleteProhibited'] }, idempotency_key: 'one-tx-4' });
      expect([again.status, again.headers.get('idempotent-replayed')]).to.deep.equal([422, 'true']);
    } finally {
      store.transaction = original;
    }
  });

  it('records a transfer intent naming the gaining registrar by metadata, replays it, and shows it in GET /poll as a transfer row', async () => {
    const made = await x.post('/domains', { domain: 'intent-1.defiwallet', idempotency_key: 'intent-c1' });
    expect(made.status, made.text).to.equal(201);
    const path = '/domains/intent-1.defiwallet/transfer';
    const intents = async () => (await x.get('/domains/intent-1.defiwallet')).body.transfer.intents as Array<Record<string, unknown>>;

    // Bad metadata is 400 and records nothing: no identifying field, a bad e-mail, an unknown field.
    expectError(await x.post(path, { gaining_registrar: { channel_id: 'their-channel' }, idempotency_key: 'intent-bad-1' }), 400, 'invalid_request', 'gaining_registrar');
    expectError(await x.post(path, { gaining_registrar: {}, idempotency_key: 'intent-bad-2' }), 400, 'invalid_request', 'gaining_registrar');
    expectError(await x.post(path, { gaining_registrar: { contact_email: 'not-an-email' }, idempotency_key: 'intent-bad-3' }), 400, 'invalid_request');
    expectError(await x.post(path, { gaining_registrar: { name: 'G', iana_id: 9 }, idempotency_key: 'intent-bad-4' }), 400, 'invalid_request', 'iana_id');
    expect(await intents()).to.deep.equal([]);

    // Metadata only: the intent is recorded (202), the gaining registrar is not one of this registry's.
    const gaining = { name: 'Other Registry Registrar Ltd', external_id: 'ext-4711', contact_email: 'transfers@other-registrar.example' };
    const req = { gaining_registrar: gaining, reason: 'customer moves', idempotency_key: 'intent-1' };
    const first = await x.post(path, req);
    expect(first.status, first.text).to.equal(202);
    expect(first.body.transfer).to.deep.include({ direction: 'outbound', status: 'intent_recorded', gaining_registrar: gaining, gaining_registrar_known: false });
    expect(first.body.backend_apply_status).to.equal('pending');
    const retry = await x.post(path, req);
    expect([retry.status, retry.headers.get('idempotent-replayed'), retry.text]).to.deep.equal([202, 'true', first.text]);
    expectError(await x.post(path, { ...req, gaining_registrar: { ...gaining, name: 'Someone else' } }), 409, 'duplicate_idempotency_key_conflict');
    const stored = await intents();
    expect(stored).to.have.length(1);
    expect(stored[0]).to.deep.include({ id: first.body.transfer.intent_id, status: 'recorded', gaining_registrar: { ...gaining, reason: 'customer moves' } });
    // No EPP transfer: the domain stays with its sponsor, nothing pending.
    const info = (await x.get('/domains/intent-1.defiwallet')).body;
    expect([info.registration.registrar, info.transfer.pending]).to.deep.equal(['ClientX', false]);

    // GET /poll: the intent is a transfer_domain row (also by command filter), with the intent; so is its replay.
    const rows = (await x.get('/poll?idempotency_key=intent-1')).body.events as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const intentRow = rows.find((e) => e.epp_command === 'http:transfer-intent')!;
    expect(intentRow).to.deep.include({ command: 'transfer_domain', status: 'success', result_code: 1001, http_status: 202, domain: 'intent-1.defiwallet', idempotency_key: 'intent-1', replay: false });
    expect(intentRow.request_id).to.equal(first.headers.get('x-request-id'));
    expect(intentRow.transfer).to.deep.equal({ intent_id: first.body.transfer.intent_id, status: 'intent_recorded', gaining_registrar: { ...gaining, reason: 'customer moves' } });
    const replayRow = rows.find((e) => e.replay === true)!;
    expect(replayRow).to.deep.include({ command: 'transfer_domain', replay_of: first.headers.get('x-request-id') });
    expect(replayRow.transfer).to.deep.equal(intentRow.transfer);
    const byCommand = (await x.get('/poll?command=transfer_domain&domain=intent-1.defiwallet')).body.events as Array<Record<string, unknown>>;
    expect(byCommand.map((e) => e.audit_id)).to.include(intentRow.audit_id);
    // Other registrars see none of it.
    expect((await y.get('/poll?idempotency_key=intent-1')).body.events).to.deep.equal([]);

    // A known gaining registrar (this registry's id) without a pending request: recorded too, marked known.
    const known = await x.post(path, { gaining_registrar: { id: 'ClientY', name: 'Y' }, idempotency_key: 'intent-2' });
    expect(known.status, known.text).to.equal(202);
    expect(known.body.transfer).to.deep.include({ status: 'intent_recorded', gaining_registrar_known: true });

    // ClientY asks with the auth code (metadata about itself is fine, no id needed): a pending EPP transfer.
    const code = await x.post('/domains/intent-1.defiwallet/auth-code', {}); // RFC 9154: made and shown once, never read back
    expect(code.status, code.text).to.equal(201);
    const authCode = code.body.auth_code as string;
    const asked = await y.post(path, { auth_code: authCode, gaining_registrar: { name: 'Y', contact_email: 'y@example.org' }, idempotency_key: 'intent-y-1' });
    expect(asked.status, asked.text).to.equal(202);
    expect(asked.body.transfer).to.include({ direction: 'inbound', status: 'pending' });
    // An intent naming the gaining registrar by metadata cannot approve it: only ClientY's id can.
    expectError(await x.post(path, { gaining_registrar: { name: 'Y' }, idempotency_key: 'intent-3' }), 409, 'transfer_already_pending');
    expectError(await x.post(path, { gaining_registrar: { id: 'registrar-elsewhere' }, idempotency_key: 'intent-4' }), 409, 'transfer_already_pending');
    const approved = await x.post(path, { gaining_registrar: { id: 'ClientY' }, idempotency_key: 'intent-5' });
    expect(approved.status, approved.text).to.equal(200);
    expect(approved.body.transfer).to.include({ status: 'clientApproved' });
    const approvalRow = ((await x.get('/poll?idempotency_key=intent-5')).body.events as Array<Record<string, any>>).find((e) => e.epp_command === 'domain:transfer-approve')!; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(approvalRow.transfer).to.deep.include({ status: 'approved', gaining_registrar: { id: 'ClientY' } });
  });

  it('records an intent in one transaction with its audit row and the outcome a retry replays', async () => {
    expect((await x.post('/domains', { domain: 'intent-tx.defiwallet', idempotency_key: 'intent-tx-c' })).status).to.equal(201);
    const store = t.registry.store;
    const original = store.transaction.bind(store);
    const txs: string[][] = [];
    store.transaction = (fn) =>
      original((repos) => {
        const calls: string[] = [];
        txs.push(calls);
        const spied = new Proxy(repos, {
          get: (target, repo: string) =>
            new Proxy((target as any)[repo], { get: (r, m: string) => (typeof r[m] === 'function' ? (...a: unknown[]) => (calls.push(`${repo}.${m}`), r[m](...a)) : r[m]) }), // eslint-disable-line @typescript-eslint/no-explicit-any
        });
        return fn(spied);
      });
    try {
      const r = await x.post('/domains/intent-tx.defiwallet/transfer', { gaining_registrar: { name: 'G' }, idempotency_key: 'intent-tx-1' });
      expect(r.status, r.text).to.equal(202);
      const withIntent = txs.filter((c) => c.includes('http.addTransferIntent'));
      expect(withIntent).to.have.length(1);
      expect(withIntent[0]).to.include.members(['http.saveIdempotency', 'audit.record']);
      expect(txs.filter((c) => c.includes('http.saveIdempotency'))).to.have.length(1);
    } finally {
      store.transaction = original;
    }
  });

  it('lets an idempotency key be used again after its retention', async () => {
    const first = await x.post('/domains/check', { domain: 'retention.defiwallet', idempotency_key: 'retention-1' });
    expect(first.status).to.equal(200);
    expectError(await x.post('/domains/check', { domain: 'other-retention.defiwallet', idempotency_key: 'retention-1' }), 409, 'duplicate_idempotency_key_conflict');
    t.clock.advance((t.config.http.idempotencyRetentionHours * 3600 + 1) * 1000);
    const again = await x.post('/domains/check', { domain: 'other-retention.defiwallet', idempotency_key: 'retention-1' });
    expect(again.status, again.text).to.equal(200);
    expect(again.headers.get('idempotent-replayed')).to.equal(null);
  });

  it('claims a key before its request runs: a live claim or outcome is answered instead, an expired one taken over, and a failed request gives its own claim back', async () => {
    const registrarId = (await t.registry.store.transaction((r) => r.registrars.byClId('ClientX')))!.id;
    const now = t.clock.now();
    const claim = (requestId: string, at: Date, lease = 60_000) => ({
      registrarId,
      key: 'claim-1',
      fingerprint: 'fp',
      requestId,
      command: 'renew_domain',
      domain: null,
      httpStatus: IDEMPOTENCY_PENDING,
      eppCode: null,
      response: '{}',
      createdAt: at,
      expiresAt: new Date(at.getTime() + lease),
    });
    const tx = <T>(fn: (r: Repos) => Promise<T>) => t.registry.store.transaction(fn);
    expect(await tx((r) => r.http.claimIdempotency(claim('req-a', now), now)), 'the first claim takes the key').to.equal(undefined);
    const seen = await tx((r) => r.http.claimIdempotency(claim('req-b', now), now));
    expect(seen, 'a second claim is shown the first, pending').to.include({ requestId: 'req-a', httpStatus: IDEMPOTENCY_PENDING });
    // Another request's release does not free it; its own does.
    await tx((r) => r.http.releaseIdempotency(registrarId, 'claim-1', 'req-b'));
    expect((await tx((r) => r.http.idempotency(registrarId, 'claim-1', now)))?.requestId).to.equal('req-a');
    await tx((r) => r.http.releaseIdempotency(registrarId, 'claim-1', 'req-a'));
    expect(await tx((r) => r.http.idempotency(registrarId, 'claim-1', now))).to.equal(undefined);
    // A claim whose request never finished (its process died) is taken over once its lease has run out.
    expect(await tx((r) => r.http.claimIdempotency(claim('req-c', now, 1000), now))).to.equal(undefined);
    const later = new Date(now.getTime() + 1000);
    expect(await tx((r) => r.http.claimIdempotency(claim('req-d', later), later)), 'taken over').to.equal(undefined);
    expect((await tx((r) => r.http.idempotency(registrarId, 'claim-1', later)))?.requestId).to.equal('req-d');
    await tx((r) => r.http.releaseIdempotency(registrarId, 'claim-1', 'req-d'));
  });
});
