/**
 * Which store the suite runs on: SQLite files (the default), or PostgreSQL when REGISTRY_TEST_STORE is
 * `postgres` (`npm test` runs the suite once each way). Loaded by mocha (--require, see .mocharc.json): on
 * PostgreSQL its global setup starts a throwaway cluster (support/pg-cluster.ts) and migrates a template
 * database once; each test registry's database is a copy of it.
 */
import { PgStore } from '../../src/storage/postgres/pg-store.js';
import { admin, startCluster, type Cluster } from './pg-cluster.js';

export const onPostgres = process.env.REGISTRY_TEST_STORE === 'postgres';

let cluster: Cluster | undefined;
let databases = 0;
const TEMPLATE = 'registry_template';

export async function mochaGlobalSetup(): Promise<void> {
  if (!onPostgres) return;
  cluster = startCluster(Number(process.env.REGISTRY_TEST_PG_PORT ?? 55432));
  await admin(cluster, `CREATE DATABASE ${TEMPLATE}`);
  const store = new PgStore({ url: cluster.url(TEMPLATE) });
  await store.ready;
  await store.close();
}

export async function mochaGlobalTeardown(): Promise<void> {
  cluster?.stop();
  cluster = undefined;
}

/** A new empty registry database on the test cluster (migrated), and how to drop it. */
export async function newTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!cluster) throw new Error('no PostgreSQL test cluster (REGISTRY_TEST_STORE=postgres starts one)');
  const c = cluster;
  const name = `registry_${process.pid}_${++databases}`;
  await admin(c, `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
  return { url: c.url(name), drop: () => admin(c, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
