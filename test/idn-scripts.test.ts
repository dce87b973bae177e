import { expect } from 'chai';
import type { EppClient } from '../src/client/epp-client.js';
import { resolvePolicy, type TldPolicyInput } from '../src/registry/policy.js';
import { checkLabelScripts, resolveIdnTables } from '../src/registry/scripts.js';
import { command, send, startTestRegistry, type CheckedResponse, type TestRegistry } from './helpers.js';

/**
 * Labels that look like other labels (issue 18): one script per label, per the ICANN IDN Implementation
 * Guidelines, with per-TLD IDN tables as policy data; a mix is refused in check (avail="0" with a reason),
 * create and host names (2306); a policy naming a script Unicode does not know is refused when written.
 */

const DOMAIN = 'xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"';
const HOST = 'xmlns:host="urn:ietf:params:xml:ns:host-1.0"';

const domainCheck = (...names: string[]) => command(`<check><domain:check ${DOMAIN}>${names.map((n) => `<domain:name>${n}</domain:name>`).join('')}</domain:check></check>`);
const domainCreate = (name: string) =>
  command(`<create><domain:create ${DOMAIN}><domain:name>${name}</domain:name><domain:authInfo><domain:pw>pw-2-Scripts</domain:pw></domain:authInfo></domain:create></create>`);
const hostCheck = (...names: string[]) => command(`<check><host:check ${HOST}>${names.map((n) => `<host:name>${n}</host:name>`).join('')}</host:check></check>`);
const hostCreate = (name: string) => command(`<create><host:create ${HOST}><host:name>${name}</host:name></host:create></create>`);
const hostRename = (name: string, to: string) =>
  command(`<update><host:update ${HOST}><host:name>${name}</host:name><host:chg><host:name>${to}</host:name></host:chg></host:update></update>`);

/** [name as answered, avail, reason] per name asked. */
function answers(r: CheckedResponse, obj: 'domain' | 'host'): Array<[string, string, string | undefined]> {
  const names = r.texts(`//${obj}:cd/${obj}:name`);
  const avail = r.texts(`//${obj}:cd/${obj}:name/@avail`);
  return names.map((n, i) => [n, avail[i], r.text(`//${obj}:cd[${i + 1}]/${obj}:reason`)]);
}

const a = (u: string) => new URL(`http://${u}`).hostname; // the A-label form a client would send

describe('IDN tables: one script per label (src/registry/scripts.ts)', () => {
  it('tells a label of one script from a mix, with Common/Inherited characters per table', () => {
    const tables = (...t: Parameters<typeof resolveIdnTables>[0][]) => resolveIdnTables(t).tables;
    const cyr = tables('Cyrillic');
    const latCyr = tables('Latin', 'Cyrl');
    expect(checkLabelScripts('пример-1', cyr)).to.deep.equal({ ok: true });
    expect(checkLabelScripts('p\u0430ypal', latCyr)).to.include({ ok: false, short: 'Mixed scripts in a label' });
    // A label of ASCII letters with one Cyrillic letter mixes scripts even where only Cyrillic is offered.
    expect(checkLabelScripts('p\u0430ypal', cyr)).to.include({ ok: false, short: 'Mixed scripts in a label' });
    expect(checkLabelScripts('ελλάδα', latCyr)).to.include({ ok: false, short: 'Script not allowed in this TLD' });
    // Japanese: one table of three scripts; the Katakana middle dot is Common, used with them (Script_Extensions).
    const jp = resolveIdnTables([{ scripts: ['Han', 'Hiragana', 'Katakana'] }]).tables;
    expect(checkLabelScripts('日本語ドメイン', jp)).to.deep.equal({ ok: true });
    expect(checkLabelScripts('日本・語', jp)).to.deep.equal({ ok: true });
    expect(checkLabelScripts('пример・', cyr)).to.include({ ok: false, short: 'Character not in the IDN table' });
    // A generic Inherited character (a combining grave accent below) only where the table lists it.
    const accent = resolveIdnTables([{ scripts: ['Latin'], extraCharacters: '\u0316' }]).tables;
    expect(checkLabelScripts('x\u0316yz', accent)).to.deep.equal({ ok: true });
    expect(checkLabelScripts('x\u0316yz', tables('Latin'))).to.include({ ok: false, short: 'Character not in the IDN table' });
    // Names no table governs: UTS #39 highly restrictive (one script, or Latin + Han + Japanese kana...).
    expect(checkLabelScripts('p\u0430ypal', 'any')).to.include({ ok: false });
    expect(checkLabelScripts('abc日本語', 'any')).to.deep.equal({ ok: true });
    expect(checkLabelScripts('café', 'any')).to.deep.equal({ ok: true });
  });

  it('checks table data: script names (aliases accepted), each script once, extra characters Common or Inherited', () => {
    expect(resolveIdnTables(['Cyrl', { scripts: ['Latn'], extraCharacters: '·' }])).to.deep.equal({
      tables: [
        { scripts: ['Cyrillic'], extraCharacters: '' },
        { scripts: ['Latin'], extraCharacters: '·' },
      ],
      problems: [],
    });
    const bad = resolveIdnTables(['Klingon', 'Common', 'Cyrillic', 'Cyrillic', { scripts: ['Latin'], extraCharacters: 'д' }, { scripts: ['Greek'], colour: 1 }]).problems;
    expect(bad).to.have.length(5);
    expect(bad[0]).to.match(/idnScripts\[0\]: "Klingon" is not a Unicode script/);
    expect(bad[1]).to.match(/"Common" is not a Unicode script a label can be written in/);
    expect(bad[2]).to.match(/idnScripts\[3\]: script Cyrillic is in more than one table/);
    expect(bad[3]).to.match(/"д" \(U\+0434\) is Cyrillic, not a Common or Inherited character/);
    expect(bad[4]).to.match(/unknown field colour/);
    expect(() => resolvePolicy({ idnScripts: ['Cyrilic'] })).to.throw(/idnScripts\[0\]: "Cyrilic" is not a Unicode script/);
  });
});

describe('labels that look like other labels, over EPP', () => {
  let t: TestRegistry;
  let x: EppClient;

  async function addTld(name: string, policy: TldPolicyInput): Promise<void> {
    await t.registry.store.transaction((r) => r.tlds.upsert({ name, policy: resolvePolicy(policy) }, new Date()));
  }

  before(async () => {
    t = await startTestRegistry();
    await addTld('mix', { dataModel: 'minimum', idnScripts: ['Latin', 'Cyrillic'] });
    await addTld('jp', { dataModel: 'minimum', idnScripts: [{ scripts: ['Han', 'Hiragana', 'Katakana'] }] });
    await addTld('acc', { dataModel: 'minimum', idnScripts: [{ scripts: ['Latin'], extraCharacters: '\u0316' }] });
    await addTld('plainlat', { dataModel: 'minimum', idnScripts: ['Latin'] });
    x = await t.login('ClientX');
  });
  after(async () => {
    await x?.close();
    await t?.close();
  });

  it('answers a mixed label avail="0" with a reason in domain:check, in U-label and A-label form', async () => {
    const r = await send(
      x,
      domainCheck('p\u0430ypal.mix', a('p\u0430ypal.mix'), 'paypal.mix', 'пример.mix', 'café.mix', 'ελλάδα.mix', 'p\u0430ypal.tatar', '日本語ドメイン.jp', 'ドメインд.jp', 'x\u0316yz.acc', 'x\u0316yz.plainlat'),
    );
    expect(r.code).to.equal(1000);
    expect(answers(r, 'domain')).to.deep.equal([
      [a('p\u0430ypal.mix'), '0', 'Mixed scripts in a label'],
      [a('p\u0430ypal.mix'), '0', 'Mixed scripts in a label'],
      ['paypal.mix', '1', undefined],
      [a('пример.mix'), '1', undefined],
      [a('café.mix'), '1', undefined],
      [a('ελλάδα.mix'), '0', 'Script not allowed in this TLD'],
      // .tatar offers Cyrillic only, and its ASCII labels are Latin: a Cyrillic letter among them is a mix.
      [a('p\u0430ypal.tatar'), '0', 'Mixed scripts in a label'],
      [a('日本語ドメイン.jp'), '1', undefined],
      [a('ドメインд.jp'), '0', 'Mixed scripts in a label'],
      [a('x\u0316yz.acc'), '1', undefined],
      [a('x\u0316yz.plainlat'), '0', 'Character not in the IDN table'],
    ]);
  });

  it('refuses to create a mixed label (2306, the reason and the name as sent), and creates single-script ones', async () => {
    let r = await send(x, domainCreate('p\u0430ypal.mix'));
    expect(r.code, r.xml).to.equal(2306);
    expect(r.msg).to.match(/mixes scripts: "p" \(U\+0070\) is Latin, "\u0430" \(U\+0430\) is Cyrillic/);
    expect(r.text('//e:result/e:value/domain:name')).to.equal('p\u0430ypal.mix');
    r = await send(x, domainCreate(a('p\u0430ypal.tatar')));
    expect(r.code, r.xml).to.equal(2306);
    for (const ok of ['paypal.mix', 'пример.mix', '日本語ドメイン.jp']) {
      r = await send(x, domainCreate(ok));
      expect(r.code, `${ok}: ${r.xml}`).to.equal(1000);
    }
    expect((await send(x, domainCreate('p\u0430ypal.mix'))).code).to.equal(2306);
  });

  it('refuses mixed labels in host names: check avail="0", create and rename 2306, under served TLDs and elsewhere', async () => {
    let r = await send(x, hostCheck('ns1.p\u0430ypal.com', 'ns1.paypal.com', 'нс1.пример.рф', 'n\u04551.paypal.mix'));
    expect(answers(r, 'host')).to.deep.equal([
      [a('ns1.p\u0430ypal.com'), '0', 'Mixed scripts in a label'],
      ['ns1.paypal.com', '1', undefined],
      [a('нс1.пример.рф'), '1', undefined],
      [a('n\u04551.paypal.mix'), '0', 'Mixed scripts in a label'],
    ]);
    r = await send(x, hostCreate('ns1.p\u0430ypal.com'));
    expect(r.code, r.xml).to.equal(2306);
    expect(r.msg).to.match(/mixes scripts/);
    expect(r.text('//e:result/e:value/host:name')).to.equal('ns1.p\u0430ypal.com');
    r = await send(x, hostCreate('n\u04551.paypal.mix'));
    expect(r.code, r.xml).to.equal(2306);
    expect((await send(x, hostCreate('нс1.пример.рф'))).code).to.equal(1000);
    expect((await send(x, hostCreate('ns1.paypal.com'))).code).to.equal(1000);
    r = await send(x, hostRename('ns1.paypal.com', 'ns1.p\u0430ypal.net'));
    expect(r.code, r.xml).to.equal(2306);
    expect(r.text('//e:result/e:value/host:name')).to.equal('ns1.p\u0430ypal.net');
    expect((await send(x, hostCheck('ns1.paypal.com'))).text('//host:cd/host:name/@avail')).to.equal('0');
  });

  it('checks a TLD policy when it is written (an unknown script is refused, nothing changes), never when it is used', async () => {
    const before = await t.registry.store.transaction((r) => r.tlds.get('mix'));
    let err: Error | undefined;
    try {
      await t.registry.store.transaction((r) =>
        // A policy object that skipped resolvePolicy: the store checks it all the same.
        r.tlds.upsert({ name: 'mix', policy: { ...before!.policy, idnScripts: [{ scripts: ['Klingon'], extraCharacters: '' }] } }, new Date()),
      );
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.match(/"Klingon" is not a Unicode script/);
    expect((await t.registry.store.transaction((r) => r.tlds.get('mix')))!.policy.idnScripts).to.deep.equal(before!.policy.idnScripts);
    const r = await send(x, domainCheck('пример-2.mix'));
    expect(r.code).to.equal(1000);
    expect(r.text('//domain:cd/domain:name/@avail')).to.equal('1');
  });
});
