/**
 * The durability rule shared between the writing store (main thread) and read-only stores in other threads
 * (the RDAP worker): a read is answered only once every change it could have read is on disk.
 *
 * Shared memory, four 32-bit cells: the number of the batch whose COMMIT is about to run (set before the
 * COMMIT, so any snapshot that sees it was taken after the number was published), the number of batches known
 * to be on disk, a failure flag (a WAL sync failed: nothing more is answered), and whether the writer syncs at
 * all (durable mode). A reader takes the first cell after its snapshot ends and waits, without blocking its
 * thread (Atomics.waitAsync), until the second reaches it. A batch that changed nothing counts as a change here:
 * at worst a read waits for the sync that follows it anyway.
 */
export class SharedDurability {
  readonly cells: Int32Array;
  constructor(cells?: Int32Array) {
    this.cells = cells ?? new Int32Array(new SharedArrayBuffer(16));
  }

  // The writer's side.
  setDurable(on: boolean): void {
    Atomics.store(this.cells, 3, on ? 1 : 0);
  }
  committing(batch: number): void {
    Atomics.store(this.cells, 0, batch);
  }
  synced(batches: number): void {
    Atomics.store(this.cells, 1, batches);
    Atomics.notify(this.cells, 1);
  }
  failed(): void {
    Atomics.store(this.cells, 2, 1);
    Atomics.notify(this.cells, 1);
  }

  // A reader's side.
  /** Resolves once every batch committed (or committing) by now is on disk; rejects once a sync has failed. */
  async untilDurable(): Promise<void> {
    if (Atomics.load(this.cells, 3) === 0) return;
    const needs = Atomics.load(this.cells, 0);
    for (;;) {
      if (Atomics.load(this.cells, 2) !== 0) throw new Error('WAL sync failed in the writing process: no read is answered');
      const synced = Atomics.load(this.cells, 1);
      if (synced >= needs) return;
      const w = waitAsync(this.cells, 1, synced, 1000);
      if (w.async) await w.value;
    }
  }
}

/** Atomics.waitAsync (Node 16+; not yet in TypeScript's ES2022 library). */
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, ms: number): { async: boolean; value: Promise<string> | string } }).waitAsync;
