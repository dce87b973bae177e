import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EppClient } from '../src/client/epp-client.js';
import { requests } from '../src/client/requests.js';
import { REPO_ROOT } from '../src/ote/environment.js';
import { PASSWORDS, loginXml, checkResponse, command, testCerts } from './helpers.js';
import { keepArtifact, recordCliSecrets } from './artifacts.js';

const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');

describe('registry CLI', function () {
  this.timeout(60_000);
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'epp-cli-'));
    env = { ...process.env, REGISTRY_DATABASE: join(dir, 'db.sqlite'), REGISTRY_CERTS_DIR: join(dir, 'certs'), REGISTRY_EPP_PORT: '0' };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  let transcripts = 0;
  /** Runs the CLI; its output is kept for the run's secret scan, the secrets on its command line recorded. */
  const cli = (...args: string[]) => {
    recordCliSecrets(args);
    const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', cwd: dir });
    keepArtifact(`cli/${++transcripts}-${args.slice(0, 2).join('-')}.txt`, r.stdout + r.stderr);
    return r;
  };

  /** `registry serve` as a child process: its port, its output so far, and stop() (SIGTERM, exit code). */
  async function serve(extraEnv: NodeJS.ProcessEnv = {}) {
    const child = spawn(process.execPath, [CLI, 'serve', '--dev'], { env: { ...env, ...extraEnv }, cwd: dir });
    let out = '';
    // 'close', not 'exit': it comes after the child's output has all been read.
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = out.match(/"port":(\d+)[^\n]*EPP server listening/);
        if (m) resolve(Number(m[1]));
      });
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      void exited.then((code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    return {
      port,
      child,
      output: () => out,
      /** Resolves once the output has a line matching `re`. */
      waitFor: (re: RegExp) =>
        new Promise<void>((resolve) => {
          const check = () => (re.test(out) ? resolve() : setTimeout(check, 20));
          check();
        }),
      async stop() {
        child.kill('SIGTERM');
        const code = await exited;
        keepArtifact(`cli/${++transcripts}-serve.log`, out);
        return code;
      },
    };
  }

  const connect = (port: number, cert: string) =>
    EppClient.connect({ host: '127.0.0.1', port, ca: join(dir, 'certs/ca.crt'), cert: join(dir, `certs/${cert}.crt`), key: join(dir, `certs/${cert}.key`), servername: 'localhost' });

  it('refuses a bad configuration value with a message that names it', () => {
    const r = spawnSync(process.execPath, [CLI, 'tld', 'list'], { env: { ...env, REGISTRY_EPP_PORT: 'seventy' }, encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/REGISTRY_EPP_PORT=seventy: not a number/);
  });

  it('serve: creates the database and certificates, logs where it listens, serves EPP and RDAP, and stops cleanly on SIGTERM', async () => {
    const server = await serve();
    expect(server.output()).to.match(/serving .*tatar.*xn--d1acj3b/);
    const c = await connect(server.port, 'clientx');
    expect(checkResponse(await c.request(loginXml('ClientX', PASSWORDS.ClientX))).code).to.equal(1000);
    // A newcomer's first look: a domain created over EPP, read over RDAP at the base URL the log gives.
    await server.waitFor(/RDAP service listening/);
    const baseUrl = /"baseUrl":"([^"]+)"[^\n]*RDAP service listening/.exec(server.output())![1];
    const contact = {
      id: 'cli-rdap',
      email: 'cli@example.ru',
      authInfo: 'Cpw-2024c',
      postalInfo: { int: { name: 'Cli Person', street: ['1 Main St'], city: 'Kazan', cc: 'RU' } },
      tci: { person: { birthday: '1980-01-01', passport: ['01 23 456789'] } },
    };
    expect(checkResponse(await c.request(requests.contactCreate('cli-1', contact))).code).to.equal(1000);
    const contacts = [{ type: 'admin', id: 'cli-rdap' }, { type: 'tech', id: 'cli-rdap' }];
    expect(checkResponse(await c.request(requests.domainCreate('cli-2', { name: 'newcomer.tatar', registrant: 'cli-rdap', contacts, authInfo: 'Dpw-2024c' }))).code).to.equal(1000);
    const res = await fetch(`${baseUrl}domain/newcomer.tatar`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^application\/rdap\+json/);
    expect(await res.json()).to.deep.include({ objectClassName: 'domain', ldhName: 'newcomer.tatar' });
    expect(server.output()).to.match(/RDAP service listening .*in the worker thread of its own/);
    expect(await server.stop()).to.equal(0);
    await c.closed;
    expect(server.output()).to.match(/registry stopped/);
    // The worker's lines reach the server's log before it stops; its listener is gone with the process.
    expect(server.output()).to.match(/"rdap":"GET","url":"\/domain\/newcomer.tatar","ip":"127.0.0.1","status":200/);
    await fetch(`${baseUrl}help`).then(
      () => expect.fail('RDAP still answers after SIGTERM'),
      () => {},
    );
    expect(server.output()).to.not.contain(PASSWORDS.ClientX);
  });

  it('serve: stops on SIGTERM even when nobody reads its output any more (stdout a broken pipe)', async () => {
    const server = await serve();
    const c = await connect(server.port, 'clienty');
    expect(checkResponse(await c.request(loginXml('ClientY', PASSWORDS.ClientY))).code).to.equal(1000);
    server.child.stdout.destroy();
    // Its log line for this command now meets a closed pipe.
    expect(checkResponse(await c.request(command('<poll op="req"/>'))).code).to.be.oneOf([1300, 1301]);
    expect(await server.stop()).to.equal(0);
  });

  it('serve: a SIGTERM while it still starts stops it cleanly once started (exit 0), never kills it half-started', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--dev'], { env, cwd: dir });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    // The first log line ("starting") comes before any listener: the signal arrives in the middle of the start.
    child.stdout.on('data', (d: Buffer) => {
      if (out === '') child.kill('SIGTERM');
      out += d.toString();
    });
    expect(await exited, out).to.equal(0);
    expect(out).to.match(/starting/);
    expect(out).to.match(/"signal":"SIGTERM".*shutting down/);
    expect(out).to.match(/registry stopped/);
  });

  it('certs revoke: lists a certificate in certs/ca.crl; serve with tls.crl refuses it, and reads the CRL again on SIGHUP', async () => {
    expect(cli('certs', 'generate', 'clientx', 'clienty').status).to.equal(0);
    let r = cli('certs', 'revoke', 'certs/clienty.crt');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^revoked: serial [0-9a-f]+ \(CN=clienty, O=EPP Registry development\); 1 certificate\(s\) in .*certs\/ca\.crl$/m);
    expect(r.stdout).to.match(/once tls\.crl \(or REGISTRY_TLS_CRL\) is .*ca\.crl/);
    expect(cli('certs', 'revoke', 'certs/clienty.crt').stdout).to.match(/^already revoked: .*1 certificate\(s\)/m);
    const foreign = cli('certs', 'revoke', join(testCerts(), 'rogue.crt'));
    expect(foreign.status).to.not.equal(0);
    expect(foreign.stderr).to.match(/was not issued by the CA/);

    const crlEnv = { REGISTRY_TLS_CRL: join(dir, 'certs/ca.crl') };
    const server = await serve(crlEnv);
    try {
      const y = await connect(server.port, 'clienty');
      const refused = checkResponse(await y.request(loginXml('ClientY', PASSWORDS.ClientY)));
      expect(refused.code).to.equal(2200);
      expect(refused.msg).to.match(/CERT_REVOKED/);
      await y.closed;
      const x = await connect(server.port, 'clientx');
      expect(checkResponse(await x.request(loginXml('ClientX', PASSWORDS.ClientX))).code).to.equal(1000);
      // This session stays open across the revocation below: the reloaded CRL ends it.

      const before = env;
      env = { ...env, ...crlEnv };
      r = cli('certs', 'revoke', 'certs/clientx.crt');
      env = before;
      expect(r.stdout).to.match(/2 certificate\(s\)/);
      expect(r.stdout).to.match(/tls\.crl points to this file: a running server reads it again on SIGHUP/);
      server.child.kill('SIGHUP');
      await server.waitFor(/TLS certificate, CA and CRL files reloaded/);
      await x.closed;
      await server.waitFor(/client certificate revoked by the reloaded CRL/);
      expect(server.output()).to.match(/"clID":"ClientX","reason":"client certificate revoked by the reloaded CRL","msg":"session closed by server"/);
      const x2 = await connect(server.port, 'clientx');
      const after = checkResponse(await x2.request(loginXml('ClientX', PASSWORDS.ClientX)));
      expect(after.code).to.equal(2200);
      expect(after.msg).to.match(/CERT_REVOKED/);
      await x2.closed;
    } finally {
      expect(await server.stop()).to.equal(0);
    }
  });

  it("moves a development registry's clock: advance, show, reset", () => {
    expect(cli('clock', 'advance', '30d').stdout).to.match(/offset 2592000 s/);
    expect(cli('clock', 'advance', '12h').stdout).to.match(/offset 2635200 s/);
    expect(cli('clock', 'show').stdout).to.match(/offset 2635200 s/);
    expect(cli('clock', 'reset').stdout).to.match(/offset 0 s/);
    const bad = cli('clock', 'advance', 'soon');
    expect(bad.status).to.not.equal(0);
    expect(bad.stderr).to.match(/not a duration/);
  });

  it('credits and shows balances with their ledger', () => {
    expect(cli('balance', 'credit', 'ClientX', '2500').stdout).to.match(/ClientX credited 2500; balance \d+/);
    const show = cli('balance', 'show', 'ClientX');
    expect(show.status).to.equal(0);
    expect(show.stdout).to.match(/credit\t\t2500/);
    expect(cli('balance', 'credit', 'Nobody', '1').status).to.not.equal(0);
  });

  it('adds and lists registrars and TLDs', () => {
    expect(cli('registrar', 'add', 'NewReg', '--password', 'secret-PW1', '--name', 'New Registrar').status).to.equal(0);
    const list = cli('registrar', 'list');
    expect(list.stdout).to.match(/NewReg\tactive\tiana=-/);
    expect(list.stdout).to.not.contain('secret-PW1');
    expect(cli('tld', 'add', 'example').status).to.equal(0);
    expect(cli('tld', 'list').stdout).to.match(/^example\t/m);
    const bad = cli('tld', 'add', 'not a tld');
    expect(bad.status).to.not.equal(0);
  });

  it("sets a registrar's IANA Registrar ID and abuse contact, refusing bad values and a taken ID where they enter", async () => {
    expect(cli('registrar', 'add', 'IanaReg', '--password', 'secret-PW2', '--iana-id', '4242', '--abuse-email', 'abuse@iana-reg.example', '--abuse-phone', '+1.7035555555').status).to.equal(0);
    expect(cli('registrar', 'list').stdout).to.match(/IanaReg\tactive\tiana=4242\t/);
    const refused = (args: string[], says: RegExp) => {
      const r = cli(...args);
      expect(r.status, args.join(' ')).to.not.equal(0);
      expect(r.stderr.trim().split('\n'), args.join(' ')).to.have.length.below(3);
      expect(r.stderr, args.join(' ')).to.match(says);
    };
    refused(['registrar', 'set', 'IanaReg', '--iana-id', 'banana'], /banana is not an IANA Registrar ID/);
    refused(['registrar', 'set', 'IanaReg', '--iana-id', '0'], /0 is not an IANA Registrar ID/);
    refused(['registrar', 'set', 'IanaReg', '--abuse-email', 'not-an-address'], /not-an-address is not an e-mail address/);
    refused(['registrar', 'set', 'IanaReg', '--abuse-phone', '555-1234'], /555-1234/);
    refused(['registrar', 'add', 'Other', '--password', 'secret-PW3', '--iana-id', '4242'], /IANA Registrar ID 4242 belongs to IanaReg/);
    refused(['registrar', 'set', 'IanaReg'], /nothing to set/);
    expect(cli('registrar', 'list').stdout).to.not.match(/^Other\t/m);
    expect(cli('registrar', 'set', 'IanaReg', '--iana-id', '4343', '--abuse-email', 'noc@iana-reg.example').status).to.equal(0);
    const { SqliteStore } = await import('../src/storage/sqlite/sqlite-store.js');
    const store = new SqliteStore({ path: env.REGISTRY_DATABASE!, synchronous: 'FULL' });
    try {
      const r = await store.transaction((x) => x.registrars.byClId('IanaReg'));
      expect([r!.ianaId, r!.abuseEmail, r!.abusePhone]).to.deep.equal([4343, 'noc@iana-reg.example', '+1.7035555555']);
      // The OT&E fixtures publish test IDs for their two registrars (loaded in-process: `ote load` prints
      // the fixtures' published passwords, which the run's secret scan would rightly flag in a transcript).
      const { loadEnvironment, readEnvironment } = await import('../src/ote/environment.js');
      await loadEnvironment(store, env.REGISTRY_CERTS_DIR!, readEnvironment('tatar'), new Date());
      const ids = await store.transaction(async (x) => [(await x.registrars.byClId('ClientX'))!.ianaId, (await x.registrars.byClId('ClientY'))!.ianaId]);
      expect(ids).to.deep.equal([9995, 9996]);
    } finally {
      await store.close();
    }
  });

  it("sets a registrar's web site and RDAP base URL (https, kept with a final slash), refusing bad ones", async () => {
    expect(cli('registrar', 'add', 'LinkReg', '--password', 'secret-PW4', '--url', 'http://www.link-reg.example', '--rdap-base-url', 'https://rdap.link-reg.example/rdap').status).to.equal(0);
    const refused = (args: string[], says: RegExp) => {
      const r = cli(...args);
      expect(r.status, args.join(' ')).to.not.equal(0);
      expect(r.stderr.trim().split('\n'), args.join(' ')).to.have.length.below(3);
      expect(r.stderr, args.join(' ')).to.match(says);
    };
    refused(['registrar', 'set', 'LinkReg', '--url', 'www.link-reg.example'], /www.link-reg.example is not an absolute URL/);
    refused(['registrar', 'set', 'LinkReg', '--url', 'ftp://link-reg.example/'], /not an http or https URL/);
    refused(['registrar', 'set', 'LinkReg', '--rdap-base-url', 'http://rdap.link-reg.example/'], /an RDAP base URL must be https/);
    refused(['registrar', 'set', 'LinkReg', '--rdap-base-url', 'https://rdap.link-reg.example/?x=1'], /no query or fragment/);
    const { SqliteStore } = await import('../src/storage/sqlite/sqlite-store.js');
    const read = async () => {
      const store = new SqliteStore({ path: env.REGISTRY_DATABASE!, synchronous: 'FULL' });
      try {
        const r = await store.transaction((x) => x.registrars.byClId('LinkReg'));
        return [r!.url, r!.rdapBaseUrl];
      } finally {
        await store.close();
      }
    };
    expect(await read()).to.deep.equal(['http://www.link-reg.example/', 'https://rdap.link-reg.example/rdap/']);
    expect(cli('registrar', 'set', 'LinkReg', '--rdap-base-url', 'https://rdap2.link-reg.example/').status).to.equal(0);
    expect(await read()).to.deep.equal(['http://www.link-reg.example/', 'https://rdap2.link-reg.example/']);
  });

  it("sets a registrar's postal address and phone (RDAP profile 3.1), checked where they enter; the OT&E fixtures give test values", async () => {
    const refused = (args: string[], says: RegExp) => {
      const r = cli(...args);
      expect(r.status, args.join(' ')).to.not.equal(0);
      expect(r.stderr.trim().split('\n'), args.join(' ')).to.have.length.below(3);
      expect(r.stderr, args.join(' ')).to.match(says);
    };
    const add = cli('registrar', 'add', 'PostReg', '--password', 'secret-PW5', '--street', '1 Main St', 'Suite 2', '--city', 'Kazan', '--pc', '420000', '--cc', 'ru', '--phone', '+7.8435551234');
    expect(add.status, add.stderr).to.equal(0);
    refused(['registrar', 'add', 'PostReg2', '--password', 'secret-PW5', '--city', 'Kazan', '--cc', 'RU'], /1 to 3 street lines \(--street\)/);
    refused(['registrar', 'add', 'PostReg2', '--password', 'secret-PW5', '--street', 'x', '--city', 'Kazan'], /needs its country code \(--cc\)/);
    refused(['registrar', 'set', 'PostReg', '--cc', 'XX'], /XX is not an ISO 3166-1 alpha-2 country code/);
    refused(['registrar', 'set', 'PostReg', '--street', 'a', 'b', 'c', 'd'], /1 to 3 street lines/);
    refused(['registrar', 'set', 'PostReg', '--pc', '12345678901234567'], /postal code "12345678901234567" must be 1 to 16 characters/);
    refused(['registrar', 'set', 'PostReg', '--phone', '555-1234'], /555-1234 is not a telephone number of the form \+CC.NUMBER/);
    expect(cli('registrar', 'list').stdout).to.not.match(/^PostReg2\t/m);
    const { SqliteStore } = await import('../src/storage/sqlite/sqlite-store.js');
    const read = async (clId: string) => {
      const store = new SqliteStore({ path: env.REGISTRY_DATABASE!, synchronous: 'FULL' });
      try {
        const r = await store.transaction((x) => x.registrars.byClId(clId));
        return { address: r!.address, phone: r!.phone };
      } finally {
        await store.close();
      }
    };
    // Refused changes changed nothing; the country code is kept upper-case.
    expect(await read('PostReg')).to.deep.equal({ address: { street: ['1 Main St', 'Suite 2'], city: 'Kazan', sp: null, pc: '420000', cc: 'RU' }, phone: '+7.8435551234' });
    // set changes a part and keeps the rest.
    expect(cli('registrar', 'set', 'PostReg', '--city', 'Naberezhnye Chelny', '--sp', 'Tatarstan').status).to.equal(0);
    expect((await read('PostReg')).address).to.deep.equal({ street: ['1 Main St', 'Suite 2'], city: 'Naberezhnye Chelny', sp: 'Tatarstan', pc: '420000', cc: 'RU' });
  });

  it('tld add checks the IDN tables of a policy: an unknown script is refused with a line naming it, nothing changes', () => {
    const policy = (p: unknown) => {
      const file = join(dir, `policy-${++transcripts}.json`);
      writeFileSync(file, JSON.stringify(p));
      return file;
    };
    const ok = cli('tld', 'add', 'scripts', '--policy', policy({ idnScripts: ['Cyrl', { scripts: ['Han', 'Hiragana', 'Katakana'] }] }));
    expect(ok.status, ok.stderr).to.equal(0);
    for (const idnScripts of [['Klingon'], [{ scripts: ['Cyrillic'], extraCharacters: 'д' }]]) {
      const r = cli('tld', 'add', 'scripts', '--policy', policy({ idnScripts }));
      expect(r.status).to.equal(1);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(/^registry: policy file .*: invalid TLD policy: idnScripts\[0\]/);
      expect(r.stderr).to.match(/"Klingon" is not a Unicode script|"д" \(U\+0434\) is Cyrillic/);
    }
    const fresh = cli('tld', 'add', 'klingon', '--policy', policy({ idnScripts: ['Klingon'] }));
    expect(fresh.status).to.equal(1);
    const list = cli('tld', 'list').stdout;
    expect(list).to.match(/^scripts\t/m);
    expect(list).to.not.match(/^klingon\t/m);
  });
});
