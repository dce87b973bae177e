import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { join } from 'node:path';
import { frame } from '../src/transport/framing.js';
import { fingerprint } from '../src/transport/dev-certs.js';
import { HELLO, PASSWORDS, checkResponse, command, loginXml, send, startTestRegistry, testCerts, type TestRegistry } from './helpers.js';

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

    it('refuses TLS 1.1', async () => {
      const certs = testCerts();
      const err = await new Promise<Error | null>((resolve) => {
        const s = tls.connect({
          host: '127.0.0.1',
          port: t.registry.address.port,
          ca: [readFileSync(join(certs, 'ca.crt'))],
          servername: 'localhost',
          maxVersion: 'TLSv1.1',
          minVersion: 'TLSv1',
        });
        s.on('secureConnect', () => {
          s.destroy();
          resolve(null);
        });
        s.on('error', (e) => resolve(e));
      });
      expect(err).to.be.instanceOf(Error);
    });

    it('negotiates TLS 1.2 or later with an AEAD cipher', async () => {
      const c = await t.connect();
      expect(['TLSv1.2', 'TLSv1.3']).to.include(c.socket.getProtocol());
      expect(c.socket.getCipher().name).to.match(/GCM|CHACHA20/);
      await c.close();
    });
  });
});
