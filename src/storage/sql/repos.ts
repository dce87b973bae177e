import type { Repos } from '../store.js';
import { SqlAuditRepo, SqlPollRepo, SqlRegistrarRepo, SqlSettingsRepo, SqlTldRepo, type TldCache } from './core.js';
import { SqlContactRepo } from './contacts.js';
import { SqlContactTransferRepo } from './contact-transfers.js';
import type { SqlDb } from './db.js';
import { SqlDomainRepo } from './domains.js';
import { SqlHostRepo } from './hosts.js';
import { SqlHttpRepo } from './http.js';
import { SqlBillingRepo, SqlLifecycleRepo } from './lifecycle.js';
import { SqlMaintenanceRepo } from './maintenance.js';
import { SqlTmchRepo } from './tmch.js';
import { SqlTransferRepo } from './transfers.js';
import { SqlZoneRepo } from './zone.js';

/**
 * Every repository over one `SqlDb`, for either store. `tlds`: the TLD cache to share (PostgreSQL keeps one per
 * store across its transactions; by default one per call); `audit`: an audit repository the store reads back.
 */
export function reposOn(db: SqlDb, o: { tlds?: TldCache; audit?: SqlAuditRepo } = {}): Repos {
  return {
    registrars: new SqlRegistrarRepo(db),
    tlds: new SqlTldRepo(db, o.tlds),
    poll: new SqlPollRepo(db),
    audit: o.audit ?? new SqlAuditRepo(db),
    settings: new SqlSettingsRepo(db),
    contacts: new SqlContactRepo(db),
    hosts: new SqlHostRepo(db),
    domains: new SqlDomainRepo(db),
    lifecycle: new SqlLifecycleRepo(db),
    billing: new SqlBillingRepo(db),
    transfers: new SqlTransferRepo(db),
    contactTransfers: new SqlContactTransferRepo(db),
    http: new SqlHttpRepo(db),
    zone: new SqlZoneRepo(db),
    tmch: new SqlTmchRepo(db),
    maintenance: new SqlMaintenanceRepo(db),
  };
}
