import Database from 'better-sqlite3';
import { withStatementCache } from '../../sdk/catalog/sql/statement-cache';

/*
 * The SQLite catalog reuses prepared statements per SQL text (Kysely prepares each query anew).
 * Reuse must never change a result, and the cache must stay bounded.
 */

describe('withStatementCache', () => {
  let database: Database.Database;
  beforeEach(() => {
    database = new Database(':memory:');
    database.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)');
  });
  afterEach(() => {
    if (database.open) database.close();
  });

  it('prepares a statement once per SQL text and binds each call anew', () => {
    const cached = withStatementCache(database);
    const insert = cached.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    expect(cached.prepare('INSERT INTO t (k, v) VALUES (?, ?)')).toBe(insert);
    insert.run(['a', 1]);
    cached.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run(['b', 2]);
    const select = cached.prepare('SELECT v FROM t WHERE k = ?');
    expect(select.all(['a'])).toEqual([{ v: 1 }]);
    expect(cached.prepare('SELECT v FROM t WHERE k = ?').all(['b'])).toEqual([{ v: 2 }]);
  });

  it('keeps at most `capacity` statements, evicting the least recently used', () => {
    const cached = withStatementCache(database, 2);
    const first = cached.prepare('SELECT 1');
    const second = cached.prepare('SELECT 2');
    expect(cached.prepare('SELECT 1')).toBe(first); // now the most recent
    cached.prepare('SELECT 3'); // evicts SELECT 2
    expect(cached.prepare('SELECT 1')).toBe(first);
    expect(cached.prepare('SELECT 2')).not.toBe(second);
  });

  it('sees tables created after a statement was cached', () => {
    const cached = withStatementCache(database);
    const count = cached.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'");
    expect(count.all([])).toEqual([{ n: 1 }]);
    database.exec('CREATE TABLE u (x INTEGER)');
    expect(cached.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").all([])).toEqual([{ n: 2 }]);
  });

  it('closes the database', () => {
    withStatementCache(database).close();
    expect(database.open).toBe(false);
  });
});
