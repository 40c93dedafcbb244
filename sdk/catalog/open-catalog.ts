import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Pool, types as pgTypes } from 'pg';
import type { Catalog } from './catalog';
import { parseCatalogLocation, scrubSecret, type CatalogLocation } from './catalog-location';
import { CatalogConnectionError, CatalogError, CatalogSchemaError } from './errors';
import { migrateCatalog } from './migrations/migrations';
import type { CatalogDatabase } from './sql/schema';
import { SqlCatalog } from './sql/sql-catalog';
import { withStatementCache } from './sql/statement-cache';

/** Options of {@link openCatalog}. */
export interface OpenCatalogOptions {
  /** PostgreSQL: connections in the pool (default 10). */
  poolSize?: number;
  /** PostgreSQL: how long to wait for a connection before failing, in ms (default 10,000). */
  connectTimeoutMs?: number;
  /** SQLite: how long to wait for another process's write lock, in ms (default 10,000). */
  busyTimeoutMs?: number;
}

/** PostgreSQL type OIDs the catalog reads as JavaScript numbers (epoch ms, ids, counts fit in 2^53). */
const PG_INT8_OID = 20;

/**
 * Opens (creating and migrating if needed) the catalog at `location`:
 * - `postgres://user:password@host:5432/db` or `postgresql://…`: PostgreSQL, through a `pg` pool;
 *   many workers can share it;
 * - a file path, `sqlite:PATH` or `file:///PATH`: a SQLite file (parent folders are created), in
 *   WAL mode with a busy timeout so a worker and the CLI can use it at the same time;
 * - `:memory:`: a throwaway SQLite database.
 *
 * The schema is migrated to the latest version on open (a no-op when current).
 *
 * @throws CatalogConnectionError when the database cannot be reached or opened (never shows the password).
 * @throws CatalogLocationError for an unsupported location.
 * @throws CatalogSchemaError when the schema cannot be migrated or is newer than this Stratum.
 *
 * @example
 * const catalog = await openCatalog(process.env.STRATUM_CATALOG ?? '.stratum/catalog.db');
 * try {
 *   console.log(await catalog.listAssets());
 * } finally {
 *   await catalog.close();
 * }
 */
export async function openCatalog(location: string, options: OpenCatalogOptions = {}): Promise<Catalog> {
  const parsed = parseCatalogLocation(location);
  return parsed.dialect === 'postgres' ? openPostgres(parsed, options) : openSqlite(parsed, options);
}

async function openSqlite(loc: Extract<CatalogLocation, { dialect: 'sqlite' }>, options: OpenCatalogOptions): Promise<Catalog> {
  let database: Database.Database | undefined;
  try {
    if (loc.path !== ':memory:') makeParentDirs(loc.path);
    database = new Database(loc.path);
    database.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 10_000))}`);
    if (loc.path !== ':memory:') database.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only power loss may lose the last commits.
    database.pragma('synchronous = NORMAL');
  } catch (error) {
    database?.close();
    throw new CatalogConnectionError(
      `Cannot open the SQLite catalog at ${loc.display}: ${describe(error)}. Check that the path points to a SQLite database file (or to a new file) in a folder this process can write, or pass another location.`,
      loc.display,
      { cause: error },
    );
  }
  const db = new Kysely<CatalogDatabase>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  const fileLockKey = loc.path === ':memory:' ? null : realPath(loc.path);
  await migrateOrClose(db, 'sqlite', loc.display, '', fileLockKey);
  return new SqlCatalog(db, 'sqlite', loc.display, fileLockKey);
}

async function openPostgres(loc: Extract<CatalogLocation, { dialect: 'postgres' }>, options: OpenCatalogOptions): Promise<Catalog> {
  const pool = new Pool({
    connectionString: loc.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pgTypes.getTypeParser(oid, format as 'text')) as typeof pgTypes.getTypeParser,
    },
  });
  // An idle client losing its server emits 'error' on the pool; without a listener Node would crash
  // the process. The next query checks out a fresh client and reports the problem itself.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw postgresConnectionError(loc, error);
  }
  const db = new Kysely<CatalogDatabase>({ dialect: new PostgresDialect({ pool }) });
  await migrateOrClose(db, 'postgres', loc.display, loc.secret);
  return new SqlCatalog(db, 'postgres', loc.display);
}

async function migrateOrClose(
  db: Kysely<CatalogDatabase>,
  dialect: 'sqlite' | 'postgres',
  display: string,
  secret: string,
  fileLockKey: string | null = null,
): Promise<void> {
  try {
    await migrateCatalog(db, dialect, { fileLockKey });
  } catch (error) {
    await db.destroy().catch(() => undefined);
    if (error instanceof CatalogError) throw error;
    throw new CatalogSchemaError(
      scrubSecret(
        `Could not prepare the catalog schema at ${display}: ${describe(error)}. Check that the database user may create tables and indexes, then open the catalog again.`,
        secret,
      ),
      { cause: error },
    );
  }
}

function postgresConnectionError(loc: Extract<CatalogLocation, { dialect: 'postgres' }>, error: unknown): CatalogConnectionError {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const where = `${loc.host}:${loc.port}`;
  const detail = describe(error);
  let message: string;
  if (code === '28P01' || code === '28000') {
    message = `PostgreSQL at ${where} refused the login of user "${loc.user}" (${detail}). Check the user name and password in the catalog URL.`;
  } else if (code === '3D000') {
    message = `PostgreSQL at ${where} has no database "${loc.database}" (${detail}). Create it (e.g. \`createdb -h ${loc.host} -p ${loc.port} -U ${loc.user} ${loc.database}\`) or fix the database name in the catalog URL.`;
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    message = `Cannot resolve the PostgreSQL host "${loc.host}" (${detail}). Check the host name in the catalog URL.`;
  } else {
    message = `Cannot connect to PostgreSQL at ${where} (${detail || code || 'unknown error'}). Check the catalog URL (host, port) and that the server is running and accepts TCP connections from this machine.`;
  }
  return new CatalogConnectionError(scrubSecret(`${message} Catalog: ${loc.display}`, loc.secret), loc.display, {
    cause: error,
  });
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map((e) => describe(e)).join('; ');
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return error.message || (typeof code === 'string' ? code : error.name);
  }
  return String(error);
}

function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/**
 * Creates the missing folders above `file`, one level at a time. (Node's `mkdirSync(…, { recursive:
 * true })` spins forever on some pseudo file systems such as `/proc`; this fails with ENOENT instead.)
 */
function makeParentDirs(file: string): void {
  const missing: string[] = [];
  for (let dir = path.dirname(file); !fs.existsSync(dir); dir = path.dirname(dir)) {
    missing.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of missing) {
    try {
      fs.mkdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
