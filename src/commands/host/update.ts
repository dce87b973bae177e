import { MAX_HOST_ADDRESSES, type HostAddress } from '../../registry/addresses.js';
import { HOST_CLIENT_STATUSES } from '../../registry/statuses.js';
import type { HostChanges } from '../../storage/host-repo.js';
import { applyClientStatuses, requireSponsor, updateGate } from '../object-rules.js';
import type { ObjectCommand } from '../types.js';
import {
  addressAbsent,
  addressPresent,
  externalHostAddresses,
  externalHostInUse,
  externalRenameKeepsAddresses,
  glueLastAddressRemoved,
  glueMissingAfterRename,
  hostExists,
  hostUpdateEmpty,
  linkedHostNeedsAddress,
  nameValue,
  renameToOwnName,
  tooManyAddresses,
} from './conditions.js';
import { checkAddressRanges, hostName, loadHost, parseAddrs, placeHost, requireHostNameScripts, requirePlacement, type Placement } from './host-data.js';
import type { HostUpdate } from './types.js';

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
 *   name) and is written one script per label like a created one (2306); a new internal name needs its
 *   superordinate domain registered (2303), sponsored by this registrar (2201) and not pendingDelete
 *   (2304). Renaming an external host that domains of other registrars use is
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
 * Errors:
 * - 2003: hostUpdateEmpty (nothing to change), glueMissingAfterRename;
 * - 2005: invalidHostName (the name or the new name), invalidAddress;
 * - 2201: notSponsor, superordinateOfOtherSponsor (the new name's domain);
 * - 2302: hostExists (the new name), renameToOwnName;
 * - 2303: hostNotFound, superordinateNotRegistered (the new name's domain);
 * - 2304: updateBlockedByLifecycle (pendingDelete, pendingTransfer), serverUpdateProhibited,
 *   clientUpdateProhibited, superordinatePendingDelete (the new name's domain);
 * - 2305: externalHostInUse, linkedHostNeedsAddress;
 * - 2306: statusNotSettable, statusAbsent, statusPresent, addressAbsent, addressPresent,
 *   addressListedTwice, addressRefused, tooManyAddresses, externalHostAddresses,
 *   externalRenameKeepsAddresses, glueLastAddressRemoved, hostNameScriptRefused (the new name: a label
 *   mixing scripts or outside the TLD's IDN tables).
 */
export const hostUpdate: ObjectCommand<HostUpdate, undefined> = {
  kind: 'object',
  name: 'host:update',
  async run(input, ctx) {
    const host = await loadHost(ctx, input.name);
    requireSponsor(ctx, 'Host', host, 'update', nameValue(host.name));
    const name = host.name;
    const repo = ctx.repos.hosts;

    const { add, rem, chg } = input;
    const changeCount = add.addrs.length + add.statuses.length + rem.addrs.length + rem.statuses.length + (chg.name !== undefined ? 1 : 0);
    if (changeCount === 0) throw hostUpdateEmpty(name);

    // ---- status gate
    const onlyUnlock = changeCount === 1 && rem.statuses.length === 1 && rem.statuses[0] === 'clientUpdateProhibited';
    updateGate('Host', name, host.statuses, onlyUnlock, nameValue(name));

    // ---- statuses
    const statuses = applyClientStatuses('Host', name, host.statuses, { add: add.statuses, rem: rem.statuses }, HOST_CLIENT_STATUSES, HOST_CLIENT_STATUSES.join(', '));

    // ---- addresses
    const addAddrs = parseAddrs(add.addrs);
    const remAddrs = parseAddrs(rem.addrs);
    const addrs: HostAddress[] = [...host.addresses];
    for (const a of remAddrs) {
      const i = addrs.findIndex((x) => x.addr === a.addr);
      if (i < 0) throw addressAbsent(name, a);
      addrs.splice(i, 1);
    }
    for (const a of addAddrs) {
      if (addrs.some((x) => x.addr === a.addr)) throw addressPresent(name, a);
      addrs.push(a);
    }
    if (addrs.length > MAX_HOST_ADDRESSES) throw tooManyAddresses(name);

    // ---- rename
    const newInput = chg.name;
    let newName: string | undefined;
    let place: Exclude<Placement, { kind: 'orphan' }>;
    if (newInput !== undefined) {
      newName = hostName(newInput);
      if (newName === name) throw renameToOwnName(newName, newInput);
      if (await repo.byName(newName)) throw hostExists(newName, newInput);
      await requireHostNameScripts(ctx, newName, newInput);
      place = await requirePlacement(ctx, newName, newInput);
      if (host.superordinateId === null && (await repo.linkedByOthers(host.id, ctx.registrar.id))) throw externalHostInUse(name, newName);
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
      const shown = addAddrs[0] ?? addrs[0];
      if (newName !== undefined && host.superordinateId !== null) throw externalRenameKeepsAddresses(finalName, shown);
      throw externalHostAddresses(finalName, shown);
    }
    if (reshapes && place.kind === 'internal') {
      const policy = place.tld.policy;
      const named = newInput ?? name;
      if (addrs.length === 0 && (await repo.isLinked(host.id))) throw linkedHostNeedsAddress(finalName, place.domain.name, named);
      if (addrs.length === 0 && policy.glue === 'required') {
        const glueMissing = remAddrs.length > 0 ? glueLastAddressRemoved : glueMissingAfterRename;
        throw glueMissing(finalName, place.domain.name, place.tld.name, named);
      }
      checkAddressRanges(moved ? addrs : addAddrs, policy);
    }

    // ---- change
    const changes: HostChanges = {};
    if (add.statuses.length + rem.statuses.length > 0) changes.statuses = statuses;
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
