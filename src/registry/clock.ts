/** Time as the registry sees it. Every rule that depends on time reads an injected clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that tests (and development registries) move by hand. */
export class ManualClock implements Clock {
  /** The time, in memory another thread (the RDAP worker) can read: see `shareClock`. */
  readonly cell: Float64Array;
  constructor(t: number = Date.now(), cell?: Float64Array) {
    this.cell = cell ?? new Float64Array(new SharedArrayBuffer(8));
    if (!cell) this.cell[0] = t;
  }
  now(): Date {
    return new Date(this.cell[0]);
  }
  set(d: Date): void {
    this.cell[0] = d.getTime();
  }
  advance(ms: number): void {
    this.cell[0] += ms;
  }
}

/**
 * The clock of a development registry: real time plus an offset that `registry clock advance` stores in
 * the database, so support staff can watch a domain live through its grace periods, redemption and purge
 * in seconds. The server re-reads the offset every second. Never used with devFixtures off.
 */
export class OffsetClock implements Clock {
  /** The offset, in memory another thread (the RDAP worker) can read: see `shareClock`. */
  readonly cell: Float64Array;
  constructor(cell?: Float64Array) {
    this.cell = cell ?? new Float64Array(new SharedArrayBuffer(8));
  }
  get offsetMs(): number {
    return this.cell[0];
  }
  set offsetMs(ms: number) {
    this.cell[0] = ms;
  }
  now(): Date {
    return new Date(Date.now() + this.cell[0]);
  }
}

/**
 * A clock another thread can follow: the system clock, or a manual or offset clock whose time or offset
 * lives in shared memory, so a worker sees a change the moment the main thread makes it.
 */
export type SharedClock = { kind: 'system' } | { kind: 'manual' | 'offset'; cell: Float64Array };

/** The shareable form of `clock`; null for a clock of another kind (it cannot be followed from a thread). */
export function shareClock(clock: Clock): SharedClock | null {
  if (clock === systemClock) return { kind: 'system' };
  if (clock instanceof ManualClock) return { kind: 'manual', cell: clock.cell };
  if (clock instanceof OffsetClock) return { kind: 'offset', cell: clock.cell };
  return null;
}

/** The clock a worker thread reads: the same time as the main thread's. */
export function sharedClock(s: SharedClock): Clock {
  if (s.kind === 'system') return systemClock;
  return s.kind === 'manual' ? new ManualClock(0, s.cell) : new OffsetClock(s.cell);
}

export const CLOCK_OFFSET_SETTING = 'clock.offsetMs';
/** 'development' or 'production': the mode the last server on this database ran in (only development moves its clock). */
export const REGISTRY_MODE_SETTING = 'registry.mode';

/** Parses a duration such as `30d`, `12h`, `90m`, `45s` or `1y` (365 days) into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(-?\d+(?:\.\d+)?)\s*([ywdhms])$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: ${text} (use e.g. 30d, 12h, 90m, 45s, 1y)`);
  const unit = { y: 365 * 86400_000, w: 7 * 86400_000, d: 86400_000, h: 3600_000, m: 60_000, s: 1000 }[m[2] as 'y'];
  return Math.round(Number(m[1]) * unit);
}
