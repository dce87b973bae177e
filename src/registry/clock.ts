/** Time as the registry sees it. Every rule that depends on time reads an injected clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that tests (and development registries) move by hand. */
export class ManualClock implements Clock {
  constructor(private t: number = Date.now()) {}
  now(): Date {
    return new Date(this.t);
  }
  set(d: Date): void {
    this.t = d.getTime();
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/**
 * The clock of a development registry: real time plus an offset that `registry clock advance` stores in
 * the database, so support staff can watch a domain live through its grace periods, redemption and purge
 * in seconds. The server re-reads the offset every second. Never used with devFixtures off.
 */
export class OffsetClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
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
