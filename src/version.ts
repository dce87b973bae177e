import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (or installed package) root: this file is dist/src/version.js once built. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The package version (package.json), read once. */
export const VERSION: string = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let revision: string | undefined;
/**
 * The git revision the code runs from (short hash, "+dirty" when the tree has uncommitted changes), or
 * "unknown" where there is no git checkout (a tarball, an image without git): asked once, never fatal.
 */
export function gitRevision(): string {
  if (revision === undefined) {
    try {
      const opts = { cwd: ROOT, encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'], timeout: 2000 };
      revision = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], opts).trim();
      if (execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).trim() !== '') revision += '+dirty';
    } catch {
      revision = 'unknown';
    }
  }
  return revision;
}
