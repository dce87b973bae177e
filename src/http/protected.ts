import { normalizeName } from '../registry/names.js';
import type { ProtectedName } from '../storage/http-repo.js';
import type { Store } from '../storage/store.js';

/**
 * Protected names (the handoff packet's legacy/NB recovery records): never available for create or sandbox
 * reset, through either door, until an operator records an explicit recovery decision. The record lives
 * in protected_names (reason, decision, who, when); so that EPP refuses the name too without a special case
 * in its handlers, `protect` also lists the label in the TLD policy's reservedNames (EPP check: "Reserved",
 * create: 2306) and the recovery decision takes it out again (unless it was reserved before). The HTTP API
 * answers with the specific reason (check) and 409 name_protected (create, sandbox reset).
 */

async function servedTld(store: Store, name: string): Promise<{ name: string; label: string; tld: string }> {
  const n = normalizeName(name);
  if (!n.ok) throw new Error(`${name}: ${n.reason}`);
  const tlds = await store.transaction((r) => r.tlds.list());
  const tld = tlds.filter((t) => n.name.endsWith(`.${t.name}`)).sort((a, b) => b.name.length - a.name.length)[0];
  if (!tld) throw new Error(`${n.name} is not under a TLD this registry serves`);
  const label = n.name.slice(0, n.name.length - tld.name.length - 1);
  if (label.includes('.')) throw new Error(`${n.name} is not a single label under .${tld.name}`);
  return { name: n.name, label, tld: tld.name };
}

/** The A-label a reservedNames entry stands for. */
function labelOf(entry: string, tld: string): string {
  const n = normalizeName(`${entry}.${tld}`);
  return n.ok ? n.labels[0] : entry;
}

export async function protectName(store: Store, input: string, reason: string, now: Date): Promise<ProtectedName> {
  const { name, label, tld } = await servedTld(store, input);
  return store.transaction(async (r) => {
    const t = (await r.tlds.get(tld))!;
    const already = t.policy.reservedNames.some((x) => labelOf(x, tld) === label);
    const current = await r.http.protectedName(name);
    const reservedInPolicy = current && !current.decidedAt ? current.reservedInPolicy : !already;
    if (!already) await r.tlds.upsert({ name: tld, policy: { ...t.policy, reservedNames: [...t.policy.reservedNames, label] } }, now);
    const p: ProtectedName = { name, reason, reservedInPolicy, protectedAt: now, decision: null, decidedBy: null, decidedAt: null };
    await r.http.protect(p);
    return p;
  });
}

/** Records the operator's recovery decision: the name becomes available again (unless the policy reserved it anyway). */
export async function releaseName(store: Store, input: string, decision: string, decidedBy: string, now: Date): Promise<ProtectedName> {
  const { name, label, tld } = await servedTld(store, input);
  return store.transaction(async (r) => {
    const p = await r.http.protectedName(name);
    if (!p || p.decidedAt) throw new Error(`${name} is not protected`);
    if (p.reservedInPolicy) {
      const t = (await r.tlds.get(tld))!;
      await r.tlds.upsert({ name: tld, policy: { ...t.policy, reservedNames: t.policy.reservedNames.filter((x) => labelOf(x, tld) !== label) } }, now);
    }
    await r.http.release(name, decision, decidedBy, now);
    return { ...p, decision, decidedBy, decidedAt: now };
  });
}

export async function listProtected(store: Store, all: boolean): Promise<ProtectedName[]> {
  return store.transaction((r) => r.http.protectedNames(all));
}

/**
 * Puts the labels of active protected names back into their TLD policies' reservedNames, where a reload of
 * the TLD (development fixtures at start, `tld add`) replaced the policy. Run when the HTTP API starts.
 */
export async function syncProtectedNames(store: Store, now: Date): Promise<void> {
  await store.transaction(async (r) => {
    for (const p of await r.http.protectedNames(false)) {
      if (!p.reservedInPolicy) continue;
      const tlds = await r.tlds.list();
      const tld = tlds.filter((t) => p.name.endsWith(`.${t.name}`)).sort((a, b) => b.name.length - a.name.length)[0];
      if (!tld) continue;
      const label = p.name.slice(0, p.name.length - tld.name.length - 1);
      if (!tld.policy.reservedNames.some((x) => labelOf(x, tld.name) === label)) {
        await r.tlds.upsert({ name: tld.name, policy: { ...tld.policy, reservedNames: [...tld.policy.reservedNames, label] } }, now);
      }
    }
  });
}
