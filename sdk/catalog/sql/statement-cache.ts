import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Prepared statements kept per SQL text: the catalog's statements repeat with every step. */
const DEFAULT_CAPACITY = 256;

/**
 * The SQLite database as Kysely's SQLite dialect sees it, with each statement prepared once per
 * SQL text and reused (least recently used evicted past `capacity`). Kysely prepares every query
 * anew; preparing was a tenth of the worker's catalog time in `npm run bench -- backfill`.
 * A statement is safe to reuse: better-sqlite3 binds parameters per call, and the dialect reads
 * each result fully before the next query on the (single) connection.
 */
export function withStatementCache(database: Database, capacity = DEFAULT_CAPACITY): SqliteDatabase {
  const statements = new Map<string, Statement>();
  return {
    close() {
      statements.clear();
      database.close();
    },
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement !== undefined) {
        // Most recently used last: the first key is the one to evict.
        statements.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (statements.size >= capacity) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
