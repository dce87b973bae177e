/**
 * A throwaway PostgreSQL cluster for the test run on the PostgreSQL store (REGISTRY_TEST_STORE=postgres):
 * initdb into a temporary folder, the server on a Unix socket there (no TCP port), torn down at the end.
 * Each test registry then gets a database of its own, copied from a template the registry migrated once
 * (CREATE DATABASE … TEMPLATE), and dropped when it closes.
 *
 * The binaries are Debian's (`apt-get install postgresql`, see .ci/run): /usr/lib/postgresql/<n>/bin, or
 * PG_BIN. PostgreSQL refuses to run as root: as root, the cluster runs as the `postgres` user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface Cluster {
  /** Folder of the server's socket: connection URLs say `?host=<socketDir>`. */
  socketDir: string;
  port: number;
  /** A URL for the named database on this cluster. */
  url(database: string): string;
  stop(): void;
}

function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  if (versions.length === 0) throw new Error('PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN)');
  return join(root, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

export function startCluster(port = 5432): Cluster {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'registry-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const r = asRoot ? spawnSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { encoding: 'utf8' }) : spawnSync(join(bin, cmd), args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  };
  if (asRoot) {
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), 0);
    chmodSync(dir, 0o755);
  }
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  // fsync stays on: the crash test kills servers and counts on what PostgreSQL flushed.
  run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', `-k ${dir} -p ${port} -c listen_addresses='' -c max_connections=400 -c shared_buffers=128MB`, 'start']);
  return {
    socketDir: dir,
    port,
    url: (database) => `postgres:///${database}?host=${dir}&port=${port}&user=postgres`,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Runs SQL on the cluster's maintenance database. */
export async function admin(cluster: Pick<Cluster, 'url'>, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: cluster.url('postgres') });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}
