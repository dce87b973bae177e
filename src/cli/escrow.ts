import { Command, InvalidArgumentError, Option } from 'commander';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { makeDeposit } from '../escrow/deposit.js';
import { DEV_KEY_FILES, generateDevKeys, loadDepositKeys, passphraseFrom, readPublicKey, readSecretKey, type KeyType } from '../escrow/keys.js';
import { importDeposit } from '../escrow/import.js';
import { compileEscrowSchemas } from '../escrow/schemas.js';
import { depositsIn, verifyDeposit } from '../escrow/verify.js';
import { REGISTRY_MODE_SETTING, CLOCK_OFFSET_SETTING } from '../registry/clock.js';
import { normalizeName } from '../registry/names.js';
import { hashSecret } from '../registry/passwords.js';
import type { TldPolicyInput } from '../registry/policy.js';
import { SqliteEscrowImport } from '../storage/sqlite/escrow-import.js';
import { openEscrowStore, openStore } from '../storage/open.js';
import { isPostgresUrl } from '../storage/postgres/pg-store.js';
import type { Store } from '../storage/store.js';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';

/** An instant given on the command line (ISO 8601 with a time zone, e.g. 2026-12-01T00:00:00Z). */
const instant = (v: string) => {
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) || Number.isNaN(d.getTime())) {
    throw new InvalidArgumentError(`${v} is not an ISO 8601 instant with a time zone (e.g. 2026-12-01T00:00:00Z)`);
  }
  return d;
};

/**
 * `registry escrow …`: registry data escrow deposits (src/escrow/). `config` reads the configuration the way
 * every command does (exiting with its message when it is bad).
 */
export function addEscrowCommands(program: Command, config: () => Config): void {
  const escrow = program.command('escrow').description('registry data escrow (RFC 8909/9022 deposits, RyDE packaging)');

  escrow
    .command('deposit')
    .description('write a deposit of one TLD: BASE.ryde (encrypted to the escrow agent), BASE.sig (signed by the registry), BASE.rep (ICANN report)')
    .requiredOption('--tld <tld>', 'the TLD as an A-label')
    .addOption(new Option('--type <type>', 'full, or diff (changes and deletions since the previous deposit)').choices(['full', 'diff']).default('full'))
    .option('--at <instant>', 'the watermark (default: the last midnight UTC on the registry clock)', instant)
    .option('--out <dir>', 'output folder (default: escrow.outDir)')
    .action(async (o: { tld: string; type: 'full' | 'diff'; at?: Date; out?: string }) => {
      const cfg = config();
      const keys = await loadDepositKeys(cfg.escrow);
      const registry = openStore(cfg, { mustExist: true });
      let now: Date;
      try {
        now = await registryTime(registry, cfg);
      } finally {
        await registry.close();
      }
      const store = await openEscrowStore(cfg.database);
      try {
        const started = Date.now();
        const d = await makeDeposit({ tld: tldLabel(o.tld), type: o.type, watermark: o.at, outDir: o.out ?? cfg.escrow.outDir, now, keys, store });
        console.log(`${d.type} deposit ${d.id} of ${o.tld}, watermark ${d.watermark.toISOString()}, resend ${d.resend}${d.prevId ? `, previous ${d.prevId}` : ''}`);
        for (const [uri, n] of Object.entries(d.counts)) console.log(`  ${uri.split(':').pop()}\t${n}`);
        for (const [what, n] of Object.entries(d.deleted)) console.log(`  ${what}\t${n} deleted`);
        console.log(`  ${d.files.ryde}\n  ${d.files.sig}\n  ${d.files.rep}`);
        console.log(`  ${d.xmlBytes} bytes of XML in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      } finally {
        await store.close();
      }
    });

  escrow
    .command('verify')
    .description('restore drill: decrypt each deposit of DIR with the agent key, check its signature, validate its XML and counts, and its report')
    .argument('<dir>', 'folder holding BASE.ryde, BASE.sig and BASE.rep')
    .option('--base <name>', 'only this deposit (its base name)')
    .option('--agent-key <file>', `the escrow agent's armored secret key (default: the development one, ${DEV_KEY_FILES.agentSecret} beside the certificates)`)
    .option('--agent-passphrase-file <file>', "file holding the agent key's passphrase (or REGISTRY_ESCROW_AGENT_KEY_PASSPHRASE)")
    .option('--signer-key <file>', "the registry's armored public key (default: the public half of escrow.signingKey)")
    .action(async (dir: string, o: { base?: string; agentKey?: string; agentPassphraseFile?: string; signerKey?: string }) => {
      const cfg = config();
      const agentFile = o.agentKey ?? join(cfg.certsDir, DEV_KEY_FILES.agentSecret);
      const agent = await readSecretKey(agentFile, passphraseFrom(process.env.REGISTRY_ESCROW_AGENT_KEY_PASSPHRASE, o.agentPassphraseFile ?? ''), 'escrow agent secret key', '--agent-key');
      const signer = await readPublicKey(o.signerKey ?? cfg.escrow.signingKey, 'registry signing key', '--signer-key or escrow.signingKey');
      const schemas = compileEscrowSchemas(cfg.schemasDir);
      const bases = o.base ? [o.base] : depositsIn(dir);
      for (const base of bases) {
        const v = await verifyDeposit(dir, base, { agent, signer }, schemas, dir);
        console.log(`${base}: OK — ${v.type} deposit ${v.id} of ${v.tld}, watermark ${v.watermark}, resend ${v.resend}${v.prevId ? `, previous ${v.prevId}` : ''}`);
        console.log(`  signature by ${v.signerKeyId} (${v.signatureHash}) verifies; decrypted with the agent key; ${v.xmlBytes} bytes of XML valid; counts match the header and the report`);
        for (const [uri, n] of Object.entries(v.counts)) console.log(`  ${uri.split(':').pop()}\t${n}`);
        for (const [what, n] of Object.entries(v.deletes)) console.log(`  ${what}\t${n} deleted`);
      }
    });

  escrow
    .command('import')
    .description('restore drill, to the end: verify a full deposit as `escrow verify` does, then load it into this (empty) registry')
    .argument('<dir>', 'folder holding BASE.ryde, BASE.sig and BASE.rep')
    .requiredOption('--base <name>', 'the deposit (its base name, e.g. tatar_2026-12-01_full_S1_R0)')
    .option('--policy <file>', 'policy JSON of the TLD when this registry does not serve it yet (default: inferred from the deposit)')
    .option('--agent-key <file>', `the escrow agent's armored secret key (default: ${DEV_KEY_FILES.agentSecret} beside the certificates)`)
    .option('--agent-passphrase-file <file>', "file holding the agent key's passphrase (or REGISTRY_ESCROW_AGENT_KEY_PASSPHRASE)")
    .option('--signer-key <file>', "the registry's armored public key (default: the public half of escrow.signingKey)")
    .action(async (dir: string, o: { base: string; policy?: string; agentKey?: string; agentPassphraseFile?: string; signerKey?: string }) => {
      const cfg = config();
      const agent = await readSecretKey(o.agentKey ?? join(cfg.certsDir, DEV_KEY_FILES.agentSecret), passphraseFrom(process.env.REGISTRY_ESCROW_AGENT_KEY_PASSPHRASE, o.agentPassphraseFile ?? ''), 'escrow agent secret key', '--agent-key');
      const signer = await readPublicKey(o.signerKey ?? cfg.escrow.signingKey, 'registry signing key', '--signer-key or escrow.signingKey');
      const policy = o.policy ? (JSON.parse(readFileSync(o.policy, 'utf8')) as TldPolicyInput) : undefined;
      const schemas = compileEscrowSchemas(cfg.schemasDir);
      if (isPostgresUrl(cfg.database)) {
        throw new Error('escrow import restores into an embedded SQLite registry (set database to a new SQLite file); it does not write to PostgreSQL');
      }
      const registry = new SqliteStore({ path: cfg.database, synchronous: cfg.synchronous });
      const xml = join(dir, `.${o.base}.xml.import-${process.pid}`);
      try {
        const v = await verifyDeposit(dir, o.base, { agent, signer }, schemas, dir, xml);
        const now = await registryTime(registry, cfg);
        const target = new SqliteEscrowImport(registry.db, cfg.roidSuffix);
        const r = await importInOneTransaction(registry, () => importDeposit(xml, target, { tld: v.tld, policy, now, passwordHash: () => hashSecret(randomBytes(24).toString('base64url')) }));
        console.log(`${o.base}: verified and imported into ${cfg.database}`);
        console.log(`  TLD ${r.tld}${r.tldCreated ? ' (added, policy inferred from the deposit' + (policy ? ' and --policy' : '') + ')' : ''}; ${r.registrars} registrars added (set their passwords: registry registrar set-password)`);
        console.log(`  ${r.domains} domains, ${r.hosts} hosts, ${r.contacts} contacts; every object has a new random authInfo (deposits hold none): sponsors set theirs with <update>`);
      } finally {
        rmSync(xml, { force: true });
        await registry.close();
      }
    });

  const keys = escrow.command('keys').description('escrow key pairs');
  keys
    .command('generate')
    .description("development key pairs: one standing for the escrow agent, and the registry's signing pair (only missing files are written)")
    .option('--out <dir>', 'folder (default: the certificates folder, where the escrow settings look by default)')
    .addOption(new Option('--type <type>', 'key type').choices(['curve25519', 'rsa']).default('curve25519'))
    .option('--passphrase-file <file>', 'protect the signing key with the passphrase in this file')
    .action(async (o: { out?: string; type: KeyType; passphraseFile?: string }) => {
      const cfg = config();
      const dir = o.out ?? cfg.certsDir;
      const passphrase = o.passphraseFile ? passphraseFrom(undefined, o.passphraseFile) : undefined;
      const written = await generateDevKeys(dir, o.type, passphrase);
      if (written.length === 0) console.log(`escrow keys in ${dir} exist already`);
      for (const f of written) console.log(`wrote ${f}`);
    });
}

/** A TLD as given (A-label or U-label, with or without the dot) as its A-label. */
function tldLabel(tld: string): string {
  const n = normalizeName(`x.${tld.replace(/^\./, '')}`);
  if (!n.ok) throw new InvalidArgumentError(`${tld} is not a TLD: ${n.reason}`);
  return n.labels[n.labels.length - 1];
}

/** The whole import in one SQLite transaction (an import that fails leaves the registry as it was). */
async function importInOneTransaction<T>(store: SqliteStore, run: () => Promise<T>): Promise<T> {
  store.db.exec('BEGIN IMMEDIATE');
  try {
    const r = await run();
    store.db.exec('COMMIT');
    return r;
  } catch (e) {
    store.db.exec('ROLLBACK');
    throw e;
  }
}

/** The registry's time: a development registry's clock runs with the offset `registry clock advance` stored. */
async function registryTime(store: Store, cfg: Config): Promise<Date> {
  const offset = await store.transaction(async (r) => {
    const development = cfg.devFixtures || (await r.settings.get(REGISTRY_MODE_SETTING)) === 'development';
    return development ? Number((await r.settings.get(CLOCK_OFFSET_SETTING)) ?? 0) : 0;
  });
  return new Date(Date.now() + offset);
}

