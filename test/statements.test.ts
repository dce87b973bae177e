import { expect } from 'chai';
import Database from 'better-sqlite3';
import { memoizePrepare, prepareOwn, rowReader } from '../src/storage/sqlite/statements.js';

/**
 * The statement helpers the repositories share: one compiled statement per SQL text, and raw-mode readers
 * that must never hand their raw statement to code expecting row objects from the shared cache.
 */
describe('SQLite statement helpers', () => {
  let db: Database.Database;
  const SQL = 'SELECT id, name, note FROM t WHERE id >= ? ORDER BY id';

  beforeEach(() => {
    db = new Database(':memory:');
    memoizePrepare(db);
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT); INSERT INTO t VALUES (1, 'a', NULL), (2, 'b', 'x')");
  });
  afterEach(() => db.close());

  it('compiles each SQL text once per connection', () => {
    expect(db.prepare(SQL)).to.equal(db.prepare(SQL));
  });

  it('reads rows as objects named by their columns, NULLs included, through a statement of its own', () => {
    const reader = rowReader<[number], { id: number; name: string; note: string | null }>(db, SQL);
    expect(reader.get(1)).to.deep.equal({ id: 1, name: 'a', note: null });
    expect(reader.get(3)).to.equal(undefined);
    expect(reader.all(1)).to.deep.equal([
      { id: 1, name: 'a', note: null },
      { id: 2, name: 'b', note: 'x' },
    ]);
    expect(reader.all(9)).to.deep.equal([]);
    // The same text through the shared cache still gives objects: the reader's raw mode did not leak into it.
    expect(db.prepare(SQL).get(2)).to.deep.equal({ id: 2, name: 'b', note: 'x' });
    expect(prepareOwn(db, SQL)).to.not.equal(db.prepare(SQL));
  });
});
