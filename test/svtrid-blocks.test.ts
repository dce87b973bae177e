import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { CommandRunner } from '../src/commands/runner.js';
import type { Services } from '../src/commands/types.js';

/** The runner's svTRIDs from registry-wide blocks (PostgreSQL's sequence), here from a counting source with small blocks. */
describe('svTRIDs from reserved blocks', () => {
  function runnerOver(blockSize: number, fail = () => false) {
    const reserved: number[] = [];
    let last = 1 - blockSize;
    const reserve = async () => {
      await sleep(5); // a round trip: many commands ask while it runs
      if (fail()) throw new Error('database unreachable');
      last += blockSize;
      reserved.push(last);
      return last;
    };
    const services = { store: { svTrids: { blockSize, reserve } }, config: { roidSuffix: 'T' } } as unknown as Services;
    return { runner: new CommandRunner(services), reserved };
  }

  it('gives every number once, in order, across block ends, with many commands asking at once', async () => {
    const { runner, reserved } = runnerOver(4);
    const ids = await Promise.all(Array.from({ length: 50 }, () => runner.nextSvTRID()));
    const numbers = ids.map((id) => Number(/^T-(\d+)$/.exec(id)![1]));
    expect(new Set(numbers).size, 'unique').to.equal(50);
    // Only whole blocks are used: at most the one reserved ahead is left unused.
    expect(reserved.length).to.be.within(13, 14);
    expect(Math.max(...numbers)).to.be.at.most(reserved.length * 4);
    const sequential: number[] = [];
    for (let i = 0; i < 10; i++) sequential.push(Number((await runner.nextSvTRID()).slice(2)));
    expect(sequential.every((n, i) => i === 0 || n > sequential[i - 1]), 'increasing').to.equal(true);
  });

  it('answers with the process\'s own form while no block can be reserved, and reserves again for the next', async () => {
    let down = true;
    const { runner } = runnerOver(2, () => down);
    expect(await runner.nextSvTRID()).to.match(/^T-[0-9A-F]{8}-[0-9A-Z]+-1$/);
    down = false;
    expect(await runner.nextSvTRID()).to.equal('T-1');
    expect(await runner.nextSvTRID()).to.equal('T-2');
    expect(await runner.nextSvTRID()).to.equal('T-3');
  });
});
