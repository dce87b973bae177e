import { EppError, fail } from '../../protocol/errors.js';
import { NS } from '../../protocol/namespaces.js';
import { child, childText, children, el, type Elem } from '../../protocol/xml-node.js';
import { MAX_HOST_ADDRESSES, type HostAddress } from '../../registry/addresses.js';
import { HOST_CLIENT_STATUSES } from '../../registry/statuses.js';
import type { HostChanges } from '../../storage/host-repo.js';
import type { CommandDef } from '../types.js';
import {
  addressValue,
  checkAddressRanges,
  hostName,
  loadHost,
  nameValue,
  noExtensions,
  parseAddrs,
  placeHost,
  requirePlacement,
  requireSponsor,
  type Placement,
} from './host-data.js';

/** Statuses that forbid any update (besides client/serverUpdateProhibited, handled apart). */
const LIFECYCLE_BLOCKERS = ['pendingDelete', 'pendingTransfer'];

/**
 * <host:update> (RFC 5732 §3.2.5): the sponsor adds/removes addresses and statuses and may rename the host.
 *
 * Status gate: clientUpdateProhibited or serverUpdateProhibited refuse every update, except one whose only
 * change is removing clientUpdateProhibited (not possible under serverUpdateProhibited, which only the
 * registry lifts); pendingDelete/pendingTransfer refuse every update. An update that adds, removes and
 * changes nothing is 2003. Removals are applied before additions; adding something already there or
 * removing something that is not there is 2306.
 * - statuses: only clientDeleteProhibited and clientUpdateProhibited; ok, linked, pending* and server* are
 *   the registry's (2306 naming the status). (clientHold and other domain statuses are not host statuses:
 *   the schema refuses them with 2001 before this runs.)
 * - addresses: as on create (2005 malformed or ip mismatch; 2306 loopback/unspecified, private ranges under
 *   the policy's refusePrivateAddresses, listed twice, more than MAX_HOST_ADDRESSES).
 * - chg name (a rename): the new name must not be a host already (2302, also when it is the host's own
 *   name); a new internal name needs its superordinate domain registered (2303), sponsored by this registrar
 *   (2201) and not pendingDelete (2304). Renaming an external host that domains of other registrars use is
 *   2305 (RFC 5732 §3.2.5: the sponsor creates a new host instead); an internal host may be renamed while
 *   used (its delegations follow it). The superordinate domain follows the new name (internal ↔ external
 *   transitions set or clear it).
 * The state after the update must be one a create could make (decided here where RFC 5732 is silent):
 * - an external host has no addresses: adding one is 2306, and renaming an internal host to an external
 *   name is 2306 unless the same update removes all its addresses (nothing is dropped silently: the
 *   registrar says which glue goes);
 * - an internal host under required glue keeps at least one address: removing the last is 2306, renaming
 *   an address-less host into such a TLD without adding addresses is 2003;
 * - an internal host that domains use as a nameserver keeps at least one address (a domain cannot be
 *   delegated to an internal host without glue): removing the last, or renaming a linked external host
 *   to an internal name without adding addresses, is 2305.
 * When the host moves to another TLD all its addresses are checked against that TLD's policy, otherwise
 * only the added ones.
 *
 * Errors: 2002 an extension element; 2003 nothing to change, required glue missing after a rename; 2005
 * impossible name or new name, malformed address; 2201 not the sponsor, or the new superordinate domain is
 * another registrar's; 2302 the new name exists; 2303 unknown host, or the new name's domain is not
 * registered; 2304 update prohibited (client/serverUpdateProhibited, pendingDelete, pendingTransfer) or the
 * new superordinate domain is pendingDelete; 2305 renaming an external host used by other registrars'
 * domains, a linked internal host left without addresses; 2306 the status and address rules above.
 */
export const hostUpdate: CommandDef = {
  kind: 'object',
  name: 'host:update',
  async run(req, ctx) {
    noExtensions(req);
    const object = req.object!;
    const host = await loadHost(ctx, object);
    requireSponsor(ctx, host, 'update');
    const name = host.name;
    const repo = ctx.repos.hosts;

    const add = child(object, 'add');
    const rem = child(object, 'rem');
    const chg = child(object, 'chg');
    const addStatuses = statusesOf(add);
    const remStatuses = statusesOf(rem);
    const changeCount = (add?.children.length ?? 0) + (rem?.children.length ?? 0) + (chg?.children.length ?? 0);
    if (changeCount === 0) throw fail.missing(`The update of ${name} adds, removes and changes nothing`, nameValue(name));

    // ---- status gate
    const blocker = host.statuses.find((s) => LIFECYCLE_BLOCKERS.includes(s));
    if (blocker) throw fail.status(`Host ${name} has status ${blocker}: it cannot be updated`, nameValue(name));
    if (host.statuses.includes('serverUpdateProhibited')) {
      throw fail.status(`Host ${name} has status serverUpdateProhibited: only the registry can change it`, nameValue(name));
    }
    const onlyUnlock = changeCount === 1 && remStatuses.length === 1 && remStatuses[0] === 'clientUpdateProhibited';
    if (host.statuses.includes('clientUpdateProhibited') && !onlyUnlock) {
      throw fail.status(`Host ${name} has status clientUpdateProhibited: remove it first, in an update that changes nothing else`, nameValue(name));
    }

    // ---- statuses
    for (const s of [...addStatuses, ...remStatuses]) {
      if (!(HOST_CLIENT_STATUSES as readonly string[]).includes(s)) {
        throw fail.policy(`Status ${s} is not set or removed by registrars; only ${HOST_CLIENT_STATUSES.join(', ')} are`, el('host:status', { s }));
      }
    }
    const statuses = [...host.statuses];
    for (const s of remStatuses) {
      const i = statuses.indexOf(s);
      if (i < 0) throw fail.policy(`Host ${name} does not have status ${s}`, el('host:status', { s }));
      statuses.splice(i, 1);
    }
    for (const s of addStatuses) {
      if (statuses.includes(s)) throw fail.policy(`Host ${name} already has status ${s}`, el('host:status', { s }));
      statuses.push(s);
    }

    // ---- addresses
    const addAddrs = parseAddrs(add);
    const remAddrs = parseAddrs(rem);
    const addrs: HostAddress[] = [...host.addresses];
    for (const a of remAddrs) {
      const i = addrs.findIndex((x) => x.addr === a.addr);
      if (i < 0) throw fail.policy(`Host ${name} does not have address ${a.addr}`, addressValue(a));
      addrs.splice(i, 1);
    }
    for (const a of addAddrs) {
      if (addrs.some((x) => x.addr === a.addr)) throw fail.policy(`Host ${name} already has address ${a.addr}`, addressValue(a));
      addrs.push(a);
    }
    if (addrs.length > MAX_HOST_ADDRESSES) throw fail.policy(`A host may have at most ${MAX_HOST_ADDRESSES} addresses`, nameValue(name));

    // ---- rename
    const newInput = childText(chg, 'name');
    let newName: string | undefined;
    let place: Exclude<Placement, { kind: 'orphan' }>;
    if (newInput !== undefined) {
      newName = hostName(newInput);
      if (newName === name) throw fail.exists(`${newName} is already the name of this host`, nameValue(newInput));
      if (await repo.byName(newName)) throw fail.exists(`Host ${newName} already exists`, nameValue(newInput));
      place = await requirePlacement(ctx, newName, newInput);
      if (host.superordinateId === null && (await repo.linkedByOthers(host.id, ctx.registrar.id))) {
        throw fail.association(
          `Host ${name} is external and domains of other registrars use it: create a host named ${newName} instead`,
          nameValue(name),
        );
      }
    } else {
      // The host stays where it is (its superordinate domain can only be this registrar's, or it is external).
      const p = await placeHost(ctx, name);
      place = p.kind === 'orphan' ? { kind: 'external' } : p;
    }
    const finalName = newName ?? name;
    const moved = newName !== undefined && (place.kind === 'internal' ? place.domain.id : null) !== host.superordinateId;

    // ---- the state after the update (checked when this update touches the addresses or the name: a
    // status change never fails on them)
    const reshapes = addAddrs.length + remAddrs.length > 0 || newName !== undefined;
    if (reshapes && place.kind === 'external' && addrs.length > 0) {
      const msg =
        newName !== undefined && host.superordinateId !== null
          ? `${finalName} is not under a TLD of this registry: an external host takes no addresses, remove them in the same update`
          : `Host ${finalName} is not under a TLD of this registry: it takes no addresses`;
      throw fail.policy(msg, addressValue(addAddrs[0] ?? addrs[0]));
    }
    if (reshapes && place.kind === 'internal') {
      const policy = place.tld.policy;
      if (addrs.length === 0 && (await repo.isLinked(host.id))) {
        throw fail.association(
          `Host ${finalName} is under ${place.domain.name} and domains use it as a nameserver: it must keep at least one address`,
          nameValue(newInput ?? name),
        );
      }
      if (addrs.length === 0 && policy.glue === 'required') {
        throw new EppError(
          remAddrs.length > 0 ? 2306 : 2003,
          `Host ${finalName} is under ${place.domain.name}: .${place.tld.name} requires at least one address`,
          nameValue(newInput ?? name),
        );
      }
      checkAddressRanges(moved ? addrs : addAddrs, policy);
    }

    // ---- change
    const changes: HostChanges = {};
    if (addStatuses.length + remStatuses.length > 0) changes.statuses = statuses;
    if (newName !== undefined) {
      changes.name = newName;
      changes.superordinateId = place.kind === 'internal' ? place.domain.id : null;
    }
    await repo.update(host.id, changes, ctx.registrar.id, ctx.now);
    for (const a of remAddrs) await repo.removeAddress(host.id, a.addr);
    for (const a of addAddrs) await repo.addAddress(host.id, a);
    return { object: name };
  },
};

function statusesOf(addRem: Elem | undefined): string[] {
  return children(addRem, 'status', NS.host).map((s) => s.attrs.s);
}
