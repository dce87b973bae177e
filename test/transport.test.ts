import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import tls from 'node:tls';
import { join } from 'node:path';
import { frame } from '../src/transport/framing.js';
import { createCa, createCrl, fingerprint, issueCertificate, revokeDevCertificate } from '../src/transport/dev-certs.js';
import { HELLO, PASSWORDS, checkResponse, command, loginXml, readLog, send, startTestRegistry, testCerts, type TestRegistry } from './helpers.js';

const POLL = command('<poll op="req"/>', 'poll-1');

describe('RFC 5734 transport', () => {
  let t: TestRegistry;
  before(async () => {
    t = await startTestRegistry((c) => {
      c.epp.maxFrameBytes = 8192;
    });
  });
  after(() => t.close());

  describe('framing', () => {
    it('reassembles a frame split over many TCP chunks', async () => {
      const c = await t.login('ClientX');
      const bytes = frame(POLL);
      const reply = c.next();
      for (let i = 0; i < bytes.length; i += 7) {
        c.write(bytes.subarray(i, i + 7));
        await new Promise((r) => setImmediate(r));
      }
      expect(checkResponse(await reply).code).to.equal(1300);
      await c.close();
    });

    it('answers a frame fed byte by byte', async () => {
      const c = await t.login('ClientX');
      const bytes = frame(command('<poll op="req"/>', 'byte-by-byte'));
      const reply = c.next();
      for (const b of bytes) c.write(Buffer.from([b]));
      const r = checkResponse(await reply);
      expect(r.code).to.equal(1300);
      expect(r.clTRID).to.equal('byte-by-byte');
      await c.close();
    });

    it('answers several frames sent in one chunk, in order', async () => {
      const c = await t.login('ClientX');
      c.write(Buffer.concat([frame(command('<poll op="req"/>', 'm-1')), frame(HELLO), frame(command('<poll op="req"/>', 'm-3'))]));
      const first = checkResponse(await c.next());
      const second = await c.next();
      const third = checkResponse(await c.next());
      expect(first.clTRID).to.equal('m-1');
      expect(second).to.contain('<greeting>');
      expect(third.clTRID).to.equal('m-3');
      await c.close();
    });

    for (const [label, length] of [
      ['zero', 0],
      ['header-only (4)', 4],
      ['too short (2)', 2],
    ] as const) {
      it(`answers a ${label} length with an EPP error and closes`, async () => {
        const c = await t.connect();
        const header = Buffer.alloc(4);
        header.writeUInt32BE(length);
        const reply = c.next();
        c.write(header);
        const r = checkResponse(await reply);
        expect(r.code).to.equal(2500);
        expect(r.msg).to.match(/frame length/);
        await c.closed;
      });
    }

    it('answers an oversized length with 2500 and closes without waiting for (or allocating) the claimed bytes', async () => {
      const c = await t.connect();
      const header = Buffer.alloc(4);
      header.writeUInt32BE(0xfffffff0);
      const before = process.memoryUsage().rss;
      const reply = c.next();
      c.write(header);
      const r = checkResponse(await reply);
      expect(r.code).to.equal(2500);
      expect(r.msg).to.match(/exceeds the maximum of 8192/);
      await c.closed;
      expect(process.memoryUsage().rss - before).to.be.below(64 * 1024 * 1024);
    });

    it('keeps serving other sessions while one sends garbage', async () => {
      const good = await t.login('ClientY');
      const bad = await t.connect();
      bad.write(frame(Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x3c])));
      const r = checkResponse(await bad.next());
      expect(r.code).to.equal(2001);
      expect((await send(good, POLL)).code).to.equal(1300);
      await Promise.all([good.close(), bad.close()]);
    });
  });

  describe('XML input', () => {
    let c: Awaited<ReturnType<TestRegistry['login']>>;
    before(async () => {
      c = await t.login('ClientX');
    });
    after(() => c.close());

    it('answers XML that is not well-formed with 2001 and a message naming the problem', async () => {
      const r = await send(c, '<?xml version="1.0"?><epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><command><poll op="req"></command></epp>');
      expect(r.code).to.equal(2001);
      expect(r.msg).to.match(/not well-formed/);
      expect(r.msg).to.not.match(/at .*\.js/);
    });

    it('answers a schema-invalid command with 2001 naming the element, and echoes its clTRID', async () => {
      const r = await send(
        c,
        command(
          '<create><domain:create xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:name>a.tatar</domain:name><domain:period unit="y">100</domain:period><domain:authInfo><domain:pw>x1234567</domain:pw></domain:authInfo></domain:create></create>',
          'invalid-1',
        ),
      );
      expect(r.code).to.equal(2001);
      expect(r.msg).to.match(/period/);
      expect(r.clTRID).to.equal('invalid-1');
    });

    it('answers a document that is not EPP with 2001', async () => {
      expect((await send(c, '<?xml version="1.0"?><html><body/></html>')).code).to.equal(2001);
    });

    it('refuses an XXE document without reading the file', async () => {
      const r = await send(
        c,
        `<?xml version="1.0"?><!DOCTYPE epp [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><command><check><domain:check xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:name>&xxe;</domain:name></domain:check></check><clTRID>xxe</clTRID></command></epp>`,
      );
      expect(r.code).to.equal(2001);
      expect(r.xml).to.not.contain('root:');
      expect(r.msg).to.match(/DOCTYPE/);
    });

    it('refuses an external DTD reference', async () => {
      const r = await send(c, `<?xml version="1.0"?><!DOCTYPE epp SYSTEM "http://127.0.0.1:9/evil.dtd"><epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><hello/></epp>`);
      expect(r.code).to.equal(2001);
    });

    it('refuses a billion-laughs document at once, without a memory blow-up', async () => {
      const lol = ['<!ENTITY lol "lol">'];
      for (let i = 1; i < 10; i++) lol.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
      const doc = `<?xml version="1.0"?><!DOCTYPE epp [${lol.join('')}]><epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><command><poll op="req"/><clTRID>&lol9;</clTRID></command></epp>`;
      const before = process.memoryUsage().rss;
      const started = Date.now();
      const r = await send(c, doc);
      expect(r.code).to.equal(2001);
      expect(Date.now() - started).to.be.below(2000);
      expect(process.memoryUsage().rss - before).to.be.below(64 * 1024 * 1024);
    });

    it('answers a <response> or <greeting> sent by a client with 2001', async () => {
      const r = await send(c, '<?xml version="1.0"?><epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><response><result code="1000"><msg>x</msg></result><trID><svTRID>x</svTRID></trID></response></epp>');
      expect(r.code).to.equal(2001);
    });

    it('answers a command this server does not implement with 2101, never a crash', async () => {
      const r = await send(
        c,
        command(
          '<transfer op="request"><contact:transfer xmlns:contact="urn:ietf:params:xml:ns:contact-1.0"><contact:id>XYZ1</contact:id><contact:authInfo><contact:pw>abcdef12</contact:pw></contact:authInfo></contact:transfer></transfer>',
        ),
      );
      expect([2101, 2303]).to.include(r.code);
    });

    it('answers poll ack of an unknown message with 2303', async () => {
      const r = await send(c, command('<poll op="ack" msgID="999999"/>'));
      expect(r.code).to.equal(2303);
    });

    it('still works after all of the above', async () => {
      expect((await send(c, POLL)).code).to.equal(1300);
    });
  });

  describe('TLS and client certificates', () => {
    it('refuses a login without a client certificate with 2200 and closes the connection', async () => {
      const c = await t.connect(null);
      const r = await send(c, loginXml('ClientX', PASSWORDS.ClientX));
      expect(r.code).to.equal(2200);
      expect(r.msg).to.match(/certificate/);
      await c.closed;
    });

    it('refuses a certificate from an untrusted CA with 2200 and closes', async () => {
      const c = await t.connect('rogue');
      const r = await send(c, loginXml('ClientX', PASSWORDS.ClientX));
      expect(r.code).to.equal(2200);
      await c.closed;
    });

    it("refuses another registrar's certificate with 2200 and closes", async () => {
      const c = await t.connect('clienty');
      const r = await send(c, loginXml('ClientX', PASSWORDS.ClientX));
      expect(r.code).to.equal(2200);
      await c.closed;
    });

    it('refuses an expired certificate from the registry CA, even one bound to the account, with 2200 and closes', async () => {
      const fp = fingerprint(readFileSync(join(testCerts(), 'expired.crt'), 'utf8'));
      await t.registry.store.transaction(async (r) => {
        const x = (await r.registrars.byClId('ClientX'))!;
        await r.registrars.update(x.id, { certFingerprints: [...x.certFingerprints, fp] }, new Date());
      });
      const c = await t.connect('expired');
      const r = await send(c, loginXml('ClientX', PASSWORDS.ClientX));
      expect(r.code).to.equal(2200);
      expect(r.msg).to.match(/expired/i);
      await c.closed;
    });

    /** A bare TLS handshake with these client settings: the error code, or the protocol and cipher agreed. */
    function handshake(opts: tls.ConnectionOptions): Promise<{ error?: string; protocol?: string | null; cipher?: string }> {
      return new Promise((resolve) => {
        const s = tls.connect({ host: '127.0.0.1', port: t.registry.address.port, ca: [readFileSync(join(testCerts(), 'ca.crt'))], servername: 'localhost', ...opts });
        s.on('secureConnect', () => {
          resolve({ protocol: s.getProtocol(), cipher: s.getCipher().name });
          s.destroy();
        });
        s.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code }));
      });
    }

    for (const version of ['TLSv1', 'TLSv1.1'] as const) {
      it(`refuses ${version} with a protocol_version alert`, async () => {
        // SECLEVEL=0 lets this client's OpenSSL offer the old protocol at all: the refusal is the server's alert.
        const r = await handshake({ minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' });
        expect(r.error).to.equal('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
      });
    }

    it('refuses a TLS 1.2 client that offers only non-AEAD (CBC) suites, and agrees on GCM when the client has it', async () => {
      const cbc = 'ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA:AES128-SHA256:AES128-SHA';
      expect(await handshake({ maxVersion: 'TLSv1.2', ciphers: cbc })).to.deep.equal({ error: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' });
      expect(await handshake({ maxVersion: 'TLSv1.2', ciphers: `${cbc}:ECDHE-RSA-AES128-GCM-SHA256` })).to.deep.equal({ protocol: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256' });
    });

    it('negotiates TLS 1.2 or later with an AEAD cipher', async () => {
      const c = await t.connect();
      expect(['TLSv1.2', 'TLSv1.3']).to.include(c.socket.getProtocol());
      expect(c.socket.getCipher().name).to.match(/GCM|CHACHA20/);
      await c.close();
    });
  });
});

describe('client certificate revocation (tls.crl)', () => {
  let t: TestRegistry;
  let certs: string;
  const pem = (name: string) => readFileSync(join(certs, `${name}.crt`), 'utf8');
  /** Connects with the named certificate and sends ClientX's login. */
  async function loginWith(name: string) {
    const c = await t.connect(name);
    return { c, r: await send(c, loginXml('ClientX', PASSWORDS.ClientX)) };
  }
  async function expectRefused(name: string) {
    const { c, r } = await loginWith(name);
    expect(r.code, name).to.equal(2200);
    expect(r.msg).to.match(/CERT_REVOKED/);
    await c.closed;
  }
  async function expectLogin(name: string) {
    const { c, r } = await loginWith(name);
    expect(r.code, name).to.equal(1000);
    return c;
  }

  // The served file holds another CA's CRL first, then the registry CA's: every CRL of the file must count.
  let servedCrl: string;
  let otherCaCrl: string;
  function writeServedCrl() {
    writeFileSync(servedCrl, otherCaCrl + readFileSync(join(certs, 'ca.crl'), 'utf8'));
  }

  before(async () => {
    certs = testCerts();
    servedCrl = join(certs, 'served.crl');
    otherCaCrl = createCrl(createCa('Partner CA'), [], { crlNumber: 1 });
    // Two more certificates of the registry CA, both bound to ClientX; the first is revoked from the start.
    const ca = { cert: readFileSync(join(certs, 'ca.crt'), 'utf8'), key: readFileSync(join(certs, 'ca.key'), 'utf8') };
    for (const name of ['revoked-1', 'revoked-2']) {
      const pair = issueCertificate(ca, 'ClientX', 'client');
      writeFileSync(join(certs, `${name}.crt`), pair.cert);
      writeFileSync(join(certs, `${name}.key`), pair.key);
    }
    revokeDevCertificate(certs, pem('revoked-1'));
    writeServedCrl();
    t = await startTestRegistry((c) => {
      c.tls.crl = servedCrl;
    });
    await t.registry.store.transaction(async (r) => {
      const x = (await r.registrars.byClId('ClientX'))!;
      await r.registrars.update(x.id, { certFingerprints: [...x.certFingerprints, fingerprint(pem('revoked-1')), fingerprint(pem('revoked-2'))] }, new Date());
    });
  });
  after(() => t.close());

  it('refuses a revoked certificate of the registry CA, even one bound to the account, with 2200 and closes', async () => {
    await expectRefused('revoked-1');
  });

  it('lets certificates of the same CA that are not revoked log in', async () => {
    await (await expectLogin('clientx')).close();
    await (await expectLogin('revoked-2')).close();
  });

  it('reads a new CRL on reloadTls (SIGHUP): new connections with a certificate revoked since are refused, open sessions go on', async () => {
    const open = await expectLogin('revoked-2');
    revokeDevCertificate(certs, pem('revoked-2'));
    writeServedCrl();
    await (await expectLogin('revoked-2')).close(); // the file alone changes nothing until the reload
    t.registry.epp.reloadTls();
    expect(readLog(t)).to.contain('TLS certificate, CA and CRL files reloaded');
    await expectRefused('revoked-2');
    await expectRefused('revoked-1');
    await (await expectLogin('clientx')).close();
    expect((await send(open, command('<poll op="req"/>'))).code).to.equal(1300);
    await open.close();
  });

  it('keeps the files in use when a reload fails (a truncated CRL)', async () => {
    writeFileSync(t.config.tls.crl!, '-----BEGIN X509 CRL-----\nMIIB\n-----END X509 CRL-----\n');
    expect(() => t.registry.epp.reloadTls()).to.throw();
    await expectRefused('revoked-2');
    await (await expectLogin('clientx')).close();
  });
});
