import { expect } from 'chai';
import type { EppClient } from '../src/client/epp-client.js';
import { resolvePolicy, type TldPolicyInput } from '../src/registry/policy.js';
import { command, send, startTestRegistry, type CheckedResponse, type TestRegistry } from './helpers.js';

/**
 * Host objects and host attributes side by side (issue 18, "Hosts"): the same delegations sent to a TLD of
 * each model get the same answer — glue under the domain, none outside it, the same address rules (loopback,
 * unspecified, private ranges per policy: 2306; ip mismatch or malformed: 2005), one script per label, and the
 * add/rem rules of statuses on update. The hostObj side creates the host, then delegates to it; the hostAttr
 * side sends the attribute in the domain update.
 */

const DOMAIN = 'xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"';
const HOST = 'xmlns:host="urn:ietf:params:xml:ns:host-1.0"';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
/** `'185.10.10.1'` (v4 when it has a dot, v6 otherwise) or `['v4', '2001:db8::1']` for an explicit ip attribute. */
type Addr = string | [string, string];
const ipOf = (a: Addr): [string, string] => (Array.isArray(a) ? a : [a.includes(':') ? 'v6' : 'v4', a]);

const domainCreate = (name: string) =>
  command(`<create><domain:create ${DOMAIN}><domain:name>${esc(name)}</domain:name><domain:authInfo><domain:pw>pw-2-Models</domain:pw></domain:authInfo></domain:create></create>`);
const attrXml = (name: string, addrs: Addr[]) =>
  `<domain:hostAttr><domain:hostName>${esc(name)}</domain:hostName>${addrs.map((a) => `<domain:hostAddr ip="${ipOf(a)[0]}">${esc(ipOf(a)[1])}</domain:hostAddr>`).join('')}</domain:hostAttr>`;
const nsUpdate = (domain: string, o: { addObj?: string; remObj?: string; add?: string; rem?: string }) =>
  command(
    `<update><domain:update ${DOMAIN}><domain:name>${esc(domain)}</domain:name>` +
      (o.addObj || o.add ? `<domain:add><domain:ns>${o.addObj ? `<domain:hostObj>${esc(o.addObj)}</domain:hostObj>` : o.add}</domain:ns></domain:add>` : '') +
      (o.remObj || o.rem ? `<domain:rem><domain:ns>${o.remObj ? `<domain:hostObj>${esc(o.remObj)}</domain:hostObj>` : o.rem}</domain:ns></domain:rem>` : '') +
      `</domain:update></update>`,
  );
const hostCreate = (name: string, addrs: Addr[]) =>
  command(`<create><host:create ${HOST}><host:name>${esc(name)}</host:name>${addrs.map((a) => `<host:addr ip="${ipOf(a)[0]}">${esc(ipOf(a)[1])}</host:addr>`).join('')}</host:create></create>`);
const hostUpdate = (name: string, add: Addr[], rem: Addr[]) =>
  command(
    `<update><host:update ${HOST}><host:name>${esc(name)}</host:name>` +
      (add.length ? `<host:add>${add.map((a) => `<host:addr ip="${ipOf(a)[0]}">${ipOf(a)[1]}</host:addr>`).join('')}</host:add>` : '') +
      (rem.length ? `<host:rem>${rem.map((a) => `<host:addr ip="${ipOf(a)[0]}">${ipOf(a)[1]}</host:addr>`).join('')}</host:rem>` : '') +
      `</host:update></update>`,
  );
const domainInfo = (name: string) => command(`<info><domain:info ${DOMAIN}><domain:name hosts="all">${esc(name)}</domain:name></domain:info></info>`);
const hostInfo = (name: string) => command(`<info><host:info ${HOST}><host:name>${esc(name)}</host:name></host:info></info>`);

type Model = 'obj' | 'attr';

describe('host objects and host attributes side by side (RFC 5731 §1.1, RFC 5732)', () => {
  let t: TestRegistry;
  let x: EppClient;
  let n = 0;

  /** TLD of each model per variant; everything but the host model is the same policy. */
  const TLDS: Record<'optional' | 'required', Record<Model, string>> = {
    optional: { obj: 'hobj', attr: 'hattr' },
    required: { obj: 'hobjglue', attr: 'hattrglue' },
  };

  async function addTld(name: string, policy: TldPolicyInput): Promise<void> {
    await t.registry.store.transaction((r) => r.tlds.upsert({ name, policy: resolvePolicy(policy) }, new Date()));
  }

  /** A fresh domain of the registrar in the model's TLD. */
  async function freshDomain(model: Model, glue: 'optional' | 'required' = 'optional'): Promise<string> {
    const name = `d${++n}.${TLDS[glue][model]}`;
    const r = await send(x, domainCreate(name));
    expect(r.code, r.xml).to.equal(1000);
    return name;
  }

  /**
   * Delegates `domain` to the nameserver `ns` (`{d}` stands for the domain) with `addrs`, as each model does
   * it: a host object created, then added; or a host attribute added. The first refusal is the answer.
   */
  async function delegate(model: Model, domain: string, ns: string, addrs: Addr[]): Promise<CheckedResponse> {
    const name = ns.replace('{d}', domain);
    if (model === 'attr') return send(x, nsUpdate(domain, { add: attrXml(name, addrs) }));
    const created = await send(x, hostCreate(name, addrs));
    if (created.code !== 1000) return created;
    return send(x, nsUpdate(domain, { addObj: name }));
  }

  before(async () => {
    t = await startTestRegistry();
    const base: TldPolicyInput = { dataModel: 'minimum', refusePrivateAddresses: true, idnScripts: ['Cyrillic'] };
    await addTld('hobj', { ...base, hostModel: 'hostObj' });
    await addTld('hattr', { ...base, hostModel: 'hostAttr' });
    await addTld('hobjglue', { ...base, hostModel: 'hostObj', glue: 'required' });
    await addTld('hattrglue', { ...base, hostModel: 'hostAttr', glue: 'required' });
    await addTld('hattrwide', { ...base, hostModel: 'hostAttr', hostAttrGlue: 'servedTlds' });
    x = await t.login('ClientX');
  });
  after(async () => {
    await x?.close();
    await t?.close();
  });

  const CASES: Array<{ title: string; ns: string; addrs: Addr[]; glue?: 'required'; code: number; value?: RegExp }> = [
    { title: 'glue under the domain', ns: 'ns1.{d}', addrs: ['185.10.10.1', '2A00:1450:0:0::53'], code: 1000 },
    { title: 'a name outside the registry without addresses', ns: 'ns-{d}.example.net', addrs: [], code: 1000 },
    { title: 'no addresses under the domain (optional glue)', ns: 'ns1.{d}', addrs: [], code: 2306 },
    { title: 'no addresses under the domain (required glue)', ns: 'ns1.{d}', addrs: [], glue: 'required', code: 2003 },
    { title: 'addresses on a name outside the registry', ns: 'ns-{d}.example.net', addrs: ['185.10.10.1'], code: 2306 },
    { title: 'loopback', ns: 'ns1.{d}', addrs: ['127.0.0.1'], code: 2306, value: /127\.0\.0\.1/ },
    { title: 'IPv6 loopback', ns: 'ns1.{d}', addrs: ['::1'], code: 2306 },
    { title: 'unspecified', ns: 'ns1.{d}', addrs: ['0.0.0.0'], code: 2306 },
    { title: 'a private range under refusePrivateAddresses', ns: 'ns1.{d}', addrs: ['10.1.2.3'], code: 2306, value: /10\.1\.2\.3/ },
    { title: 'an ip attribute that does not match the address', ns: 'ns1.{d}', addrs: [['v4', '2001:db8::1']], code: 2005, value: /2001:db8::1/ },
    { title: 'a malformed address', ns: 'ns1.{d}', addrs: ['999.0.2.300'], code: 2005 },
    { title: 'an address listed twice', ns: 'ns1.{d}', addrs: ['185.10.10.1', '185.10.10.1'], code: 2306 },
    { title: 'a label mixing Latin and Cyrillic under the domain', ns: 'n\u04551.{d}', addrs: ['185.10.10.1'], code: 2306, value: /mixes scripts/ },
    { title: 'a label mixing Latin and Cyrillic outside the registry', ns: 'ns1.p\u0430ypal-{d}.com', addrs: [], code: 2306, value: /mixes scripts/ },
  ];

  for (const c of CASES) {
    it(`answers both models alike: ${c.title} → ${c.code}`, async () => {
      const domains = {} as Record<Model, string>;
      for (const model of ['obj', 'attr'] as const) {
        const domain = (domains[model] = await freshDomain(model, c.glue ?? 'optional'));
        const r = await delegate(model, domain, c.ns, c.addrs);
        expect(r.code, `${model}: ${r.xml}`).to.equal(c.code);
        if (c.value) expect(r.xml, model).to.match(c.value);
        // Nothing was delegated unless the command succeeded.
        const info = await send(x, domainInfo(domain));
        const delegated = [...info.texts('//domain:ns/domain:hostObj'), ...info.texts('//domain:ns/domain:hostAttr/domain:hostName')];
        expect(delegated.length, model).to.equal(c.code === 1000 ? 1 : 0);
      }
      if (c.code === 1000 && c.addrs.length > 0) {
        // The same addresses, canonical (IPv6 per RFC 5952), whichever model holds them.
        const obj = await send(x, hostInfo(c.ns.replace('{d}', domains.obj)));
        expect(obj.texts('//host:infData/host:addr')).to.deep.equal(['185.10.10.1', '2a00:1450::53']);
        const attr = await send(x, domainInfo(domains.attr));
        expect(attr.texts('//domain:ns/domain:hostAttr/domain:hostAddr')).to.deep.equal(['185.10.10.1', '2a00:1450::53']);
      }
    });
  }

  it('applies the add/rem rules of statuses to nameservers on update, in both models', async () => {
    const obj = await freshDomain('obj');
    const attr = await freshDomain('attr');
    expect((await delegate('obj', obj, 'ns1.{d}', ['185.10.10.1'])).code).to.equal(1000);
    expect((await delegate('attr', attr, 'ns1.{d}', ['185.10.10.1'])).code).to.equal(1000);

    // Adding a nameserver the domain has: 2306, both models (the attribute with the same or other addresses).
    let r = await send(x, nsUpdate(obj, { addObj: `ns1.${obj}` }));
    expect(r.code, r.xml).to.equal(2306);
    r = await send(x, nsUpdate(attr, { add: attrXml(`ns1.${attr}`, ['185.10.10.1']) }));
    expect(r.code, r.xml).to.equal(2306);
    r = await send(x, nsUpdate(attr, { add: attrXml(`ns1.${attr}`, ['185.10.10.9']) }));
    expect(r.code, r.xml).to.equal(2306);
    expect(r.msg).to.match(/185\.10\.10\.1.*remove it and add it/);
    // Adding an address the host has (hostObj) is the same rule.
    r = await send(x, hostUpdate(`ns1.${obj}`, ['185.10.10.1'], []));
    expect(r.code, r.xml).to.equal(2306);

    // Removing a nameserver the domain does not have: 2306, both models.
    r = await send(x, nsUpdate(obj, { remObj: `ns9.example.net` }));
    expect(r.code, r.xml).to.equal(2306);
    r = await send(x, nsUpdate(attr, { rem: attrXml('ns9.example.net', []) }));
    expect(r.code, r.xml).to.equal(2306);
    // An attribute named with addresses it does not have is not there either; nor an address a host lacks.
    r = await send(x, nsUpdate(attr, { rem: attrXml(`ns1.${attr}`, ['185.10.10.9']) }));
    expect(r.code, r.xml).to.equal(2306);
    expect(r.text('//e:result/e:value/domain:hostName')).to.equal(`ns1.${attr}`);
    r = await send(x, hostUpdate(`ns1.${obj}`, [], ['185.10.10.9']));
    expect(r.code, r.xml).to.equal(2306);

    // Changing the addresses: rem + add in one update (attribute), or on the host object; both end alike.
    r = await send(x, nsUpdate(attr, { rem: attrXml(`ns1.${attr}`, ['185.10.10.1']), add: attrXml(`ns1.${attr}`, ['185.10.10.2', '2a00:1450::2']) }));
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, hostUpdate(`ns1.${obj}`, ['185.10.10.2', '2a00:1450::2'], ['185.10.10.1']));
    expect(r.code, r.xml).to.equal(1000);
    expect((await send(x, domainInfo(attr))).texts('//domain:ns/domain:hostAttr/domain:hostAddr')).to.deep.equal(['185.10.10.2', '2a00:1450::2']);
    expect((await send(x, hostInfo(`ns1.${obj}`))).texts('//host:infData/host:addr')).to.deep.equal(['185.10.10.2', '2a00:1450::2']);
    // A changed address is checked as a new one (loopback refused), in both.
    r = await send(x, nsUpdate(attr, { rem: attrXml(`ns1.${attr}`, []), add: attrXml(`ns1.${attr}`, ['127.0.0.2']) }));
    expect(r.code, r.xml).to.equal(2306);
    r = await send(x, hostUpdate(`ns1.${obj}`, ['127.0.0.2'], []));
    expect(r.code, r.xml).to.equal(2306);
    // Removing by name alone removes the attribute whatever its addresses.
    r = await send(x, nsUpdate(attr, { rem: attrXml(`ns1.${attr}`, []) }));
    expect(r.code, r.xml).to.equal(1000);
    expect((await send(x, domainInfo(attr))).count('//domain:ns')).to.equal(0);
  });

  it('draws the glue scope per policy: under the domain, or under any served TLD (hostAttrGlue)', async () => {
    // 'domain' (default): a name under another domain of the TLD takes no addresses.
    const own = await freshDomain('attr');
    let r = await send(x, nsUpdate(own, { add: attrXml('ns1.elsewhere.hattr', ['185.10.10.1']) }));
    expect(r.code, r.xml).to.equal(2306);
    expect(r.msg).to.match(/not .* or under it/);
    r = await send(x, nsUpdate(own, { add: attrXml('ns1.elsewhere.hattr', []) }));
    expect(r.code, r.xml).to.equal(1000);
    // 'servedTlds': every name under a served TLD is in the registry's zones and needs its addresses, as an
    // internal host object does; names under other TLDs take none.
    r = await send(x, domainCreate('wide1.hattrwide'));
    expect(r.code).to.equal(1000);
    r = await send(x, nsUpdate('wide1.hattrwide', { add: attrXml('ns1.elsewhere.tatar', []) }));
    expect(r.code, r.xml).to.equal(2306);
    expect(r.msg).to.match(/under a TLD of this registry/);
    r = await send(x, nsUpdate('wide1.hattrwide', { add: attrXml('ns1.elsewhere.tatar', ['185.10.10.1']) }));
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, nsUpdate('wide1.hattrwide', { add: attrXml('ns1.example.net', ['185.10.10.1']) }));
    expect(r.code, r.xml).to.equal(2306);
    // The hostObj side of the same rule: a host under another registered domain of a served TLD is internal.
    const other = await freshDomain('obj');
    expect((await send(x, hostCreate(`ns1.${other}`, []))).code).to.equal(1000);
    const mine = await freshDomain('obj');
    r = await send(x, nsUpdate(mine, { addObj: `ns1.${other}` }));
    expect(r.code, r.xml).to.equal(2306);
  });

  it('refuses host attributes in a hostObj TLD and host objects in a hostAttr TLD (2306)', async () => {
    const obj = await freshDomain('obj');
    const attr = await freshDomain('attr');
    let r = await send(x, nsUpdate(obj, { add: attrXml(`ns1.${obj}`, ['185.10.10.1']) }));
    expect(r.code, r.xml).to.equal(2306);
    expect((await send(x, hostCreate('ns-any.example.org', []))).code).to.equal(1000);
    r = await send(x, nsUpdate(attr, { addObj: 'ns-any.example.org' }));
    expect(r.code, r.xml).to.equal(2306);
  });
});
