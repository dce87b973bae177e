import { accessSync, constants, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { EscrowStore } from '../storage/escrow-source.js';
import { writeDeposit, type DepositResult } from './deposit-xml.js';
import { EscrowError, type DepositKeys } from './keys.js';
import { writeReport } from './report.js';
import { writeRyde, writeSignature } from './ryde.js';
import { XmlStreamWriter } from './xml-writer.js';

export interface DepositRequest {
  tld: string;
  type: 'full' | 'diff';
  /** Default: the last midnight UTC at or before `now`. */
  watermark?: Date;
  outDir: string;
  /** Registry time (the injected clock's, or a development registry's offset clock). */
  now: Date;
  keys: DepositKeys;
  store: EscrowStore;
}

export interface DepositOutcome {
  base: string;
  id: string;
  prevId: string | null;
  resend: number;
  watermark: Date;
  type: 'FULL' | 'DIFF';
  files: { ryde: string; sig: string; rep: string };
  counts: Record<string, number>;
  deleted: Record<string, number>;
  /** Bytes of the deposit XML. */
  xmlBytes: number;
}

/** The last midnight UTC at or before `now` (ICANN's deposits are as of 00:00 UTC). */
export function lastMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** RFC 8909 deposit id (at most 13 word characters): the watermark to the minute and F or D. */
export function depositId(watermark: Date, type: 'FULL' | 'DIFF'): string {
  return `${watermark.toISOString().slice(0, 16).replace(/[-T:]/g, '')}${type[0]}`;
}

/** {A-label TLD}_{UTC date of the watermark}_{full|diff}_S1_R{resend} (Specification 2, Part A §4). */
export function baseName(tld: string, watermark: Date, type: 'full' | 'diff', resend: number): string {
  return `${tld}_${watermark.toISOString().slice(0, 10)}_${type}_S1_R${resend}`;
}

/**
 * Makes one deposit of a TLD: the XML from one snapshot (the snapshot is closed as soon as the XML is
 * written), the .ryde and its .sig, and the .rep; then records it for the next differential deposit. Every
 * file is written under a temporary name in the output folder and renamed at the end: on any failure the
 * temporary files are removed and nothing is recorded. Refusals (unknown TLD, a diff without a previous
 * deposit, a watermark in the future, an output folder that cannot be written) are EscrowErrors.
 */
export async function makeDeposit(req: DepositRequest): Promise<DepositOutcome> {
  const type = req.type === 'full' ? 'FULL' : 'DIFF';
  const watermark = req.watermark ?? lastMidnight(req.now);
  if (Number.isNaN(watermark.getTime())) throw new EscrowError('the watermark is not a valid instant');
  if (watermark.getTime() > req.now.getTime()) throw new EscrowError(`watermark ${watermark.toISOString()} is after the registry's time ${req.now.toISOString()}`);
  if (watermark.getUTCSeconds() !== 0 || watermark.getUTCMilliseconds() !== 0) {
    throw new EscrowError(`watermark ${watermark.toISOString()} is not a whole minute (deposit ids carry the watermark to the minute)`);
  }
  checkOutDir(req.outDir);

  await req.store.lock(req.tld);
  const prev = type === 'DIFF' ? await req.store.previousDeposit(req.tld, watermark) : undefined;
  if (type === 'DIFF' && !prev) throw new EscrowError(`no deposit of ${req.tld} before ${watermark.toISOString()}: a differential deposit needs a previous one (make a full deposit first)`);
  const resend = await req.store.depositsMade(req.tld, type, watermark);
  const base = baseName(req.tld, watermark, req.type, resend);
  const id = depositId(watermark, type);
  const files = { ryde: join(req.outDir, `${base}.ryde`), sig: join(req.outDir, `${base}.sig`), rep: join(req.outDir, `${base}.rep`) };
  for (const f of Object.values(files)) if (existsSync(f)) throw new EscrowError(`${f} exists already (a deposit not recorded in this database?): move it away first`);

  const temp = (name: string) => join(req.outDir, `.${name}.tmp-${process.pid}`);
  const tmp = { xml: temp(`${base}.xml`), ryde: temp(`${base}.ryde`), sig: temp(`${base}.sig`), rep: temp(`${base}.rep`) };
  const renamed: string[] = [];
  try {
    const snap = await req.store.openSnapshot();
    let result: DepositResult;
    let snapshotEpoch: number;
    try {
      const tld = snap.tlds().find((t) => t.name === req.tld);
      if (!tld) throw new EscrowError(`TLD ${req.tld} is not served by this registry`);
      snapshotEpoch = snap.epoch;
      result = await toFile(tmp.xml, (out) =>
        writeDeposit(new XmlStreamWriter(out), snap, {
          tld,
          type,
          id,
          prevId: prev?.depositId ?? null,
          resend,
          watermark,
          now: req.now,
          since: prev ? { epoch: prev.epoch, watermark: prev.watermark, snapshotAt: prev.snapshotAt, state: prev.state } : undefined,
        }),
      );
    } finally {
      await snap.close();
    }
    const xmlBytes = statSync(tmp.xml).size;
    // OpenPGP packets (and the tar member) carry the real time: keys are checked against it, whatever the
    // registry's clock says (a development registry's clock may run days ahead).
    const wallClock = new Date();
    await writeRyde(tmp.xml, `${base}.xml`, `${base}.tar`, tmp.ryde, req.keys, wallClock);
    rmSync(tmp.xml);
    await writeSignature(tmp.ryde, tmp.sig, req.keys, wallClock);
    await toFile(tmp.rep, (out) => writeReport(out, { id, resend, type, watermark, createdAt: req.now, tld: req.tld, counts: result.counts }));
    for (const k of ['ryde', 'sig', 'rep'] as const) {
      renameSync(tmp[k], files[k]);
      renamed.push(files[k]);
    }
    await req.store.record({
      tld: req.tld,
      depositId: id,
      type,
      watermark,
      resend,
      prevId: prev?.depositId ?? null,
      epoch: snapshotEpoch,
      snapshotAt: req.now,
      baseName: base,
      counts: result.counts,
      state: result.state,
      createdAt: req.now,
    });
    return { base, id, prevId: prev?.depositId ?? null, resend, watermark, type, files, counts: result.counts, deleted: result.deleted, xmlBytes };
  } catch (e) {
    for (const f of [...Object.values(tmp), ...renamed]) rmSync(f, { force: true });
    throw e;
  }
}

/** The output folder: created when missing; it must be a folder this process can write. */
function checkOutDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    accessSync(dir, constants.W_OK);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new EscrowError(`output folder ${dir} is not writable: ${err.code === 'EEXIST' || err.code === 'ENOTDIR' ? 'not a folder' : (err.code ?? err.message)}`);
  }
}

/** Runs `write` on a new file (never an existing one) and waits until the file is complete. */
async function toFile<T>(path: string, write: (out: Writable) => Promise<T>): Promise<T> {
  const out = createWriteStream(path, { flags: 'wx' });
  let failure: Error | undefined;
  out.on('error', (e) => (failure = e));
  try {
    const result = await write(out);
    out.end();
    await finished(out);
    if (failure) throw failure;
    return result;
  } catch (e) {
    out.destroy();
    throw failure ?? e;
  }
}
