import { expect } from 'chai';
import { LoginThrottle } from '../src/session/login-throttle.js';
import { PASSWORDS, checkResponse, loginXml, send, startTestRegistry, type TestRegistry } from './helpers.js';

describe('failed-login flood', function () {
  this.timeout(30000);
  let t: TestRegistry;
  before(async () => {
    t = await startTestRegistry();
  });
  after(() => t.close());

  it('delays a flooding registrar by the documented backoff while another registrar on the same address logs in at once', async () => {
    // ClientX floods: 3 connections at once, 3 wrong passwords each (the third closes the connection with 2501).
    const codes = await Promise.all(
      [1, 2, 3].map(async (conn) => {
        const c = await t.connect('clientx');
        const got: number[] = [];
        for (let i = 1; i <= 3; i++) got.push((await send(c, loginXml('ClientX', `wrong-${conn}-${i}`))).code);
        await c.closed;
        return got;
      }),
    );
    expect(codes).to.deep.equal([
      [2200, 2200, 2501],
      [2200, 2200, 2501],
      [2200, 2200, 2501],
    ]);

    // 9 failures counted for (127.0.0.1, ClientX): its next attempt waits 250 ms × 2^(9−5) = 4 s. ClientY, from
    // the same address at the same time, is not slowed down: its 1000 comes while ClientX's attempt still waits.
    const [x, y] = await Promise.all([t.connect('clientx'), t.connect('clienty')]);
    const order: string[] = [];
    const started = Date.now();
    const xLogin = x.request(loginXml('ClientX', PASSWORDS.ClientX)).then((r) => {
      order.push('ClientX');
      return { code: checkResponse(r).code, ms: Date.now() - started };
    });
    const yLogin = y.request(loginXml('ClientY', PASSWORDS.ClientY)).then((r) => {
      order.push('ClientY');
      return { code: checkResponse(r).code, ms: Date.now() - started };
    });
    const [xr, yr] = await Promise.all([xLogin, yLogin]);
    expect(yr.code).to.equal(1000);
    expect(yr.ms).to.be.below(3900);
    expect(order).to.deep.equal(['ClientY', 'ClientX']);
    // The correct password still succeeds after the backoff: the account is never locked.
    expect(xr.code).to.equal(1000);
    expect(xr.ms).to.be.at.least(3900);
    await Promise.all([x.close(), y.close()]);

    // The success cleared ClientX's count: a wrong password is answered without the wait again.
    const again = await t.connect('clientx');
    const before = Date.now();
    expect((await send(again, loginXml('ClientX', 'wrong-again'))).code).to.equal(2200);
    expect(Date.now() - before).to.be.below(3900);
    await again.close();
  });
});

describe('LoginThrottle', () => {
  it('checks the attempts of one (address, clID) one at a time, each after its own delay; other clIDs do not wait', async () => {
    const th = new LoginThrottle(1, 100, 1000);
    th.failed('192.0.2.1', 'X'); // 1 failure, free 1: the next attempt waits 100 ms
    const started = Date.now();
    const order: string[] = [];
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const first = th.acquire('192.0.2.1', 'X').then(async (release) => {
      order.push('X1 checked');
      await sleep(50);
      th.failed('192.0.2.1', 'X');
      order.push('X1 answered');
      release();
    });
    const second = th.acquire('192.0.2.1', 'X').then((release) => {
      order.push('X2 checked');
      release();
    });
    const other = th.acquire('192.0.2.1', 'Y').then((release) => {
      order.push('Y checked');
      release();
    });
    await Promise.all([first, second, other]);
    expect(order).to.deep.equal(['Y checked', 'X1 checked', 'X1 answered', 'X2 checked']);
    // X2 waited for X1 (100 ms delay + 50 ms), then its own delay after 2 failures (200 ms).
    expect(Date.now() - started).to.be.at.least(340);
  });

  it('lets `free` attempts of one (address, clID) run side by side while it has fewer failures, then one at a time', async () => {
    const th = new LoginThrottle(2, 100, 1000);
    const r1 = await th.acquire('192.0.2.2', 'X');
    const r2 = await th.acquire('192.0.2.2', 'X');
    let third = false;
    const p3 = th.acquire('192.0.2.2', 'X').then((release) => {
      third = true;
      return release;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(third, 'a third waits while two are in flight').to.equal(false);
    r1();
    const r3 = await p3;
    expect(third).to.equal(true);
    // Two failures (= free): from now on one at a time.
    th.failed('192.0.2.2', 'X');
    th.failed('192.0.2.2', 'X');
    r2();
    r3();
    const a = await th.acquire('192.0.2.2', 'X');
    let b = false;
    const pb = th.acquire('192.0.2.2', 'X').then((release) => {
      b = true;
      return release;
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(b, 'one at a time once failures reach free').to.equal(false);
    a();
    (await pb)();
    expect(b).to.equal(true);
  });

  const A = '192.0.2.1';
  const B = '198.51.100.7';

  it('backs off per (address, clID): 0.25, 0.5, 1, 2, 4, 8, 8 s after the 5th, 6th, … failure, for 15 minutes', async () => {
    const th = new LoginThrottle();
    const delays: number[] = [];
    for (let i = 1; i <= 11; i++) {
      th.failed(A, 'ClientX', 1000 * i);
      delays.push(await th.delayFor(A, 'ClientX', 1000 * i));
    }
    expect(delays).to.deep.equal([0, 0, 0, 0, 250, 500, 1000, 2000, 4000, 8000, 8000]);
    // Other registrars on that address, and the same registrar from elsewhere, are not slowed down.
    expect(await th.delayFor(A, 'ClientY', 12_000)).to.equal(0);
    expect(await th.delayFor(B, 'ClientX', 12_000)).to.equal(0);
    // The count lives 15 minutes after the last failure.
    expect(await th.delayFor(A, 'ClientX', 11_000 + 15 * 60_000)).to.equal(8000);
    expect(await th.delayFor(A, 'ClientX', 11_001 + 15 * 60_000)).to.equal(0);
  });

  it('a success clears that registrar\'s count only', async () => {
    const th = new LoginThrottle();
    for (let i = 0; i < 6; i++) {
      th.failed(A, 'ClientX', 1000);
      th.failed(A, 'ClientY', 1000);
    }
    th.succeeded(A, 'ClientX', 1000);
    expect(await th.delayFor(A, 'ClientX', 1000)).to.equal(0);
    expect(await th.delayFor(A, 'ClientY', 1000)).to.equal(500);
  });

  it('backs off a whole address that sprays failures over 20 or more clIDs', async () => {
    const th = new LoginThrottle();
    for (let i = 1; i <= 19; i++) th.failed(A, `Sprayed${i}`, 1000);
    expect(await th.delayFor(A, 'ClientY', 1000)).to.equal(0);
    // Repeated failures of one clID count once.
    th.failed(A, 'Sprayed1', 1000);
    expect(await th.delayFor(A, 'ClientY', 1000)).to.equal(0);
    th.failed(A, 'Sprayed20', 1000);
    expect(await th.delayFor(A, 'ClientY', 1000)).to.equal(250);
    th.failed(A, 'Sprayed21', 1000);
    expect(await th.delayFor(A, 'ClientY', 1000)).to.equal(500);
    // Other addresses are unaffected.
    expect(await th.delayFor(B, 'ClientY', 1000)).to.equal(0);
    // A success takes that clID off the address's count, and only that one.
    th.succeeded(A, 'ClientY', 1000);
    expect(await th.delayFor(A, 'ClientY', 1000)).to.equal(500);
    th.succeeded(A, 'Sprayed3', 1000);
    expect(await th.delayFor(A, 'ClientY', 1000)).to.equal(250);
  });

  it('keeps a bounded number of counts, dropping the oldest first', async () => {
    const th = new LoginThrottle(5, 250, 8000, 15 * 60_000, 20, 2);
    for (let i = 0; i < 5; i++) th.failed(A, 'ClientX', 1000);
    th.failed(A, 'ClientY', 2000);
    expect(await th.delayFor(A, 'ClientX', 2000)).to.equal(250);
    th.failed(A, 'ClientZ', 3000);
    expect(await th.delayFor(A, 'ClientX', 3000)).to.equal(0);
  });
});
