/**
 * Which domains the zone delegates (RFC 5731 §2.3, RFC 3915 §3): a domain is published with its NS (and
 * DS) records unless it is on hold (clientHold, serverHold), has no name servers (inactive), or has been
 * deleted (redemptionPeriod, pendingRestore and pendingDelete all carry the stored status pendingDelete,
 * and the storage also checks the deletion itself). A restore removes pendingDelete: back in the zone.
 */
export const NOT_DELEGATED_STATUSES = ['clientHold', 'serverHold', 'pendingDelete'] as const;
