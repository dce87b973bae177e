#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { startRegistry } from '../app.js';
import { hashSecret } from '../registry/passwords.js';
import { resolvePolicy } from '../registry/policy.js';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { ensureDevCerts, fingerprint } from '../transport/dev-certs.js';

const program = new Command();
program.name('registry').description('EPP domain registry: server, accounts, TLDs and certificates').option('-c, --config <file>', 'configuration file (JSON)');

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

async function withStore<T>(fn: (store: SqliteStore, cfg: Config) => Promise<T>): Promise<T> {
  const cfg = config();
  const store = new SqliteStore({ path: cfg.database, synchronous: cfg.synchronous });
  try {
    return await fn(store, cfg);
  } finally {
    await store.close();
  }
}

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
};

program
  .command('serve')
  .description('run the EPP server (creates the database, development certificates and fixtures when configured)')
  .action(async () => {
    const cfg = config();
    const registry = await startRegistry(cfg);
    let stopping = false;
    const stop = (signal: string) => {
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

const registrar = program.command('registrar').description('registrar accounts');
registrar
  .command('add')
  .argument('<clID>', 'client identifier (3-16 characters)')
  .requiredOption('--password <pw>', 'EPP password (6-16 characters)')
  .option('--name <name>', 'display name')
  .option('--cert <file>', 'client certificate (PEM) to bind to the account')
  .option('--max-sessions <n>', 'concurrent session limit', positiveInt, 10)
  .option('--balance <minor>', 'starting balance in minor units', positiveInt, 0)
  .option('--allow-ip <cidr...>', 'address ranges logins may come from')
  .action(async (clID: string, o) => {
    if (!/^.{3,16}$/.test(clID)) throw new InvalidArgumentError('clID must be 3 to 16 characters');
    if (!/^.{6,16}$/.test(o.password)) throw new InvalidArgumentError('password must be 6 to 16 characters (RFC 5730 pwType)');
    const hash = await hashSecret(o.password);
    await withStore(async (store) => {
      await store.transaction(async (r) => {
        if (await r.registrars.byClId(clID)) throw new Error(`registrar ${clID} exists`);
        await r.registrars.insert(
          {
            clId: clID,
            name: o.name ?? clID,
            passwordHash: hash,
            certFingerprints: o.cert ? [fingerprint(readFileSync(o.cert, 'utf8'))] : [],
            maxSessions: o.maxSessions,
            balance: o.balance,
            allowedIps: o.allowIp ?? null,
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
      console.log(`${r.clId}\t${r.status}\tsessions<=${r.maxSessions}\tbalance=${r.balance}\tcerts=${r.certFingerprints.length}\t${r.name}`);
    }
  });
});
registrar
  .command('set-password')
  .argument('<clID>')
  .argument('<password>')
  .action(async (clID: string, pw: string) => {
    if (!/^.{6,16}$/.test(pw)) throw new InvalidArgumentError('password must be 6 to 16 characters (RFC 5730 pwType)');
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
tld
  .command('add')
  .argument('<name>', 'TLD as an A-label, e.g. tatar or xn--d1acj3b')
  .option('--policy <file>', 'policy JSON (fields of TldPolicy; defaults for the rest)')
  .action(async (name: string, o) => {
    const label = name.toLowerCase().replace(/^\./, '');
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) throw new InvalidArgumentError('TLD must be one LDH label (A-label)');
    const policy = resolvePolicy(o.policy ? JSON.parse(readFileSync(o.policy, 'utf8')) : undefined);
    await withStore((store) => store.transaction((r) => r.tlds.upsert({ name: label, policy }, new Date())));
    console.log(`TLD ${label} served`);
  });
tld.command('list').action(async () => {
  await withStore(async (store) => {
    for (const t of await store.transaction((r) => r.tlds.list())) {
      console.log(`${t.name}\tcontacts=${t.policy.dataModel}\tdnssec=${t.policy.dnssec.interface}\tdelete=${t.policy.deleteResultCode}`);
    }
  });
});

program.parseAsync().catch((e: Error) => {
  console.error(`registry: ${e.message}`);
  process.exit(1);
});
