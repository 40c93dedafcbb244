import { sql, type Kysely } from 'kysely';

/** The two SQL dialects the catalog supports. */
export type CatalogDialect = 'sqlite' | 'postgres';

/**
 * Runs `fn` in a transaction that will write.
 *
 * On SQLite it is `BEGIN IMMEDIATE`: the write lock is taken up front, so another process (a
 * worker and the CLI sharing one file) waits for it through `busy_timeout` instead of failing
 * with `SQLITE_BUSY` when a read transaction tries to upgrade. On PostgreSQL it is an ordinary
 * READ COMMITTED transaction from the pool.
 *
 * `fileLockKey` (the SQLite file's absolute path) serializes write transactions of every catalog
 * of this process on that file. better-sqlite3 waits for a lock synchronously, blocking the event
 * loop, so two connections of one process would otherwise wait on each other until the busy
 * timeout: across processes `busy_timeout` does the waiting, within one process this lock does.
 */
export async function writeTransaction<DB, T>(
  db: Kysely<DB>,
  dialect: CatalogDialect,
  fn: (trx: Kysely<DB>) => Promise<T>,
  fileLockKey?: string | null,
): Promise<T> {
  if (dialect === 'postgres') return db.transaction().execute(fn);
  if (fileLockKey) return withProcessLock(fileLockKey, () => sqliteImmediate(db, fn));
  return sqliteImmediate(db, fn);
}

async function sqliteImmediate<DB, T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  // Kysely's SQLite driver has one connection guarded by a mutex; `connection()` holds it for
  // the whole callback, so no other query of this process interleaves with the transaction.
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      try {
        await sql`rollback`.execute(conn);
      } catch {
        // The transaction may already be rolled back (e.g. SQLITE_FULL); keep the first error.
      }
      throw error;
    }
  });
}

const processLocks = new Map<string, Promise<void>>();

/** Runs `fn` after every earlier holder of `key` in this process has finished (FIFO). */
async function withProcessLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = processLocks.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => mine);
  processLocks.set(key, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (processLocks.get(key) === tail) processLocks.delete(key);
  }
}
