import { contactCheck } from '../commands/contact/check.js';
import { contactCreate } from '../commands/contact/create.js';
import { contactDelete } from '../commands/contact/delete.js';
import { contactInfo } from '../commands/contact/info.js';
import { contactTransferApprove } from '../commands/contact/transfer-approve.js';
import { contactTransferCancel } from '../commands/contact/transfer-cancel.js';
import { contactTransferQuery } from '../commands/contact/transfer-query.js';
import { contactTransferReject } from '../commands/contact/transfer-reject.js';
import { contactTransferRequest } from '../commands/contact/transfer-request.js';
import { contactUpdate } from '../commands/contact/update.js';
import { domainCheck } from '../commands/domain/check.js';
import { domainCreate } from '../commands/domain/create.js';
import { domainDelete } from '../commands/domain/delete.js';
import { domainInfo } from '../commands/domain/info.js';
import { domainRenew } from '../commands/domain/renew.js';
import { domainRestore } from '../commands/domain/restore.js';
import { domainTransferApprove } from '../commands/domain/transfer-approve.js';
import { domainTransferCancel } from '../commands/domain/transfer-cancel.js';
import { domainTransferQuery } from '../commands/domain/transfer-query.js';
import { domainTransferReject } from '../commands/domain/transfer-reject.js';
import { domainTransferRequest } from '../commands/domain/transfer-request.js';
import { domainUpdate } from '../commands/domain/update.js';
import { hostCheck } from '../commands/host/check.js';
import { hostCreate } from '../commands/host/create.js';
import { hostDelete } from '../commands/host/delete.js';
import { hostInfo } from '../commands/host/info.js';
import { hostUpdate } from '../commands/host/update.js';
import { pollAck } from '../commands/poll/ack.js';
import { pollRequest } from '../commands/poll/request.js';
import { login } from '../commands/session/login.js';
import { logout } from '../commands/session/logout.js';
import { EppError } from '../protocol/errors.js';
import { NS } from '../protocol/namespaces.js';
import type { EppMessage } from '../protocol/parser.js';
import { bind, withExtension, type EppBinding, type ExtensionRef } from './binding.js';
import { readFeeAgreement, readFeeCheck, renderFeeCharged, renderFeeCheck } from './fee.js';
import { readLaunchCheck, readLaunchCreate, readLaunchInfo, renderClaimsCheck, renderLaunchInfo } from './launch.js';
import {
  readContactCheck,
  readContactCreate,
  readContactDelete,
  readContactInfo,
  readContactUpdate,
  renderContactCheck,
  renderContactCreate,
  renderContactInfo,
} from './contact.js';
import { readHostCheck, readHostCreate, readHostDelete, readHostInfo, readHostUpdate, renderHostCheck, renderHostCreate, renderHostInfo } from './host.js';
import {
  readDomainCheck,
  readDomainCreate,
  readDomainDelete,
  readDomainInfo,
  readDomainRenew,
  readDomainRestore,
  readDomainUpdate,
  renderDomainCheck,
  renderDomainCreate,
  renderDomainInfo,
  renderDomainRenew,
  renderDomainRestore,
} from './domain.js';
import { readPollAck, readPollRequest, renderPollMessage } from './poll.js';
import { readLogin, readLogout, renderLogin } from './session.js';
import { readContactTransfer, readDomainTransfer, renderContactTransfer, renderDomainTransfer } from './transfer.js';

const secDNS = (name: string): ExtensionRef => [NS.secDNS, name];
const rgp = (name: string): ExtensionRef => [NS.rgp, name];
const tciDomain = (name: string): ExtensionRef => [NS.tciDomain, name];
const fee = (name: string): ExtensionRef => [NS.fee, name];
const launch = (name: string): ExtensionRef => [NS.launch, name];
const tciContact = (name: string): ExtensionRef => [NS.tciContact, name];

/**
 * The whole EPP command surface on one screen: (verb, object namespace, op, extension) → one handler, with
 * the extension elements it accepts (any other is refused with 2102 before the handler runs; one whose
 * namespace was not selected at login, 2103). Non-obvious rows: a transfer's op selects its handler; an
 * RGP restore is a <domain:update> that carries <rgp:update>.
 */
const TABLE: Record<string, EppBinding> = {
  login: bind({ command: login, extensions: [[NS.loginSec, 'loginSec']], read: readLogin, render: renderLogin }),
  logout: bind({ command: logout, read: readLogout }),
  'poll:req': bind({ command: pollRequest, read: readPollRequest, render: renderPollMessage }),
  'poll:ack': bind({ command: pollAck, read: readPollAck }),

  'check:domain': bind({
    command: domainCheck,
    extensions: [fee('check'), launch('check')],
    read: (m) => ({ ...readDomainCheck(m), fee: readFeeCheck(m), launch: readLaunchCheck(m) }),
    // The claims form answers <launch:chkData> instead of availability (RFC 8334 §3.1.1).
    render: (d, s) => (d.launch ? renderClaimsCheck(d.launch) : withExtension(renderDomainCheck(d), renderFeeCheck(d.fees, s))),
  }),
  'info:domain': bind({
    command: domainInfo,
    extensions: [launch('info')],
    read: (m) => ({ ...readDomainInfo(m), launch: readLaunchInfo(m) }),
    render: (d) => withExtension(renderDomainInfo(d), renderLaunchInfo(d.launch)),
  }),
  'create:domain': bind({
    command: domainCreate,
    extensions: [secDNS('create'), tciDomain('create'), fee('create'), launch('create')],
    read: (m) => ({ ...readDomainCreate(m), fee: readFeeAgreement(m, 'create'), launch: readLaunchCreate(m) }),
    render: (d, s) => withExtension(renderDomainCreate(d), renderFeeCharged('creData', d.fee, s)),
  }),
  'update:domain': bind({ command: domainUpdate, extensions: [secDNS('update'), tciDomain('update')], read: readDomainUpdate }),
  'update:domain+rgp': bind({
    command: domainRestore,
    extensions: [rgp('update'), fee('update')],
    read: (m) => ({ ...readDomainRestore(m), fee: readFeeAgreement(m, 'update') }),
    render: (d, s) => withExtension(renderDomainRestore(d), renderFeeCharged('updData', d.fee, s)),
  }),
  'delete:domain': bind({ command: domainDelete, read: readDomainDelete }),
  'renew:domain': bind({
    command: domainRenew,
    extensions: [fee('renew')],
    read: (m) => ({ ...readDomainRenew(m), fee: readFeeAgreement(m, 'renew') }),
    render: (d, s) => withExtension(renderDomainRenew(d), renderFeeCharged('renData', d.fee, s)),
  }),
  'transfer:domain:request': bind({
    command: domainTransferRequest,
    extensions: [fee('transfer')],
    read: (m) => ({ ...readDomainTransfer(m), fee: readFeeAgreement(m, 'transfer') }),
    render: (d, s) => withExtension(renderDomainTransfer(d), renderFeeCharged('trnData', d.fee, s)),
  }),
  'transfer:domain:query': bind({ command: domainTransferQuery, read: readDomainTransfer, render: renderDomainTransfer }),
  'transfer:domain:approve': bind({ command: domainTransferApprove, read: readDomainTransfer, render: renderDomainTransfer }),
  'transfer:domain:reject': bind({ command: domainTransferReject, read: readDomainTransfer, render: renderDomainTransfer }),
  'transfer:domain:cancel': bind({ command: domainTransferCancel, read: readDomainTransfer, render: renderDomainTransfer }),

  'check:contact': bind({ command: contactCheck, read: readContactCheck, render: renderContactCheck }),
  'info:contact': bind({ command: contactInfo, read: readContactInfo, render: renderContactInfo }),
  'create:contact': bind({ command: contactCreate, extensions: [tciContact('create')], read: readContactCreate, render: renderContactCreate }),
  'update:contact': bind({ command: contactUpdate, extensions: [tciContact('update')], read: readContactUpdate }),
  'delete:contact': bind({ command: contactDelete, read: readContactDelete }),
  'transfer:contact:request': bind({ command: contactTransferRequest, read: readContactTransfer, render: renderContactTransfer }),
  'transfer:contact:query': bind({ command: contactTransferQuery, read: readContactTransfer, render: renderContactTransfer }),
  'transfer:contact:approve': bind({ command: contactTransferApprove, read: readContactTransfer, render: renderContactTransfer }),
  'transfer:contact:reject': bind({ command: contactTransferReject, read: readContactTransfer, render: renderContactTransfer }),
  'transfer:contact:cancel': bind({ command: contactTransferCancel, read: readContactTransfer, render: renderContactTransfer }),

  'check:host': bind({ command: hostCheck, read: readHostCheck, render: renderHostCheck }),
  'info:host': bind({ command: hostInfo, read: readHostInfo, render: renderHostInfo }),
  'create:host': bind({ command: hostCreate, read: readHostCreate, render: renderHostCreate }),
  'update:host': bind({ command: hostUpdate, read: readHostUpdate }),
  'delete:host': bind({ command: hostDelete, read: readHostDelete }),
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

/** The binding of a parsed command; a command the protocol defines but this server does not implement: 2101. */
export function pickCommand(m: EppMessage): EppBinding {
  const key = commandKey(m);
  return TABLE[key] ?? unimplemented(key);
}

/** Every row, for the README and the tests that check each command's extension list. */
export function commandTable(): Readonly<Record<string, EppBinding>> {
  return TABLE;
}

function unimplemented(key: string): EppBinding {
  return {
    command: {
      kind: 'object',
      name: key,
      readOnly: true,
      async run() {
        throw new EppError(2101, `${key} is not implemented by this server`);
      },
    },
    extensions: [],
    read: () => undefined,
  };
}
