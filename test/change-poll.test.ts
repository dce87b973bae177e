import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { EppClient } from '../src/client/epp-client.js';
import { NS } from '../src/protocol/namespaces.js';
import { REPO_ROOT } from '../src/ote/environment.js';
import { resolvePolicy } from '../src/registry/policy.js';
import { keepArtifact } from './artifacts.js';
import { ALL_EXT_URIS, ALL_OBJ_URIS, send, startTestRegistry, type CheckedResponse, type TestRegistry } from './helpers.js';
import { domainCreate, domainDelete, domainInfo, domainUpdate, pollAck, pollReq, scenario, type Scenario } from './scenario.js';
import { auditRows, seedContact } from './seed.js';

const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');
const DAY = 86_400_000;
const CHANGE = '//e:extension/changePoll:changeData';

/**
 * RFC 8590 change poll: what the registry does to a domain without its sponsor asking (an operator's status
 * change through the CLI, an auto-renew, a purge) reaches the sponsor as a poll message with the domain's
 * <domain:infData> and <changePoll:changeData> (operation, date, svTRID, who, case, reason). A client that
 * selected neither changePoll nor unhandled-namespaces gets the RFC 5731 form of the same news.
 */
describe('change poll messages (RFC 8590)', function () {
  this.timeout(60_000);
  let t: TestRegistry;
  let s: Scenario;
  /** ClientX sessions: with changePoll, with neither changePoll nor unhandled-namespaces, with unhandled-namespaces only. */
  let withChange: EppClient;
  let plain: EppClient;
  let unhandled: EppClient;
  let n = 0;
  const uniq = () => `chg${++n}-${Date.now().toString(36)}.example`;

  before(async () => {
    t = await startTestRegistry();
    await t.registry.store.transaction((r) => r.tlds.upsert({ name: 'example', policy: resolvePolicy({ requiredContacts: { admin: 0, tech: 0, billing: 0 } }) }, new Date()));
    await seedContact(t, 'CHG-C1');
    withChange = await t.login('ClientX', { extURIs: [...ALL_EXT_URIS, NS.changePoll] });
    plain = await t.login('ClientX');
    unhandled = await t.login('ClientX', { extURIs: [...ALL_EXT_URIS, NS.unhandledNamespaces] });
    s = scenario(t, { sessions: { ClientX: plain } });
  });
  after(async () => {
    await s.close();
    for (const c of [withChange, plain, unhandled]) await c.close();
    await t.close();
  });

  const create = (name: string) => domainCreate({ name, period: { value: 1, unit: 'y' }, registrant: 'CHG-C1', authInfo: 'chg-Pw-1' });

  /** Acknowledges every message waiting for ClientX. */
  async function drain(): Promise<void> {
    for (;;) {
      const p = await send(plain, pollXml('req'));
      if (p.code === 1300) return;
      await send(plain, pollXml('ack', p.text('//e:msgQ/@id')!));
    }
  }
  const pollXml = (op: 'req' | 'ack', id?: string) => (op === 'req' ? pollReq() : pollAck(id!)).xml(`cp-${++n}`);
  /**
   * The oldest waiting message as the three sessions see it (not acknowledged); with `about`, messages on
   * other domains (the auto-renewals and purges of earlier tests' domains, once the clock moves on) are
   * acknowledged first.
   */
  async function head(about?: string): Promise<{ change: CheckedResponse; plain: CheckedResponse; unhandled: CheckedResponse }> {
    for (;;) {
      const p = await send(plain, pollXml('req'));
      if (!about || p.code === 1300 || p.text('//e:msgQ/e:msg')!.includes(`${about} `)) break;
      await send(plain, pollXml('ack', p.text('//e:msgQ/@id')!));
    }
    return { change: await send(withChange, pollXml('req')), plain: await send(plain, pollXml('req')), unhandled: await send(unhandled, pollXml('req')) };
  }

  function cli(...args: string[]) {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      env: { ...process.env, REGISTRY_DATABASE: t.config.database, REGISTRY_CERTS_DIR: t.config.certsDir, REGISTRY_DEV_FIXTURES: 'false' },
      encoding: 'utf8',
    });
    keepArtifact(`change-poll/cli-${++n}.txt`, r.stdout + r.stderr);
    return r;
  }

  it('tells the sponsor of an operator status change made with the domain-status CLI: who, why, case, svTRID, and the domain after', async () => {
    await drain();
    const name = uniq();
    await s.as('ClientX').send(create(name)).expect(1000);
    const r = cli('domain-status', name, '--add', 'serverUpdateProhibited', 'serverTransferProhibited', '--by', 'URS Admin', '--reason', 'URS Lock', '--case', 'urs:urs123');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include('serverUpdateProhibited');
    const audit = (await auditRows(t)).find((a) => a.command === 'domain:server-status' && a.object === name)!;
    expect(audit, 'audit row of the CLI change').to.not.equal(undefined);

    const m = await head();
    expect(m.change.code).to.equal(1301);
    expect(m.change.text('//e:msgQ/e:msg')).to.equal(`The registry changed the status of ${name}: added serverUpdateProhibited, serverTransferProhibited.`);
    expect(m.change.text('//e:resData/domain:infData/domain:name')).to.equal(name);
    expect(m.change.texts('//e:resData/domain:infData/domain:status/@s')).to.include.members(['serverUpdateProhibited', 'serverTransferProhibited']);
    expect(m.change.text('//e:resData/domain:infData/domain:registrant')).to.equal('CHG-C1');
    expect(m.change.count('//e:resData/domain:infData/domain:authInfo')).to.equal(0);
    expect(m.change.text(`${CHANGE}/@state`)).to.equal('after');
    expect(m.change.text(`${CHANGE}/changePoll:operation`)).to.equal('update');
    expect(m.change.text(`${CHANGE}/changePoll:svTRID`)).to.equal(audit.svTRID);
    expect(m.change.text(`${CHANGE}/changePoll:who`)).to.equal('URS Admin');
    expect(m.change.text(`${CHANGE}/changePoll:caseId`)).to.equal('urs123');
    expect(m.change.text(`${CHANGE}/changePoll:caseId/@type`)).to.equal('urs');
    expect(m.change.text(`${CHANGE}/changePoll:reason`)).to.equal('URS Lock');
    expect(new Date(m.change.text(`${CHANGE}/changePoll:date`)!).getTime()).to.be.closeTo(audit.at.getTime(), 100);
    // Without changePoll or unhandled-namespaces: the text alone, as before (no object data it could not tell apart).
    expect(m.plain.text('//e:msgQ/@id')).to.equal(m.change.text('//e:msgQ/@id'));
    expect(m.plain.count('//e:resData')).to.equal(0);
    expect(m.plain.count('//e:extension')).to.equal(0);
    // With unhandled-namespaces only: the domain in <resData>, changeData moved into <extValue> (RFC 9038 §6).
    expect(m.unhandled.text('//e:resData/domain:infData/domain:name')).to.equal(name);
    expect(m.unhandled.count('//e:extension')).to.equal(0);
    expect(m.unhandled.text('//e:result/e:extValue/e:value/changePoll:changeData/changePoll:who')).to.equal('URS Admin');
    expect(m.unhandled.text('//e:result/e:extValue/e:reason')).to.equal(`${NS.changePoll} not in login services`);
    await send(plain, pollXml('ack', m.plain.text('//e:msgQ/@id')));
    // The status it tells of is in force.
    await s.as('ClientX').send(domainUpdate({ name, add: { status: ['clientHold'] } })).expect(2304);
  });

  it('refuses bad operator input with a one-line message naming the value, changing nothing', async () => {
    await drain();
    const name = uniq();
    await s.as('ClientX').send(create(name)).expect(1000);
    const tries: Array<[string[], RegExp]> = [
      [['--add', 'serverHold', '--reason', 'a reason that is far longer than thirty-two characters'], /reason "a reason that is far longer/],
      [['--add', 'serverHold', '--case', 'lawsuit:42'], /case "lawsuit:42"/],
      [['--add', 'clientHold'], /clientHold is not a server status/],
      [[], /give --add or --remove/],
    ];
    for (const [args, message] of tries) {
      const r = cli('domain-status', name, ...args);
      expect(r.status, r.stdout).to.not.equal(0);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(message);
    }
    expect((await s.as('ClientX').send(domainInfo(name))).texts('//domain:status/@s')).to.deep.equal(['inactive']);
    expect((await send(plain, pollXml('req'))).code).to.equal(1300);
  });

  it('tells of an auto-renew as operation autoRenew by batch, with the renewed domain (<domain:renData> without changePoll)', async () => {
    await drain();
    const name = uniq();
    const cr = await s.as('ClientX').send(create(name)).expect(1000);
    const exDate = new Date(cr.text('//domain:creData/domain:exDate')!);
    const i = await s.at(exDate.getTime() + DAY).as('ClientX').send(domainInfo(name));
    const renewed = i.text('//domain:infData/domain:exDate')!;
    expect(renewed.slice(0, 4)).to.equal(String(exDate.getUTCFullYear() + 1));
    const m = await head(name);
    expect(m.change.text('//e:msgQ/e:msg')).to.equal(`Domain ${name} auto-renewed until ${renewed}.`);
    expect(m.change.text('//e:resData/domain:infData/domain:exDate')).to.equal(renewed);
    expect(m.change.text(`${CHANGE}/changePoll:operation`)).to.equal('autoRenew');
    expect(m.change.text(`${CHANGE}/@state`)).to.equal('after');
    expect(m.change.text(`${CHANGE}/changePoll:who`)).to.equal('batch');
    expect(m.change.text(`${CHANGE}/changePoll:svTRID`)).to.match(/^REG-/);
    expect(m.change.count(`${CHANGE}/changePoll:reason`)).to.equal(0);
    expect(m.plain.text('//e:resData/domain:renData/domain:name')).to.equal(name);
    expect(m.plain.text('//e:resData/domain:renData/domain:exDate')).to.equal(renewed);
    expect(m.plain.count('//e:extension')).to.equal(0);
    await send(plain, pollXml('ack', m.plain.text('//e:msgQ/@id')));
  });

  it('tells of a purge as operation autoPurge with the domain before it (<domain:panData> with the delete svTRID without changePoll)', async () => {
    await drain();
    const name = uniq();
    await s.as('ClientX').send(create(name)).expect(1000);
    // Past the add grace period, a delete sends the domain to redemption (1001); the purge comes 35 days later.
    const del = await s.after('6d').as('ClientX').send(domainDelete(name)).expect(1001);
    await s.after('36d').as('ClientX').send(domainInfo(name)).expect(2303);
    const m = await head(name);
    expect(m.change.text('//e:msgQ/e:msg')).to.equal(`Domain ${name} purged at the end of its redemption; the name is available again.`);
    expect(m.change.text(`${CHANGE}/changePoll:operation`)).to.equal('autoPurge');
    expect(m.change.text(`${CHANGE}/@state`)).to.equal('before');
    expect(m.change.text(`${CHANGE}/changePoll:who`)).to.equal('batch');
    expect(m.change.text('//e:resData/domain:infData/domain:name')).to.equal(name);
    expect(m.change.texts('//e:resData/domain:infData/domain:status/@s')).to.include('pendingDelete');
    expect(m.plain.text('//e:resData/domain:panData/domain:name')).to.equal(name);
    expect(m.plain.text('//e:resData/domain:panData/domain:name/@paResult')).to.equal('1');
    expect(m.plain.text('//e:resData/domain:panData/domain:paTRID/e:svTRID')).to.equal(del.svTRID);
    expect(m.unhandled.text('//e:result/e:extValue/e:value/changePoll:changeData/changePoll:operation')).to.equal('autoPurge');
    await send(plain, pollXml('ack', m.plain.text('//e:msgQ/@id')));
  });

  it('moves both the domain data and changeData into <extValue> for a client that selected neither the domain object nor changePoll (RFC 9038 §6)', async () => {
    await drain();
    const name = uniq();
    await s.as('ClientX').send(create(name)).expect(1000);
    expect(cli('domain-status', name, '--add', 'serverDeleteProhibited', '--by', 'ops').status).to.equal(0);
    const noDomain = await t.login('ClientX', { objURIs: ALL_OBJ_URIS.filter((u) => u !== NS.domain), extURIs: [NS.unhandledNamespaces] });
    try {
      const p = await send(noDomain, pollXml('req'));
      expect(p.code).to.equal(1301);
      expect(p.count('//e:resData')).to.equal(0);
      expect(p.count('//e:extension')).to.equal(0);
      expect(p.texts('//e:result/e:extValue/e:reason')).to.deep.equal([`${NS.domain} not in login services`, `${NS.changePoll} not in login services`]);
      expect(p.text('//e:result/e:extValue/e:value/domain:infData/domain:name')).to.equal(name);
      expect(p.text('//e:result/e:extValue/e:value/changePoll:changeData/changePoll:who')).to.equal('ops');
    } finally {
      await noDomain.close();
    }
    await drain();
  });
});
