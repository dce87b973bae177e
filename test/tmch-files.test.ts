import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/ote/environment.js';
import { lordnFile, normalSerial, parseCrl, parseDnl, parseSmdrl } from '../src/registry/tmch-files.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import type { LaunchRegistration } from '../src/storage/tmch-repo.js';
import { makeTestTmch, type TestTmch } from './support/tmch-test-ca.js';

const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');

/** The TMCH's files (RFC 9361): the parsers on their own, and the `registry tmch` commands refusing bad input. */
describe('TMCH files: DNL, SMDRL, CRL and LORDN', function () {
  this.timeout(60_000);
  let tm: TestTmch;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', cwd: dir });
  const file = (name: string, text: string | Buffer) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  before(async () => {
    tm = await makeTestTmch();
    dir = mkdtempSync(join(tmpdir(), 'epp-tmch-'));
    env = { ...process.env, REGISTRY_DATABASE: join(dir, 'db.sqlite'), REGISTRY_CERTS_DIR: join(dir, 'certs'), REGISTRY_TMCH_CA: '' };
    delete env.NODE_ENV;
    delete env.REGISTRY_DEV_FIXTURES;
    const init = cli('init');
    expect(init.status, init.stderr).to.equal(0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('parses a DNL and refuses each defect naming its line', () => {
    const ok = parseDnl('1,2026-12-01T00:00:00.0Z\nDNL,lookup-key,insertion-datetime\nExample,2013041500/2/6/9/rJ1NrDO92vDsAzf7EQzgjX4R0000000001,2010-07-14T00:00:00.0Z\n\r\nother,key2,2011-01-01T00:00:00Z\n');
    expect(ok.createdAt.toISOString()).to.equal('2026-12-01T00:00:00.000Z');
    expect(ok.entries.map((e) => e.label)).to.deep.equal(['example', 'other']);
    expect(ok.entries[0].lookupKey).to.equal('2013041500/2/6/9/rJ1NrDO92vDsAzf7EQzgjX4R0000000001');
    expect(ok.entries[1].insertedAt.toISOString()).to.equal('2011-01-01T00:00:00.000Z');
    // A valid A-label, a byte order mark, an offset, and a list with no labels at all.
    const idn = parseDnl('\uFEFF1,2026-12-01T01:00:00+01:00\nDNL,lookup-key,insertion-datetime\nxn--bcher-kva,k,2010-07-14T00:00:00Z\n');
    expect(idn.createdAt.toISOString()).to.equal('2026-12-01T00:00:00.000Z');
    expect(idn.entries.map((e) => e.label)).to.deep.equal(['xn--bcher-kva']);
    expect(parseDnl('1,2026-12-01T00:00:00Z\nDNL,lookup-key,insertion-datetime\n').entries).to.deep.equal([]);
    for (const [text, says] of [
      ['', /version line and a header/],
      ['2,2026-12-01T00:00:00Z\nDNL,lookup-key,insertion-datetime\n', /version "2" is not supported/],
      ['1,yesterday\nDNL,lookup-key,insertion-datetime\n', /line 1: "yesterday" is not an RFC 3339/],
      ['1,2026-12-01T00:00:00Z\nlabel,key,time\n', /line 2: expected the header DNL,lookup-key,insertion-datetime/],
      ['1,2026-12-01T00:00:00Z\nDNL,lookup-key,insertion-datetime\nbad label,k,2010-07-14T00:00:00Z\n', /line 3: "bad label" is not an LDH label/],
      ['1,2026-12-01T00:00:00Z\nDNL,lookup-key,insertion-datetime\nx,k\n', /line 3: expected 3 fields/],
      ['1,2026-12-01T00:00:00Z\nDNL,lookup-key,insertion-datetime\nx,k,2010-07-14T00:00:00Z\nX,k2,2010-07-14T00:00:00Z\n', /line 4: label x is listed twice/],
      ['1,2026-12-01T00:00:00Z\nDNL,lookup-key,insertion-datetime\n"x,k,2010\n', /not a CSV file/],
      // Impossible calendar fields are refused, not rolled over into another day.
      ['1,2026-02-30T00:00:00Z\nDNL,lookup-key,insertion-datetime\n', /line 1: "2026-02-30T00:00:00Z" is not an RFC 3339/],
      ['1,2026-02-03T24:00:00Z\nDNL,lookup-key,insertion-datetime\n', /line 1: "2026-02-03T24:00:00Z" is not an RFC 3339/],
      ['1,2026-02-03T10:00:00+25:00\nDNL,lookup-key,insertion-datetime\n', /line 1: .* is not an RFC 3339/],
      ['1,2026-12-01T00:00:00Z\nDNL,lookup-key,insertion-datetime\nx,k,2010-13-01T00:00:00Z\n', /line 3: "2010-13-01T00:00:00Z" is not an RFC 3339/],
      ['1,2026-12-01T00:00:00Z\nDNL,lookup-key,insertion-datetime\nx,,2010-07-14T00:00:00Z\n', /line 3: lookup key "" must be/],
      // Labels a domain name cannot carry: a broken A-label, hyphens in positions 3-4, a U-label, too long.
      ['1,2026-12-01T00:00:00Z\nDNL,lookup-key,insertion-datetime\nxn--zz,k,2010-07-14T00:00:00Z\n', /line 3: "xn--zz" is not a valid domain label/],
      ['1,2026-12-01T00:00:00Z\nDNL,lookup-key,insertion-datetime\nab--c,k,2010-07-14T00:00:00Z\n', /line 3: "ab--c" is not a valid domain label/],
      ['1,2026-12-01T00:00:00Z\nDNL,lookup-key,insertion-datetime\nbücher,k,2010-07-14T00:00:00Z\n', /line 3: "bücher" is not an LDH label/],
      [`1,2026-12-01T00:00:00Z\nDNL,lookup-key,insertion-datetime\n${'a'.repeat(64)},k,2010-07-14T00:00:00Z\n`, /line 3: "a{64}" is not an LDH label/],
      // A quoted field holding a line break: the record is named by the line it starts on.
      ['1,2026-12-01T00:00:00Z\nDNL,lookup-key,insertion-datetime\n"a\nb",k,2010-07-14T00:00:00Z\n', /^line 3: "a\\nb" is not an LDH label/],
    ] as const) {
      expect(() => parseDnl(text), text).to.throw(says);
    }
  });

  it('parses an SMD revocation list and refuses each defect naming its line', () => {
    const ok = parseSmdrl('1,2026-12-01T00:00:00.0Z\nsmd-id,insertion-datetime\n0000001681375789102250-65535,2013-04-01T00:00:00.0Z\n');
    expect(ok.entries).to.have.length(1);
    expect(ok.entries[0].smdId).to.equal('0000001681375789102250-65535');
    expect(() => parseSmdrl('1,2026-12-01T00:00:00Z\nsmd-id,insertion-datetime\nnot-an-id,2013-04-01T00:00:00Z\n')).to.throw(/line 3: "not-an-id" is not an SMD id/);
    expect(() => parseSmdrl('1,2026-12-01T00:00:00Z\nsmd-id\n')).to.throw(/expected the header smd-id,insertion-datetime/);
    const H = 'smd-id,insertion-datetime\n';
    for (const [text, says] of [
      ['', /SMDRL: expected a version line and a header line/],
      [`2,2026-12-01T00:00:00Z\n${H}`, /line 1: version "2" is not supported/],
      [`1\n${H}`, /line 1: expected "1,<creation date-time>"/],
      [`1,2026-12-01\n${H}`, /line 1: "2026-12-01" is not an RFC 3339/],
      [`1,2026-12-01T00:00:00Z\n${H}1-2\n`, /line 3: expected 2 fields/],
      [`1,2026-12-01T00:00:00Z\n${H}1-2,2013-04-01T00:00:00Z,x\n`, /line 3: expected 2 fields/],
      [`1,2026-12-01T00:00:00Z\n${H}1-2,2013-02-29T00:00:00Z\n`, /line 3: "2013-02-29T00:00:00Z" is not an RFC 3339/],
      [`1,2026-12-01T00:00:00Z\n${H}1-2,2013-04-01T00:00:00Z\n1-2,2013-04-02T00:00:00Z\n`, /line 4: SMD id 1-2 is listed twice/],
    ] as const) {
      expect(() => parseSmdrl(text), text).to.throw(says);
    }
  });

  it('reads a CRL signed by a TMCH CA (PEM and DER); refuses one no TMCH CA signed, and garbage', async () => {
    const ca = new X509Certificate(tm.caPem);
    const icann = new X509Certificate(readFileSync(join(REPO_ROOT, 'fixtures/tmch/icann-tmch-pilot.crt')));
    for (const data of [Buffer.from(tm.crlPem), tm.crlDer]) {
      const crl = await parseCrl(data, [icann, ca]);
      expect(crl.revoked.map((r) => r.serial)).to.deep.equal([tm.revokedSerial]);
      expect(crl.nextUpdate).to.be.instanceOf(Date);
    }
    expect(normalSerial('00:0a:bc')).to.equal('ABC');
    expect(normalSerial('00')).to.equal('0');
    const failure = (p: Promise<unknown>) => p.then(() => '', (e: Error) => e.message);
    expect(await failure(parseCrl(tm.crlDer, [icann]))).to.match(/not signed by a TMCH CA/);
    expect(await failure(parseCrl(Buffer.from('garbage'), [ca]))).to.match(/not an X\.509 CRL/);
  });

  it('writes LORDN lines as RFC 9361 lays them out, and refuses a registrar without an IANA id', () => {
    const base = { domainId: 1, roid: 'D1-REG', tld: 'x', registrarId: 7, registeredAt: new Date('2026-12-01T10:00:00Z'), reportedAt: null, markXml: null };
    const sunrise: LaunchRegistration[] = [{ ...base, name: 'a.x', kind: 'sunrise', smdId: '1-2', notice: null }];
    const text = lordnFile('sunrise', sunrise, () => ({ clId: 'R', ianaId: 9995 }), new Date('2026-12-02T00:00:00Z'));
    expect(text).to.equal('1,2026-12-02T00:00:00.000Z,1\nroid,domain-name,SMD-id,registrar-id,registration-datetime,application-datetime\nD1-REG,a.x,1-2,9995,2026-12-01T10:00:00.000Z,\n');
    const claims: LaunchRegistration[] = [{ ...base, name: 'b.x', kind: 'claims', smdId: null, notice: { id: 'abc', validatorId: 'tmch', notAfter: new Date('2026-12-03T00:00:00Z'), acceptedAt: new Date('2026-12-01T09:00:00Z') } }];
    expect(lordnFile('claims', claims, () => ({ clId: 'R', ianaId: 9995 }), new Date('2026-12-02T00:00:00Z')).split('\n')[2]).to.equal('D1-REG,b.x,abc,9995,2026-12-01T10:00:00.000Z,2026-12-01T09:00:00.000Z,');
    expect(() => lordnFile('claims', claims, () => ({ clId: 'NoIana', ianaId: null }), new Date())).to.throw(/registrar NoIana of b\.x has no IANA id/);
  });

  it('CLI: loads, says what it loaded, refuses bad and older files changing nothing; status; LORDN marks what it wrote', async () => {
    const dnl = file('dnl.csv', '1,2026-12-01T00:00:00Z\nDNL,lookup-key,insertion-datetime\nbrand,k1,2026-11-30T00:00:00Z\n');
    const loaded = cli('tmch', 'dnl', 'load', dnl);
    expect(loaded.status, loaded.stderr).to.equal(0);
    expect(loaded.stdout).to.match(/DNL loaded from .*: 1 label\(s\), made 2026-12-01T00:00:00.000Z/);
    const older = cli('tmch', 'dnl', 'load', file('dnl-old.csv', '1,2026-11-01T00:00:00Z\nDNL,lookup-key,insertion-datetime\nother,k2,2026-10-30T00:00:00Z\n'));
    expect(older.status).to.not.equal(0);
    expect(older.stderr).to.match(/made at 2026-11-01T00:00:00.000Z, before the one loaded .*--force/);
    const bad = cli('tmch', 'dnl', 'load', file('dnl-bad.csv', '1,2026-12-02T00:00:00Z\nDNL,lookup-key,insertion-datetime\nbad label,k,2026-11-30T00:00:00Z\n'));
    expect(bad.status).to.not.equal(0);
    expect(bad.stderr).to.match(/dnl-bad\.csv: line 3/);
    expect(bad.stderr).to.not.match(/\n\s+at /);
    expect(cli('tmch', 'dnl', 'load', join(dir, 'nope.csv')).stderr).to.match(/nope\.csv: no such file/);
    // The CRL needs the TMCH CA: without tmch.ca (a production registry) it is refused, naming the setting.
    const crlFile = tm.writeTo(join(dir, 'tmch')).crl;
    const noCa = cli('tmch', 'crl', 'load', crlFile);
    expect(noCa.status).to.not.equal(0);
    expect(noCa.stderr).to.match(/no TMCH CA configured: set tmch\.ca \(or REGISTRY_TMCH_CA\)/);
    const withCa = spawnSync(process.execPath, [CLI, 'tmch', 'crl', 'load', crlFile], { env: { ...env, REGISTRY_TMCH_CA: tm.writeTo(join(dir, 'tmch')).ca }, encoding: 'utf8' });
    expect(withCa.status, withCa.stderr).to.equal(0);
    expect(withCa.stdout).to.match(/1 revoked certificate\(s\)/);
    const status = cli('tmch', 'status');
    expect(status.stdout).to.match(/^DNL: 1 entry, made 2026-12-01T00:00:00.000Z/m);
    expect(status.stdout).to.match(/^SMD revocation list: not loaded$/m);
    expect(status.stdout).to.match(/^TMCH CRL: 1 entry/m);

    // LORDN: a registrar without an IANA id is refused (nothing marked); with one, written once.
    expect(cli('tld', 'add', 'lordntld').status).to.equal(0);
    expect(cli('registrar', 'add', 'NoIana', '--password', 'secret-PW1').status).to.equal(0);
    const store = new SqliteStore({ path: env.REGISTRY_DATABASE!, synchronous: 'FULL', mustExist: true });
    try {
      await store.transaction(async (r) => {
        const reg = (await r.registrars.byClId('NoIana'))!;
        await r.tmch.recordLaunch({ domainId: 1001, roid: 'D1001-REG', name: 'brand.lordntld', tld: 'lordntld', kind: 'sunrise', registrarId: reg.id, registeredAt: new Date('2026-12-01T12:00:00Z'), smdId: '5-1', notice: null, markXml: null });
      });
    } finally {
      await store.close();
    }
    const refused = cli('tmch', 'lordn', '--tld', 'lordntld', '--type', 'sunrise');
    expect(refused.status).to.not.equal(0);
    expect(refused.stderr).to.match(/registrar NoIana of brand\.lordntld has no IANA id \(registry registrar set NoIana --iana-id N\)/);
    expect(cli('tmch', 'status').stdout).to.match(/lordntld\tunreported: 1 sunrise, 0 claims/);
    expect(cli('registrar', 'set', 'NoIana', '--iana-id', '9990').status).to.equal(0);
    const out = join(dir, 'sunrise.csv');
    const written = cli('tmch', 'lordn', '--tld', 'lordntld', '--type', 'sunrise', '--out', out);
    expect(written.status, written.stderr).to.equal(0);
    expect(readFileSync(out, 'utf8')).to.match(/\nD1001-REG,brand\.lordntld,5-1,9990,2026-12-01T12:00:00\.000Z,\n$/);
    expect(cli('tmch', 'status').stdout).to.not.match(/lordntld/);
    expect(cli('tmch', 'lordn', '--tld', 'lordntld', '--type', 'banana').stderr).to.match(/banana is not a LORDN type/);
    expect(cli('tmch', 'lordn', '--tld', 'nosuch', '--type', 'claims').stderr).to.match(/no TLD nosuch/);
  });

  it('CLI: the SMD revocation list loads whole, --force takes an older one, a bad one changes nothing', () => {
    const H = 'smd-id,insertion-datetime\n';
    const first = cli('tmch', 'smdrl', 'load', file('smdrl.csv', `1,2026-12-01T00:00:00Z\n${H}1-1,2026-11-01T00:00:00Z\n2-1,2026-11-02T00:00:00Z\n`));
    expect(first.status, first.stderr).to.equal(0);
    expect(first.stdout).to.match(/^SMD revocation list loaded from .*smdrl\.csv: 2 revoked signed mark\(s\), made 2026-12-01T00:00:00\.000Z\n$/);
    const older = file('smdrl-old.csv', `1,2026-11-15T00:00:00Z\n${H}3-1,2026-11-01T00:00:00Z\n`);
    const refused = cli('tmch', 'smdrl', 'load', older);
    expect(refused.status).to.not.equal(0);
    expect(refused.stderr).to.match(/^registry: this SMD revocation list was made at 2026-11-15T00:00:00\.000Z, before the one loaded \(2026-12-01T00:00:00\.000Z\)/);
    expect(refused.stderr.trim().split('\n')).to.have.length(1);
    expect(cli('tmch', 'status').stdout).to.match(/^SMD revocation list: 2 entries, made 2026-12-01T00:00:00\.000Z/m);
    const forced = cli('tmch', 'smdrl', 'load', older, '--force');
    expect(forced.status, forced.stderr).to.equal(0);
    expect(cli('tmch', 'status').stdout).to.match(/^SMD revocation list: 1 entry, made 2026-11-15T00:00:00\.000Z/m);
    // A file with one bad line is refused whole: the list loaded stays as it was.
    const bad = cli('tmch', 'smdrl', 'load', file('smdrl-bad.csv', `1,2026-12-05T00:00:00Z\n${H}4-1,2026-12-01T00:00:00Z\n5-1,2026-02-30T00:00:00Z\n`));
    expect(bad.status).to.not.equal(0);
    expect(bad.stderr).to.match(/smdrl-bad\.csv: line 4: "2026-02-30T00:00:00Z" is not an RFC 3339 date-time/);
    expect(cli('tmch', 'status').stdout).to.match(/^SMD revocation list: 1 entry, made 2026-11-15T00:00:00\.000Z/m);
  });

  it('CLI: LORDN of claims to standard output; with nothing to report a valid file of 0 lines; an unwritable --out marks nothing', async () => {
    expect(cli('tld', 'add', 'claimstld').status).to.equal(0);
    const none = cli('tmch', 'lordn', '--tld', '.ClaimsTLD', '--type', 'claims');
    expect(none.status, none.stderr).to.equal(0);
    expect(none.stdout).to.match(/^1,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,0\nroid,domain-name,notice-id,registrar-id,registration-datetime,ack-datetime,application-datetime\n$/);
    expect(none.stderr).to.match(/claims LORDN of claimstld: 0 registration\(s\) \(none to report/);

    expect(cli('registrar', 'add', 'WithIana', '--password', 'secret-PW1', '--iana-id', '9991').status).to.equal(0);
    const store = new SqliteStore({ path: env.REGISTRY_DATABASE!, synchronous: 'FULL', mustExist: true });
    try {
      await store.transaction(async (r) => {
        const reg = (await r.registrars.byClId('WithIana'))!;
        const notice = { id: '370d0b7c9223372036854775807', validatorId: 'tmch', notAfter: new Date('2026-12-03T00:00:00Z'), acceptedAt: new Date('2026-12-01T11:00:00Z') };
        await r.tmch.recordLaunch({ domainId: 2001, roid: 'D2001-REG', name: 'brand.claimstld', tld: 'claimstld', kind: 'claims', registrarId: reg.id, registeredAt: new Date('2026-12-01T11:05:00Z'), smdId: null, notice, markXml: null });
      });
    } finally {
      await store.close();
    }
    expect(cli('tmch', 'status').stdout).to.match(/^claimstld\tunreported: 0 sunrise, 1 claims$/m);
    // --out in a directory that does not exist: refused naming the file, no temporary file, nothing marked.
    const nowhere = join(dir, 'no-such-dir', 'claims.csv');
    const failed = cli('tmch', 'lordn', '--tld', 'claimstld', '--type', 'claims', '--out', nowhere);
    expect(failed.status).to.not.equal(0);
    expect(failed.stderr).to.match(/cannot write .*no-such-dir\/claims\.csv/);
    expect(existsSync(`${nowhere}.tmp`)).to.equal(false);
    expect(cli('tmch', 'status').stdout).to.match(/^claimstld\tunreported: 0 sunrise, 1 claims$/m);
    // Standard output that cannot take the file (a full device): one line, nothing marked.
    if (existsSync('/dev/full')) {
      const full = openSync('/dev/full', 'w');
      try {
        const r = spawnSync(process.execPath, [CLI, 'tmch', 'lordn', '--tld', 'claimstld', '--type', 'claims'], { env, encoding: 'utf8', cwd: dir, stdio: ['ignore', full, 'pipe'] });
        expect(r.status).to.not.equal(0);
        expect(r.stderr).to.equal('registry: cannot write the LORDN file to standard output: ENOSPC: no space left on device, write\n');
      } finally {
        closeSync(full);
      }
      expect(cli('tmch', 'status').stdout).to.match(/^claimstld\tunreported: 0 sunrise, 1 claims$/m);
    }
    // The sunrise file of the TLD does not take its claims registration.
    expect(cli('tmch', 'lordn', '--tld', 'claimstld', '--type', 'sunrise').stdout.split('\n')[0]).to.match(/,0$/);
    const claims = cli('tmch', 'lordn', '--tld', 'claimstld', '--type', 'claims');
    expect(claims.status, claims.stderr).to.equal(0);
    const lines = claims.stdout.split('\n');
    expect(lines[0]).to.match(/^1,\S+Z,1$/);
    expect(lines[2]).to.equal('D2001-REG,brand.claimstld,370d0b7c9223372036854775807,9991,2026-12-01T11:05:00.000Z,2026-12-01T11:00:00.000Z,');
    expect(lines).to.have.length(4); // three lines and the final newline
    expect(claims.stderr).to.match(/claims LORDN of claimstld: 1 registration\(s\)\n$/);
    expect(cli('tmch', 'status').stdout).to.not.match(/claimstld/);
    expect(cli('tmch', 'lordn', '--tld', 'claimstld', '--type', 'claims').stdout.split('\n')[0]).to.match(/,0$/);
  });

  it('CLI: a missing database is refused, not created', () => {
    const missing = join(dir, 'missing.sqlite');
    for (const args of [['tmch', 'status'], ['tmch', 'dnl', 'load', join(dir, 'dnl.csv')], ['tmch', 'lordn', '--tld', 'x', '--type', 'sunrise']]) {
      const r = spawnSync(process.execPath, [CLI, ...args], { env: { ...env, REGISTRY_DATABASE: missing }, encoding: 'utf8', cwd: dir });
      expect(r.status, args.join(' ')).to.not.equal(0);
      expect(r.stderr).to.match(/no registry database at .*missing\.sqlite/);
      expect(existsSync(missing)).to.equal(false);
    }
  });
});
