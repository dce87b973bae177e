import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/ote/environment.js';
import { verifyEncodedSignedMark, verifySignedMarkXml, type SignedMarkChecks } from '../src/registry/signed-mark.js';
import { makeTestTmch, type TestTmch } from './support/tmch-test-ca.js';

const ICANN_SMD = /-----BEGIN ENCODED SMD-----([\s\S]+?)-----END ENCODED SMD-----/.exec(readFileSync(join(REPO_ROOT, 'fixtures/tmch/active.smd'), 'utf8'))![1];
const ICANN_CA = new X509Certificate(readFileSync(join(REPO_ROOT, 'fixtures/tmch/icann-tmch-pilot.crt')));
const DAY = 86_400_000;

/** The signed mark verifier (RFC 7848) on its own: every refusal, with its code. */
describe('signed marks (RFC 7848): verification', function () {
  this.timeout(60_000);
  let tm: TestTmch;
  let checks: SignedMarkChecks;
  before(async () => {
    tm = await makeTestTmch();
    checks = { cas: [new X509Certificate(tm.caPem)], now: new Date(), certRevoked: async (s) => s === tm.revokedSerial, smdRevoked: async (id) => id === '99-1' };
  });

  it("accepts ICANN's test SMD against ICANN's test CA inside its window, with its id and labels", async () => {
    const r = await verifyEncodedSignedMark(ICANN_SMD, { ...checks, cas: [ICANN_CA], now: new Date('2026-01-01T00:00:00Z') });
    expect(r.ok, JSON.stringify(r)).to.equal(true);
    if (!r.ok) return;
    expect(r.mark.smdId).to.equal('000000851669081693741-65535');
    expect(r.mark.labels).to.include.members(['testandvalidate', 'test-and-validate']);
    expect(r.mark.markNames).to.deep.equal(['Test & Validate']);
  });

  it("refuses ICANN's test SMD after its window, and against another CA", async () => {
    const late = await verifyEncodedSignedMark(ICANN_SMD, { ...checks, cas: [ICANN_CA], now: new Date('2028-01-01T00:00:00Z') });
    expect(late).to.include({ ok: false, code: 2306 });
    expect((late as { reason: string }).reason).to.match(/expired/);
    const other = await verifyEncodedSignedMark(ICANN_SMD, { ...checks, now: new Date('2026-01-01T00:00:00Z') });
    expect(other).to.include({ ok: false, code: 2306 });
    expect((other as { reason: string }).reason).to.match(/not issued by a trusted TMCH CA/);
  });

  it('accepts a mark of the suite CA; refuses each defect with its own reason', async () => {
    const good = await tm.signedMark({ id: '10-1', labels: ['acme', 'acme-shop'] });
    const ok = await verifyEncodedSignedMark(good.encoded, checks);
    expect(ok.ok, JSON.stringify(ok)).to.equal(true);

    const cases: Array<[string, Promise<unknown>, number, RegExp]> = [
      ['not base64', verifyEncodedSignedMark('%%%', checks), 2005, /not base64/],
      ['not XML', verifySignedMarkXml('hello', checks), 2005, /not well-formed|schema/],
      ['a DOCTYPE', verifySignedMarkXml(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]>${good.xml.replace(/^<\?xml[^>]*\?>/, '')}`, checks), 2005, /DOCTYPE/],
      ['another root', verifySignedMarkXml('<mark:mark xmlns:mark="urn:ietf:params:xml:ns:mark-1.0"/>', checks), 2005, /schema|signedMark/],
      ['schema-invalid', verifySignedMarkXml(good.xml.replace(/<smd:notBefore>/, '<smd:notBefor>').replace(/<\/smd:notBefore>/, '</smd:notBefor>'), checks), 2005, /schema/],
      ['tampered', tm.signedMark({ id: '11-1', labels: ['acme'], tamper: true }).then((m) => verifySignedMarkXml(m.xml, checks)), 2306, /signature does not verify/],
      ['no CA configured', verifySignedMarkXml(good.xml, { ...checks, cas: [] }), 2306, /trusts no TMCH CA/],
      ['signer on the CRL', tm.signedMark({ id: '12-1', labels: ['acme'], signer: 'revoked' }).then((m) => verifySignedMarkXml(m.xml, checks)), 2306, /revoked by the TMCH CRL/],
      ['SMD on the SMDRL', tm.signedMark({ id: '99-1', labels: ['acme'] }).then((m) => verifySignedMarkXml(m.xml, checks)), 2306, /SMD revocation list/],
      ['not yet valid', tm.signedMark({ id: '13-1', labels: ['acme'], notBefore: new Date(Date.now() + DAY), notAfter: new Date(Date.now() + 9 * DAY) }).then((m) => verifySignedMarkXml(m.xml, checks)), 2306, /not valid before/],
      ['expired', tm.signedMark({ id: '14-1', labels: ['acme'], notBefore: new Date(Date.now() - 9 * DAY), notAfter: new Date(Date.now() - DAY) }).then((m) => verifySignedMarkXml(m.xml, checks)), 2306, /expired at/],
      ['signer certificate expired on the registry clock', verifySignedMarkXml(good.xml, { ...checks, now: new Date(Date.now() + 20 * 365 * DAY) }), 2306, /signer certificate expired/],
    ];
    for (const [what, p, code, says] of cases) {
      const r = (await p) as { ok: boolean; code?: number; reason?: string };
      expect(r.ok, what).to.equal(false);
      expect(r.code, `${what}: ${r.reason}`).to.equal(code);
      expect(r.reason, what).to.match(says);
    }
  });

  it('signature wrapping: a second signedMark around, or a reference to another element, is refused; the data comes from what was signed', async () => {
    const good = await tm.signedMark({ id: '20-1', labels: ['acme'] });
    // The signed mark moved inside an unsigned one that claims other labels.
    const inner = good.xml.replace(/^<\?xml[^>]*\?>\s*/, '');
    const wrapper = inner.replace(/id="_smd-20-1"/, 'id="_evil"').replace(/<mark:label>acme<\/mark:label>/, '<mark:label>evil</mark:label>').replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '');
    const wrapped = wrapper.replace('</smd:signedMark>', `${inner}</smd:signedMark>`);
    const r1 = await verifySignedMarkXml(wrapped, checks);
    expect(r1.ok).to.equal(false);
    // The reference pointed elsewhere.
    const moved = good.xml.replace(/URI="#_smd-20-1"/, 'URI="#_other"');
    const r2 = await verifySignedMarkXml(moved, checks);
    expect(r2).to.include({ ok: false, code: 2306 });
    expect((r2 as { reason: string }).reason).to.match(/reference the <smd:signedMark> element itself/);
  });
});
