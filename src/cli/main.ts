#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { startRegistry } from '../app.js';
import { CLOCK_OFFSET_SETTING, parseDuration, REGISTRY_MODE_SETTING } from '../registry/clock.js';
import { gitRevision, VERSION } from '../version.js';
import { isIP } from 'node:net';
import { hashSecret, MAX_PASSWORD_LENGTH } from '../registry/passwords.js';
import { checkEmail, checkPhone } from '../registry/contact-rules.js';
import { checkRegistrarAddress } from '../registry/registrar-address.js';
import type { RegistrarAddress } from '../storage/core-repos.js';
import { changeServerStatuses, checkOperatorAct } from '../registry/operator.js';
import type { ChangeCase } from '../registry/poll-events.js';
import { checkZoneForTld, mergePolicy, resolvePolicy, type TldPolicy, type TldPolicyInput } from '../registry/policy.js';
import { normalizeName } from '../registry/names.js';
import { publishZone, zoneFile } from '../zone/publish.js';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import type { Repos, Store } from '../storage/store.js';
import { openStore } from '../storage/open.js';
import { isPostgresUrl, PgStore } from '../storage/postgres/pg-store.js';
import { redact } from '../storage/postgres/pg-migrate.js';
import { devCertPaths, ensureDevCerts, fingerprint, revokeDevCertificate } from '../transport/dev-certs.js';
import { ENVIRONMENTS, loadEnvironment, readEnvironment, resetEnvironment, type OteEnvironment } from '../ote/environment.js';
import { writeEvidence } from '../ote/evidence.js';
import { runScript, type Account } from '../ote/runner.js';
import { loadScript } from '../ote/script.js';
import { issueToken, listTokens, newToken, revokeToken, sha256Hex, SCOPES } from '../http/tokens.js';
import { listProtected, protectName, releaseName } from '../http/protected.js';
import { archiveFileName, loadOteRun, maskSecrets, sha256File } from '../http/evidence.js';
import { runHttpChecklist } from '../http/checklist.js';
import { addEscrowCommands } from './escrow.js';
import { addBackupCommands } from './backup.js';
import { addPremiumCommands } from './premium.js';
import { addTmchCommands } from './tmch.js';

const program = new Command();
program
  .name('registry')
  .description('EPP domain registry: server, accounts, TLDs and certificates')
  .version(`${VERSION} (${gitRevision()})`, '-V, --version', 'the version and git revision')
  .option('-c, --config <file>', 'configuration file (JSON)');

function config(): Config {
  try {
    return loadConfig({ file: program.opts().config });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`registry: configuration error: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
}

async function withStore<T>(fn: (store: Store, cfg: Config) => Promise<T>): Promise<T> {
  const cfg = config();
  // Only serve and init create a database: any other command on a path that does not exist is refused.
  const store = openStore(cfg, { mustExist: true });
  try {
    return await fn(store, cfg);
  } finally {
    await store.close();
  }
}

/** A whole number from 0 (counts, balances in minor units, ports). */
const positiveInt = (v: string) => {
  if (!/^[0-9]{1,15}$/.test(v)) throw new InvalidArgumentError(`${v} is not a whole number from 0`);
  return Number(v);
};

/** An amount to credit: a whole number of minor units from 1 (a debit is not a credit: refused, not negated). */
const creditAmount = (v: string) => {
  if (!/^[0-9]{1,15}$/.test(v) || Number(v) < 1) throw new InvalidArgumentError(`${v} is not an amount to credit (a whole number of minor units from 1)`);
  return Number(v);
};

/** An address or prefix logins may come from, as the login check reads it (node:net BlockList). */
const addressRange = (v: string, previous: string[] | undefined) => {
  const [net, bits, ...rest] = v.split('/');
  const version = isIP(net);
  if (!version || rest.length > 0) throw new InvalidArgumentError(`${v} is not an IP address or prefix (e.g. 192.0.2.0/24, 2001:db8::/32, 192.0.2.7)`);
  const max = version === 4 ? 32 : 128;
  if (bits !== undefined && (!/^[0-9]{1,3}$/.test(bits) || Number(bits) > max)) throw new InvalidArgumentError(`${v}: the prefix length must be 0 to ${max}`);
  return [...(previous ?? []), v];
};

/** An IANA Registrar ID: a whole number from 1 (the IANA registry's ids are positive integers). */
const ianaId = (v: string) => {
  const n = Number(v);
  if (!/^[0-9]{1,9}$/.test(v) || n < 1) throw new InvalidArgumentError(`${v} is not an IANA Registrar ID (a whole number from 1)`);
  return n;
};

/** A registrar's abuse e-mail, checked as contact e-mails are (RFC 5321 form). */
const abuseEmail = (v: string) => {
  const p = checkEmail(v);
  if (p) throw new InvalidArgumentError(p.reason);
  return v;
};

/** A registrar's abuse phone in the EPP form +CC.NUMBER (RFC 5733 §2.5). */
const abusePhone = (v: string) => {
  const p = checkPhone(v);
  if (p) throw new InvalidArgumentError(p.reason);
  return v;
};

/** The address options of `registrar add/set` (RDAP profile 3.1). */
type AddressOptions = { street?: string[]; city?: string; sp?: string; pc?: string; cc?: string };

/**
 * The registrar's address from the options, over the address it has (`set` changes a part): undefined when no
 * address option is given; refused, naming the value, when the result is incomplete or malformed.
 */
function addressFrom(o: AddressOptions, existing: RegistrarAddress | null): RegistrarAddress | undefined {
  if ([o.street, o.city, o.sp, o.pc, o.cc].every((v) => v === undefined)) return undefined;
  const merged: RegistrarAddress = {
    street: o.street ?? existing?.street ?? [],
    city: o.city ?? existing?.city ?? '',
    sp: o.sp ?? existing?.sp ?? null,
    pc: o.pc ?? existing?.pc ?? null,
    cc: o.cc ?? existing?.cc ?? '',
  };
  const checked = checkRegistrarAddress(merged);
  if (!checked.ok) throw new InvalidArgumentError(checked.reason);
  return checked.address;
}

/** A registrar's web site: an absolute http(s) URL. */
const webUrl = (v: string) => {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new InvalidArgumentError(`${v} is not an absolute URL`);
  }
  if (!['http:', 'https:'].includes(u.protocol) || !u.hostname) throw new InvalidArgumentError(`${v} is not an http or https URL`);
  return u.href;
};

/** A registrar's RDAP base URL: https (as IANA lists them and the gTLD profile requires), kept with a final "/". */
const rdapBaseUrl = (v: string) => {
  const href = webUrl(v);
  if (!href.startsWith('https:')) throw new InvalidArgumentError(`${v}: an RDAP base URL must be https`);
  if (/[?#]/.test(href)) throw new InvalidArgumentError(`${v}: an RDAP base URL has no query or fragment`);
  return href.endsWith('/') ? href : `${href}/`;
};

program
  .command('serve')
  .description('run the registry (creates the database when missing); production mode unless --dev or devFixtures')
  .option('--dev', 'development mode (what npm start runs): OT&E fixtures, development certificates, an adjustable clock; refused by NODE_ENV=production')
  .action(async (o: { dev?: boolean }) => {
    const cfg = config();
    const notes: string[] = [];
    if (o.dev) cfg.devFixtures = true;
    // A production host says so once, in its environment: no flag or setting can then load published passwords.
    if (process.env.NODE_ENV === 'production' && cfg.devFixtures) {
      cfg.devFixtures = false;
      notes.push(`NODE_ENV=production: development mode (${o.dev ? '--dev' : 'devFixtures'}) ignored; no OT&E fixtures loaded`);
    }
    // The signal handlers come first: a SIGTERM during the start (the EPP port may already be listening while
    // the HTTP API and RDAP still start) stops the registry once it has started, instead of killing it.
    let registry: Awaited<ReturnType<typeof startRegistry>> | undefined;
    let stopping = false;
    let signalled: string | undefined;
    const stop = (signal: string) => {
      if (!registry) {
        signalled ??= signal;
        return;
      }
      if (stopping) return;
      stopping = true;
      registry.services.log.info({ signal }, 'shutting down');
      registry.close().then(
        () => process.exit(0),
        (e) => {
          console.error(e);
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    registry = await startRegistry(cfg, { notes });
    if (signalled) stop(signalled);
    // Operators replace certificate and CRL files in place, then: kill -HUP <pid>.
    process.on('SIGHUP', () => {
      try {
        registry!.epp.reloadTls();
      } catch (e) {
        registry!.services.log.error({ err: (e as Error).message }, 'TLS reload failed; the previous certificate, CA and CRL stay in use');
      }
    });
  });

program
  .command('init')
  .description('create the registry database (schema at the current version) when it does not exist; serve does the same')
  .action(async () => {
    const cfg = config();
    if (isPostgresUrl(cfg.database)) {
      const store = new PgStore({ url: cfg.database });
      await store.ready.finally(() => store.close());
      console.log(`database ${redact(cfg.database)}: schema at the current version`);
      return;
    }
    const existed = cfg.database !== ':memory:' && existsSync(cfg.database);
    await new SqliteStore({ path: cfg.database, synchronous: cfg.synchronous }).close();
    console.log(existed ? `database ${cfg.database} exists (schema brought up to date)` : `database ${cfg.database} created`);
  });

const certs = program.command('certs').description('development certificates');
certs
  .command('generate')
  .description('create a development CA, a server certificate and client certificates in the certs folder (only what is missing)')
  .argument('[clients...]', 'client certificate names (registrar ids)', ['clientx', 'clienty'])
  .action((clients: string[]) => {
    const cfg = config();
    const fps = ensureDevCerts(cfg.certsDir, clients);
    console.log(`certificates in ${cfg.certsDir}`);
    for (const [name, fp] of Object.entries(fps)) console.log(`  ${name}.crt  sha256 ${fp}`);
  });

certs
  .command('revoke')
  .description("list a certificate in the development CA's revocation list (certs/ca.crl), signed again with fresh dates")
  .argument('<cert>', 'PEM certificate issued by the development CA')
  .action((file: string) => {
    const cfg = config();
    const r = revokeDevCertificate(cfg.certsDir, readFileSync(file, 'utf8'));
    console.log(`${r.added ? 'revoked' : 'already revoked'}: serial ${r.serial} (${r.subject}); ${r.count} certificate(s) in ${r.crlFile}`);
    if (cfg.tls.crl === r.crlFile) console.log('tls.crl points to this file: a running server reads it again on SIGHUP (kill -HUP <pid>)');
    else console.log(`the server checks it once tls.crl (or REGISTRY_TLS_CRL) is ${r.crlFile}; a running server then reads it again on SIGHUP`);
  });

const registrar = program.command('registrar').description('registrar accounts');
/** RFC 5730 pwType allows 6 to 16 characters; RFC 8807's <loginSec:pw> carries longer ones. */
const PASSWORD_RULE = `password must be 6 to ${MAX_PASSWORD_LENGTH} characters without spaces at either end (longer than 16: usable only through the RFC 8807 login security extension)`;
const validPassword = (pw: string) => pw.length >= 6 && pw.length <= MAX_PASSWORD_LENGTH && pw.trim() === pw;
registrar
  .command('add')
  .argument('<clID>', 'client identifier (3-16 characters)')
  .option('--password <pw>', 'EPP password, required (6-128 characters; beyond 16 only through the RFC 8807 login security extension)')
  .option('--name <name>', 'display name')
  .option('--cert <file>', 'client certificate (PEM) to bind to the account')
  .option('--max-sessions <n>', 'concurrent session limit', positiveInt, 10)
  .option('--balance <minor>', 'starting balance in minor units', positiveInt, 0)
  .option('--allow-ip <cidr...>', 'addresses or prefixes logins may come from (e.g. 192.0.2.0/24 2001:db8::/32)', addressRange)
  .option('--iana-id <n>', 'IANA Registrar ID (published in RDAP and escrow deposits)', ianaId)
  .option('--abuse-email <email>', 'abuse contact e-mail (published in RDAP)', abuseEmail)
  .option('--abuse-phone <phone>', 'abuse contact phone, +CC.NUMBER (published in RDAP)', abusePhone)
  .option('--url <url>', 'web site (published in RDAP)', webUrl)
  .option('--rdap-base-url <url>', "base URL of the registrar's RDAP service, https (RDAP links its domains there)", rdapBaseUrl)
  .option('--street <line...>', 'postal address: 1 to 3 street lines (published in RDAP when the registrar is looked up)')
  .option('--city <city>', 'postal address: city')
  .option('--sp <sp>', 'postal address: state or province')
  .option('--pc <pc>', 'postal address: postal code')
  .option('--cc <cc>', 'postal address: ISO 3166-1 alpha-2 country code')
  .option('--phone <phone>', "the registrar's phone, +CC.NUMBER (published in RDAP with the address)", abusePhone)
  .action(async (clID: string, o) => {
    if (!/^[\x21-\x7e]{3,16}$/.test(clID)) throw new InvalidArgumentError(`clID ${clID} must be 3 to 16 printable characters without spaces`);
    if (o.password === undefined) throw new InvalidArgumentError(`give the password of ${clID} with --password`);
    const address = addressFrom(o as AddressOptions, null);
    if (!validPassword(o.password)) throw new InvalidArgumentError(PASSWORD_RULE);
    const hash = await hashSecret(o.password);
    await withStore(async (store) => {
      await store.transaction(async (r) => {
        if (await r.registrars.byClId(clID)) throw new Error(`registrar ${clID} exists`);
        if (o.ianaId !== undefined) await ianaIdFree(r, o.ianaId, clID);
        await r.registrars.insert(
          {
            clId: clID,
            name: o.name ?? clID,
            passwordHash: hash,
            certFingerprints: o.cert ? [fingerprint(readFileSync(o.cert, 'utf8'))] : [],
            maxSessions: o.maxSessions,
            balance: o.balance,
            allowedIps: o.allowIp ?? null,
            ianaId: o.ianaId ?? null,
            abuseEmail: o.abuseEmail ?? null,
            abusePhone: o.abusePhone ?? null,
            url: o.url ?? null,
            rdapBaseUrl: o.rdapBaseUrl ?? null,
            address: address ?? null,
            phone: o.phone ?? null,
          },
          new Date(),
        );
      });
    });
    console.log(`registrar ${clID} added`);
  });
registrar.command('list').action(async () => {
  await withStore(async (store) => {
    const list = await store.transaction((r) => r.registrars.list());
    for (const r of list) {
      console.log(`${r.clId}\t${r.status}\tiana=${r.ianaId ?? '-'}\tsessions<=${r.maxSessions}\trate=${r.commandRate ?? '-'}/s\tbalance=${r.balance}\tcerts=${r.certFingerprints.length}\t${r.name}`);
    }
  });
});
registrar
  .command('set')
  .description("change a registrar's published data: name, IANA Registrar ID, abuse contact, web site, RDAP base URL, address, phone")
  .argument('<clID>')
  .option('--name <name>', 'display name')
  .option('--iana-id <n>', 'IANA Registrar ID', ianaId)
  .option('--abuse-email <email>', 'abuse contact e-mail', abuseEmail)
  .option('--abuse-phone <phone>', 'abuse contact phone, +CC.NUMBER', abusePhone)
  .option('--url <url>', 'web site', webUrl)
  .option('--rdap-base-url <url>', "base URL of the registrar's RDAP service, https", rdapBaseUrl)
  .option('--rate <n|off>', 'EPP commands per second its sessions may start together (over it they wait); off: no limit', commandRate)
  .option('--street <line...>', 'postal address: 1 to 3 street lines (replacing those it has)')
  .option('--city <city>', 'postal address: city')
  .option('--sp <sp>', 'postal address: state or province')
  .option('--pc <pc>', 'postal address: postal code')
  .option('--cc <cc>', 'postal address: ISO 3166-1 alpha-2 country code')
  .option('--phone <phone>', "the registrar's phone, +CC.NUMBER", abusePhone)
  .action(async (clID: string, o: AddressOptions & { name?: string; ianaId?: number; abuseEmail?: string; abusePhone?: string; url?: string; rdapBaseUrl?: string; rate?: number; phone?: string }) => {
    if (Object.values(o).every((v) => v === undefined)) {
      throw new InvalidArgumentError('nothing to set: give --name, --iana-id, --abuse-email, --abuse-phone, --url, --rdap-base-url, --rate, --street/--city/--sp/--pc/--cc or --phone');
    }
    await withStore(async (store) => {
      await store.transaction(async (r) => {
        const reg = await r.registrars.byClId(clID);
        if (!reg) throw new Error(`no registrar ${clID}`);
        if (o.ianaId !== undefined) await ianaIdFree(r, o.ianaId, clID);
        const { name, ianaId, abuseEmail, abusePhone, url, rdapBaseUrl, rate, phone } = o;
        const commandRate = rate === undefined ? undefined : rate === 0 ? null : rate;
        const address = addressFrom(o, reg.address);
        await r.registrars.update(reg.id, { name, ianaId, abuseEmail, abusePhone, url, rdapBaseUrl, commandRate, address, phone }, new Date());
      });
    });
    console.log(`registrar ${clID} updated`);
  });

/** A command-rate limit: commands per second, a whole number from 1 to 100000, or "off" (0 here: no limit). */
function commandRate(v: string): number {
  if (v === 'off') return 0;
  if (!/^[0-9]{1,6}$/.test(v) || Number(v) < 1 || Number(v) > 100_000) throw new InvalidArgumentError(`${v} is not a command rate (commands per second from 1 to 100000, or off)`);
  return Number(v);
}

/** An IANA Registrar ID names one registrar: refused when another account has it. */
async function ianaIdFree(r: Repos, id: number, clID: string): Promise<void> {
  const holder = (await r.registrars.list()).find((x) => x.ianaId === id && x.clId !== clID);
  if (holder) throw new Error(`IANA Registrar ID ${id} belongs to ${holder.clId}`);
}
registrar
  .command('set-password')
  .argument('<clID>')
  .argument('<password>')
  .action(async (clID: string, pw: string) => {
    if (!validPassword(pw)) throw new InvalidArgumentError(PASSWORD_RULE);
    const hash = await hashSecret(pw);
    await withStore(async (store) => {
      await store.transaction(async (r) => {
        const reg = await r.registrars.byClId(clID);
        if (!reg) throw new Error(`no registrar ${clID}`);
        await r.registrars.update(reg.id, { passwordHash: hash }, new Date());
      });
    });
    console.log(`password of ${clID} changed`);
  });
registrar
  .command('set-cert')
  .argument('<clID>')
  .argument('<certfile>', 'PEM client certificate')
  .option('--add', 'bind it in addition to the certificates already bound')
  .action(async (clID: string, file: string, o) => {
    const fp = fingerprint(readFileSync(file, 'utf8'));
    await withStore(async (store) => {
      await store.transaction(async (r) => {
        const reg = await r.registrars.byClId(clID);
        if (!reg) throw new Error(`no registrar ${clID}`);
        await r.registrars.update(reg.id, { certFingerprints: o.add ? [...new Set([...reg.certFingerprints, fp])] : [fp] }, new Date());
      });
    });
    console.log(`${clID} bound to certificate ${fp}`);
  });

const tld = program.command('tld').description('top-level domains served');
/** A TLD argument: one LDH label (A-label), lower-cased, without a leading dot. */
const tldLabel = (name: string) => {
  const label = name.toLowerCase().replace(/^\./, '');
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) throw new InvalidArgumentError(`${name} is not a TLD (one LDH label, an A-label)`);
  return label;
};
/** A policy file's JSON, with the file named in any problem. */
function readPolicyFile(file: string): TldPolicyInput {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`policy file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    return v as TldPolicyInput;
  } catch (e) {
    throw new Error(`policy file ${file}: ${(e as Error).message}`);
  }
}
/** Validated in full where it enters (resolvePolicy names every problem), so no later command meets a bad policy. */
function checkedPolicy(label: string, input: TldPolicyInput | undefined, file?: string): TldPolicy {
  try {
    const policy = resolvePolicy(input);
    checkZoneForTld(label, policy);
    return policy;
  } catch (e) {
    throw new Error(`${file ? `policy file ${file}` : `policy of ${label}`}: ${(e as Error).message}`);
  }
}
tld
  .command('add')
  .argument('<name>', 'TLD as an A-label, e.g. tatar or xn--d1acj3b')
  .option('--policy <file>', 'policy JSON (fields of TldPolicy; defaults for the rest)')
  .option('--replace', 'replace the whole policy of a TLD already served (set-policy changes only the fields given)')
  .action(async (name: string, o: { policy?: string; replace?: boolean }) => {
    const label = tldLabel(name);
    const policy = checkedPolicy(label, o.policy ? readPolicyFile(o.policy) : undefined, o.policy);
    await withStore((store) =>
      store.transaction(async (r) => {
        if ((await r.tlds.get(label)) && !o.replace) throw new Error(`TLD ${label} is already served: tld set-policy ${label} FILE changes fields of its policy, tld add --replace replaces it whole`);
        await r.tlds.upsert({ name: label, policy }, new Date());
      }),
    );
    console.log(`TLD ${label} served${o.replace ? ' (policy replaced)' : ''}`);
  });
tld
  .command('set-policy')
  .description("merge a partial policy (JSON) into the TLD's current one; the result is validated whole before it is stored")
  .argument('<name>', 'TLD as an A-label')
  .argument('<file>', 'policy JSON with the fields to change')
  .action(async (name: string, file: string) => {
    const label = tldLabel(name);
    const change = readPolicyFile(file);
    await withStore((store) =>
      store.transaction(async (r) => {
        const current = await r.tlds.get(label);
        if (!current) throw new Error(`no TLD ${label} (see registry tld list)`);
        const policy = checkedPolicy(label, mergePolicy(current.policy, change), file);
        await r.tlds.upsert({ name: label, policy }, new Date());
      }),
    );
    console.log(`policy of ${label} updated`);
  });
tld
  .command('show')
  .description("a TLD's whole policy (JSON), as stored")
  .argument('<name>', 'TLD as an A-label')
  .action(async (name: string) => {
    const label = tldLabel(name);
    await withStore(async (store) => {
      const t = await store.transaction((r) => r.tlds.get(label));
      if (!t) throw new Error(`no TLD ${label} (see registry tld list)`);
      console.log(JSON.stringify(t.policy, null, 2));
    });
  });
tld
  .command('remove')
  .description('stop serving a TLD that holds no domains (refused otherwise)')
  .argument('<name>', 'TLD as an A-label')
  .action(async (name: string) => {
    const label = tldLabel(name);
    await withStore((store) =>
      store.transaction(async (r) => {
        if (!(await r.tlds.get(label))) throw new Error(`no TLD ${label} (see registry tld list)`);
        const domains = await r.tlds.domainCount(label);
        if (domains > 0) throw new Error(`TLD ${label} holds ${domains} domain(s): delete them first; a TLD is removed only when empty`);
        await r.tlds.remove(label);
      }),
    );
    console.log(`TLD ${label} no longer served`);
  });
addPremiumCommands(tld, withStore);
tld.command('list').action(async () => {
  await withStore(async (store) => {
    for (const t of await store.transaction((r) => r.tlds.list())) {
      console.log(`${t.name}\tcontacts=${t.policy.dataModel}\tdnssec=${t.policy.dnssec.interface}\tdelete=${t.policy.deleteResultCode}\tcurrency=${t.policy.currency}`);
    }
  });
});

addTmchCommands(program, withStore);

const zone = program.command('zone').description("the TLDs' zones (RFC 1035 master files) for the DNS servers");
zone
  .command('write')
  .description('write the zone of a TLD from one consistent read of the registry (a new serial each time)')
  .requiredOption('--tld <tld>', 'the TLD (A-label or U-label)')
  .option('--out <file>', 'zone file to write (default: <zone.dir>/<tld>.zone, the file serve publishes)')
  .action(async (o) => {
    const n = normalizeName(String(o.tld).replace(/^\./, ''), 1);
    if (!n.ok || n.labels.length !== 1) throw new InvalidArgumentError(`--tld ${o.tld}: not a TLD label${n.ok ? '' : ` (${n.reason})`}`);
    const tldName = n.name;
    await withStore(async (store, cfg) => {
      if (!(await store.transaction((r) => r.tlds.get(tldName)))) throw new Error(`--tld ${o.tld}: no such TLD (see registry tld list)`);
      const r = await publishZone(store, { database: cfg.database, tld: tldName, out: resolve(o.out ?? zoneFile(cfg.zone.dir, tldName)), now: Date.now() });
      console.log(
        `zone of .${tldName} written to ${r.file}: serial ${r.serial}, ${r.delegations} delegations of ${r.domains} domains, ${r.ds} DS, ${r.glue} glue records, ${r.bytes} bytes in ${Math.round(r.durationMs)} ms`,
      );
    });
  });
zone
  .command('status')
  .description("each TLD's last published serial, size and time, and whether changes wait for the next publication")
  .action(async () => {
    await withStore(async (store) => {
      const states = await store.transaction((r) => r.zone.states());
      for (const s of states) {
        const p = s.published;
        if (!p) {
          console.log(`${s.tld}	never published`);
          continue;
        }
        const state = p.changes === s.changes ? 'current' : 'stale (changed since)';
        console.log(`${s.tld}	serial ${p.serial}	${p.at.toISOString()}	${p.bytes} bytes	${p.delegations} delegations	${p.durationMs} ms	${state}	${p.file}`);
      }
    });
  });

const balance = program.command('balance').description('registrar balances (minor currency units) and their ledger');
balance
  .command('show')
  .argument('[clID]', 'one registrar (default: all)')
  .action(async (clID?: string) => {
    await withStore(async (store) => {
      await store.transaction(async (r) => {
        const list = clID ? [await r.registrars.byClId(clID)] : await r.registrars.list();
        for (const reg of list) {
          if (!reg) throw new Error(`no registrar ${clID}`);
          console.log(`${reg.clId}\t${reg.balance}`);
          if (clID) for (const e of await r.billing.ledger(reg.id, 20)) console.log(`  ${e.at.toISOString()}\t${e.kind}\t${e.object ?? ''}\t${e.amount}\t${e.balanceAfter}`);
        }
      });
    });
  });
balance
  .command('credit')
  .argument('<clID>')
  .argument('<amount>', 'minor units to add (from 1)', creditAmount)
  .action(async (clID: string, amount: number) => {
    await withStore(async (store) => {
      const after = await store.transaction(async (r) => {
        const reg = await r.registrars.byClId(clID);
        if (!reg) throw new Error(`no registrar ${clID}`);
        return r.billing.post(reg.id, amount, 'credit', null, new Date());
      });
      console.log(`${clID} credited ${amount}; balance ${after}`);
    });
  });

program
  .command('domain-status')
  .description('registry-side (server*) statuses of a domain; the sponsor gets a change poll message (RFC 8590) saying who and why')
  .argument('<domain>', 'domain name (A-label)')
  .option('--add <status...>', 'server statuses to add', [])
  .option('--remove <status...>', 'server statuses to remove', [])
  .option('--by <operator>', 'who makes the change (changePoll:who)', process.env.USER || 'registry operator')
  .option('--reason <text>', 'why, in at most 32 characters (changePoll:reason)')
  .option('--case <type:id>', 'the case it is made for: udrp:ID, urs:ID or custom/NAME:ID (changePoll:caseId)', parseCase)
  .action(async (name: string, o) => {
    if (o.add.length + o.remove.length === 0) throw new InvalidArgumentError('give --add or --remove');
    const act = { who: o.by as string, ...(o.reason !== undefined && { reason: o.reason as string }), ...(o.case && { caseId: o.case as ChangeCase }) };
    checkOperatorAct(act);
    await withStore(async (store, cfg) => {
      const statuses = await store.transaction((r) =>
        changeServerStatuses(r, name, o.add, o.remove, new Date(), `${cfg.roidSuffix}-CLI-${Date.now().toString(36).toUpperCase()}`, act),
      );
      console.log(`${name}: ${statuses.join(', ') || 'ok'}`);
    });
  });

/** --case udrp:ID, urs:ID or custom/NAME:ID. */
function parseCase(v: string): ChangeCase {
  const m = /^(udrp|urs|custom)(?:\/([^:]+))?:(.+)$/.exec(v);
  if (!m) throw new InvalidArgumentError(`case "${v}" must be udrp:ID, urs:ID or custom/NAME:ID`);
  return { type: m[1] as ChangeCase['type'], ...(m[2] !== undefined && { name: m[2] }), id: m[3] };
}

const clockCmd = program.command('clock').description("a development registry's clock (devFixtures on): watch domains live through their lifecycle");
async function moveClock(change: (offset: number) => number): Promise<void> {
  await withStore(async (store, cfg) => {
    const offset = await store.transaction(async (r) => {
      if (!cfg.devFixtures && (await r.settings.get(REGISTRY_MODE_SETTING)) !== 'development') {
        throw new Error('only a development registry (served with --dev, as npm start does) has an adjustable clock');
      }
      const next = change(Number((await r.settings.get(CLOCK_OFFSET_SETTING)) ?? 0));
      await r.settings.set(CLOCK_OFFSET_SETTING, String(next));
      return next;
    });
    console.log(`registry time: ${new Date(Date.now() + offset).toISOString()} (offset ${Math.round(offset / 1000)} s); a running server follows within a second`);
  });
}
clockCmd.command('show').action(() => moveClock((o) => o));
clockCmd
  .command('advance')
  .argument('<duration>', 'e.g. 5d, 30d, 12h, 1y (forward only)')
  // "-5d" would otherwise be read as an unknown option: it reaches the action, which says why it is refused.
  .allowUnknownOption()
  .action((d: string, _o: unknown, cmd: Command) => {
    if (cmd.args.length !== 1) throw new InvalidArgumentError(`clock advance takes one duration, got: ${cmd.args.join(' ')}`);
    if (d.trim().startsWith('-')) throw new InvalidArgumentError(`clock advance ${d}: the clock only moves forward (registry clock reset goes back to real time)`);
    let ms: number;
    try {
      ms = parseDuration(d);
    } catch (e) {
      throw new InvalidArgumentError(`clock advance ${d}: ${(e as Error).message}`);
    }
    if (ms <= 0) throw new InvalidArgumentError(`clock advance ${d}: give a duration above zero`);
    return moveClock((o) => o + ms);
  });
clockCmd.command('reset').description('back to real time').action(() => moveClock(() => 0));

const ote = program.command('ote').description('OT&E certification: environments for support staff, script runner for registrars');
function printConnection(cfg: Config, env: OteEnvironment): void {
  const paths = devCertPaths(cfg.certsDir);
  console.log(`OT&E environment ${env.tld}: ${env.description}`);
  for (const t of env.alsoTlds ?? []) console.log(`  also TLD ${t.tld}: ${t.description}`);
  console.log(`  EPP server: ${cfg.epp.host}:${cfg.epp.port} (TLS 1.2+, client certificate required)`);
  console.log(`  CA certificate: ${paths.ca}`);
  for (const r of env.registrars) {
    const c = paths.client(r.certificate);
    console.log(`  account ${r.clId}: password ${r.password}, certificate ${c.cert}, key ${c.key}`);
  }
}
ote
  .command('load')
  .argument('<env>', `environment: ${Object.keys(ENVIRONMENTS).join(', ')} (or its TLD)`)
  .description('create or update the TLD(s) and the two OT&E accounts; objects are left as they are')
  .action(async (name: string) => {
    const env = readEnvironment(name);
    await withStore(async (store, cfg) => {
      for (const change of await loadEnvironment(store, cfg.certsDir, env, new Date(), { restorePasswords: true })) console.log(change);
      printConnection(cfg, env);
    });
  });
ote
  .command('reset')
  .argument('<env>', `environment: ${Object.keys(ENVIRONMENTS).join(', ')} (or its TLD)`)
  .description("load the environment and delete every object its accounts own in its TLD(s) (never another registrar's or TLD's)")
  .action(async (name: string) => {
    const env = readEnvironment(name);
    await withStore(async (store, cfg) => {
      // The objects are deleted with SQL of the embedded store (a PostgreSQL store will bring its own).
      const n = await resetEnvironment(store, cfg.certsDir, env, new Date());
      for (const change of n.changes) console.log(change);
      console.log(`reset ${env.tld}: deleted ${n.domains} domains, ${n.hosts} hosts, ${n.contacts} contacts`);
      printConnection(cfg, env);
    });
  });
const collect = (v: string, acc: string[]) => [...acc, v];
ote
  .command('run')
  .argument('<script>', 'script name (tatar, deti, launch) or path of a script JSON file')
  .description('run an OT&E script against an EPP server (this one or any other) and write the evidence archive')
  .option('--host <host>', 'EPP server host', '127.0.0.1')
  .option('--port <port>', 'EPP server port', positiveInt)
  .option('--ca <file>', 'CA certificate of the server (default: the development CA)')
  .option('--servername <name>', 'TLS server name to verify', 'localhost')
  .option('--account <clID:password[:cert:key]>', 'an account of the script (repeatable); default: the OT&E fixtures with the development certificates', collect, [])
  .option('--out <dir>', 'folder for the evidence archive', 'evidence')
  .option('--continue', 'go on after a failed step (the documents stop at the first one)')
  .action(async (name: string, o) => {
    const cfg = config();
    const script = loadScript(name);
    const accounts: Record<string, Account> = {};
    if (o.account.length === 0) {
      const env = readEnvironment(script.tld);
      for (const r of env.registrars) accounts[r.clId] = { password: r.password, ...devCertPaths(cfg.certsDir).client(r.certificate) };
    }
    for (const a of o.account as string[]) {
      const [clID, password, cert, key] = a.split(':');
      accounts[clID] = { password, cert, key };
    }
    const result = await runScript(script, {
      host: o.host,
      port: o.port ?? cfg.epp.port,
      ca: o.ca ?? devCertPaths(cfg.certsDir).ca,
      servername: o.servername,
      accounts,
      continueOnFailure: !!o.continue,
      onStep: (s, i, total) =>
        console.log(
          `[${String(i + 1).padStart(2)}/${total}] ${s.id.padEnd(7)} ${s.startedAt} ${s.command.padEnd(22)} ${s.object.padEnd(28)} expected ${String(s.expected ?? '-').padEnd(4)} got ${String(s.code ?? '-').padEnd(4)} ${s.ok ? 'OK' : `FAIL ${s.problems.join('; ')}`}`,
        ),
    });
    const files = writeEvidence(result, o.out);
    console.log(`${result.passed ? 'PASSED' : 'FAILED'}: ${result.steps.filter((s) => s.ok).length} of ${script.steps.length} steps passed`);
    // The usual reason a second run fails: the first one's objects are still there.
    if (result.steps.some((s) => !s.ok && s.code === 2302)) console.log(`objects of an earlier run exist: registry ote reset ${script.tld} deletes them (on the server's host), then run again`);
    console.log(`evidence: ${files.markdown}\nsha256: ${files.sha256}\njson: ${files.json}`);
    process.exitCode = result.passed ? 0 : 1;
  });

// ---------------------------------------------------------------- HTTP registrar API

const list = (v: string) => v.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
const token = program.command('token').description('bearer tokens of the HTTP registrar API');
token
  .command('create')
  .argument('<clID>', 'registrar the token acts for')
  .requiredOption('--channel <id>', 'registrar channel the token is bound to (created for the registrar when new)')
  .option('--scopes <list>', `comma-separated scopes (default: the whole registrar API profile: ${SCOPES.join(',')})`, list)
  .option('--tlds <list>', 'approved namespaces of a new channel (default: every TLD served)', list)
  .option('--label <text>', 'a note shown in token list')
  .description('issue a token: printed once, only its SHA-256 is stored')
  .action(async (clID: string, o) => {
    await withStore(async (store) => {
      const t = await issueToken(store, { clId: clID, channel: o.channel, scopes: o.scopes, tlds: o.tlds, label: o.label }, new Date());
      console.log(t.token);
      console.error(`token ${t.id} for ${clID}, channel ${t.channelId}, scopes ${t.scopes.join(',')}`);
      console.error('It is shown only this once: keep it on the registrar servers, never in browser or mobile code or public logs.');
    });
  });
token
  .command('list')
  .option('--registrar <clID>', 'only this registrar')
  .action(async (o) => {
    await withStore(async (store) => {
      for (const t of await listTokens(store, o.registrar)) {
        const state = t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : 'active';
        console.log(`${t.id}\t${t.clId}\t${t.channelId}\t${t.prefix}…\t${state}\tlast used ${t.lastUsedAt?.toISOString() ?? 'never'}\t${t.scopes.join(',')}\t${t.label ?? ''}`);
      }
    });
  });
token
  .command('revoke')
  .argument('<id>', 'token id (see token list)', positiveInt)
  .action(async (id: number) => {
    await withStore(async (store) => {
      if (!(await revokeToken(store, id, new Date()))) throw new Error(`no active token ${id}`);
      console.log(`token ${id} revoked`);
    });
  });
token
  .command('admin')
  .description('make an operator admin token for the /admin endpoints: prints it and the SHA-256 to configure (http.adminTokenSha256)')
  .action(() => {
    const t = newToken();
    console.log(t);
    console.error(`http.adminTokenSha256 (or REGISTRY_HTTP_ADMIN_TOKEN_SHA256): ${sha256Hex(t)}`);
  });

program
  .command('protect')
  .argument('[name]', 'domain name to protect (legacy/recovery record)')
  .option('--reason <text>', 'why it is protected', 'legacy/recovery record')
  .option('--list', 'list protected names (with --all: also those released by a recovery decision)')
  .option('--all', 'with --list: include released names')
  .description('make a name unavailable (create, sandbox reset, both doors) until an operator records a recovery decision')
  .action(async (name: string | undefined, o) => {
    if (!name && !o.list) throw new InvalidArgumentError('give a domain name to protect, or --list');
    if (name && o.list) throw new InvalidArgumentError('give a name to protect or --list, not both');
    await withStore(async (store) => {
      if (o.list) {
        const names = await listProtected(store, !!o.all);
        if (names.length === 0) console.log(o.all ? 'no protected names' : 'no protected names (--all: also released ones)');
        for (const p of names) {
          console.log(`${p.name}\t${p.reason}\tprotected ${p.protectedAt.toISOString()}${p.decidedAt ? `\treleased ${p.decidedAt.toISOString()} by ${p.decidedBy}: ${p.decision}` : ''}`);
        }
        return;
      }
      const p = await protectName(store, name!, o.reason, new Date());
      console.log(`${p.name} protected (${p.reason})`);
    });
  });
program
  .command('unprotect')
  .argument('<name>')
  .requiredOption('--decision <text>', 'the recovery decision that releases the name')
  .option('--by <operator>', 'who decided', process.env.USER ?? 'operator')
  .description('record the recovery decision that makes a protected name available again')
  .action(async (name: string, o) => {
    await withStore(async (store) => {
      const p = await releaseName(store, name, o.decision, o.by, new Date());
      console.log(`${p.name} released by ${p.decidedBy}: ${p.decision}`);
    });
  });

ote
  .command('http-archive')
  .argument('<run_id>', 'an OT&E run recorded through POST /admin/interop')
  .option('--out <dir>', 'write <run_id>-evidence-archive.md and .md.sha256 there instead of printing the archive')
  .description('export the evidence archive of a recorded HTTP OT&E run (the same bytes as the admin endpoint)')
  .action(async (runId: string, o) => {
    await withStore(async (store) => {
      const run = await loadOteRun(store, runId);
      if (!run) throw new Error(`no OT&E run ${runId}`);
      if (!o.out) {
        process.stdout.write(run.archive);
        console.error(`sha256: ${run.sha256}`);
        return;
      }
      mkdirSync(o.out, { recursive: true });
      const file = join(o.out, archiveFileName(run.id));
      writeFileSync(file, run.archive);
      writeFileSync(`${file}.sha256`, sha256File(run));
      console.log(`evidence: ${file}\nsha256: ${run.sha256}`);
    });
  });
ote
  .command('http-run')
  .description('run the HTTP registrar OT&E checklist (status, reset, check, create, info, renew, update, transfer, nameservers, delete, poll, with retries) and write its evidence archive')
  .option('--base-url <url>', 'API base URL (default: this configuration\'s HTTP API)')
  .option('--token <token>', 'bearer token (default: $REGISTRY_TOKEN; prefer the variable: command lines are visible to other users)')
  .option('--tld <tld>', 'test namespace', 'defiwallet')
  .option('--out <dir>', 'folder for the evidence archive', 'evidence')
  .action(async (o) => {
    const cfg = config();
    const token = o.token ?? process.env.REGISTRY_TOKEN;
    if (!token) throw new Error('give the bearer token in REGISTRY_TOKEN (or --token)');
    const baseUrl = o.baseUrl ?? `http://${cfg.http.host}:${cfg.http.port}/api/v1/registrar/v1`;
    const r = await runHttpChecklist({
      baseUrl,
      token,
      tld: o.tld,
      onWait: (m) => console.log(m),
      onStep: (s) => console.log(`${s.id.padEnd(5)} ${s.at} ${s.method.padEnd(6)} ${s.path.padEnd(48)} ${String(s.status).padEnd(4)} ${s.replayed ? 'replay ' : ''}${s.requestId ?? ''} ${s.ok ? 'OK' : `FAIL ${s.problems.join('; ')}`}`),
    });
    mkdirSync(o.out, { recursive: true });
    const base = join(o.out, `ote-http-${o.tld}-${r.startedAt.replace(/[:.]/g, '-')}`);
    writeFileSync(`${base}.md`, r.archive);
    writeFileSync(`${base}.md.sha256`, `${r.sha256}  ${base.split('/').pop()}.md\n`);
    writeFileSync(`${base}.json`, JSON.stringify({ ...r, archive: undefined, steps: r.steps.map(({ record: _record, body, ...s }) => ({ ...s, body: maskSecrets(body) })) }, null, 2));
    console.log(`${r.passed ? 'PASSED' : 'FAILED'}: ${r.steps.filter((s) => s.ok).length}/${r.steps.length} requests as expected`);
    console.log(`evidence: ${base}.md\nsha256: ${r.sha256}`);
    process.exitCode = r.passed ? 0 : 1;
  });

addEscrowCommands(program, config);
addBackupCommands(program, config);

program.parseAsync().catch((e: Error) => {
  console.error(`registry: ${e.message}`);
  process.exit(1);
});
