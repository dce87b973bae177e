import type { Clock } from '../registry/clock.js';
import type { Repos, Store } from '../storage/store.js';

/**
 * Reads for RDAP: one read-only transaction per response (Store.read: a consistent snapshot of what is
 * committed, nothing cached between requests, so a change committed over EPP shows in the next response).
 *
 * Time-driven events (a transfer's auto-approval, an auto-renewal, a purge) are applied by the registry
 * before every command and on a 10 s timer. A response must not show a state their instant has already
 * ended: when one is due at the snapshot's instant, the read asks the registry to apply them
 * (`applyDueEvents`, the registry's own sweep in a write transaction of its own) and reads again. That
 * happens once per due instant, not per request.
 */
export class Snapshots {
  /** The due instant last caught up with: an event the sweep cannot apply is not retried on every request. */
  private caughtUpFor = Number.NaN;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly applyDueEvents?: () => Promise<void>,
  ) {}

  async read<T>(fn: (repos: Repos, now: Date) => Promise<T>): Promise<T> {
    const now = this.clock.now();
    const first = await this.store.read(async (r): Promise<{ value: T } | { due: number }> => {
      if (this.applyDueEvents) {
        const due = (await r.lifecycle.nextDueAt())?.getTime();
        if (due !== undefined && due <= now.getTime() && due !== this.caughtUpFor) return { due };
      }
      return { value: await fn(r, now) };
    });
    if ('value' in first) return first.value;
    this.caughtUpFor = first.due;
    await this.applyDueEvents!();
    const later = this.clock.now();
    return this.store.read((r) => fn(r, later));
  }
}
