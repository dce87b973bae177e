import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { zoneFile } from '../src/zone/publish.js';
import { readLog, startTestRegistry, type TestRegistry } from './helpers.js';
import { knotConf, knotDir, requireDnsTools, startKnot, type Knot } from './knot.js';
import { domainCreate, domainUpdate, scenario, type Request, type Scenario } from './scenario.js';
import { requests } from '../src/client/requests.js';
import { seedContact } from './seed.js';

/**
 * In the spirit of ICANN's RST integration suite: an object created over EPP shows up in DNS (and RDAP shows
 * the same name servers). `serve`'s
 * publisher (zone.publish, a 1-second zone.interval) writes the zones after the change on its worker
 * thread and runs zone.reloadCommand (knotc zone-reload), and Knot DNS answers the delegation. Nothing here
 * writes a zone by hand.
 */
describe('zone publication by serve: EPP change → zone written → reload → the DNS server answers', function () {
  this.timeout(120_000);
  let t: TestRegistry;
  let s: Scenario;
  let knot: Knot;
  const uniq = Date.now().toString(36);
  const name = `rst-${uniq}.tatar`;
  const ns = `ns1.rst-dns-${uniq}.example`;

  const until = async (what: string, ok: () => Promise<boolean>) => {
    for (let i = 0; i < 200; i++) {
      if (await ok()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`not within 20 s: ${what}\n${knot.log()}`);
  };
  const referral = async () => (await knot.query(name, 'NS')).authorities.filter((a) => a.type === 'NS').map((a) => a.data as string);

  before(async function () {
    requireDnsTools(this);
    const dir = knotDir();
    t = await startTestRegistry((c) => {
      c.zone.publish = true;
      c.zone.interval = 1;
      c.zone.reloadCommand = `knotc -c '${knotConf(dir)}' zone-reload {tld}`;
    });
    // The publisher writes every TLD's zone at start; Knot is started on those files.
    const tlds = t.registry.tlds;
    expect(tlds).to.include('tatar');
    const files = tlds.map((tld) => ({ tld, file: zoneFile(t.config.zone.dir, tld) }));
    for (let i = 0; i < 200 && !files.every((f) => existsSync(f.file)); i++) await new Promise((r) => setTimeout(r, 100));
    knot = await startKnot(files, dir);
    await seedContact(t, `ZP-${uniq}`.slice(0, 16));
    s = scenario(t);
  });
  after(async () => {
    await knot?.stop();
    await s?.close();
    await t?.close();
  });

  it('answers the delegation of a domain created over EPP, and stops when it goes on hold', async () => {
    const before = (await knot.serial('tatar'))!;
    const hostCreate: Request = { label: `host:create ${ns}`, xml: (id) => requests.hostCreate(id, { name: ns }) };
    await s.as('ClientX').send(hostCreate).expect(1000);
    const c = `ZP-${uniq}`.slice(0, 16);
    await s
      .as('ClientX')
      .send(domainCreate({ name, registrant: c, contacts: [{ type: 'admin', id: c }, { type: 'tech', id: c }], ns: [ns], authInfo: 'rst-pw-1' }))
      .expect(1000);
    await until(`knotd answers the delegation of ${name}`, async () => (await referral()).includes(ns));
    expect(await referral()).to.deep.equal([ns]);
    expect((await knot.serial('tatar'))!).to.be.greaterThan(before);
    // RDAP, read from the same core, shows the same name servers as the delegation DNS serves.
    const rdap = await fetch(`${t.registry.rdap!.baseUrl}domain/${name}`);
    expect(rdap.status).to.equal(200);
    const body = (await rdap.json()) as { ldhName: string; nameservers: Array<{ ldhName: string }> };
    expect(body.ldhName.toLowerCase()).to.equal(name);
    expect(body.nameservers.map((n) => n.ldhName.toLowerCase())).to.deep.equal(await referral());

    await s.as('ClientX').send(domainUpdate({ name, add: { status: ['clientHold'] } })).expect(1000);
    await until(`${name} leaves the zone`, async () => (await knot.query(name, 'NS')).rcode === 'NXDOMAIN');

    const state = (await t.registry.store.transaction((r) => r.zone.states())).find((z) => z.tld === 'tatar')!;
    expect(state.published!.serial).to.equal(await knot.serial('tatar'));
    expect(state.published!.file).to.equal(zoneFile(t.config.zone.dir, 'tatar'));
    const log = readLog(t);
    expect(log).to.match(/zone of \.tatar written: serial \d+, 1 delegations/);
    expect(log).to.match(/zone of \.tatar reloaded/);
  });
});
