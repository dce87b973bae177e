import { expect } from 'chai';
import { runFuzz } from '../fuzz/run.js';
import { command, send, startTestRegistry } from './helpers.js';

/**
 * A short run of the fuzz harness (fuzz/run.ts): mutated, truncated, oversized, garbage, deeply nested,
 * invalid-UTF-8 and entity-laden frames over real TLS. The server must answer every frame with a
 * schema-valid EPP response or close cleanly, never resolve an external entity, keep the control session
 * working, and keep its memory bounded. A long run: `npm run fuzz -- --frames 1000000 --seed 7`.
 */
describe('fuzzing (fuzz/run.ts, short run)', function () {
  this.timeout(60_000);

  it('survives 3,000 mutated frames: only schema-valid answers or clean closes, no external entity, control session alive, bounded RSS', async () => {
    const lines: string[] = [];
    const r = await runFuzz({ frames: 3000, seconds: 25, seed: 7, workers: 4, log: (l) => lines.push(l) });
    expect(r.failures, r.failures.join('\n')).to.deep.equal([]);
    expect(r.ok).to.equal(true);
    expect(r.frames).to.be.at.least(1000); // at ~350 frames/s, 3,000 frames fit the 25 s bound comfortably
    expect(r.answers).to.be.greaterThan(r.frames / 2);
    expect(r.controlChecks).to.be.greaterThan(1);
    expect(r.rssPeakMb - r.rssStartMb).to.be.lessThan(512);
    // The families of bad input all ran.
    for (const k of ['xxe-file', 'xxe-http', 'billion-laughs', 'deep-nesting', 'invalid-utf8', 'truncated', 'garbage-raw', 'tpl-remove-leaf', 'huge-attr']) {
      expect(r.byKind[k] ?? 0, k).to.be.greaterThan(0);
    }
    console.log(`      fuzz: ${r.frames} frames, ${r.framesPerSecond} frames/s, RSS ${r.rssStartMb} → peak ${r.rssPeakMb} MB`);
  });

  it('echoes clTRIDs that look like markup or carry U+FEFF exactly, in well-formed schema-valid responses (found by the fuzzer)', async () => {
    const t = await startTestRegistry();
    const c = await t.login('ClientX');
    try {
      // "&#0;" and "&x;" as data (escaped in the request) once came back as markup: not well-formed.
      for (const [sent, echoed] of [
        ['&amp;#0;', '&#0;'],
        ['a&amp;x;b', 'a&x;b'],
        ['AT&amp;amp;T', 'AT&amp;T'],
        // String#trim() also stripped U+FEFF, leaving a 2-character clTRID (below trIDStringType's minimum).
        ['\u202e\u200b\ufeff', '\u202e\u200b\ufeff'],
      ]) {
        const r = await send(c, command('<poll op="req"/>', sent));
        expect(r.code).to.equal(1300);
        expect(r.clTRID).to.equal(echoed);
      }
    } finally {
      await c.close();
      await t.close();
    }
  });
});
