/**
 * The server's limits whose counts must be one across every process serving the database: a registrar's
 * EPP sessions, failed logins, HTTP request windows. One process serves an SQLite database (its serve lock),
 * so there they are counted in memory (SessionTable, LoginThrottle, RateLimiter); on PostgreSQL, where
 * several processes serve one database, the store keeps them (`Store.sharedLimits`).
 */
export interface SharedLimits {
  /** Registers this process and starts its heartbeat: a process silent for three heartbeats is taken for dead. */
  start(): Promise<void>;
  /** Takes `sessionId` as one of the registrar's at most `max` sessions; false when it has `max` already. */
  claimSession(registrarId: number, sessionId: string, max: number): Promise<boolean>;
  releaseSession(sessionId: string): Promise<void>;
  /** Failed logins counted for (address, clID), and how many clIDs have failures counted from the address, since `since` (ms). */
  loginFailures(address: string, clID: string, since: number): Promise<{ own: number; clIds: number }>;
  /** One more failed login of (address, clID) at `now`; a count whose last failure is before `since` starts again, and it is kept until now + (now − since). */
  loginFailed(address: string, clID: string, now: number, since: number): Promise<void>;
  loginSucceeded(address: string, clID: string): Promise<void>;
  /**
   * Counts one request against each (key, limit) in the window starting at `windowStart` (ms), unless one of
   * them has reached its limit: then nothing is counted. Returns each bucket's count after, and the first refusing one.
   */
  takeRate(buckets: Array<[key: string, limit: number]>, window: { start: number; end: number }): Promise<{ counts: number[]; refused: number | null }>;
  /** Server processes alive now (heartbeats fresh), this one included: each paces a registrar at its rate / this. */
  liveProcesses(): Promise<number>;
  /** Ends the heartbeat and forgets this process and its sessions. */
  stop(): Promise<void>;
}
