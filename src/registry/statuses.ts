/**
 * Object statuses (RFC 5731 §2.3, 5732 §2.3, 5733 §2.2) and which of them a registrar may set.
 * `linked` and `ok` are computed; `pending*` come from the lifecycle; `server*` only from the registry.
 */
export const DOMAIN_CLIENT_STATUSES = [
  'clientDeleteProhibited',
  'clientHold',
  'clientRenewProhibited',
  'clientTransferProhibited',
  'clientUpdateProhibited',
] as const;

export const HOST_CLIENT_STATUSES = ['clientDeleteProhibited', 'clientUpdateProhibited'] as const;

export const CONTACT_CLIENT_STATUSES = [
  'clientDeleteProhibited',
  'clientTransferProhibited',
  'clientUpdateProhibited',
] as const;

export const SERVER_STATUSES = [
  'serverDeleteProhibited',
  'serverHold',
  'serverRenewProhibited',
  'serverTransferProhibited',
  'serverUpdateProhibited',
] as const;

export function has(statuses: readonly string[], s: string): boolean {
  return statuses.includes(s);
}

/** client/serverUpdateProhibited: every update is refused except one that removes clientUpdateProhibited. */
export function updateProhibited(statuses: readonly string[]): boolean {
  return statuses.includes('clientUpdateProhibited') || statuses.includes('serverUpdateProhibited');
}

export function deleteProhibited(statuses: readonly string[]): boolean {
  return statuses.includes('clientDeleteProhibited') || statuses.includes('serverDeleteProhibited');
}

/** A domain's statuses as shown: the stored ones, `inactive` without nameservers, `ok` when nothing else applies. */
export function domainDisplayStatuses(stored: readonly string[], nsCount: number): string[] {
  const s = [...stored];
  if (nsCount === 0) s.push('inactive');
  return s.length > 0 ? s : ['ok'];
}
