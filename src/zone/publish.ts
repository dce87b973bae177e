import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openZoneSnapshot as openSqliteSnapshot } from '../storage/sqlite/zone-snapshot.js';
import { openPgZoneSnapshot } from '../storage/postgres/pg-zone-snapshot.js';
import { isPostgresUrl } from '../storage/postgres/pg-store.js';
import type { Store } from '../storage/store.js';
import { writeZone, type ZoneWriteResult } from './writer.js';

/** One zone to write: everything a worker thread needs (plain data). */
export interface ZoneWriteJob {
  /** The database setting (a SQLite file or a PostgreSQL URL): the zone is read on a connection of its own, in one read transaction. */
  database: string;
  tld: string;
  serial: number;
  out: string;
  /** Epoch ms, written in the file's header. */
  now: number;
}

export const zoneFile = (dir: string, tld: string) => join(dir, `${tld}.zone`);

/** Reads the snapshot and writes the file, on the calling thread (the CLI; the publisher's worker). */
export async function runZoneWrite(job: ZoneWriteJob): Promise<ZoneWriteResult> {
  const snapshot = isPostgresUrl(job.database) ? await openPgZoneSnapshot(job.database) : openSqliteSnapshot(job.database);
  try {
    return await writeZone(snapshot, job.tld, job.serial, job.out, new Date(job.now));
  } finally {
    await snapshot.close();
  }
}

/**
 * Publishes a TLD's zone: hands out its next serial (the last + 1, or the time in seconds when larger, so
 * that it only grows even when two writers race), writes the file through `run`, and records the
 * publication (serial, size, time, and the change counter the snapshot read). The serial is taken before
 * the snapshot, so the zone holds every change committed before its serial was.
 */
export async function publishZone(
  store: Store,
  job: Omit<ZoneWriteJob, 'serial'>,
  run: (job: ZoneWriteJob) => Promise<ZoneWriteResult> = (j) => runZoneWrite(j),
): Promise<ZoneWriteResult> {
  mkdirSync(dirname(job.out), { recursive: true });
  const serial = await store.transaction((r) => r.zone.reserveSerial(job.tld, Math.floor(job.now / 1000)));
  const result = await run({ ...job, serial });
  await store.transaction((r) =>
    r.zone.recordPublication(job.tld, {
      serial,
      at: new Date(job.now),
      changes: result.changes,
      file: result.file,
      bytes: result.bytes,
      delegations: result.delegations,
      durationMs: Math.round(result.durationMs),
    }),
  );
  return result;
}
