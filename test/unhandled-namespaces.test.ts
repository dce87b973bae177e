import { expect } from 'chai';
import type { EppClient } from '../src/client/epp-client.js';
import { loadConfig } from '../src/config.js';
import { NS } from '../src/protocol/namespaces.js';
import { ALL_EXT_URIS, command, send, startTestRegistry, type TestRegistry } from './helpers.js';
import { seedContact } from './seed.js';

const DOM = `xmlns:domain="${NS.domain}"`;
const CON = `xmlns:contact="${NS.contact}"`;
const SEC = `xmlns:secDNS="${NS.secDNS}"`;
const EXTVALUE = '//e:result/e:extValue';
const DS =
  '<secDNS:dsData><secDNS:keyTag>12345</secDNS:keyTag><secDNS:alg>13</secDNS:alg><secDNS:digestType>2</secDNS:digestType>' +
  '<secDNS:digest>E8E6FA107705CB9BCD30FAFA23D447C14AC62DF26AC958B0DCB5BA4D8F63A13F</secDNS:digest></secDNS:dsData>';

/**
 * RFC 9038 unhandled namespaces: data of a namespace the client did not select at login is not dropped (nor
 * answered 2103) for a client that selected urn:ietf:params:xml:ns:epp:unhandled-namespaces-1.0: it moves into
 * an <extValue> of the result with the reason "NAMESPACE-URI not in login services". Always in poll messages;
 * in other responses unless epp.unhandledNamespacesInResponses is off. A client that did not select it gets
 * what it got before: unselected extension data left out.
 */
describe('unhandled namespaces (RFC 9038)', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  let all: EppClient;
  let unhandled: EppClient;
  let bare: EppClient;
  const info = (name: string) => command(`<info><domain:info ${DOM}><domain:name>${name}</domain:name></domain:info></info>`);

  before(async () => {
    t = await startTestRegistry();
    await seedContact(t, 'UNH-C1');
    all = await t.login('ClientX');
    unhandled = await t.login('ClientX', { extURIs: [NS.unhandledNamespaces] });
    bare = await t.login('ClientX', { extURIs: [] });
    const r = await send(
      all,
      command(
        `<create><domain:create ${DOM}><domain:name>unh1.tatar</domain:name><domain:registrant>UNH-C1</domain:registrant>` +
          `<domain:contact type="admin">UNH-C1</domain:contact><domain:contact type="tech">UNH-C1</domain:contact>` +
          `<domain:authInfo><domain:pw>unh-Pw-01</domain:pw></domain:authInfo></domain:create></create>` +
          `<extension><secDNS:create ${SEC}>${DS}</secDNS:create></extension>`,
      ),
    );
    expect(r.code, r.xml).to.equal(1000);
  });
  after(async () => {
    for (const c of [all, unhandled, bare]) await c.close();
    await t.close();
  });

  it('shows secDNS and rgp data in <extension> to a client that selected them', async () => {
    const r = await send(all, info('unh1.tatar'));
    expect(r.text('//e:extension/secDNS:infData/secDNS:dsData/secDNS:keyTag')).to.equal('12345');
    expect(r.texts('//e:extension/rgp:infData/rgp:rgpStatus/@s')).to.deep.equal(['addPeriod']);
    expect(r.count(EXTVALUE)).to.equal(0);
  });

  it('moves the secDNS and rgp data of an info into <extValue> for a client that selected unhandled-namespaces but not them', async () => {
    const r = await send(unhandled, info('unh1.tatar'));
    expect(r.code).to.equal(1000);
    expect(r.text('//e:resData/domain:infData/domain:name')).to.equal('unh1.tatar');
    expect(r.count('//e:extension')).to.equal(0);
    expect(r.texts(`${EXTVALUE}/e:reason`)).to.deep.equal([`${NS.secDNS} not in login services`, `${NS.rgp} not in login services`]);
    expect(r.text(`${EXTVALUE}/e:value/secDNS:infData/secDNS:dsData/secDNS:digest`)).to.equal('E8E6FA107705CB9BCD30FAFA23D447C14AC62DF26AC958B0DCB5BA4D8F63A13F');
    expect(r.text(`${EXTVALUE}/e:value/rgp:infData/rgp:rgpStatus/@s`)).to.equal('addPeriod');
    // The moved XML declares its own namespace (RFC 9038 §3), so a client can parse it later.
    expect(r.xml).to.match(/<value><secDNS:infData xmlns:secDNS="urn:ietf:params:xml:ns:secDNS-1.1">/);
  });

  it('leaves unselected extension data out for a client that selected neither it nor unhandled-namespaces', async () => {
    const r = await send(bare, info('unh1.tatar'));
    expect(r.code).to.equal(1000);
    expect(r.text('//e:resData/domain:infData/domain:name')).to.equal('unh1.tatar');
    expect(r.count('//e:extension')).to.equal(0);
    expect(r.count(EXTVALUE)).to.equal(0);
  });

  it('moves the TCI contact data of a contact:info into <extValue> when the TCI extension was not selected', async () => {
    await t.registry.store.transaction(async (r) => {
      const c = (await r.contacts.byHandle('UNH-C1'))!;
      await r.contacts.update(c.id, { tci: { person: { birthday: '1970-01-01', passport: ['1234 567890, issued 2000-01-01'] } } }, c.sponsorId, t.clock.now());
    });
    const xml = command(`<info><contact:info ${CON}><contact:id>UNH-C1</contact:id></contact:info></info>`);
    const r = await send(unhandled, xml);
    expect(r.text(`${EXTVALUE}/e:value/tci:infData/tci:person/tci:birthday`)).to.equal('1970-01-01');
    expect(r.text(`${EXTVALUE}/e:reason`)).to.equal(`${NS.tciContact} not in login services`);
    const shown = await send(all, xml);
    expect(shown.text('//e:extension/tci:infData/tci:person/tci:birthday')).to.equal('1970-01-01');
  });

  it('moves a poll message of an object the client did not select (contact:trnData) into <extValue>, and keeps it in <resData> without unhandled-namespaces', async () => {
    await seedContact(t, 'UNH-C2', { pw: 'unh-C2-pw' });
    const y = await t.login('ClientY');
    const domainOnlyUnhandled = await t.login('ClientX', { objURIs: [NS.domain, NS.host], extURIs: [NS.unhandledNamespaces] });
    const domainOnly = await t.login('ClientX', { objURIs: [NS.domain, NS.host], extURIs: ALL_EXT_URIS });
    try {
      await drain(all);
      const req = await send(y, command(`<transfer op="request"><contact:transfer ${CON}><contact:id>UNH-C2</contact:id><contact:authInfo><contact:pw>unh-C2-pw</contact:pw></contact:authInfo></contact:transfer></transfer>`));
      expect(req.code, req.xml).to.equal(1001);
      let p = await send(domainOnlyUnhandled, command('<poll op="req"/>'));
      expect(p.code).to.equal(1301);
      expect(p.count('//e:resData')).to.equal(0);
      expect(p.text(`${EXTVALUE}/e:value/contact:trnData/contact:id`)).to.equal('UNH-C2');
      expect(p.text(`${EXTVALUE}/e:value/contact:trnData/contact:trStatus`)).to.equal('pending');
      expect(p.text(`${EXTVALUE}/e:reason`)).to.equal(`${NS.contact} not in login services`);
      // A poll message always carries it (§6), whatever the setting for other responses (§5).
      t.registry.services.config.epp.unhandledNamespacesInResponses = false;
      try {
        p = await send(domainOnlyUnhandled, command('<poll op="req"/>'));
        expect(p.text(`${EXTVALUE}/e:value/contact:trnData/contact:id`)).to.equal('UNH-C2');
        const i = await send(unhandled, info('unh1.tatar'));
        expect(i.count(EXTVALUE)).to.equal(0);
        expect(i.count('//e:extension')).to.equal(0);
      } finally {
        t.registry.services.config.epp.unhandledNamespacesInResponses = true;
      }
      p = await send(domainOnly, command('<poll op="req"/>'));
      expect(p.text('//e:resData/contact:trnData/contact:id')).to.equal('UNH-C2');
      expect(p.count(EXTVALUE)).to.equal(0);
      await drain(all);
    } finally {
      for (const c of [y, domainOnlyUnhandled, domainOnly]) await c.close();
    }
  });

  it('reads epp.unhandledNamespacesInResponses from the configuration and refuses a bad value', () => {
    expect(loadConfig({ env: {}, base: t.dir }).epp.unhandledNamespacesInResponses).to.equal(true);
    expect(loadConfig({ env: { REGISTRY_UNHANDLED_NAMESPACES_IN_RESPONSES: 'false' }, base: t.dir }).epp.unhandledNamespacesInResponses).to.equal(false);
    expect(() => loadConfig({ env: { REGISTRY_UNHANDLED_NAMESPACES_IN_RESPONSES: 'maybe' }, base: t.dir })).to.throw(/REGISTRY_UNHANDLED_NAMESPACES_IN_RESPONSES=maybe/);
  });

  async function drain(c: EppClient): Promise<void> {
    for (;;) {
      const p = await send(c, command('<poll op="req"/>'));
      if (p.code === 1300) return;
      await send(c, command(`<poll op="ack" msgID="${p.text('//e:msgQ/@id')}"/>`));
    }
  }
});
