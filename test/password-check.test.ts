import { expect } from 'chai';
import { hashSecret, verifySecret } from '../src/registry/passwords.js';
import { PasswordCheck } from '../src/session/password-check.js';

describe('PasswordCheck (remembered successful logins)', () => {
  let hash: string;
  let scrypts: number;
  const counted = (pw: string, stored: string) => {
    scrypts++;
    return verifySecret(pw, stored);
  };
  before(async () => {
    hash = await hashSecret('foo-BAR2');
  });
  beforeEach(() => (scrypts = 0));

  it('runs scrypt once for a correct password, and for every wrong one', async () => {
    const pc = new PasswordCheck(60_000, 100, counted);
    expect(await pc.verify('foo-BAR2', hash)).to.equal(true);
    expect(await pc.verify('foo-BAR2', hash)).to.equal(true);
    expect(scrypts).to.equal(1);
    expect(await pc.verify('foo-BAR3', hash)).to.equal(false);
    expect(await pc.verify('foo-BAR3', hash)).to.equal(false);
    expect(scrypts).to.equal(3);
  });

  it('shares one scrypt among concurrent checks of the same password', async () => {
    const pc = new PasswordCheck(60_000, 100, counted);
    const results = await Promise.all(Array.from({ length: 50 }, () => pc.verify('foo-BAR2', hash)));
    expect(results.every((r) => r)).to.equal(true);
    expect(scrypts).to.equal(1);
  });

  it('never accepts a remembered password against another stored hash (after a password change)', async () => {
    const pc = new PasswordCheck(60_000, 100, counted);
    expect(await pc.verify('foo-BAR2', hash)).to.equal(true);
    const changed = await hashSecret('new-PASS9');
    expect(await pc.verify('foo-BAR2', changed)).to.equal(false);
    expect(await pc.verify('new-PASS9', changed)).to.equal(true);
    expect(scrypts).to.equal(3);
  });

  it('forgets after its time to live and beyond its size', async () => {
    const pc = new PasswordCheck(1000, 1, counted);
    await pc.verify('foo-BAR2', hash, 0);
    await pc.verify('foo-BAR2', hash, 999);
    expect(scrypts).to.equal(1);
    await pc.verify('foo-BAR2', hash, 1000);
    expect(scrypts).to.equal(2);
    const other = await hashSecret('bar-FOO3');
    await pc.verify('bar-FOO3', other, 1000);
    await pc.verify('foo-BAR2', hash, 1000);
    expect(scrypts).to.equal(4);
  });
});
