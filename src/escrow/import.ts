import { createReadStream } from 'node:fs';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { plusDays } from '../registry/lifecycle.js';
import { addYears } from '../registry/periods.js';
import { resolvePolicy, type TldPolicy, type TldPolicyInput } from '../registry/policy.js';
import type { Disclose, PostalInfo, PostalType, TciContactData } from '../storage/contact-repo.js';
import type { DomainContactType } from '../storage/domain-repo.js';
import type { EscrowContact, EscrowDomain, EscrowImport, EscrowRegistrar, EscrowTransfer } from '../storage/escrow-source.js';
import type { Deletion, GracePeriod } from '../storage/lifecycle-repo.js';
import type { TransferStatus } from '../storage/transfer-repo.js';
import { EscrowError } from './keys.js';
import { RDE_NS } from './namespaces.js';

/** One element of a deposit object, as read. */
interface Node {
  uri: string;
  local: string;
  attrs: Record<string, string>;
  text: string;
  kids: Node[];
}

const kid = (n: Node | undefined, local: string) => n?.kids.find((k) => k.local === local);
const kids = (n: Node | undefined, local: string) => n?.kids.filter((k) => k.local === local) ?? [];
const txt = (n: Node | undefined, local: string) => kid(n, local)?.text;
const date = (s: string | undefined) => (s === undefined ? null : new Date(s));

/**
 * Reads a deposit's XML as a stream and hands each object of <rde:contents> (a small tree) to `visit`, with
 * the deposit's own attributes and watermark. The XML has been verified already (signature, schemas, counts).
 */
async function eachObject(file: string, visit: (n: Node) => void): Promise<{ type: string; watermark: string; menu: string[] }> {
  const parser = new SaxesParser({ xmlns: true });
  const head = { type: '', watermark: '', menu: [] as string[] };
  const stack: Node[] = [];
  let depth = 0;
  let failure: Error | undefined;
  parser.on('error', (e) => (failure ??= e));
  parser.on('opentag', (t: SaxesTagNS) => {
    depth++;
    if (depth === 1) head.type = t.attributes.type?.value ?? '';
    const node: Node = { uri: t.uri, local: t.local, attrs: Object.fromEntries(Object.values(t.attributes).map((a) => [a.local, a.value])), text: '', kids: [] };
    if (stack.length > 0) stack[stack.length - 1].kids.push(node);
    if (depth >= 2) stack.push(node);
  });
  parser.on('text', (s) => {
    if (stack.length > 0) stack[stack.length - 1].text += s;
  });
  parser.on('closetag', () => {
    depth--;
    if (depth < 1) return;
    const node = stack.pop()!;
    if (depth === 1) {
      if (node.local === 'watermark') head.watermark = node.text.trim();
      if (node.local === 'rdeMenu') head.menu = kids(node, 'objURI').map((k) => k.text.trim());
    }
    if (depth === 2 && stack.length === 1 && stack[0].local === 'contents') {
      stack[0].kids.length = 0; // each object is handled and let go
      visit(node);
    }
  });
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 })) {
    parser.write(chunk as string);
    if (failure) throw new EscrowError(`the deposit XML does not parse: ${failure.message}`);
  }
  parser.close();
  return head;
}

const COMPUTED = new Set(['ok', 'linked', 'inactive']);
const statuses = (n: Node) => kids(n, 'status').map((s) => s.attrs.s).filter((s) => !COMPUTED.has(s));

/** What every deposited object (domain, host, contact) carries: roid, registrars, dates, stored statuses. */
function objectFields(n: Node, createdDefault: Date) {
  return {
    id: 0,
    roid: txt(n, 'roid')!,
    sponsorClId: txt(n, 'clID')!,
    creatorClId: txt(n, 'crRr') ?? txt(n, 'clID')!,
    updaterClId: txt(n, 'upRr') ?? null,
    createdAt: date(txt(n, 'crDate')) ?? createdDefault,
    updatedAt: date(txt(n, 'upDate')),
    transferredAt: date(txt(n, 'trDate')),
    statuses: statuses(n),
  };
}

function transfer(n: Node | undefined): EscrowTransfer | undefined {
  if (!n) return undefined;
  return {
    status: txt(n, 'trStatus') as TransferStatus,
    requesterClId: txt(n, 'reRr')!,
    requestedAt: new Date(txt(n, 'reDate')!),
    losingClId: txt(n, 'acRr')!,
    actionAt: new Date(txt(n, 'acDate')!),
    newExpiresAt: date(txt(n, 'exDate')),
  };
}

function address(n: Node): Omit<PostalInfo, 'name' | 'org'> {
  return {
    street: kids(n, 'street').map((s) => s.text),
    city: txt(n, 'city')!,
    ...(kid(n, 'sp') ? { sp: txt(n, 'sp') } : {}),
    ...(kid(n, 'pc') ? { pc: txt(n, 'pc') } : {}),
    cc: txt(n, 'cc')!,
  };
}

function registrarAddress(n: Node | undefined): EscrowRegistrar['address'] {
  if (!n) return null;
  const a = address(kid(n, 'addr')!);
  return { street: a.street, city: a.city, sp: a.sp ?? null, pc: a.pc ?? null, cc: a.cc };
}

function postal(n: Node | undefined): PostalInfo | null {
  if (!n) return null;
  return { name: txt(n, 'name')!, ...(kid(n, 'org') ? { org: txt(n, 'org') } : {}), ...address(kid(n, 'addr')!) };
}

function tciData(n: Node): TciContactData {
  const person = kid(n, 'person');
  if (person) {
    return { person: { birthday: txt(person, 'birthday')!, passport: kids(person, 'passport').map((p) => p.text), ...(kid(person, 'TIN') ? { tin: txt(person, 'TIN') } : {}) } };
  }
  const org = kid(n, 'organization')!;
  return { organization: { legalAddr: kids(org, 'legalAddr').map((a) => ({ type: a.attrs.type as PostalType, ...address(a) })), tin: txt(org, 'TIN')! } };
}


/**
 * RFC 3915 states back into the registry's records. A deposit gives the states, not their instants: grace
 * periods end their policy length after the instant the deposit shows for them (crDate for addPeriod, trDate
 * for transferPeriod, the previous expiry for autoRenewPeriod) or, for renewPeriod, after the watermark; a
 * domain in redemption was deleted at its upDate. Grace periods come back without the amounts to refund.
 */
function lifecycle(n: Node, policy: TldPolicy, watermark: Date, crDate: Date, exDate: Date, upDate: Date | null, trDate: Date | null): { graces: GracePeriod[]; deletion: Deletion | undefined } {
  const rgp = kids(n, 'rgpStatus').map((s) => s.attrs.s);
  const g = policy.grace;
  const graces: GracePeriod[] = [];
  const add = (kind: GracePeriod['kind'], from: Date, days: number) => graces.push({ kind, registrarId: 0, endsAt: plusDays(from, days), amount: 0 });
  if (rgp.includes('addPeriod')) add('add', crDate, g.add);
  if (rgp.includes('renewPeriod')) add('renew', watermark, g.renew);
  if (rgp.includes('autoRenewPeriod')) add('autoRenew', addYears(exDate, -1), g.autoRenew);
  if (rgp.includes('transferPeriod')) add('transfer', trDate ?? watermark, g.transfer);
  let deletion: Deletion | undefined;
  if (rgp.includes('redemptionPeriod') || rgp.includes('pendingRestore')) {
    const deletedAt = upDate ?? watermark;
    const redemptionEndsAt = plusDays(deletedAt, g.redemption);
    const restoring = rgp.includes('pendingRestore');
    deletion = {
      deletedAt,
      redemptionEndsAt,
      purgeAt: plusDays(redemptionEndsAt, g.pendingDelete),
      restoreRequestedAt: restoring ? watermark : null,
      restoreReportBy: restoring ? plusDays(watermark, g.restoreReport) : null,
      deleteSvTRID: null,
    };
  } else if (rgp.includes('pendingDelete')) {
    deletion = { deletedAt: upDate ?? watermark, redemptionEndsAt: watermark, purgeAt: plusDays(watermark, g.pendingDelete), restoreRequestedAt: null, restoreReportBy: null, deleteSvTRID: null };
  }
  return { graces, deletion };
}

export interface ImportResult {
  tld: string;
  tldCreated: boolean;
  registrars: number;
  contacts: number;
  hosts: number;
  domains: number;
}

/**
 * Restores a verified full deposit into a registry without domains, hosts or contacts: registrars (new ones
 * with an unusable password: `registry registrar set-password`), the TLD (when missing: `policy`, or one
 * inferred from the deposit: data and host model, TCI dialect, reserved names from NNDN, scripts from the IDN
 * tables), contacts with their TCI data, hosts, then domains with their descriptions. No object gets an
 * authInfo (deposits hold none; RFC 9154: the sponsor sets one for a transfer). Three passes over the XML, each object let go once written: registrars
 * and the TLD first, then contacts and hosts, then the domains that reference them.
 */
export async function importDeposit(
  xmlFile: string,
  target: EscrowImport,
  o: { tld: string; policy?: TldPolicyInput; now: Date; passwordHash: () => Promise<string> },
): Promise<ImportResult> {
  if (target.objectCount() > 0) throw new EscrowError('the registry is not empty: an import needs a database without domains, hosts or contacts');
  const result: ImportResult = { tld: o.tld, tldCreated: false, registrars: 0, contacts: 0, hosts: 0, domains: 0 };
  // Pass 1: registrars, and what the TLD's policy is made of.
  const registrars: EscrowRegistrar[] = [];
  const nndn: string[] = [];
  const tables: string[] = [];
  const head = await eachObject(xmlFile, (n) => {
    if (n.uri === RDE_NS.rdeRegistrar) {
      registrars.push({
        id: 0,
        clId: txt(n, 'id')!,
        name: txt(n, 'name')!,
        status: txt(n, 'status') === 'ok' || txt(n, 'status') === undefined ? 'active' : 'suspended',
        email: txt(n, 'email') ?? null,
        ianaId: kid(n, 'gurid') ? Number(txt(n, 'gurid')) : null,
        address: registrarAddress(kid(n, 'postalInfo')),
        phone: txt(n, 'voice') ?? null,
        createdAt: date(txt(n, 'crDate')) ?? o.now,
        updatedAt: date(txt(n, 'upDate')) ?? o.now,
      });
    } else if (n.uri === RDE_NS.rdeNNDN) {
      nndn.push(txt(n, 'aName')!);
    } else if (n.uri === RDE_NS.rdeIDN) {
      tables.push(n.attrs.id);
    } else if (n.uri === RDE_NS.rdeHeader && txt(n, 'tld') !== o.tld) {
      throw new EscrowError(`the deposit is of .${txt(n, 'tld')}, not .${o.tld}`);
    }
  });
  if (head.type !== 'FULL') throw new EscrowError(`only a full deposit can be imported (this one is ${head.type})`);
  const watermark = new Date(head.watermark);

  let policy: TldPolicy;
  const stored = target.tldPolicy(o.tld);
  if (stored) policy = resolvePolicy(JSON.parse(stored));
  else {
    const menu = new Set(head.menu);
    const scripts = tables.map((id) => id.charAt(0).toUpperCase() + id.slice(1)).filter(isScript);
    policy = resolvePolicy({
      dataModel: menu.has(RDE_NS.rdeContact) ? 'maximum' : 'minimum',
      hostModel: menu.has(RDE_NS.rdeHost) ? 'hostObj' : 'hostAttr',
      contactExtension: menu.has(RDE_NS.rdeTciContact) || menu.has(RDE_NS.rdeTciDomain) ? 'tci' : 'none',
      idnScripts: scripts,
      reservedNames: nndn.filter((a) => a.endsWith(`.${o.tld}`)).map((a) => a.slice(0, -o.tld.length - 1)),
      ...o.policy,
    });
    target.addTld(o.tld, policy, o.now);
    result.tldCreated = true;
  }
  for (const r of registrars) if (target.registrar(r, await o.passwordHash())) result.registrars++;

  // Pass 2: contacts (each with the TCI data that follows it) and hosts, written as they come.
  let pending: EscrowContact | undefined;
  const flushContact = () => {
    if (pending) target.contact(pending);
    if (pending) result.contacts++;
    pending = undefined;
  };
  await eachObject(xmlFile, (n) => {
    if (n.uri === RDE_NS.rdeTciContact) {
      if (pending && pending.handle === txt(n, 'id')) pending.tci = tciData(kid(n, 'infData')!);
      return;
    }
    flushContact();
    if (n.uri === RDE_NS.rdeContact) {
      const disclose = kid(n, 'disclose');
      const phone = (local: string) => (kid(n, local) ? { number: txt(n, local)!, ...(kid(n, local)!.attrs.x !== undefined ? { x: kid(n, local)!.attrs.x } : {}) } : null);
      pending = {
        ...objectFields(n, o.now),
        handle: txt(n, 'id')!,
        postalInt: postal(kids(n, 'postalInfo').find((p) => p.attrs.type === 'int')),
        postalLoc: postal(kids(n, 'postalInfo').find((p) => p.attrs.type === 'loc')),
        voice: phone('voice'),
        fax: phone('fax'),
        email: txt(n, 'email')!,
        disclose: disclose ? discloseOf(disclose) : null,
        tci: null,
        linked: false,
        transfer: transfer(kid(n, 'trnData')),
      };
    } else if (n.uri === RDE_NS.rdeHost) {
      target.host({
        ...objectFields(n, o.now),
        name: txt(n, 'name')!,
        addresses: kids(n, 'addr').map((a) => ({ ip: (a.attrs.ip ?? 'v4') as 'v4' | 'v6', addr: a.text })),
        linked: false,
      });
      result.hosts++;
    }
  });
  flushContact();

  // Pass 3: the domains, each with the description that follows it.
  let domain: EscrowDomain | undefined;
  const flushDomain = () => {
    if (domain) target.domain(domain);
    if (domain) result.domains++;
    domain = undefined;
  };
  await eachObject(xmlFile, (n) => {
    if (n.uri === RDE_NS.rdeTciDomain) {
      if (domain && domain.name === txt(n, 'name')) domain.description = kids(kid(n, 'infData'), 'description').map((d) => d.text).join('\n') || null;
      return;
    }
    flushDomain();
    if (n.uri !== RDE_NS.rdeDomain) return;
    const fields = objectFields(n, watermark);
    const { createdAt: crDate, updatedAt: upDate, transferredAt: trDate } = fields;
    const exDate = new Date(txt(n, 'exDate')!);
    const secDNS = kid(n, 'secDNS');
    const keyOf = (k: Node) => ({ flags: Number(txt(k, 'flags')), protocol: Number(txt(k, 'protocol')), alg: Number(txt(k, 'alg')), pubKey: txt(k, 'pubKey')! });
    domain = {
      ...fields,
      name: txt(n, 'name')!,
      tld: o.tld,
      registrantHandle: txt(n, 'registrant') ?? null,
      expiresAt: exDate,
      maxSigLife: kid(secDNS, 'maxSigLife') ? Number(txt(secDNS, 'maxSigLife')) : null,
      description: null,
      contacts: kids(n, 'contact').map((c) => ({ type: c.attrs.type as DomainContactType, handle: c.text })),
      hostObjs: kids(kid(n, 'ns'), 'hostObj').map((h) => h.text),
      hostAttrs: kids(kid(n, 'ns'), 'hostAttr').map((a) => ({ name: txt(a, 'hostName')!, addrs: kids(a, 'hostAddr').map((x) => ({ ip: (x.attrs.ip ?? 'v4') as 'v4' | 'v6', addr: x.text })) })),
      ds: kids(secDNS, 'dsData').map((d) => ({
        keyTag: Number(txt(d, 'keyTag')),
        alg: Number(txt(d, 'alg')),
        digestType: Number(txt(d, 'digestType')),
        digest: txt(d, 'digest')!,
        ...(kid(d, 'keyData') ? { key: keyOf(kid(d, 'keyData')!) } : {}),
      })),
      keys: kids(secDNS, 'keyData').map(keyOf),
      ...lifecycle(n, policy, watermark, crDate, exDate, upDate, trDate),
      transfer: transfer(kid(n, 'trnData')),
    };
  });
  flushDomain();
  target.linkSubordinateHosts();
  target.finish();
  return result;
}

function discloseOf(n: Node): Disclose {
  const types = (local: string) => kids(n, local).map((k) => k.attrs.type as PostalType);
  return {
    flag: n.attrs.flag === '1' || n.attrs.flag === 'true',
    name: types('name'),
    org: types('org'),
    addr: types('addr'),
    voice: kid(n, 'voice') !== undefined,
    fax: kid(n, 'fax') !== undefined,
    email: kid(n, 'email') !== undefined,
  };
}

/** Whether a name is a Unicode script (\p{Script=…} accepts it). */
function isScript(name: string): boolean {
  try {
    new RegExp(`\\p{Script=${name}}`, 'u');
    return true;
  } catch {
    return false;
  }
}
