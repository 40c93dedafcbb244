/**
 * The catalog that waits out outages (activities/catalog-wait.ts), against real databases: a
 * SQLite file whose write lock another connection holds, and a real PostgreSQL server that is
 * stopped and started again. Errors that are not about reaching the catalog fail at once.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { CatalogUnavailableError, catalogOutageToleranceMs, isTransientCatalogError, waitForCatalog } from '../../activities/catalog-wait';
import { CatalogRunNotFoundError, openCatalog, type Catalog, type RunStartedEvent } from '../../sdk/catalog';
import { startRestartableTestPostgres, type RestartableTestPostgres } from '../harness/postgres';
import { waitFor } from '../harness/wait';

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-catalog-wait-'));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

let runCounter = 0;
function runStarted(): RunStartedEvent {
  runCounter += 1;
  return { runId: `run-${runCounter}`, workflowId: `wf-${runCounter}`, job: null, selection: '*', assetKeys: ['a'], partitionKey: null, startedAt: Date.now() };
}

/** A logger that keeps what it is told. */
function recordingLogger() {
  const warnings: string[] = [];
  return { warnings, warn: (message: string) => void warnings.push(message) };
}

/** The error `promise` rejects with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('catalogOutageToleranceMs', () => {
  test.each([
    ['the option wins', '10m', { STRATUM_CATALOG_WAIT: '1s' }, 600_000],
    ['STRATUM_CATALOG_WAIT as a duration', undefined, { STRATUM_CATALOG_WAIT: '30s' }, 30_000],
    ['STRATUM_CATALOG_WAIT in milliseconds', undefined, { STRATUM_CATALOG_WAIT: '1500' }, 1_500],
    ['0 turns waiting off', undefined, { STRATUM_CATALOG_WAIT: '0' }, 0],
    ['default: 5 minutes', undefined, {}, 300_000],
  ] as const)('%s', (_name, option, env, expected) => {
    expect(catalogOutageToleranceMs(option, env)).toBe(expected);
  });

  test('a value that is not a duration is refused, naming the variable', () => {
    expect(() => catalogOutageToleranceMs(undefined, { STRATUM_CATALOG_WAIT: 'soon' })).toThrow(/STRATUM_CATALOG_WAIT "soon" is not a duration/);
  });
});

describe('SQLite: a busy catalog', () => {
  let file: string;
  let catalog: Catalog;
  let blocker: Database.Database;
  beforeEach(async () => {
    file = path.join(tmpRoot, `busy-${++runCounter}`, 'catalog.db');
    // A short busy timeout, so the driver gives up with SQLITE_BUSY while the lock is held.
    catalog = await openCatalog(file, { busyTimeoutMs: 50 });
    blocker = new Database(file);
  });
  afterEach(async () => {
    if (blocker.inTransaction) blocker.exec('ROLLBACK');
    blocker.close();
    await catalog.close();
  });

  test('without waiting, a write under another connection\'s write lock fails with SQLITE_BUSY', async () => {
    blocker.exec('BEGIN IMMEDIATE');
    const error = await rejection(catalog.recordRunStarted(runStarted()));
    expect((error as { code?: string }).code).toMatch(/^SQLITE_BUSY/);
    expect(isTransientCatalogError(error)).toBe(true);
  });

  test('a write waits until the other connection commits, then goes through once; the outage and the recovery are logged', async () => {
    const logger = recordingLogger();
    const waiting = waitForCatalog(catalog, { toleranceMs: 30_000, logger });
    blocker.exec('BEGIN IMMEDIATE');
    const event = runStarted();
    const write = waiting.recordRunStarted(event);
    await waitFor(() => logger.warnings.length > 0, 10_000, 20);
    expect(logger.warnings[0]).toMatch(/^Catalog unavailable \((?:SqliteError: )?database is locked\) during recordRunStarted: waiting for it up to 30\.0 s/);
    blocker.exec('COMMIT');
    await write;
    expect((await catalog.getRun(event.runId))?.runId).toBe(event.runId);
    expect(logger.warnings).toHaveLength(2);
    expect(logger.warnings[1]).toMatch(/^Catalog available again after .*recordRunStarted went through/);
  });

  test('a lock held longer than the tolerance fails with CatalogUnavailableError, naming the limit', async () => {
    const waiting = waitForCatalog(catalog, { toleranceMs: 400, logger: recordingLogger() });
    blocker.exec('BEGIN IMMEDIATE');
    const startedAt = Date.now();
    const error = await rejection(waiting.recordRunStarted(runStarted()));
    expect(error).toBeInstanceOf(CatalogUnavailableError);
    expect(error.message).toMatch(/did not answer recordRunStarted for .* \(last error: (?:SqliteError: )?database is locked\).*STRATUM_CATALOG_WAIT/);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });
});

describe('errors that are not an outage fail at once', () => {
  test('a run the catalog does not know (CatalogRunNotFoundError) is not waited for', async () => {
    const catalog = await openCatalog(path.join(tmpRoot, 'not-found', 'catalog.db'));
    try {
      const logger = recordingLogger();
      const waiting = waitForCatalog(catalog, { toleranceMs: 60_000, logger });
      const startedAt = Date.now();
      const error = await rejection(waiting.recordRunFinished({ runId: 'never-started', status: 'succeeded', endedAt: Date.now(), steps: [] }));
      expect(error).toBeInstanceOf(CatalogRunNotFoundError);
      expect(Date.now() - startedAt).toBeLessThan(1_000);
      expect(logger.warnings).toEqual([]);
    } finally {
      await catalog.close();
    }
  });

  test('SQLite constraint violations and bad SQL are not transient', () => {
    const db = new Database(':memory:');
    try {
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
      db.exec('INSERT INTO t VALUES (1)');
      const constraint = captureThrown(() => db.exec('INSERT INTO t VALUES (1)'));
      const badSql = captureThrown(() => db.exec('SELEC 1'));
      expect([(constraint as { code?: string }).code, isTransientCatalogError(constraint)]).toEqual(['SQLITE_CONSTRAINT_PRIMARYKEY', false]);
      expect([(badSql as { code?: string }).code, isTransientCatalogError(badSql)]).toEqual(['SQLITE_ERROR', false]);
    } finally {
      db.close();
    }
  });
});

describe('PostgreSQL: a stopped and restarted server', () => {
  let pg: RestartableTestPostgres;
  let catalog: Catalog;
  beforeAll(async () => {
    pg = await startRestartableTestPostgres();
    catalog = await openCatalog(pg.url);
  }, 120_000);
  afterAll(async () => {
    await catalog?.close();
    await pg?.stop();
  });

  test('constraint violations and bad SQL are not transient; an administrator shutdown, a dropped connection and a refused connection are', async () => {
    const busy = new Client({ connectionString: pg.url });
    const idle = new Client({ connectionString: pg.url });
    await busy.connect();
    await idle.connect();
    busy.on('error', () => undefined);
    let dropped: Error | undefined;
    idle.on('error', (error) => (dropped = error));
    try {
      await busy.query('CREATE TABLE wait_test (id int PRIMARY KEY)');
      await busy.query('INSERT INTO wait_test VALUES (1)');
      const constraint = await rejection(busy.query('INSERT INTO wait_test VALUES (1)'));
      const badSql = await rejection(busy.query('SELEC 1'));
      expect([(constraint as { code?: string }).code, isTransientCatalogError(constraint)]).toEqual(['23505', false]);
      expect([(badSql as { code?: string }).code, isTransientCatalogError(badSql)]).toEqual(['42601', false]);

      const inFlight = rejection(busy.query('SELECT pg_sleep(30)'));
      await pg.stopServer();
      const shutdown = await inFlight;
      expect([(shutdown as { code?: string }).code, isTransientCatalogError(shutdown)]).toEqual(['57P01', true]);
      await waitFor(() => dropped !== undefined, 10_000);
      expect(isTransientCatalogError(dropped)).toBe(true);
      const refused = await rejection(new Client({ connectionString: pg.url }).connect());
      expect(isTransientCatalogError(refused)).toBe(true);
      expect(refused.message).toMatch(/ECONNREFUSED/);
    } finally {
      await busy.end().catch(() => undefined);
      await idle.end().catch(() => undefined);
      await pg.startServer();
    }
  });

  test('a write made while the server is down waits for it, then is recorded once', async () => {
    const logger = recordingLogger();
    const waiting = waitForCatalog(catalog, { toleranceMs: 60_000, logger });
    await pg.stopServer();
    const event = runStarted();
    let done = false;
    const write = waiting.recordRunStarted(event).finally(() => (done = true));
    try {
      await waitFor(() => logger.warnings.length > 0, 15_000);
      expect(logger.warnings[0]).toMatch(/^Catalog unavailable \(.*ECONNREFUSED.*\) during recordRunStarted/);
      expect(done).toBe(false);
    } finally {
      await pg.startServer();
    }
    await write;
    expect((await catalog.listRuns()).filter((r) => r.runId === event.runId)).toHaveLength(1);
    expect(logger.warnings[1]).toMatch(/^Catalog available again after/);
  });
});

function captureThrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
