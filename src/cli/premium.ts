import { type Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { parsePremiumLine, toDecimal, type PremiumName } from '../registry/pricing.js';
import type { Store } from '../storage/store.js';
import type { Config } from '../config.js';

/**
 * `registry tld premium load T FILE` and `registry tld premium list T`: a TLD's premium names (RFC 8748 classes
 * and prices), from a CSV `label,class,create,renew,transfer,restore` in minor units. The whole file is checked
 * before anything is stored (a bad line: one line naming it, nothing loaded), and replaces the TLD's list.
 */
export function addPremiumCommands(tld: Command, withStore: <T>(fn: (store: Store, cfg: Config) => Promise<T>) => Promise<T>): void {
  const premium = tld.command('premium').description("a TLD's premium names: class and prices per command (fee-1.0)");
  premium
    .command('load')
    .description('replace the TLD\'s premium list with a CSV file: label,class,create,renew,transfer,restore (minor units; "#" lines and a header line are skipped)')
    .argument('<tld>', 'the TLD (A-label)')
    .argument('<file>', 'the CSV file')
    .action(async (name: string, file: string) => {
      const tldName = name.toLowerCase().replace(/^\./, '');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new Error(`premium list ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      }
      const list: PremiumName[] = [];
      const seen = new Set<string>();
      for (const [i, raw] of text.split(/\r?\n/).entries()) {
        const line = raw.trim();
        if (line === '' || line.startsWith('#') || (i === 0 && /^label\s*,/i.test(line))) continue;
        const entry = parsePremiumLine(line);
        if (typeof entry === 'string') throw new InvalidArgumentError(`${file} line ${i + 1}: ${entry}`);
        if (seen.has(entry.label)) throw new InvalidArgumentError(`${file} line ${i + 1}: label ${entry.label} is listed twice`);
        seen.add(entry.label);
        list.push(entry);
      }
      await withStore((store) =>
        store.transaction(async (r) => {
          if (!(await r.tlds.get(tldName))) throw new Error(`no TLD ${tldName} (see registry tld list)`);
          await r.tlds.replacePremium(tldName, list);
        }),
      );
      console.log(`premium list of ${tldName}: ${list.length} name(s) loaded from ${file}`);
    });
  premium
    .command('list')
    .description("the TLD's premium names with their class and prices (in the TLD's currency)")
    .argument('<tld>', 'the TLD (A-label)')
    .action(async (name: string) => {
      const tldName = name.toLowerCase().replace(/^\./, '');
      await withStore(async (store) => {
        const { t, list } = await store.transaction(async (r) => ({ t: await r.tlds.get(tldName), list: await r.tlds.premiumList(tldName) }));
        if (!t) throw new Error(`no TLD ${tldName} (see registry tld list)`);
        const c = t.policy.currency;
        if (list.length === 0) console.log(`no premium names in ${tldName}`);
        for (const p of list) {
          console.log(`${p.label}.${tldName}\t${p.class}\tcreate ${toDecimal(p.prices.create, c)}\trenew ${toDecimal(p.prices.renew, c)}\ttransfer ${toDecimal(p.prices.transfer, c)}\trestore ${toDecimal(p.prices.restore, c)}\t${c}`);
        }
      });
    });
}
