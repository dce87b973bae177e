import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { domainToASCII } from 'node:url';
import { writeEvidence } from '../src/ote/evidence.js';
import { readEnvironment, REPO_ROOT, resetEnvironment } from '../src/ote/environment.js';
import { makeTestTmch } from './support/tmch-test-ca.js';
import { runScript, type Account, type RunResult } from '../src/ote/runner.js';
import { loadScript, type Script } from '../src/ote/script.js';
import { PASSWORDS, readLog, startTestRegistry, testCerts, type TestRegistry } from './helpers.js';
import { delegate, readDomain, seedDomain, seedHost, undelegate } from './seed.js';

function subset(script: Script, keep: (id: string) => boolean): Script {
  return { ...script, steps: script.steps.filter((s) => keep(s.id)) };
}

/** The same script with every domain and host name as an A-label, as real clients send them. */
function withALabels(script: Script): Script {
  const a = (n: string) => domainToASCII(n) || n;
  const conv = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return key === 'name' || key === 'names' || key === 'ns' ? a(v) : v;
    if (Array.isArray(v)) return v.map((x) => conv(x, key));
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, k === 'avail' ? Object.fromEntries(Object.entries(x as object).map(([n, b]) => [a(n), b])) : conv(x, k)]),
      );
    }
    return v;
  };
  return {
    ...script,
    steps: script.steps.map((s) =>
      /^(domain|host):/.test(s.command) ? { ...s, params: conv(s.params) as typeof s.params, expect: conv(s.expect) as typeof s.expect } : s,
    ),
  };
}

describe('OT&E scripts replayed over TLS', function () {
  this.timeout(120_000);
  let t: TestRegistry;
  let accounts: Record<string, Account>;
  let launchFiles: string;
  before(async () => {
    const tm = await makeTestTmch();
    launchFiles = mkdtempSync(join(tmpdir(), 'ote-launch-'));
    mkdirSync(join(launchFiles, 'tmch'));
    const mark = await tm.signedMark({ id: '0000001800-1', labels: ['test-and-validate', 'testandvalidate', 'test-validate'] });
    writeFileSync(join(launchFiles, 'tmch/active.smd'), `Marks: Mark test-and-validate\n-----BEGIN ENCODED SMD-----\n${mark.encoded.replace(/(.{76})/g, '$1\n')}\n-----END ENCODED SMD-----\n`);
    const cas = join(launchFiles, 'tmch-cas.pem');
    writeFileSync(cas, tm.caPem + readFileSync(join(REPO_ROOT, 'fixtures/tmch/icann-tmch-pilot.crt'), 'utf8'));
    t = await startTestRegistry((c) => {
      c.tmch.ca = cas;
    });
    const certs = testCerts();
    accounts = {
      ClientX: { password: PASSWORDS.ClientX, cert: join(certs, 'clientx.crt'), key: join(certs, 'clientx.key') },
      ClientY: { password: PASSWORDS.ClientY, cert: join(certs, 'clienty.crt'), key: join(certs, 'clienty.key') },
    };
  });
  after(async () => {
    await t.close();
    rmSync(launchFiles, { recursive: true, force: true });
  });

  /** Both scripts use the same contact ids and host names: a run starts from both environments reset. */
  async function reset(): Promise<void> {
    for (const env of ['tatar', 'deti']) {
      await resetEnvironment(t.registry.store, t.config.certsDir, readEnvironment(env), t.clock.now());
    }
  }

  async function run(script: Script): Promise<RunResult> {
    return runScript(script, { host: '127.0.0.1', port: t.registry.address.port, ca: join(testCerts(), 'ca.crt'), servername: 'localhost', accounts });
  }

  function assertPassed(r: RunResult): void {
    const failed = r.steps.filter((s) => !s.ok).map((s) => `${s.id} ${s.command} ${s.object}: ${s.problems.join('; ')}`);
    expect(failed, failed.join('\n')).to.deep.equal([]);
    expect(r.passed).to.equal(true);
  }

  for (const name of ['tatar', 'deti']) {
    it(`${name}: the whole script passes step by step with the expected codes, avail values and facts`, async () => {
      await reset();
      const script = loadScript(name);
      const r = await run(script);
      assertPassed(r);
      expect(r.steps.length).to.equal(script.steps.length);
      // Evidence archive: written, fingerprinted, and free of secrets.
      const files = writeEvidence(r, join(t.artifacts, 'evidence'));
      const md = readFileSync(files.markdown, 'utf8');
      expect(createHash('sha256').update(md).digest('hex')).to.equal(files.sha256);
      expect(readFileSync(files.shaFile, 'utf8')).to.contain(files.sha256);
      // authInfo values of the scripts: 12345678 (2.2.38) and "password" (as element content; a TIN contains 12345678).
      for (const secret of [PASSWORDS.ClientX, PASSWORDS.ClientY, '>12345678<', '>password<', '"12345678"', '"password"']) {
        expect(md).to.not.contain(secret);
        expect(readFileSync(files.json, 'utf8')).to.not.contain(secret);
      }
    });
  }

  it('launch: sunrise with a signed mark, claims check and create with a notice, a premium create with its fee, on the launch environment', async () => {
    // The notice's acceptedDate is the runner's time: the registry clock must not lag it (the suite's clock is set, not running).
    t.clock.set(new Date());
    const env = readEnvironment('launch');
    await resetEnvironment(t.registry.store, t.config.certsDir, env, t.clock.now());
    const script = loadScript('launch');
    // The script's SMD file replaced by one of the suite's TMCH for the same labels (ICANN's test SMD expires in
    // 2027-10; test/launch.test.ts checks it with the clock inside its window), the suite CA trusted as well.
    const r = await runScript(script, { host: '127.0.0.1', port: t.registry.address.port, ca: join(testCerts(), 'ca.crt'), servername: 'localhost', accounts, filesDir: launchFiles });
    assertPassed(r);
    expect(r.steps.find((s) => s.id === '4')!.response).to.match(/<result code="1000">/);
    // The sunrise and claims registrations wait for the LORDN files.
    const pending = await t.registry.store.transaction(async (repos) => [...(await repos.tmch.unreported('ote-sunrise', 'sunrise')), ...(await repos.tmch.unreported('ote-claims', 'claims'))]);
    expect(pending.map((p) => p.name).sort()).to.deep.equal(['test-and-validate.ote-sunrise', 'testandvalidate.ote-claims']);
    // A second run after a reset passes again (the reset clears both TLDs of the environment).
    await resetEnvironment(t.registry.store, t.config.certsDir, env, t.clock.now());
    assertPassed(await runScript(script, { host: '127.0.0.1', port: t.registry.address.port, ca: join(testCerts(), 'ca.crt'), servername: 'localhost', accounts, filesDir: launchFiles }));
  });

  it('deti: passes with A-label input as well as U-labels', async () => {
    await reset();
    const r = await run(withALabels(loadScript('deti')));
    assertPassed(r);
  });

  it('gives the same archive on a freshly reset environment, apart from times and ids', async () => {
    const normalise = (md: string) =>
      md
        .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, 'TIME')
        .replace(/\d{4}-\d\d-\d\d/g, 'DATE')
        .replace(/REG-[A-Z0-9-]+/g, 'SVTRID')
        .replace(/\b[CDH]\d+-REG\b/g, 'ROID')
        .replace(/Duration: \d+ ms/g, 'Duration')
        .replace(/\| \d+ \| (OK|FAIL) \|/g, '| MS | $1 |')
        .replace(/(<msgQ count="\d+" id=")\d+"/g, '$1ID"')
        .replace(/Server: .*/, 'Server');
    const archives: string[] = [];
    for (const n of [1, 2]) {
      await reset();
      const r = await run(loadScript('tatar'));
      assertPassed(r);
      archives.push(normalise(readFileSync(writeEvidence(r, join(t.artifacts, `evidence-${n}`)).markdown, 'utf8')));
    }
    expect(archives[1]).to.equal(archives[0]);
  });

  it('reset deletes only the accounts\' objects in the TLD, and refuses (changing nothing) when another TLD depends on them', async () => {
    await reset();
    const store = t.registry.store;
    await store.transaction((r) => r.registrars.insert({ clId: 'OtherReg', name: 'Other', passwordHash: 'x' }, new Date()));
    const x1 = await seedDomain(t, 'reset-x.tatar', { clId: 'ClientX' });
    await seedDomain(t, 'reset-other.tatar', { clId: 'OtherReg' });
    await seedDomain(t, 'reset-y.xn--d1acj3b', { clId: 'ClientY' });
    await seedHost(t, 'ns.reset-x.tatar', { clId: 'ClientX', superordinate: x1 });
    await delegate(t, 'reset-y.xn--d1acj3b', 'ns.reset-x.tatar');
    let refused: Error | undefined;
    try {
      await resetEnvironment(store, t.config.certsDir, readEnvironment('tatar'), t.clock.now());
    } catch (e) {
      refused = e as Error;
    }
    expect(refused?.message).to.match(/refusing to reset: host ns.reset-x.tatar is a nameserver of reset-y.xn--d1acj3b/);
    expect(await readDomain(t, 'reset-x.tatar')).to.not.equal(undefined);
    await undelegate(t, 'reset-y.xn--d1acj3b');
    await resetEnvironment(store, t.config.certsDir, readEnvironment('tatar'), t.clock.now());
    const left: string[] = [];
    for (const name of ['reset-other.tatar', 'reset-x.tatar', 'reset-y.xn--d1acj3b']) if (await readDomain(t, name)) left.push(name);
    expect(left).to.deep.equal(['reset-other.tatar', 'reset-y.xn--d1acj3b']);
  });

  it('leaves no password or authInfo in the server log', () => {
    const log = readLog(t);
    expect(log).to.contain('"command":"domain:create"');
    for (const secret of [PASSWORDS.ClientX, PASSWORDS.ClientY, '12345678', '"password"', 'AwEAAbBe1Lcv']) expect(log).to.not.contain(secret);
  });

  it('stops at a step whose expectation is wrong and reports time, operation, data, result and expected code', async () => {
    await reset();
    const script = subset(loadScript('tatar'), (id) => /^2\.[12]\./.test(id));
    const wrong = script.steps.findIndex((s) => s.id === '2.2.3');
    script.steps[wrong] = { ...script.steps[wrong], expect: { code: 1000, avail: { 'TEST-C1': true } } };
    const r = await run(script);
    expect(r.passed).to.equal(false);
    expect(r.steps.at(-1)!.id).to.equal('2.2.3');
    expect(r.steps.length).to.equal(wrong + 1);
    expect(r.failure).to.include({ command: 'contact:check', code: 1000, expected: 1000 });
    expect(r.failure!.problems.join()).to.match(/avail of TEST-C1 is false, expected true/);
    expect(r.failure!.data).to.contain('TEST-C1');
    expect(Date.parse(r.failure!.startedAt)).to.be.a('number').and.not.NaN;
  });
});
