import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EppClient } from '../src/client/epp-client.js';
import { REPO_ROOT } from '../src/ote/environment.js';
import { COUNTRY_CODES, checkBirthday, checkEmail, checkPhone, checkPostalLine, normalizeCountry } from '../src/registry/contact-rules.js';
import { command, send, startTestRegistry, type CheckedResponse, type TestRegistry } from './helpers.js';
import * as seed from './seed.js';

// ---------------------------------------------------------------- request builders

const CON = 'xmlns:contact="urn:ietf:params:xml:ns:contact-1.0"';
const TCI_NS = 'http://www.tcinet.ru/epp/tci-contact-ext-1.0';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

interface Postal {
  name: string;
  org?: string;
  street: string[];
  city: string;
  sp?: string;
  pc?: string;
  cc: string;
}
interface LegalAddr extends Omit<Postal, 'name' | 'org'> {
  type: 'int' | 'loc';
}
interface Tci {
  person?: { birthday: string; passport: string[]; tin?: string };
  organization?: { legalAddr: LegalAddr[]; tin: string };
}
/** The shape of a contact:create step's params in fixtures/ote/*.json. */
interface ContactParams {
  id: string;
  voice?: string;
  fax?: string;
  email: string;
  authInfo: string;
  postalInfo: { int?: Postal; loc?: Postal };
  tci?: Tci;
}

function addrXml(p: string, a: Omit<Postal, 'name' | 'org'>): string {
  return (
    a.street.map((s) => `<${p}:street>${esc(s)}</${p}:street>`).join('') +
    `<${p}:city>${esc(a.city)}</${p}:city>` +
    (a.sp !== undefined ? `<${p}:sp>${esc(a.sp)}</${p}:sp>` : '') +
    (a.pc !== undefined ? `<${p}:pc>${esc(a.pc)}</${p}:pc>` : '') +
    `<${p}:cc>${esc(a.cc)}</${p}:cc>`
  );
}

function postalXml(type: 'int' | 'loc', p: Postal): string {
  return (
    `<contact:postalInfo type="${type}"><contact:name>${esc(p.name)}</contact:name>` +
    (p.org !== undefined ? `<contact:org>${esc(p.org)}</contact:org>` : '') +
    `<contact:addr>${addrXml('contact', p)}</contact:addr></contact:postalInfo>`
  );
}

/** The person/organization block with prefix `p` (bound to the TCI namespace by the caller). */
function tciBody(p: string, t: Tci): string {
  if (t.person) {
    const x = t.person;
    return (
      `<${p}:person><${p}:birthday>${x.birthday}</${p}:birthday>` +
      x.passport.map((l) => `<${p}:passport>${esc(l)}</${p}:passport>`).join('') +
      (x.tin !== undefined ? `<${p}:TIN>${esc(x.tin)}</${p}:TIN>` : '') +
      `</${p}:person>`
    );
  }
  const o = t.organization!;
  return (
    `<${p}:organization>` +
    o.legalAddr.map((a) => `<${p}:legalAddr type="${a.type}">${addrXml(p, a)}</${p}:legalAddr>`).join('') +
    `<${p}:TIN>${esc(o.tin)}</${p}:TIN></${p}:organization>`
  );
}

/**
 * <contact:create>; the TCI block uses the `contact` prefix rebound to the TCI namespace inside <extension>
 * (Net::DRI, note §8.1) unless `tciPrefix` says otherwise. `voiceX`, `disclose`, `ext` add raw parts.
 */
function createXml(p: ContactParams, o: { tciPrefix?: string; voiceX?: string; disclose?: string; ext?: string } = {}): string {
  const prefix = o.tciPrefix ?? 'contact';
  const tci = p.tci ? `<${prefix}:create xmlns:${prefix}="${TCI_NS}">${tciBody(prefix, p.tci)}</${prefix}:create>` : '';
  const ext = tci + (o.ext ?? '');
  return command(
    `<create><contact:create ${CON}><contact:id>${esc(p.id)}</contact:id>` +
      (p.postalInfo.loc ? postalXml('loc', p.postalInfo.loc) : '') +
      (p.postalInfo.int ? postalXml('int', p.postalInfo.int) : '') +
      (p.voice !== undefined ? `<contact:voice${o.voiceX !== undefined ? ` x="${o.voiceX}"` : ''}>${esc(p.voice)}</contact:voice>` : '') +
      (p.fax !== undefined ? `<contact:fax>${esc(p.fax)}</contact:fax>` : '') +
      `<contact:email>${esc(p.email)}</contact:email>` +
      `<contact:authInfo><contact:pw>${esc(p.authInfo)}</contact:pw></contact:authInfo>` +
      (o.disclose ?? '') +
      `</contact:create></create>${ext ? `<extension>${ext}</extension>` : ''}`,
  );
}

/** <contact:update> with raw add/rem/chg bodies; `tci` adds <tci:update><tci:chg> with prefix `tci` (note §8.2). */
function updateXml(id: string, parts: { add?: string; rem?: string; chg?: string; tci?: Tci; tciPrefix?: string }): string {
  const p = (tag: string, body?: string) => (body === undefined ? '' : `<contact:${tag}>${body}</contact:${tag}>`);
  const prefix = parts.tciPrefix ?? 'tci';
  const ext = parts.tci
    ? `<extension><${prefix}:update xmlns:${prefix}="${TCI_NS}"><${prefix}:chg>${tciBody(prefix, parts.tci)}</${prefix}:chg></${prefix}:update></extension>`
    : '';
  return command(
    `<update><contact:update ${CON}><contact:id>${esc(id)}</contact:id>${p('add', parts.add)}${p('rem', parts.rem)}${p('chg', parts.chg)}</contact:update></update>${ext}`,
  );
}

const checkXml = (...ids: string[]) => command(`<check><contact:check ${CON}>${ids.map((i) => `<contact:id>${esc(i)}</contact:id>`).join('')}</contact:check></check>`);
const infoXml = (id: string, pw?: string, roid?: string) =>
  command(
    `<info><contact:info ${CON}><contact:id>${esc(id)}</contact:id>${
      pw !== undefined ? `<contact:authInfo><contact:pw${roid ? ` roid="${roid}"` : ''}>${esc(pw)}</contact:pw></contact:authInfo>` : ''
    }</contact:info></info>`,
  );
const deleteXml = (id: string) => command(`<delete><contact:delete ${CON}><contact:id>${esc(id)}</contact:id></contact:delete></delete>`);
const statusXml = (...s: string[]) => s.map((x) => `<contact:status s="${x}"/>`).join('');

const DOM = 'xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"';
function domainCreateXml(name: string, registrant: string, admin: string, tech: string): string {
  return command(
    `<create><domain:create ${DOM}><domain:name>${name}</domain:name><domain:registrant>${registrant}</domain:registrant>` +
      `<domain:contact type="admin">${admin}</domain:contact><domain:contact type="tech">${tech}</domain:contact>` +
      `<domain:authInfo><domain:pw>domain-pw-1</domain:pw></domain:authInfo></domain:create></create>`,
  );
}

// ---------------------------------------------------------------- fixtures

interface Step {
  id: string;
  command: string;
  params: Record<string, unknown>;
}
const deti = JSON.parse(readFileSync(join(REPO_ROOT, 'fixtures/ote/deti.json'), 'utf8')) as { steps: Step[] };
const detiStep = (id: string) => deti.steps.find((s) => s.id === id)!.params as unknown as ContactParams;

/** A valid person contact (TEST-C3's data of the .ДЕТИ document) under another id. */
function person(id: string): ContactParams {
  return { ...structuredClone(detiStep('2.2.11')), id };
}
/** A valid organization contact (TEST-C2's data) under another id. */
function organization(id: string): ContactParams {
  return { ...structuredClone(detiStep('2.2.6')), id };
}

const INF = '//contact:infData';
const avail = (r: CheckedResponse, id: string) => r.text(`//contact:cd[contact:id='${id}']/contact:id/@avail`);
const reason = (r: CheckedResponse, id: string) => r.text(`//contact:cd[contact:id='${id}']/contact:reason`);
const statuses = (r: CheckedResponse) => r.texts(`${INF}/contact:status/@s`);
const postal = (type: string, path: string) => `${INF}/contact:postalInfo[@type='${type}']/${path}`;

// ---------------------------------------------------------------- rules

describe('contact rules (src/registry/contact-rules.ts)', () => {
  it('knows the 249 ISO 3166-1 alpha-2 codes, in either case, and refuses XX', () => {
    expect(COUNTRY_CODES.size).to.equal(249);
    expect(normalizeCountry('ru')).to.deep.equal({ ok: true, cc: 'RU' });
    expect(normalizeCountry('Ru')).to.deep.equal({ ok: true, cc: 'RU' });
    for (const bad of ['XX', 'xx', 'UK', 'EU', 'ZZ', 'R', 'RUS']) expect(normalizeCountry(bad).ok, bad).to.equal(false);
  });

  it('takes +CC.NUMBER telephone numbers of sane lengths', () => {
    for (const ok of ['+7.4957654321', '+1.7035555555', '+380.441234567', '+683.4002', '+1.12345678901234']) expect(checkPhone(ok), ok).to.equal(undefined);
    expect(checkPhone('+1.7035555555', '1234')).to.equal(undefined);
    for (const bad of ['', '+7.123', '+0.4957654321', '+07.4957654321', '7.4957654321', '+7 495 765 43 21', '+7.', '+12.12345678901234']) {
      expect(checkPhone(bad)?.code, bad).to.equal(2005);
    }
    expect(checkPhone('+7.4957654321', 'ext12')?.code).to.equal(2005);
  });

  it('checks e-mail addresses: local part, its length, the domain', () => {
    for (const ok of ['petrov@example.qq', 'first.last+tag@sub.example.com', 'почта@пример.рф', "o'brien@example.ie"]) expect(checkEmail(ok), ok).to.equal(undefined);
    expect(checkEmail('@example.qq')?.code).to.equal(2005);
    expect(checkEmail('petrov')?.code).to.equal(2005);
    expect(checkEmail('petrov@')?.code).to.equal(2005);
    expect(checkEmail('petrov@localhost')?.code).to.equal(2005);
    expect(checkEmail('petrov@-bad-.qq')?.code).to.equal(2005);
    expect(checkEmail('petrov@[192.0.2.1]')?.code).to.equal(2005);
    expect(checkEmail('petrov@example.123')?.code).to.equal(2005);
    expect(checkEmail('.petrov@example.qq')?.code).to.equal(2005);
    expect(checkEmail('pe..trov@example.qq')?.code).to.equal(2005);
    expect(checkEmail(`${'a'.repeat(64)}@example.qq`)).to.equal(undefined);
    expect(checkEmail(`${'a'.repeat(65)}@example.qq`)?.code).to.equal(2004);
  });

  it('limits postal lines to 255 characters, ASCII in the int form', () => {
    expect(checkPostalLine('x'.repeat(255), { ascii: true, required: true })).to.equal(undefined);
    expect(checkPostalLine('x'.repeat(256), { ascii: true, required: true })?.code).to.equal(2004);
    expect(checkPostalLine('ж'.repeat(255), { ascii: false, required: true })).to.equal(undefined);
    expect(checkPostalLine('Москва', { ascii: true, required: true })?.code).to.equal(2005);
    expect(checkPostalLine('', { ascii: false, required: true })?.code).to.equal(2005);
    expect(checkPostalLine('', { ascii: false, required: false })).to.equal(undefined);
  });

  it('takes birthdays that are real dates between 1900 and today', () => {
    const now = new Date('2026-05-01T12:00:00Z');
    expect(checkBirthday('1980-11-10', now)).to.equal(undefined);
    expect(checkBirthday('1980-02-30', now)?.code).to.equal(2005);
    expect(checkBirthday('10.11.1980', now)?.code).to.equal(2005);
    expect(checkBirthday('1899-12-31', now)?.code).to.equal(2004);
    expect(checkBirthday('2026-05-02', now)?.code).to.equal(2004);
  });
});

// ---------------------------------------------------------------- commands

describe('contacts (RFC 5733) with the TCI contact extension', () => {
  let t: TestRegistry;
  let x: EppClient;
  let y: EppClient;
  const setStatuses = (id: string, s: string[]) => seed.setContactStatuses(t, id, s);

  before(async () => {
    t = await startTestRegistry();
    x = await t.login('ClientX');
    y = await t.login('ClientY');
  });
  after(async () => {
    await x?.close();
    await y?.close();
    await t?.close();
  });

  it('creates TEST-C1 and TEST-C2 with exactly the data of the .ДЕТИ OT&E document (2.2.1–2.2.9)', async () => {
    const c1 = detiStep('2.2.2');
    const c2 = detiStep('2.2.6');
    let r = await send(x, checkXml('TEST-C1', 'TEST-C2'));
    expect([avail(r, 'TEST-C1'), avail(r, 'TEST-C2')]).to.deep.equal(['1', '1']);

    for (const p of [c1, c2]) {
      r = await send(x, createXml(p));
      expect(r.code, r.xml).to.equal(1000);
      expect(r.text('//contact:creData/contact:id')).to.equal(p.id);
      expect(Date.parse(r.text('//contact:creData/contact:crDate')!)).to.equal(t.clock.now().getTime() - (t.clock.now().getTime() % 100));
    }
    r = await send(x, checkXml('TEST-C1'));
    expect(avail(r, 'TEST-C1')).to.equal('0');
    expect(reason(r, 'TEST-C1')).to.equal('In use');

    // info returns every value as sent (country codes upper case), and the TCI data in the response extension
    for (const p of [c1, c2]) {
      r = await send(x, infoXml(p.id));
      expect(r.code).to.equal(1000);
      expect(r.text(`${INF}/contact:id`)).to.equal(p.id);
      expect(r.text(`${INF}/contact:roid`)).to.match(/^C\d+-REG$/);
      expect(statuses(r)).to.deep.equal(['ok']);
      for (const type of ['int', 'loc'] as const) {
        const pi = p.postalInfo[type]!;
        expect(r.text(postal(type, 'contact:name'))).to.equal(pi.name);
        expect(r.text(postal(type, 'contact:org'))).to.equal(pi.org);
        expect(r.texts(postal(type, 'contact:addr/contact:street'))).to.deep.equal(pi.street);
        expect(r.text(postal(type, 'contact:addr/contact:city'))).to.equal(pi.city);
        expect(r.text(postal(type, 'contact:addr/contact:pc'))).to.equal(pi.pc);
        expect(r.text(postal(type, 'contact:addr/contact:cc'))).to.equal(pi.cc.toUpperCase());
      }
      expect(r.text(`${INF}/contact:voice`)).to.equal(p.voice);
      expect(r.text(`${INF}/contact:fax`)).to.equal(p.fax);
      expect(r.text(`${INF}/contact:email`)).to.equal(p.email);
      expect(r.text(`${INF}/contact:clID`)).to.equal('ClientX');
      expect(r.text(`${INF}/contact:crID`)).to.equal('ClientX');
      // RFC 9154 §5.3: an empty authInfo for the sponsor; the value works for another registrar's info.
      expect(r.text(`${INF}/contact:authInfo/contact:pw`)).to.equal('');
      expect((await send(y, infoXml(p.id, p.authInfo))).code).to.equal(1000);
      expect(r.count(`${INF}/contact:upDate`)).to.equal(0);
    }
    r = await send(x, infoXml('TEST-C1'));
    const person = c1.tci!.person!;
    expect(r.text('//e:extension/tci:infData/tci:person/tci:birthday')).to.equal(person.birthday);
    expect(r.texts('//tci:infData/tci:person/tci:passport')).to.deep.equal(person.passport);
    expect(r.count('//tci:infData/tci:person/tci:TIN')).to.equal(0);
    r = await send(x, infoXml('TEST-C2'));
    const org = c2.tci!.organization!;
    expect(r.texts('//tci:infData/tci:organization/tci:legalAddr/@type')).to.deep.equal(org.legalAddr.map((a) => a.type));
    for (const a of org.legalAddr) {
      const la = `//tci:organization/tci:legalAddr[@type='${a.type}']`;
      expect(r.texts(`${la}/tci:street`)).to.deep.equal(a.street);
      expect(r.text(`${la}/tci:city`)).to.equal(a.city);
      expect(r.text(`${la}/tci:pc`)).to.equal(a.pc);
      expect(r.text(`${la}/tci:cc`)).to.equal(a.cc.toUpperCase());
    }
    expect(r.text('//tci:infData/tci:organization/tci:TIN')).to.equal(org.tin);

    // 2.2.7–2.2.9: updates without the extension
    r = await send(x, updateXml('TEST-C1', { chg: `<contact:voice>${(detiStep('2.2.7') as unknown as { chg: { voice: string } }).chg.voice}</contact:voice>` }));
    expect(r.code).to.equal(1000);
    r = await send(x, updateXml('TEST-C2', { add: statusXml('clientDeleteProhibited') }));
    expect(r.code).to.equal(1000);
    r = await send(x, infoXml('TEST-C2'));
    expect(statuses(r)).to.deep.equal(['clientDeleteProhibited']);
    r = await send(x, updateXml('TEST-C2', { rem: statusXml('clientDeleteProhibited') }));
    expect(r.code).to.equal(1000);
    r = await send(x, infoXml('TEST-C1'));
    expect(r.text(`${INF}/contact:voice`)).to.equal('+7.4951234567');
    expect(r.text(`${INF}/contact:upID`)).to.equal('ClientX');
    expect(r.count(`${INF}/contact:upDate`)).to.equal(1);
    // the TCI data are kept by an update without the extension
    expect(r.text('//tci:infData/tci:person/tci:birthday')).to.equal(person.birthday);
  });

  it('creates every contact of both OT&E documents and updates them as the documents do (tatar.json, deti.json)', async () => {
    for (const file of ['tatar', 'deti']) {
      const script = JSON.parse(readFileSync(join(REPO_ROOT, `fixtures/ote/${file}.json`), 'utf8')) as { steps: Step[] };
      const renamed = (id: string) => `${file[0].toUpperCase()}-${id}`;
      for (const step of script.steps.filter((s) => /^contact:(create|update)$/.test(s.command))) {
        const p = structuredClone(step.params) as unknown as ContactParams & { add?: { status: string[] }; rem?: { status: string[] }; chg?: { voice: string } };
        const id = renamed(p.id);
        const r =
          step.command === 'contact:create'
            ? await send(x, createXml({ ...p, id }))
            : await send(x, updateXml(id, { add: p.add && statusXml(...p.add.status), rem: p.rem && statusXml(...p.rem.status), chg: p.chg && `<contact:voice>${p.chg.voice}</contact:voice>` }));
        expect(r.code, `${file} ${step.id}: ${r.xml}`).to.equal(1000);
      }
    }
    const r = await send(x, checkXml('T-TEST-C5', 'D-TEST-C5'));
    expect(r.texts('//contact:cd/contact:id/@avail')).to.deep.equal(['0', '0']);
  });

  it('checks several ids at once, case-insensitively, with a reason when not available', async () => {
    expect((await send(x, createXml(person('CHK-1')))).code).to.equal(1000);
    const r = await send(x, checkXml('CHK-1', 'chk-1', 'CHK-2', 'абв', 'CHK-1'));
    expect(r.code).to.equal(1000);
    expect(r.texts('//contact:cd/contact:id')).to.deep.equal(['CHK-1', 'chk-1', 'CHK-2', 'абв', 'CHK-1']);
    expect(r.texts('//contact:cd/contact:id/@avail')).to.deep.equal(['0', '0', '1', '0', '0']);
    expect(reason(r, 'chk-1')).to.equal('In use');
    expect(r.count("//contact:cd[contact:id='CHK-2']/contact:reason")).to.equal(0);
    expect(reason(r, 'абв')).to.equal('Invalid contact id');
  });

  it('refuses an existing id, in any case, with 2302', async () => {
    expect((await send(x, createXml(person('DUP-1')))).code).to.equal(1000);
    let r = await send(x, createXml(person('dup-1')));
    expect(r.code).to.equal(2302);
    expect(r.text('//e:result/e:value/contact:id')).to.equal('dup-1');
    r = await send(y, createXml(person('DUP-1')));
    expect(r.code).to.equal(2302);
  });

  it('takes the TCI block with the contact: prefix rebound (§8.1) and with the tci: prefix (§8.2)', async () => {
    let r = await send(x, createXml(person('PFX-1'), { tciPrefix: 'contact' }));
    expect(r.code).to.equal(1000);
    r = await send(x, createXml(organization('PFX-2'), { tciPrefix: 'tci' }));
    expect(r.code).to.equal(1000);
    r = await send(x, infoXml('PFX-2'));
    expect(r.text('//tci:organization/tci:TIN')).to.equal('1234567890');

    // §8.2: update of an organisation with both legal addresses, prefix tci, with a status add
    const newOrg: Tci = {
      organization: {
        legalAddr: [
          { type: 'loc', street: ['ул. Примерная, д. 99'], city: 'Казань', pc: '420000', cc: 'ru' },
          { type: 'int', street: ['99, Primernaya st.'], city: 'Kazan', pc: '420000', cc: 'RU' },
        ],
        tin: '1655000000',
      },
    };
    r = await send(x, updateXml('PFX-2', { add: statusXml('clientDeleteProhibited'), tci: newOrg }));
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, infoXml('PFX-2'));
    expect(r.texts('//tci:organization/tci:legalAddr/@type')).to.deep.equal(['loc', 'int']);
    expect(r.text("//tci:legalAddr[@type='loc']/tci:city")).to.equal('Казань');
    expect(r.text("//tci:legalAddr[@type='int']/tci:cc")).to.equal('RU');
    expect(r.text('//tci:organization/tci:TIN')).to.equal('1655000000');
    expect(statuses(r)).to.deep.equal(['clientDeleteProhibited']);

    // the contact-prefix form on update too; person data replace organization data
    r = await send(x, updateXml('PFX-2', { tci: { person: { birthday: '1975-01-31', passport: ['45 67 890123', 'second line'], tin: '123456789012' } }, tciPrefix: 'contact' }));
    expect(r.code).to.equal(1000);
    r = await send(x, infoXml('PFX-2'));
    expect(r.count('//tci:organization')).to.equal(0);
    expect(r.texts('//tci:person/tci:passport')).to.deep.equal(['45 67 890123', 'second line']);
    expect(r.text('//tci:person/tci:TIN')).to.equal('123456789012');
  });

  it('accepts empty street/sp/pc in a legal address, and legal addresses in either order', async () => {
    const p = organization('ORG-EMPTY');
    p.tci = {
      organization: {
        legalAddr: [
          { type: 'loc', street: ['', 'ул. Примерная, д. 98'], city: 'Москва', sp: '', pc: '', cc: 'ru' },
          { type: 'int', street: [''], city: 'Moscow', sp: '', pc: '', cc: 'ru' },
        ],
        tin: '1234567890',
      },
    };
    let r = await send(x, createXml(p));
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, infoXml('ORG-EMPTY'));
    expect(r.texts("//tci:legalAddr[@type='loc']/tci:street")).to.deep.equal(['ул. Примерная, д. 98']);
    expect(r.count("//tci:legalAddr[@type='int']/tci:street")).to.equal(0);
    expect(r.count('//tci:legalAddr/tci:sp')).to.equal(0);
  });

  it('creates a contact with or without the TCI extension while TLDs use it; the extension only if selected at login (2103)', async () => {
    // A contact is an RFC 5733 object of no TLD: the TCI TLDs ask for the data when it is linked to a domain.
    const p = person('NOTCI-1');
    delete p.tci;
    let r = await send(x, createXml(p));
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, infoXml('NOTCI-1'));
    expect(r.code).to.equal(1000);
    expect(r.count('//e:extension')).to.equal(0);

    const plain = await t.login('ClientX', { extURIs: ['urn:ietf:params:xml:ns:secDNS-1.1'] });
    try {
      r = await send(plain, createXml(person('NOTCI-2')));
      expect(r.code).to.equal(2103);
      r = await send(plain, updateXml('TEST-C1', { tci: person('x').tci }));
      expect(r.code).to.equal(2103);
      // without the extension selected, info shows no TCI data
      r = await send(plain, infoXml('TEST-C1'));
      expect(r.code).to.equal(1000);
      expect(r.count('//e:extension')).to.equal(0);
      // and a plain contact is created without it
      const q = person('NOTCI-3');
      delete q.tci;
      r = await send(plain, createXml(q));
      expect(r.code, r.xml).to.equal(1000);
    } finally {
      await plain.close();
    }
  });

  it('refuses other extensions on contact commands (2102)', async () => {
    const secdns = '<secDNS:update xmlns:secDNS="urn:ietf:params:xml:ns:secDNS-1.1"><secDNS:rem><secDNS:all>true</secDNS:all></secDNS:rem></secDNS:update>';
    let r = await send(x, createXml(person('EXT-1'), { ext: secdns }));
    expect(r.code).to.equal(2102);
    r = await send(x, updateXml('TEST-C1', { add: statusXml('clientTransferProhibited'), tci: person('x').tci }).replace(/tci:update/g, 'tci:create').replace(/<tci:chg>|<\/tci:chg>/g, ''));
    expect(r.code).to.equal(2102);
    r = await send(x, command(`<delete><contact:delete ${CON}><contact:id>TEST-C1</contact:id></contact:delete></delete><extension>${secdns}</extension>`));
    expect(r.code).to.equal(2102);
  });

  it('checks postal data: int ASCII only (2005 naming it), loc any script, country codes, lengths', async () => {
    let p = person('PI-1');
    p.postalInfo.int!.name = 'Петрова Петра';
    let r = await send(x, createXml(p));
    expect(r.code).to.equal(2005);
    expect(r.text("//e:value/contact:postalInfo[@type='int']/contact:name")).to.equal('Петрова Петра');

    p = person('PI-1');
    p.postalInfo.int!.street = ['1, Primernaya st.', 'Корпус 2'];
    r = await send(x, createXml(p));
    expect(r.code).to.equal(2005);
    expect(r.text("//e:value/contact:postalInfo[@type='int']/contact:addr/contact:street")).to.equal('Корпус 2');

    p = person('PI-1');
    p.postalInfo.loc!.cc = 'XX';
    r = await send(x, createXml(p));
    expect(r.code).to.equal(2005);
    expect(r.text("//e:value/contact:postalInfo[@type='loc']/contact:addr/contact:cc")).to.equal('XX');

    p = organization('PI-1');
    p.tci!.organization!.legalAddr[1].city = 'Москва';
    p.tci!.organization!.legalAddr[0].city = 'Москва'; // [0] is the int address
    r = await send(x, createXml(p));
    expect(r.code).to.equal(2005);
    expect(r.text("//e:value/tci:legalAddr[@type='int']/tci:city")).to.equal('Москва');

    p = organization('PI-1');
    p.tci!.organization!.legalAddr[1].cc = 'xx';
    r = await send(x, createXml(p));
    expect(r.code).to.equal(2005);
    expect(r.text("//e:value/tci:legalAddr[@type='loc']/tci:cc")).to.equal('xx');

    // only one form, loc in Latin letters (.TATAR document data), sp kept
    p = person('PI-2');
    delete p.postalInfo.int;
    p.postalInfo.loc = { name: 'Petrova Petra', street: ['1, Example Str'], city: 'Moscow', sp: 'Moscow region', cc: 'Ru' };
    r = await send(x, createXml(p));
    expect(r.code).to.equal(1000);
    r = await send(x, infoXml('PI-2'));
    expect(r.count(`${INF}/contact:postalInfo`)).to.equal(1);
    expect(r.text(postal('loc', 'contact:addr/contact:sp'))).to.equal('Moscow region');
    expect(r.text(postal('loc', 'contact:addr/contact:cc'))).to.equal('RU');

    // two forms of the same type
    p = person('PI-3');
    p.postalInfo = { int: p.postalInfo.int };
    const twice = createXml(p).replace('</contact:postalInfo>', `</contact:postalInfo>${postalXml('int', p.postalInfo.int!)}`);
    r = await send(x, twice);
    expect(r.code).to.equal(2306);

    // over-long lines never reach the handler: the schema limits them to 255 characters (2001)
    p = person('PI-4');
    p.postalInfo.loc!.city = 'ж'.repeat(256);
    r = await send(x, createXml(p));
    expect(r.code).to.equal(2001);
    p = person('PI-4');
    p.postalInfo.loc!.city = 'ж'.repeat(255);
    p.postalInfo.int!.org = 'O'.repeat(255);
    r = await send(x, createXml(p));
    expect(r.code).to.equal(1000);
  });

  it('checks voice, fax and e-mail (2005/2004 naming the element)', async () => {
    const cases: Array<[Partial<ContactParams>, number, string, string]> = [
      [{ voice: '' }, 2005, 'contact:voice', ''],
      [{ voice: '+7.123' }, 2005, 'contact:voice', '+7.123'],
      [{ voice: '+0.4957654321' }, 2005, 'contact:voice', '+0.4957654321'],
      [{ fax: '+7.12' }, 2005, 'contact:fax', '+7.12'],
      [{ email: '@example.qq' }, 2005, 'contact:email', '@example.qq'],
      [{ email: 'petrova' }, 2005, 'contact:email', 'petrova'],
      [{ email: 'petrova@' }, 2005, 'contact:email', 'petrova@'],
      [{ email: 'petrova@nodot' }, 2005, 'contact:email', 'petrova@nodot'],
      [{ email: 'petrova@bad_domain.qq' }, 2005, 'contact:email', 'petrova@bad_domain.qq'],
      [{ email: `${'p'.repeat(65)}@example.qq` }, 2004, 'contact:email', `${'p'.repeat(65)}@example.qq`],
    ];
    for (const [change, code, element, value] of cases) {
      const r = await send(x, createXml({ ...person('PH-1'), ...change }));
      expect(r.code, JSON.stringify(change)).to.equal(code);
      expect(r.text(`//e:result/e:value/${element}`) ?? '', JSON.stringify(change)).to.equal(value);
    }
    let r = await send(x, createXml({ ...person('PH-1') }, { voiceX: 'abc' }));
    expect(r.code).to.equal(2005);
    expect(r.text('//e:value/contact:voice/@x')).to.equal('abc');

    r = await send(x, createXml({ ...person('PH-2'), voice: '+1.7035555555', fax: '+1.7035555556', email: 'first.last+x@sub.example.com' }, { voiceX: '1234' }));
    expect(r.code).to.equal(1000);
    r = await send(x, infoXml('PH-2'));
    expect(r.text(`${INF}/contact:voice`)).to.equal('+1.7035555555');
    expect(r.text(`${INF}/contact:voice/@x`)).to.equal('1234');
    expect(r.text(`${INF}/contact:fax`)).to.equal('+1.7035555556');
    expect(r.text(`${INF}/contact:email`)).to.equal('first.last+x@sub.example.com');
  });

  it('checks the TCI person and organization data', async () => {
    let p = person('TCI-1');
    p.tci!.person!.birthday = '2999-01-01';
    let r = await send(x, createXml(p));
    expect(r.code).to.equal(2004);
    expect(r.text('//e:value/tci:birthday')).to.equal('2999-01-01');

    p = person('TCI-1');
    p.tci!.person!.passport = ['   '];
    r = await send(x, createXml(p));
    expect(r.code).to.equal(2005);

    p = person('TCI-1');
    p.tci!.person!.tin = 'ИНН 7700';
    r = await send(x, createXml(p));
    expect(r.code).to.equal(2005);
    expect(r.text('//e:value/tci:TIN')).to.equal('ИНН 7700');

    p = organization('TCI-1');
    p.tci!.organization!.legalAddr[1].type = 'int';
    r = await send(x, createXml(p));
    expect(r.code).to.equal(2306);

    p = person('TCI-2');
    p.tci!.person!.tin = '771234567890';
    r = await send(x, createXml(p));
    expect(r.code).to.equal(1000);
    r = await send(x, infoXml('TCI-2'));
    expect(r.text('//tci:person/tci:TIN')).to.equal('771234567890');
  });

  it('stores and returns the disclose preference; chg replaces or removes it', async () => {
    const disclose =
      '<contact:disclose flag="0"><contact:name type="int"/><contact:addr type="loc"/><contact:addr type="int"/><contact:voice/><contact:email/></contact:disclose>';
    let r = await send(x, createXml(person('DISC-1'), { disclose }));
    expect(r.code).to.equal(1000);
    r = await send(x, infoXml('DISC-1'));
    expect(r.text(`${INF}/contact:disclose/@flag`)).to.equal('0');
    expect(r.texts(`${INF}/contact:disclose/contact:name/@type`)).to.deep.equal(['int']);
    expect(r.texts(`${INF}/contact:disclose/contact:addr/@type`)).to.deep.equal(['loc', 'int']);
    expect(r.count(`${INF}/contact:disclose/contact:voice`)).to.equal(1);
    expect(r.count(`${INF}/contact:disclose/contact:fax`)).to.equal(0);
    expect(r.count(`${INF}/contact:disclose/contact:email`)).to.equal(1);

    r = await send(x, updateXml('DISC-1', { chg: '<contact:disclose flag="1"><contact:fax/></contact:disclose>' }));
    expect(r.code).to.equal(1000);
    r = await send(x, infoXml('DISC-1'));
    expect(r.text(`${INF}/contact:disclose/@flag`)).to.equal('1');
    expect(r.count(`${INF}/contact:disclose/*`)).to.equal(1);

    r = await send(x, updateXml('DISC-1', { chg: '<contact:disclose flag="1"/>' }));
    expect(r.code).to.equal(1000);
    r = await send(x, infoXml('DISC-1'));
    expect(r.count(`${INF}/contact:disclose`)).to.equal(0);
  });

  it('updates postal info (merging name, org, addr), voice, fax, e-mail and authInfo', async () => {
    const p = organization('UPD-1');
    expect((await send(x, createXml(p))).code).to.equal(1000);
    let r = await send(
      x,
      updateXml('UPD-1', {
        chg:
          '<contact:postalInfo type="int"><contact:name>Ivan Ivanov</contact:name></contact:postalInfo>' +
          '<contact:postalInfo type="loc"><contact:org/><contact:addr><contact:street>ул. Новая, 5</contact:street><contact:city>Казань</contact:city><contact:cc>ru</contact:cc></contact:addr></contact:postalInfo>' +
          '<contact:voice x="77">+7.8431234567</contact:voice><contact:fax/><contact:email>new@example.qq</contact:email>' +
          '<contact:authInfo><contact:pw>new-secret</contact:pw></contact:authInfo>',
      }),
    );
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, infoXml('UPD-1'));
    expect(r.text(postal('int', 'contact:name'))).to.equal('Ivan Ivanov');
    expect(r.text(postal('int', 'contact:org'))).to.equal('"Domainer" Ltd.');
    expect(r.text(postal('int', 'contact:addr/contact:city'))).to.equal('Moscow');
    expect(r.text(postal('loc', 'contact:name'))).to.equal('Петров Петр Петрович');
    expect(r.count(postal('loc', 'contact:org'))).to.equal(0);
    expect(r.texts(postal('loc', 'contact:addr/contact:street'))).to.deep.equal(['ул. Новая, 5']);
    expect(r.count(postal('loc', 'contact:addr/contact:pc'))).to.equal(0);
    expect(r.text(postal('loc', 'contact:addr/contact:cc'))).to.equal('RU');
    expect(r.text(`${INF}/contact:voice`)).to.equal('+7.8431234567');
    expect(r.text(`${INF}/contact:voice/@x`)).to.equal('77');
    expect(r.count(`${INF}/contact:fax`)).to.equal(0);
    expect(r.text(`${INF}/contact:email`)).to.equal('new@example.qq');
    // RFC 9154 §5.3: an empty authInfo for the sponsor; the new value works for another registrar's info.
    expect(r.text(`${INF}/contact:authInfo/contact:pw`)).to.equal('');
    expect((await send(y, infoXml('UPD-1', 'new-secret'))).code).to.equal(1000);

    // the same rules as on create
    r = await send(x, updateXml('UPD-1', { chg: '<contact:postalInfo type="int"><contact:org>ООО</contact:org></contact:postalInfo>' }));
    expect(r.code).to.equal(2005);
    expect(r.text("//e:value/contact:postalInfo[@type='int']/contact:org")).to.equal('ООО');
    r = await send(x, updateXml('UPD-1', { chg: '<contact:voice>+7.1</contact:voice>' }));
    expect(r.code).to.equal(2005);
    r = await send(x, updateXml('UPD-1', { chg: '<contact:email>@example.qq</contact:email>' }));
    expect(r.code).to.equal(2005);
    r = await send(x, updateXml('UPD-1', { chg: '<contact:authInfo><contact:pw> </contact:pw></contact:authInfo>' }));
    expect(r.code).to.equal(2306);
    // a postal form the contact does not have must come complete
    const p2 = person('UPD-2');
    delete p2.postalInfo.int;
    expect((await send(x, createXml(p2))).code).to.equal(1000);
    r = await send(x, updateXml('UPD-2', { chg: '<contact:postalInfo type="int"><contact:name>Petrova</contact:name></contact:postalInfo>' }));
    expect(r.code).to.equal(2003);
    // an update that changes nothing
    r = await send(x, updateXml('UPD-2', {}));
    expect(r.code).to.equal(2003);
  });

  it('lets registrars add and remove only the client statuses, each once (2306)', async () => {
    expect((await send(x, createXml(person('ST-1')))).code).to.equal(1000);
    let r = await send(x, updateXml('ST-1', { add: statusXml('clientDeleteProhibited', 'clientTransferProhibited') }));
    expect(r.code).to.equal(1000);
    r = await send(x, infoXml('ST-1'));
    expect(statuses(r)).to.deep.equal(['clientDeleteProhibited', 'clientTransferProhibited']);
    for (const s of ['ok', 'linked', 'serverDeleteProhibited', 'serverUpdateProhibited', 'pendingDelete', 'pendingTransfer']) {
      r = await send(x, updateXml('ST-1', { add: statusXml(s) }));
      expect(r.code, s).to.equal(2306);
      expect(r.text('//e:value/contact:status/@s')).to.equal(s);
    }
    r = await send(x, updateXml('ST-1', { add: statusXml('clientDeleteProhibited') }));
    expect(r.code).to.equal(2306);
    expect(r.text('//e:value/contact:status/@s')).to.equal('clientDeleteProhibited');
    r = await send(x, updateXml('ST-1', { rem: statusXml('clientUpdateProhibited') }));
    expect(r.code).to.equal(2306);
    r = await send(x, updateXml('ST-1', { rem: statusXml('clientDeleteProhibited', 'clientTransferProhibited') }));
    expect(r.code).to.equal(1000);
    r = await send(x, infoXml('ST-1'));
    expect(statuses(r)).to.deep.equal(['ok']);
  });

  it('refuses updates under client/serverUpdateProhibited (2304), except removing clientUpdateProhibited alone', async () => {
    const p = person('LOCK-1');
    expect((await send(x, createXml(p))).code).to.equal(1000);
    let r = await send(x, updateXml('LOCK-1', { add: statusXml('clientUpdateProhibited') }));
    expect(r.code).to.equal(1000);
    r = await send(x, updateXml('LOCK-1', { chg: '<contact:email>other@example.qq</contact:email>' }));
    expect(r.code).to.equal(2304);
    r = await send(x, updateXml('LOCK-1', { add: statusXml('clientDeleteProhibited') }));
    expect(r.code).to.equal(2304);
    r = await send(x, updateXml('LOCK-1', { tci: { person: { birthday: '1970-01-01', passport: ['changed'] } } }));
    expect(r.code).to.equal(2304);
    // decision: the removal must come alone; with another change it is refused too
    r = await send(x, updateXml('LOCK-1', { rem: statusXml('clientUpdateProhibited'), chg: '<contact:email>other@example.qq</contact:email>' }));
    expect(r.code).to.equal(2304);
    // the unchanged TCI block Net::DRI repeats on every update is not a change
    r = await send(x, updateXml('LOCK-1', { rem: statusXml('clientUpdateProhibited'), tci: p.tci }));
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, updateXml('LOCK-1', { add: statusXml('clientUpdateProhibited') }));
    expect(r.code).to.equal(1000);
    r = await send(x, updateXml('LOCK-1', { rem: statusXml('clientUpdateProhibited') }));
    expect(r.code).to.equal(1000);

    await setStatuses('LOCK-1', ['serverUpdateProhibited']);
    r = await send(x, updateXml('LOCK-1', { chg: '<contact:email>other@example.qq</contact:email>' }));
    expect(r.code).to.equal(2304);
    r = await send(x, infoXml('LOCK-1'));
    expect(statuses(r)).to.deep.equal(['serverUpdateProhibited']);
    await setStatuses('LOCK-1', ['serverUpdateProhibited', 'clientUpdateProhibited']);
    r = await send(x, updateXml('LOCK-1', { rem: statusXml('clientUpdateProhibited') }));
    expect(r.code).to.equal(2304);
    await setStatuses('LOCK-1', ['pendingTransfer']);
    r = await send(x, updateXml('LOCK-1', { chg: '<contact:email>other@example.qq</contact:email>' }));
    expect(r.code).to.equal(2304);
  });

  it('computes linked from domain references; a linked contact cannot be deleted (2305, OT&E 2.4.1/2.4.2)', async () => {
    for (const id of ['LNK-REG', 'LNK-ADM', 'LNK-NEW']) expect((await send(x, createXml(person(id)))).code).to.equal(1000);
    let r = await send(x, domainCreateXml('contact-links.tatar', 'LNK-REG', 'LNK-ADM', 'LNK-ADM'));
    expect(r.code, r.xml).to.equal(1000);
    for (const id of ['LNK-REG', 'LNK-ADM']) {
      r = await send(x, infoXml(id));
      expect(statuses(r), id).to.deep.equal(['ok', 'linked']);
      r = await send(x, deleteXml(id));
      expect(r.code, id).to.equal(2305);
      expect(r.text('//e:value/contact:id')).to.equal(id);
    }
    // linked does not block updates
    r = await send(x, updateXml('LNK-REG', { add: statusXml('clientDeleteProhibited') }));
    expect(r.code).to.equal(1000);
    r = await send(x, infoXml('LNK-REG'));
    expect(statuses(r)).to.deep.equal(['clientDeleteProhibited', 'linked']);
    r = await send(x, updateXml('LNK-REG', { rem: statusXml('clientDeleteProhibited') }));
    expect(r.code).to.equal(1000);
    // the registrant changes (OT&E 2.2.37): the old one is free again and can be deleted
    r = await send(
      x,
      command(`<update><domain:update ${DOM}><domain:name>contact-links.tatar</domain:name><domain:chg><domain:registrant>LNK-NEW</domain:registrant></domain:chg></domain:update></update>`),
    );
    expect(r.code, r.xml).to.equal(1000);
    r = await send(x, infoXml('LNK-REG'));
    expect(statuses(r)).to.deep.equal(['ok']);
    r = await send(x, deleteXml('lnk-reg'));
    expect(r.code).to.equal(1000);
    r = await send(x, checkXml('LNK-REG'));
    expect(avail(r, 'LNK-REG')).to.equal('1');
    r = await send(x, infoXml('LNK-REG'));
    expect(r.code).to.equal(2303);
  });

  it('refuses to delete under client/serverDeleteProhibited (2304); deletes otherwise (1000)', async () => {
    expect((await send(x, createXml(person('DEL-1')))).code).to.equal(1000);
    let r = await send(x, updateXml('DEL-1', { add: statusXml('clientDeleteProhibited') }));
    expect(r.code).to.equal(1000);
    r = await send(x, deleteXml('DEL-1'));
    expect(r.code).to.equal(2304);
    expect(r.text('//e:value/contact:id')).to.equal('DEL-1');
    await setStatuses('DEL-1', ['serverDeleteProhibited']);
    r = await send(x, deleteXml('DEL-1'));
    expect(r.code).to.equal(2304);
    await setStatuses('DEL-1', []);
    const oldRoid = (await send(x, infoXml('DEL-1'))).text(`${INF}/contact:roid`)!;
    r = await send(x, deleteXml('DEL-1'));
    expect(r.code).to.equal(1000);
    // the id can be created again, with a new roid
    r = await send(x, createXml(person('DEL-1')));
    expect(r.code).to.equal(1000);
    r = await send(x, infoXml('DEL-1'));
    // Ids are never reused (on SQLite a settings row, on PostgreSQL a sequence): a later, larger number.
    const newRoid = r.text(`${INF}/contact:roid`)!;
    expect(newRoid).to.match(/^C\d+-REG$/);
    expect(Number(newRoid.slice(1, -4))).to.be.greaterThan(Number(oldRoid.slice(1, -4)));
  });

  it('answers 2303 for an unknown contact, a transfer of it included', async () => {
    let r = await send(x, infoXml('NO-SUCH-1'));
    expect(r.code).to.equal(2303);
    expect(r.text('//e:value/contact:id')).to.equal('NO-SUCH-1');
    r = await send(x, updateXml('NO-SUCH-1', { add: statusXml('clientDeleteProhibited') }));
    expect(r.code).to.equal(2303);
    r = await send(x, deleteXml('NO-SUCH-1'));
    expect(r.code).to.equal(2303);
    // an id that cannot exist (not printable ASCII) is a syntax error
    r = await send(x, infoXml('абв'));
    expect(r.code).to.equal(2005);
    expect(r.text('//e:value/contact:id')).to.equal('абв');
    r = await send(x, createXml(person('a b c')));
    expect(r.code).to.equal(2005);
    // contact transfers are covered in contact-transfer.test.ts
    r = await send(x, command(`<transfer op="request"><contact:transfer ${CON}><contact:id>NO-SUCH-1</contact:id><contact:authInfo><contact:pw>password</contact:pw></contact:authInfo></contact:transfer></transfer>`));
    expect(r.code).to.equal(2303);
  });

  it("keeps another registrar out: info needs the contact's authInfo (2201, no data), update and delete are the sponsor's", async () => {
    const p = person('AUTH-1');
    p.authInfo = 'auth-1-secret';
    expect((await send(x, createXml(p))).code).to.equal(1000);
    let r = await send(y, infoXml('AUTH-1'));
    expect(r.code).to.equal(2201);
    expect(r.count('//e:resData')).to.equal(0);
    expect(r.xml).to.not.contain('auth-1-secret');
    r = await send(y, infoXml('AUTH-1', 'wrong'));
    expect(r.code).to.equal(2201);
    expect(r.count('//e:resData')).to.equal(0);
    r = await send(y, infoXml('AUTH-1', 'auth-1-secret', 'C999999-REG'));
    expect(r.code).to.equal(2201);

    // with the right authInfo: everything but the authInfo itself
    r = await send(y, infoXml('auth-1', 'auth-1-secret'));
    expect(r.code).to.equal(1000);
    expect(r.text(`${INF}/contact:id`)).to.equal('AUTH-1');
    expect(r.text(postal('loc', 'contact:name'))).to.equal(p.postalInfo.loc!.name);
    expect(r.text(`${INF}/contact:email`)).to.equal(p.email);
    expect(r.text('//tci:person/tci:birthday')).to.equal(p.tci!.person!.birthday);
    expect(r.count(`${INF}/contact:authInfo`)).to.equal(0);
    expect(r.xml).to.not.contain('auth-1-secret');
    const roid = r.text(`${INF}/contact:roid`)!;
    r = await send(y, infoXml('AUTH-1', 'auth-1-secret', roid));
    expect(r.code).to.equal(1000);

    r = await send(y, updateXml('AUTH-1', { chg: '<contact:email>y@example.qq</contact:email>' }));
    expect(r.code).to.equal(2201);
    r = await send(y, updateXml('AUTH-1', { add: statusXml('clientDeleteProhibited') }));
    expect(r.code).to.equal(2201);
    r = await send(y, deleteXml('AUTH-1'));
    expect(r.code).to.equal(2201);
    r = await send(x, infoXml('AUTH-1'));
    expect(r.text(`${INF}/contact:email`)).to.equal(p.email);
    expect(statuses(r)).to.deep.equal(['ok']);
    // Nor the sponsor (RFC 9154 §5.3): an empty authInfo.
    expect(r.text(`${INF}/contact:authInfo/contact:pw`)).to.equal('');
    expect(r.xml).to.not.contain('auth-1-secret');
  });
});
