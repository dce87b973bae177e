import { expect } from 'chai';
import type { EppClient } from '../src/client/epp-client.js';
import { requests, type ContactParams } from '../src/client/requests.js';
import { resolvePolicy, type TldPolicyInput } from '../src/registry/policy.js';
import { send, startTestRegistry, type CheckedResponse, type TestRegistry } from './helpers.js';
import * as seed from './seed.js';

/**
 * Contacts in a registry that serves several kinds of TLD (issue 18): .tatar (TCI dialect) next to a
 * conventional gTLD. A contact is created with or without the TCI extension; the TCI data is a requirement
 * of its use: linking a contact to a domain of a TLD whose policy requires the extension (create, update
 * adding it or making it registrant, transfer approval) needs the data, 2306 naming the contact otherwise.
 */

const PERSON = { birthday: '1985-06-01', passport: ['9204 123456 issued by Kazan police department'] };

function contact(id: string, tci: boolean): ContactParams {
  return {
    id,
    email: `${id.toLowerCase()}@example.org`,
    authInfo: `pw-${id}-Contact1`,
    postalInfo: { int: { name: `Person ${id}`, street: ['1 Main St'], city: 'Kazan', cc: 'RU' } },
    ...(tci ? { tci: { person: PERSON } } : {}),
  };
}

const domainCreate = (name: string, registrant: string, admin: string, tech: string) =>
  requests.domainCreate('ext-1', {
    name,
    registrant,
    contacts: [
      { type: 'admin', id: admin },
      { type: 'tech', id: tech },
    ],
    authInfo: 'domain-pw-Ext1',
  });

const value = (r: CheckedResponse) => ({
  registrant: r.text('//e:result/e:value/domain:registrant'),
  contact: r.text('//e:result/e:value/domain:contact'),
  type: r.text('//e:result/e:value/domain:contact/@type'),
});

describe('contacts in a registry that serves several kinds of TLD (TCI data required when linked, not on create)', () => {
  let t: TestRegistry;
  let x: EppClient;
  let y: EppClient;

  async function setTld(name: string, policy: TldPolicyInput): Promise<void> {
    await t.registry.store.transaction((r) => r.tlds.upsert({ name, policy: resolvePolicy(policy) }, new Date()));
  }
  const ok = async (c: EppClient, xml: string, code = 1000) => {
    const r = await send(c, xml);
    expect(r.code, r.xml).to.equal(code);
    return r;
  };
  const sponsorOf = async (name: string) => (await seed.readDomain(t, name))?.sponsorClId;

  before(async () => {
    t = await startTestRegistry();
    // A conventional gTLD (RFC 5733 contacts, no extension) next to the two OT&E TLDs, which use TCI.
    await setTld('conventional', {});
    await setTld('later', {});
    x = await t.login('ClientX');
    y = await t.login('ClientY');
    for (const [id, tci] of [['PLAIN-1', false], ['TCI-1', true], ['TCI-2', true], ['PLAIN-2', false], ['PLAIN-3', false]] as const) {
      await ok(x, requests.contactCreate('ext-c', contact(id, tci)));
    }
  });
  after(async () => {
    await x?.close();
    await y?.close();
    await t?.close();
  });

  it('creates a contact with or without the extension; a conventional TLD links either', async () => {
    const info = await ok(x, requests.info('ext-i', 'contact', 'PLAIN-1'));
    expect(info.count('//tci:infData')).to.equal(0);
    expect((await ok(x, requests.info('ext-i', 'contact', 'TCI-1'))).count('//tci:infData')).to.equal(1);
    await ok(x, domainCreate('plain.conventional', 'PLAIN-1', 'PLAIN-1', 'TCI-1'));
    await ok(x, requests.domainUpdate('ext-u', { name: 'plain.conventional', chg: { registrant: 'PLAIN-2' } }));
  });

  it('refuses to link a contact without the data to a .tatar domain on create (2306 naming it), then creates', async () => {
    let r = await ok(x, domainCreate('kids.tatar', 'PLAIN-1', 'TCI-1', 'TCI-1'), 2306);
    expect(value(r).registrant).to.equal('PLAIN-1');
    expect(r.msg).to.match(/Contact PLAIN-1 has no TCI contact extension data.*\.tatar requires/);
    r = await ok(x, domainCreate('kids.tatar', 'TCI-1', 'PLAIN-1', 'TCI-1'), 2306);
    expect(value(r)).to.deep.include({ contact: 'PLAIN-1', type: 'admin' });
    r = await ok(x, domainCreate('kids.tatar', 'TCI-1', 'TCI-1', 'PLAIN-2'), 2306);
    expect(value(r)).to.deep.include({ contact: 'PLAIN-2', type: 'tech' });
    expect(await seed.readDomain(t, 'kids.tatar')).to.equal(undefined);
    await ok(x, domainCreate('kids.tatar', 'TCI-1', 'TCI-1', 'TCI-1'));
  });

  it('refuses an update that links one (a new contact, a new registrant), until the contact gets the data', async () => {
    let r = await ok(x, requests.domainUpdate('ext-u', { name: 'kids.tatar', add: { contacts: [{ type: 'billing', id: 'PLAIN-1' }] } }), 2306);
    expect(value(r)).to.deep.include({ contact: 'PLAIN-1', type: 'billing' });
    r = await ok(x, requests.domainUpdate('ext-u', { name: 'kids.tatar', chg: { registrant: 'PLAIN-1' } }), 2306);
    expect(value(r).registrant).to.equal('PLAIN-1');
    const info = await ok(x, requests.info('ext-i', 'domain', 'kids.tatar'));
    expect(info.text('//domain:infData/domain:registrant')).to.equal('TCI-1');
    expect(info.count('//domain:infData/domain:contact[@type="billing"]')).to.equal(0);
    // Linking a contact that has the data is fine; so is one that was completed with <contact:update>.
    await ok(x, requests.domainUpdate('ext-u', { name: 'kids.tatar', add: { contacts: [{ type: 'billing', id: 'TCI-2' }] } }));
    await ok(x, requests.contactUpdate('ext-cu', { id: 'PLAIN-1', tci: { person: PERSON } }));
    await ok(x, requests.domainUpdate('ext-u', { name: 'kids.tatar', chg: { registrant: 'PLAIN-1' } }));
    expect((await ok(x, requests.info('ext-i', 'domain', 'kids.tatar'))).text('//domain:infData/domain:registrant')).to.equal('PLAIN-1');
  });

  it('refuses to approve a transfer while a contact lacks the data (2306), approves once it has it', async () => {
    // Domains made while .later used no extension; then the operator's policy asks for TCI.
    await ok(x, domainCreate('move.later', 'PLAIN-2', 'TCI-2', 'TCI-2'));
    const auth = 'domain-pw-Ext1';
    await setTld('later', { contactExtension: 'tci' });
    await ok(y, requests.domainTransfer('ext-t', { op: 'request', name: 'move.later', authInfo: auth }), 1001);
    const r = await ok(x, requests.domainTransfer('ext-t', { op: 'approve', name: 'move.later' }), 2306);
    expect(value(r).registrant).to.equal('PLAIN-2');
    expect(await sponsorOf('move.later')).to.equal('ClientX');
    expect((await ok(x, requests.domainTransfer('ext-t', { op: 'query', name: 'move.later' }))).text('//domain:trnData/domain:trStatus')).to.equal('pending');
    await ok(x, requests.contactUpdate('ext-cu', { id: 'PLAIN-2', tci: { person: PERSON } }));
    const approved = await ok(x, requests.domainTransfer('ext-t', { op: 'approve', name: 'move.later' }));
    expect(approved.text('//domain:trnData/domain:trStatus')).to.equal('clientApproved');
    expect(await sponsorOf('move.later')).to.equal('ClientY');
  });

  it('cancels (serverCancelled) a transfer the registry would approve at acDate while a contact lacks the data', async () => {
    await setTld('later', { contactExtension: 'none' });
    await ok(x, domainCreate('auto.later', 'PLAIN-3', 'TCI-2', 'TCI-2'));
    await ok(x, domainCreate('auto2.later', 'TCI-2', 'TCI-2', 'TCI-2'));
    await setTld('later', { contactExtension: 'tci' });
    for (const name of ['auto.later', 'auto2.later']) await ok(y, requests.domainTransfer('ext-t', { op: 'request', name, authInfo: 'domain-pw-Ext1' }), 1001);
    t.clock.advance(6 * 86400_000);
    // Any command applies the due transfers first.
    const q = await ok(y, requests.domainTransfer('ext-t', { op: 'query', name: 'auto.later' }));
    expect(q.text('//domain:trnData/domain:trStatus')).to.equal('serverCancelled');
    expect(await sponsorOf('auto.later')).to.equal('ClientX');
    const q2 = await ok(y, requests.domainTransfer('ext-t', { op: 'query', name: 'auto2.later' }));
    expect(q2.text('//domain:trnData/domain:trStatus')).to.equal('serverApproved');
    expect(await sponsorOf('auto2.later')).to.equal('ClientY');
    // Both parties hear of the registry's cancellation.
    for (const c of [x, y]) {
      const texts: string[] = [];
      for (;;) {
        const p = await send(c, requests.poll('ext-p', 'req'));
        if (p.code !== 1301) break;
        texts.push(`${p.text('//e:msgQ/e:msg')} ${p.text('//domain:trnData/domain:name') ?? ''}`);
        await send(c, requests.poll('ext-p', 'ack', p.text('//e:msgQ/@id')));
      }
      expect(texts, c === x ? 'ClientX' : 'ClientY').to.include('Transfer cancelled by the registry. auto.later');
    }
  });
});
