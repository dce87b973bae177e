import type { Repos } from '../storage/store.js';
import { SERVER_STATUSES } from './statuses.js';

/**
 * What the registry operator does to a domain outside EPP (from the CLI): server* statuses. The sponsor
 * learns of every change through its poll queue, and the change is in the audit trail (source cli).
 */
export async function changeServerStatuses(
  repos: Repos,
  name: string,
  add: string[],
  remove: string[],
  now: Date,
  svTRID: string,
): Promise<string[]> {
  for (const s of [...add, ...remove]) {
    if (!(SERVER_STATUSES as readonly string[]).includes(s)) throw new Error(`${s} is not a server status (${SERVER_STATUSES.join(', ')})`);
  }
  const domain = await repos.domains.byName(name.toLowerCase());
  if (!domain) throw new Error(`no domain ${name}`);
  const statuses = [...new Set([...domain.statuses.filter((s) => !remove.includes(s)), ...add])];
  await repos.domains.update(domain.id, { statuses }, domain.sponsorId, now);
  const parts = [add.length ? `added ${add.join(', ')}` : '', remove.length ? `removed ${remove.join(', ')}` : ''].filter(Boolean);
  await repos.poll.enqueue(domain.sponsorId, `The registry changed the status of ${domain.name}: ${parts.join('; ')}.`, { kind: 'serverStatus', name: domain.name, added: add, removed: remove }, now);
  await repos.audit.record({
    at: now,
    registrarId: domain.sponsorId,
    sessionId: null,
    source: 'cli',
    command: 'domain:server-status',
    object: domain.name,
    clTRID: null,
    svTRID,
    code: 1000,
    message: parts.join('; '),
    durationUs: null,
  });
  return statuses;
}
