import { expect } from 'chai';
import type { EppClient } from '../src/client/epp-client.js';
import { commandTable } from '../src/epp/picker.js';
import { NS } from '../src/protocol/namespaces.js';
import { ALL_EXT_URIS, ALL_OBJ_URIS, command, send, startTestRegistry, type TestRegistry } from './helpers.js';

/**
 * Each picker row declares the extension elements its command accepts; the door refuses any other before
 * the handler runs: 2102 for an element the command does not take (a selected extension), 2103 for a
 * namespace the session did not select at login. Nothing is changed by a refused command.
 */
const DOM = `xmlns:domain="${NS.domain}"`;
const SECDNS_REM_ALL = `<secDNS:update xmlns:secDNS="${NS.secDNS}"><secDNS:rem><secDNS:all>true</secDNS:all></secDNS:rem></secDNS:update>`;
const RGP_RESTORE = `<rgp:update xmlns:rgp="${NS.rgp}"><rgp:restore op="request"/></rgp:update>`;
const withExt = (body: string, ...ext: string[]) => command(`${body}<extension>${ext.join('')}</extension>`);

describe('extension allow-lists in the picker', () => {
  let t: TestRegistry;
  let x: EppClient;
  before(async () => {
    t = await startTestRegistry();
    x = await t.login('ClientX');
  });
  after(async () => {
    await x.close();
    await t.close();
  });

  it('lists the accepted extension elements of every command (the command surface on one screen)', () => {
    const table = commandTable();
    const of = (key: string) => table[key].extensions.map(([ns, name]) => `${ns}#${name}`).sort();
    expect(of('create:domain')).to.deep.equal([`${NS.tciDomain}#create`, `${NS.fee}#create`, `${NS.launch}#create`, `${NS.secDNS}#create`]);
    expect(of('update:domain')).to.deep.equal([`${NS.tciDomain}#update`, `${NS.secDNS}#update`]);
    expect(of('update:domain+rgp')).to.deep.equal([`${NS.fee}#update`, `${NS.rgp}#update`]);
    expect(of('check:domain')).to.deep.equal([`${NS.fee}#check`, `${NS.launch}#check`]);
    expect(of('renew:domain')).to.deep.equal([`${NS.fee}#renew`]);
    expect(of('transfer:domain:request')).to.deep.equal([`${NS.fee}#transfer`]);
    expect(of('create:contact')).to.deep.equal([`${NS.tciContact}#create`]);
    expect(of('login')).to.deep.equal([`${NS.loginSec}#loginSec`]);
    expect(of('info:domain')).to.deep.equal([`${NS.launch}#info`]);
    for (const key of ['delete:domain', 'transfer:domain:approve', 'poll:req', 'poll:ack', 'check:host', 'logout']) {
      expect(of(key), key).to.deep.equal([]);
    }
  });

  it('refuses stray extensions on domain check, info, restore and poll with 2102, naming the element', async () => {
    const create = await send(x, command(`<create><domain:create ${DOM}><domain:name>ext-rules.tatar</domain:name><domain:authInfo><domain:pw>Pw-12345</domain:pw></domain:authInfo></domain:create></create>`));
    expect(create.code, create.xml).to.be.oneOf([1000, 2003, 2306]);
    const check = await send(x, withExt(`<check><domain:check ${DOM}><domain:name>ext-rules.tatar</domain:name></domain:check></check>`, SECDNS_REM_ALL));
    expect(check.code).to.equal(2102);
    expect(check.msg).to.contain('<update>').and.contain(NS.secDNS);
    const info = await send(x, withExt(`<info><domain:info ${DOM}><domain:name>ext-rules.tatar</domain:name></domain:info></info>`, SECDNS_REM_ALL));
    expect(info.code).to.equal(2102);
    const restore = await send(x, withExt(`<update><domain:update ${DOM}><domain:name>ext-rules.tatar</domain:name><domain:chg/></domain:update></update>`, RGP_RESTORE, SECDNS_REM_ALL));
    expect(restore.code).to.equal(2102);
    const poll = await send(x, withExt('<poll op="req"/>', SECDNS_REM_ALL));
    expect(poll.code).to.equal(2102);
  });

  it('answers 2103 for an extension whose namespace was not selected at login, before anything else', async () => {
    const c = await t.connect('clientx');
    try {
      const { loginXml, PASSWORDS, checkResponse } = await import('./helpers.js');
      const login = checkResponse(await c.request(loginXml('ClientX', PASSWORDS.ClientX, { objURIs: ALL_OBJ_URIS, extURIs: ALL_EXT_URIS.filter((u) => u !== NS.secDNS) })));
      expect(login.code).to.equal(1000);
      const r = await send(c, withExt(`<check><domain:check ${DOM}><domain:name>ext-rules.tatar</domain:name></domain:check></check>`, SECDNS_REM_ALL));
      expect(r.code).to.equal(2103);
    } finally {
      await c.close();
    }
  });

  it('changes nothing when it refuses: a create with a stray extension creates no domain', async () => {
    const name = 'ext-stray-create.tatar';
    const r = await send(x, withExt(`<create><domain:create ${DOM}><domain:name>${name}</domain:name><domain:authInfo><domain:pw>Pw-12345</domain:pw></domain:authInfo></domain:create></create>`, RGP_RESTORE));
    expect(r.code).to.equal(2102);
    const check = await send(x, command(`<check><domain:check ${DOM}><domain:name>${name}</domain:name></domain:check></check>`));
    expect(check.text('//domain:name/@avail')).to.be.oneOf(['1', 'true']);
  });
});
