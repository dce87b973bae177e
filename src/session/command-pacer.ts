/**
 * Per-registrar command-rate limits (issue 22, EPP fairness): a registrar whose account has a rate (commands
 * per second, `registry registrar set <clID> --rate N`) gets its EPP commands started no faster than that,
 * all its sessions together, after a burst of one second's worth. A command over the rate is delayed, never
 * refused (no 2400, no 2502): the flood of one registrar (hundreds of sessions creating taken names at a drop)
 * waits in its own sessions, before parsing work reaches the store's queue, while every other registrar's
 * commands go on at once. Each session answers its frames in order, so a delayed command holds back only
 * the session that sent it.
 *
 * Generic cell rate algorithm, as a scheduler: each registrar has a theoretical arrival time `tat`; a command
 * arriving at t starts at max(t, tat − burst tolerance), and moves `tat` on by one interval.
 */
export class CommandPacer {
  private readonly tat = new Map<number, number>();
  /** Registrar id → commands per second, as last read from the store; null: no limit. */
  private rates = new Map<number, number | null>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The rates read from the store (the server refreshes them every few seconds: a change applies without a restart). */
  setRates(rates: Iterable<{ id: number; commandRate: number | null }>): void {
    const next = new Map<number, number | null>();
    for (const r of rates) next.set(r.id, r.commandRate);
    this.rates = next;
    for (const id of this.tat.keys()) if (!next.get(id)) this.tat.delete(id);
  }

  /**
   * Milliseconds the registrar's next command must wait (0: start now), the slot taken. `known` is the rate
   * the session read at login, used until the store's rates are read for a registrar added since.
   */
  delay(registrarId: number, known: number | null): number {
    const rate = this.rates.has(registrarId) ? this.rates.get(registrarId)! : known;
    if (!rate) return 0;
    const interval = 1000 / rate;
    const tolerance = (Math.max(1, rate) - 1) * interval; // a burst of one second's worth
    const t = this.now();
    const tat = Math.max(this.tat.get(registrarId) ?? t, t);
    const start = Math.max(t, tat - tolerance);
    this.tat.set(registrarId, tat + interval);
    return start - t;
  }
}
