import { NS } from '../protocol/namespaces.js';
import type { EppMessage } from '../protocol/parser.js';
import { contactCheck } from './contact/check.js';
import { contactCreate } from './contact/create.js';
import { contactDelete } from './contact/delete.js';
import { contactInfo } from './contact/info.js';
import { contactTransferApprove } from './contact/transfer-approve.js';
import { contactTransferCancel } from './contact/transfer-cancel.js';
import { contactTransferQuery } from './contact/transfer-query.js';
import { contactTransferReject } from './contact/transfer-reject.js';
import { contactTransferRequest } from './contact/transfer-request.js';
import { contactUpdate } from './contact/update.js';
import { domainCheck } from './domain/check.js';
import { domainCreate } from './domain/create.js';
import { domainDelete } from './domain/delete.js';
import { domainInfo } from './domain/info.js';
import { domainRenew } from './domain/renew.js';
import { domainUpdate } from './domain/update.js';
import { hostCheck } from './host/check.js';
import { hostCreate } from './host/create.js';
import { hostDelete } from './host/delete.js';
import { hostInfo } from './host/info.js';
import { hostUpdate } from './host/update.js';
import { pollAck } from './poll/ack.js';
import { pollRequest } from './poll/request.js';
import { login } from './session/login.js';
import { logout } from './session/logout.js';
import { domainRestore } from './domain/restore.js';
import { domainTransferApprove } from './domain/transfer-approve.js';
import { domainTransferCancel } from './domain/transfer-cancel.js';
import { domainTransferQuery } from './domain/transfer-query.js';
import { domainTransferReject } from './domain/transfer-reject.js';
import { domainTransferRequest } from './domain/transfer-request.js';
import type { CommandDef } from './types.js';
import { unimplemented } from './unimplemented.js';

/**
 * The whole command surface on one screen: (verb, object namespace, op, extension) → one handler.
 * Non-obvious rows: a transfer's op selects its handler; an RGP restore is a <domain:update> that
 * carries <rgp:update>.
 */
const TABLE: Record<string, CommandDef> = {
  login,
  logout,
  'poll:req': pollRequest,
  'poll:ack': pollAck,

  'check:domain': domainCheck,
  'info:domain': domainInfo,
  'create:domain': domainCreate,
  'update:domain': domainUpdate,
  'update:domain+rgp': domainRestore,
  'delete:domain': domainDelete,
  'renew:domain': domainRenew,
  'transfer:domain:request': domainTransferRequest,
  'transfer:domain:query': domainTransferQuery,
  'transfer:domain:approve': domainTransferApprove,
  'transfer:domain:reject': domainTransferReject,
  'transfer:domain:cancel': domainTransferCancel,

  'check:contact': contactCheck,
  'info:contact': contactInfo,
  'create:contact': contactCreate,
  'update:contact': contactUpdate,
  'delete:contact': contactDelete,
  'transfer:contact:request': contactTransferRequest,
  'transfer:contact:query': contactTransferQuery,
  'transfer:contact:approve': contactTransferApprove,
  'transfer:contact:reject': contactTransferReject,
  'transfer:contact:cancel': contactTransferCancel,

  'check:host': hostCheck,
  'info:host': hostInfo,
  'create:host': hostCreate,
  'update:host': hostUpdate,
  'delete:host': hostDelete,
};

const OBJECT_BY_NS: Record<string, string> = { [NS.domain]: 'domain', [NS.contact]: 'contact', [NS.host]: 'host' };

/** The table key of a parsed command. */
export function commandKey(m: EppMessage): string {
  const verb = m.verb!;
  if (verb === 'login' || verb === 'logout') return verb;
  if (verb === 'poll') return `poll:${m.verbEl!.attrs.op}`;
  const object = m.object ? (OBJECT_BY_NS[m.object.ns] ?? m.object.ns) : '';
  if (verb === 'transfer') return `transfer:${object}:${m.verbEl!.attrs.op}`;
  if (verb === 'update' && object === 'domain' && m.extensions.some((e) => e.ns === NS.rgp && e.name === 'update')) {
    return 'update:domain+rgp';
  }
  return `${verb}:${object}`;
}

export function pickCommand(m: EppMessage): CommandDef {
  const key = commandKey(m);
  return TABLE[key] ?? unimplemented(key);
}
