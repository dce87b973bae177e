/**
 * The publisher's worker thread: writes zones off the server's event loop (a 1,000,000-domain zone takes
 * seconds of SQLite reads and formatting, during which EPP sessions must keep being answered).
 */
import { parentPort } from 'node:worker_threads';
import { runZoneWrite, type ZoneWriteJob } from './publish.js';

parentPort!.on('message', async (job: ZoneWriteJob) => {
  try {
    parentPort!.postMessage({ ok: true, result: await runZoneWrite(job) });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: (e as Error).message });
  }
});
