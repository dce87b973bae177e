import { type Command, InvalidArgumentError } from 'commander';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pemCertificates, tmchCaFile, type Config } from '../config.js';
import { REGISTRY_MODE_SETTING } from '../registry/clock.js';
import { lordnFile, parseCrl, parseDnl, parseSmdrl } from '../registry/tmch-files.js';
import type { Store } from '../storage/store.js';
import type { TmchListInfo } from '../storage/tmch-repo.js';

/**
 * `registry tmch …`: the Trademark Clearinghouse's files (RFC 9361). The DNL, the SMD revocation list and the
 * TMCH CRL are loaded from files the operator downloads from the TMCH (each replaces the list whole; a file
 * older than the one loaded is refused unless --force); `lordn` writes the LORDN file of a TLD's sunrise or
 * claims registrations not yet reported and marks them reported. A bad file changes nothing.
 */
export function addTmchCommands(program: Command, withStore: <T>(fn: (store: Store, cfg: Config) => Promise<T>) => Promise<T>): void {
  const tmch = program.command('tmch').description('Trademark Clearinghouse files: DNL, SMD revocation list, CRL, LORDN (RFC 9361)');

  const read = (file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new Error(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  };
  const problem = (file: string, e: unknown) => new Error(`${file}: ${(e as Error).message}`);
  /** A list older than the one loaded is refused (the TMCH's lists only grow newer), unless forced. */
  const notOlder = (loaded: TmchListInfo | undefined, createdAt: Date, what: string, force: boolean) => {
    if (loaded && createdAt < loaded.createdAt && !force) {
      throw new Error(`this ${what} was made at ${createdAt.toISOString()}, before the one loaded (${loaded.createdAt.toISOString()}): refused (--force loads it anyway)`);
    }
  };

  const list = (name: 'dnl' | 'smdrl' | 'crl', description: string) =>
    tmch.command(name).description(description).command('load').argument('<file>', 'the file as downloaded from the TMCH').option('--force', 'load it even when it is older than the list loaded');

  list('dnl', 'the Domain Name Label list: labels under a trademark claim (claims period)').action(async (file: string, o: { force?: boolean }) => {
    let parsed: ReturnType<typeof parseDnl>;
    try {
      parsed = parseDnl(read(file).toString('utf8'));
    } catch (e) {
      throw problem(file, e);
    }
    await withStore((store) =>
      store.transaction(async (r) => {
        notOlder((await r.tmch.lists()).find((l) => l.list === 'dnl'), parsed.createdAt, 'DNL', !!o.force);
        await r.tmch.replaceDnl(parsed.entries, parsed.createdAt, new Date());
      }),
    );
    console.log(`DNL loaded from ${file}: ${parsed.entries.length} label(s), made ${parsed.createdAt.toISOString()}`);
  });

  list('smdrl', 'the SMD revocation list: signed marks a sunrise create may no longer use').action(async (file: string, o: { force?: boolean }) => {
    let parsed: ReturnType<typeof parseSmdrl>;
    try {
      parsed = parseSmdrl(read(file).toString('utf8'));
    } catch (e) {
      throw problem(file, e);
    }
    await withStore((store) =>
      store.transaction(async (r) => {
        notOlder((await r.tmch.lists()).find((l) => l.list === 'smdrl'), parsed.createdAt, 'SMD revocation list', !!o.force);
        await r.tmch.replaceSmdrl(parsed.entries, parsed.createdAt, new Date());
      }),
    );
    console.log(`SMD revocation list loaded from ${file}: ${parsed.entries.length} revoked signed mark(s), made ${parsed.createdAt.toISOString()}`);
  });

  list('crl', "the TMCH CA's certificate revocation list (PEM or DER, signed by a CA of tmch.ca)").action(async (file: string, o: { force?: boolean }) => {
    const data = read(file);
    await withStore(async (store, cfg) => {
      const development = cfg.devFixtures || (await store.transaction((r) => r.settings.get(REGISTRY_MODE_SETTING))) === 'development';
      const caFile = tmchCaFile(cfg, development);
      if (caFile === '') throw new Error('no TMCH CA configured: set tmch.ca (or REGISTRY_TMCH_CA) to the TMCH CA certificate file, which signs the CRL');
      let parsed: Awaited<ReturnType<typeof parseCrl>>;
      try {
        parsed = await parseCrl(data, pemCertificates(readFileSync(caFile, 'utf8')));
      } catch (e) {
        throw problem(file, e);
      }
      await store.transaction(async (r) => {
        notOlder((await r.tmch.lists()).find((l) => l.list === 'crl'), parsed.thisUpdate, 'CRL', !!o.force);
        await r.tmch.replaceCrl(parsed.revoked, parsed.thisUpdate, parsed.nextUpdate, new Date());
      });
      const next = parsed.nextUpdate ? `, next update ${parsed.nextUpdate.toISOString()}${parsed.nextUpdate < new Date() ? ' (already past: fetch a newer CRL)' : ''}` : '';
      console.log(`TMCH CRL loaded from ${file}: ${parsed.revoked.length} revoked certificate(s), made ${parsed.thisUpdate.toISOString()}${next}`);
    });
  });

  tmch
    .command('status')
    .description('the TMCH lists loaded, and per TLD the launch registrations not yet reported in a LORDN file')
    .action(async () => {
      await withStore(async (store) => {
        const { lists, pending } = await store.transaction(async (r) => {
          const tlds = await r.tlds.list();
          const counts: string[] = [];
          for (const t of tlds) {
            const s = (await r.tmch.unreported(t.name, 'sunrise')).length;
            const c = (await r.tmch.unreported(t.name, 'claims')).length;
            if (s + c > 0) counts.push(`${t.name}\tunreported: ${s} sunrise, ${c} claims`);
          }
          return { lists: await r.tmch.lists(), pending: counts };
        });
        const names = { dnl: 'DNL', smdrl: 'SMD revocation list', crl: 'TMCH CRL' } as const;
        for (const name of ['dnl', 'smdrl', 'crl'] as const) {
          const l = lists.find((x) => x.list === name);
          if (!l) console.log(`${names[name]}: not loaded`);
          else {
            const next = l.nextUpdate ? `, next update ${l.nextUpdate.toISOString()}${l.nextUpdate < new Date() ? ' (past: load a newer one)' : ''}` : '';
            // Made at 0: entries an OT&E environment added, no TMCH file yet (any file replaces them).
            const made = l.createdAt.getTime() === 0 ? 'no TMCH file loaded (entries of the OT&E environment)' : `made ${l.createdAt.toISOString()}`;
            console.log(`${names[name]}: ${l.entries} entr${l.entries === 1 ? 'y' : 'ies'}, ${made}, loaded ${l.loadedAt.toISOString()}${next}`);
          }
        }
        for (const p of pending) console.log(p);
      });
    });

  tmch
    .command('lordn')
    .description("write the LORDN file of a TLD's sunrise or claims registrations not yet reported, and mark them reported")
    .requiredOption('--tld <tld>', 'the TLD (A-label)')
    .requiredOption('--type <type>', 'sunrise or claims', (v: string) => {
      if (v !== 'sunrise' && v !== 'claims') throw new InvalidArgumentError(`${v} is not a LORDN type (sunrise or claims)`);
      return v;
    })
    .option('--out <file>', 'the file to write (default: standard output)')
    .action(async (o: { tld: string; type: 'sunrise' | 'claims'; out?: string }) => {
      const tld = o.tld.toLowerCase().replace(/^\./, '');
      const count = await withStore((store) =>
        store.transaction(async (r) => {
          if (!(await r.tlds.get(tld))) throw new Error(`no TLD ${tld} (see registry tld list)`);
          const rows = await r.tmch.unreported(tld, o.type);
          const registrars = new Map((await r.registrars.list()).map((x) => [x.id, x]));
          const now = new Date();
          const text = lordnFile(o.type, rows, (id) => registrars.get(id), now);
          if (o.out) writeDurably(o.out, text);
          else await writeStdout(text);
          // Marked reported in the same transaction, once the file is written (or standard output has taken it
          // all): a failure leaves them to report.
          await r.tmch.markReported(rows.map((x) => x.domainId), now);
          return rows.length;
        }),
      );
      const note = `${o.type} LORDN of ${tld}: ${count} registration(s)${o.out ? ` written to ${o.out}` : ''}${count === 0 ? ' (none to report: the file has only its header)' : ''}`;
      if (o.out) console.log(note);
      else console.error(note);
    });
}

/** Standard output, resolved once it has taken all of `text` (a closed pipe rejects: nothing is marked). */
function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (e: Error) => reject(new Error(`cannot write the LORDN file to standard output: ${e.message}`));
    // The stream reports a failed write twice, to the callback and then as an 'error' event: the listener stays
    // for that event (an unheard one would end the process with a stack trace instead of the one-line error).
    process.stdout.once('error', failed);
    process.stdout.write(text, (e) => {
      if (e) return failed(e);
      process.stdout.off('error', failed);
      resolve();
    });
  });
}

/**
 * Writes `file` whole or not at all: a temporary file, synced, renamed over it, and the directory synced so
 * the rename itself survives a crash. A failure removes the temporary file and names `file`.
 */
function writeDurably(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new Error(`cannot write ${file}: ${(e as Error).message}`);
  }
  try {
    const dir = openSync(dirname(resolve(file)), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // Some file systems cannot sync a directory; the file itself is synced.
  }
}
