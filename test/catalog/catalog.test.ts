import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import {
  CatalogConnectionError,
  CatalogInputError,
  CatalogLocationError,
  CatalogRunNotFoundError,
  CatalogSchemaError,
  catalogMigrations,
  migrateCatalog,
  openCatalog,
  parseCatalogLocation,
  type Catalog,
  type MaterializationInput,
} from '../../sdk/catalog';
import { createDatabaseOn, startTestPostgres, type TestPostgres } from '../harness/postgres';

/*
 * One behaviour suite, run against a SQLite file and a real PostgreSQL server (started by the
 * harness; `apt-get install postgresql` if it says the binaries are missing).
 */

let pg: TestPostgres | undefined;
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-catalog-test-'));

beforeAll(async () => {
  pg = await startTestPostgres();
}, 120_000);

afterAll(async () => {
  await pg?.stop();
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

interface Opened {
  catalog: Catalog;
  location: string;
  cleanup(): Promise<void>;
}

let fileCounter = 0;
const backends: { name: 'sqlite' | 'postgres'; open(): Promise<Opened> }[] = [
  {
    name: 'sqlite',
    async open() {
      const location = path.join(tmpRoot, `t${++fileCounter}`, 'catalog.db');
      const catalog = await openCatalog(location);
      return { catalog, location, cleanup: async () => undefined };
    },
  },
  {
    name: 'postgres',
    async open() {
      if (!pg) throw new Error('test PostgreSQL did not start');
      const database = await createDatabaseOn(pg.url);
      const catalog = await openCatalog(database.url);
      return { catalog, location: database.url, cleanup: () => database.stop() };
    },
  },
];

function mat(overrides: Partial<MaterializationInput> = {}): MaterializationInput {
  return {
    runId: 'run-1',
    stepKey: 'sales/orders',
    assetKey: 'sales/orders',
    partitionKey: '2024-03-01',
    dataVersion: 'dv-1',
    codeVersion: 'cv-1',
    metadata: { rows: 10 },
    storageLocation: '/data/sales/orders/2024-03-01.json',
    startedAt: 1_000,
    materializedAt: 2_000,
    attempt: 1,
    ...overrides,
  };
}

describe.each(backends)('catalog on $name', (backend) => {
  let opened: Opened;
  let catalog: Catalog;

  beforeEach(async () => {
    opened = await backend.open();
    catalog = opened.catalog;
  });

  afterEach(async () => {
    await catalog.close();
    await opened.cleanup();
  });

  test('reports its dialect and a printable location', () => {
    expect(catalog.dialect).toBe(backend.name);
    expect(typeof catalog.location).toBe('string');
  });

  describe('recordMaterialization', () => {
    test('recording the same run, asset and partition twice keeps one row; the later attempt wins', async () => {
      const first = await catalog.recordMaterialization(mat({ attempt: 1, dataVersion: 'a1', materializedAt: 2_000 }));
      const second = await catalog.recordMaterialization(
        mat({ attempt: 2, dataVersion: 'a2', metadata: { rows: 20 }, materializedAt: 3_000 }),
      );
      expect(second.id).toBe(first.id);
      expect(second).toMatchObject({ attempt: 2, dataVersion: 'a2', metadata: { rows: 20 }, materializedAt: 3_000 });

      // A replay of the earlier attempt changes nothing.
      const replay = await catalog.recordMaterialization(mat({ attempt: 1, dataVersion: 'a1', materializedAt: 2_000 }));
      expect(replay).toMatchObject({ id: first.id, attempt: 2, dataVersion: 'a2' });

      const history = await catalog.materializationHistory('sales/orders');
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ attempt: 2, dataVersion: 'a2' });
      expect((await catalog.listAssets())[0]).toMatchObject({ assetKey: 'sales/orders', materializationCount: 1, partitionsMaterialized: 1 });
    });

    test('an unpartitioned asset (null partition) conflicts too', async () => {
      const a = await catalog.recordMaterialization(mat({ assetKey: 'raw', partitionKey: null, attempt: 1, dataVersion: 'x' }));
      const b = await catalog.recordMaterialization(mat({ assetKey: 'raw', partitionKey: null, attempt: 3, dataVersion: 'y' }));
      expect(b.id).toBe(a.id);
      expect(b.partitionKey).toBeNull();
      const all = await catalog.materializationHistory('raw');
      expect(all).toEqual([b]);
      expect(await catalog.latestMaterialization('raw', null)).toEqual(b);
      expect(await catalog.partitionSummary('raw')).toEqual({ materialized: 0, failed: 0 });
      expect(await catalog.partitionStatus('raw', null)).toMatchObject({ status: 'materialized', runId: 'run-1' });
    });

    test('concurrent recordings of one run, asset and partition leave one row with the latest attempt', async () => {
      const attempts = Array.from({ length: 12 }, (_, i) => i + 1);
      await Promise.all(
        attempts.map((attempt) => catalog.recordMaterialization(mat({ attempt, dataVersion: `v${attempt}`, materializedAt: 10_000 + attempt }))),
      );
      await Promise.all(
        attempts.map((attempt) =>
          catalog.recordMaterialization(mat({ partitionKey: null, assetKey: 'u', attempt, dataVersion: `v${attempt}`, materializedAt: 10_000 + attempt })),
        ),
      );
      expect(await catalog.materializationHistory('sales/orders')).toEqual([expect.objectContaining({ attempt: 12, dataVersion: 'v12' })]);
      expect(await catalog.materializationHistory('u')).toEqual([expect.objectContaining({ attempt: 12, dataVersion: 'v12' })]);
      const assets = await catalog.listAssets();
      expect(assets.map((a) => [a.assetKey, a.materializationCount, a.partitionsMaterialized])).toEqual([
        ['sales/orders', 1, 1],
        ['u', 1, 0],
      ]);
    });

    test('two catalog instances on the same database write concurrently without duplicates', async () => {
      const other = await openCatalog(opened.location);
      try {
        await Promise.all(
          Array.from({ length: 20 }, (_, i) => {
            const writer = i % 2 === 0 ? catalog : other;
            return writer.recordMaterialization(mat({ partitionKey: `p${i % 5}`, attempt: 1 + Math.floor(i / 5) }));
          }),
        );
      } finally {
        await other.close();
      }
      const rows = await catalog.materializationHistory('sales/orders', { limit: 100 });
      expect(rows.map((r) => [r.partitionKey, r.attempt]).sort()).toEqual([
        ['p0', 4],
        ['p1', 4],
        ['p2', 4],
        ['p3', 4],
        ['p4', 4],
      ]);
      expect(await catalog.partitionSummary('sales/orders')).toEqual({ materialized: 5, failed: 0 });
    });

    test('refuses an empty partition key and metadata that is not JSON', async () => {
      await expect(catalog.recordMaterialization(mat({ partitionKey: '' }))).rejects.toBeInstanceOf(CatalogInputError);
      await expect(catalog.recordMaterialization(mat({ metadata: { n: 1n } }))).rejects.toThrow(/JSON-serializable/);
      expect(await catalog.listAssets()).toEqual([]);
    });
  });

  describe('latest and history', () => {
    // materializedAt deliberately not in insertion order.
    const times = [5_000, 1_000, 9_000, 3_000, 7_000, 2_000, 8_000, 4_000, 6_000, 10_000, 9_000, 500];

    beforeEach(async () => {
      for (const [i, t] of times.entries()) {
        await catalog.recordMaterialization(mat({ runId: `run-${i}`, partitionKey: i % 3 === 0 ? null : `p${i % 3}`, materializedAt: t }));
      }
      await catalog.recordMaterialization(mat({ assetKey: 'other', runId: 'run-x', materializedAt: 99_999 }));
    });

    test('latestMaterialization by partition, unpartitioned, and any partition', async () => {
      expect(await catalog.latestMaterialization('sales/orders')).toMatchObject({ runId: 'run-9', materializedAt: 10_000 });
      expect(await catalog.latestMaterialization('sales/orders', null)).toMatchObject({ runId: 'run-9', partitionKey: null });
      // p1: i = 1,4,7,10 -> times 1000,7000,4000,9000
      expect(await catalog.latestMaterialization('sales/orders', 'p1')).toMatchObject({ runId: 'run-10', materializedAt: 9_000 });
      // p2: i = 2,5,8,11 -> 9000,2000,6000,500; ties broken by id (none here)
      expect(await catalog.latestMaterialization('sales/orders', 'p2')).toMatchObject({ runId: 'run-2' });
      expect(await catalog.latestMaterialization('sales/orders', 'nope')).toBeNull();
      expect(await catalog.latestMaterialization('missing')).toBeNull();
    });

    test('history is newest first and pages with beforeId', async () => {
      const all = await catalog.materializationHistory('sales/orders');
      expect(all).toHaveLength(times.length);
      const ordered = [...all].sort((a, b) => b.materializedAt - a.materializedAt || b.id - a.id);
      expect(all).toEqual(ordered);
      // Same materializedAt (9000) twice: the later id comes first.
      const nines = all.filter((m) => m.materializedAt === 9_000);
      expect(nines[0]!.id).toBeGreaterThan(nines[1]!.id);

      const pages: number[][] = [];
      let beforeId: number | undefined;
      for (;;) {
        const page = await catalog.materializationHistory('sales/orders', { limit: 5, ...(beforeId === undefined ? {} : { beforeId }) });
        if (page.length === 0) break;
        pages.push(page.map((m) => m.id));
        beforeId = page[page.length - 1]!.id;
      }
      expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
      expect(pages.flat()).toEqual(all.map((m) => m.id));
    });

    test('history filtered by partition and by unpartitioned', async () => {
      const p1 = await catalog.materializationHistory('sales/orders', { partitionKey: 'p1' });
      expect(p1.map((m) => m.materializedAt)).toEqual([9_000, 7_000, 4_000, 1_000]);
      const none = await catalog.materializationHistory('sales/orders', { partitionKey: null, limit: 2 });
      expect(none.map((m) => m.runId)).toEqual(['run-9', 'run-6']);
      const next = await catalog.materializationHistory('sales/orders', { partitionKey: null, beforeId: none[1]!.id });
      expect(next.map((m) => m.runId)).toEqual(['run-0', 'run-3']);
      await expect(catalog.materializationHistory('sales/orders', { limit: 0 })).rejects.toBeInstanceOf(CatalogInputError);
    });

    test('runMaterializations and listAssets', async () => {
      expect(await catalog.runMaterializations('run-x')).toEqual([expect.objectContaining({ assetKey: 'other' })]);
      const assets = await catalog.listAssets();
      expect(assets).toEqual([
        { assetKey: 'other', lastMaterializedAt: 99_999, materializationCount: 1, partitionsMaterialized: 1, partitionsFailed: 0 },
        { assetKey: 'sales/orders', lastMaterializedAt: 10_000, materializationCount: 12, partitionsMaterialized: 2, partitionsFailed: 0 },
      ]);
    });
  });

  describe('runs', () => {
    const start = {
      runId: 'r-1',
      workflowId: 'stratum/run/r-1',
      job: 'daily',
      selection: 'daily',
      assetKeys: ['sales/orders', 'sales/revenue'],
      partitionKey: '2024-03-01',
      startedAt: 1_000,
    };

    test('start and finish are upserts; getRun returns steps in plan order', async () => {
      await catalog.recordRunStarted(start);
      await catalog.recordRunStarted({ ...start, tags: { team: 'sales' }, partitionRange: { from: 'a', to: 'b' }, backfillId: 'bf-1' });
      expect(await catalog.getRun('r-1')).toEqual({
        ...start,
        partitionRange: { from: 'a', to: 'b' },
        backfillId: 'bf-1',
        tags: { team: 'sales' },
        status: 'started',
        endedAt: null,
        steps: [],
      });
      const steps = [
        { key: 'sales/orders', status: 'succeeded' as const, startedAt: 1_100, endedAt: 1_200, attempts: 2, error: null, assetKeys: ['sales/orders'] },
        { key: 'sales/revenue', status: 'failed' as const, startedAt: 1_300, endedAt: 1_400, attempts: 3, error: 'boom', assetKeys: ['sales/revenue'] },
        { key: 'sales/report', status: 'skipped' as const, startedAt: null, endedAt: null, attempts: 0, error: null, assetKeys: [] },
      ];
      await catalog.recordRunFinished({ runId: 'r-1', status: 'failed', endedAt: 2_000, steps });
      await catalog.recordRunFinished({ runId: 'r-1', status: 'failed', endedAt: 2_000, steps });
      const run = await catalog.getRun('r-1');
      expect(run).toMatchObject({ status: 'failed', endedAt: 2_000 });
      expect(run!.steps).toEqual(steps);

      // A replayed start does not un-finish the run.
      await catalog.recordRunStarted(start);
      expect(await catalog.getRun('r-1')).toMatchObject({ status: 'failed', endedAt: 2_000 });
      expect(await catalog.getRun('nope')).toBeNull();
    });

    test('finishing an unknown run throws CatalogRunNotFoundError', async () => {
      await expect(catalog.recordRunFinished({ runId: 'ghost', status: 'succeeded', endedAt: 1, steps: [] })).rejects.toBeInstanceOf(
        CatalogRunNotFoundError,
      );
    });

    test('listRuns is newest first and filters by status, job, asset and backfill', async () => {
      const runs = [
        { runId: 'a', job: 'daily', assetKeys: ['x', 'y'], backfillId: 'bf', startedAt: 100, status: 'succeeded' as const },
        { runId: 'b', job: 'daily', assetKeys: ['y'], backfillId: 'bf', startedAt: 300, status: 'failed' as const },
        { runId: 'c', job: null, assetKeys: ['x'], backfillId: null, startedAt: 200, status: null },
        { runId: 'd', job: 'hourly', assetKeys: ['z'], backfillId: null, startedAt: 400, status: 'canceled' as const },
      ];
      for (const r of runs) {
        await catalog.recordRunStarted({ runId: r.runId, workflowId: `wf-${r.runId}`, job: r.job, selection: r.job ?? 'x', assetKeys: r.assetKeys, partitionKey: null, backfillId: r.backfillId, startedAt: r.startedAt });
        if (r.status) await catalog.recordRunFinished({ runId: r.runId, status: r.status, endedAt: r.startedAt + 10, steps: [] });
      }
      const ids = async (f?: Parameters<Catalog['listRuns']>[0]) => (await catalog.listRuns(f)).map((r) => r.runId);
      expect(await ids()).toEqual(['d', 'b', 'c', 'a']);
      expect(await ids({ limit: 2 })).toEqual(['d', 'b']);
      expect(await ids({ status: 'started' })).toEqual(['c']);
      expect(await ids({ status: 'failed' })).toEqual(['b']);
      expect(await ids({ job: 'daily' })).toEqual(['b', 'a']);
      expect(await ids({ assetKey: 'x' })).toEqual(['c', 'a']);
      expect(await ids({ assetKey: 'y', status: 'succeeded' })).toEqual(['a']);
      expect(await ids({ backfillId: 'bf', limit: 1 })).toEqual(['b']);
      expect(await ids({ assetKey: 'nothing' })).toEqual([]);
      const [first] = await catalog.listRuns({ assetKey: 'x' });
      expect(first).toMatchObject({ runId: 'c', assetKeys: ['x'], status: 'started' });
    });
  });

  describe('partition status', () => {
    const fail = (partitionKey: string | null, failedAt: number, runId = 'run-f') =>
      catalog.recordAssetPartitionFailed({ assetKey: 'sales/orders', partitionKey, runId, failedAt, error: `failed at ${failedAt}` });

    test('failed, then materialized', async () => {
      await fail('2024-03-01', 1_000);
      expect(await catalog.partitionStatus('sales/orders', '2024-03-01')).toEqual({ status: 'failed', runId: 'run-f', updatedAt: 1_000, error: 'failed at 1000' });
      expect(await catalog.partitionSummary('sales/orders')).toEqual({ materialized: 0, failed: 1 });
      expect(await catalog.listAssets()).toEqual([
        { assetKey: 'sales/orders', lastMaterializedAt: null, materializationCount: 0, partitionsMaterialized: 0, partitionsFailed: 1 },
      ]);

      await catalog.recordMaterialization(mat({ materializedAt: 2_000 }));
      expect(await catalog.partitionStatus('sales/orders', '2024-03-01')).toEqual({ status: 'materialized', runId: 'run-1', updatedAt: 2_000, error: null });
      expect(await catalog.partitionSummary('sales/orders')).toEqual({ materialized: 1, failed: 0 });
    });

    test('an older failure does not override a newer materialization; a newer one does', async () => {
      await catalog.recordMaterialization(mat({ materializedAt: 2_000 }));
      await fail('2024-03-01', 1_500);
      await fail('2024-03-01', 2_000); // same instant: the materialization stays
      expect(await catalog.partitionStatus('sales/orders', '2024-03-01')).toMatchObject({ status: 'materialized' });
      expect(await catalog.partitionSummary('sales/orders')).toEqual({ materialized: 1, failed: 0 });

      await fail('2024-03-01', 3_000);
      expect(await catalog.partitionStatus('sales/orders', '2024-03-01')).toMatchObject({ status: 'failed', updatedAt: 3_000 });
      expect(await catalog.partitionSummary('sales/orders')).toEqual({ materialized: 0, failed: 1 });

      // An old materialization recorded late (another run) does not hide the newer failure.
      await catalog.recordMaterialization(mat({ runId: 'run-old', materializedAt: 2_500 }));
      expect(await catalog.partitionStatus('sales/orders', '2024-03-01')).toMatchObject({ status: 'failed' });
      expect(await catalog.partitionSummary('sales/orders')).toEqual({ materialized: 0, failed: 1 });
    });

    test('unpartitioned failures have a status but are not counted as partitions', async () => {
      await fail(null, 1_000);
      expect(await catalog.partitionStatus('sales/orders', null)).toMatchObject({ status: 'failed' });
      expect(await catalog.partitionSummary('sales/orders')).toEqual({ materialized: 0, failed: 0 });
      expect((await catalog.partitionStatuses('sales/orders')).size).toBe(0);
    });

    test('partitionStatuses for a key list, for many keys, and for all keys', async () => {
      for (let i = 0; i < 30; i++) {
        const key = `k${String(i).padStart(4, '0')}`;
        if (i % 3 === 2) await fail(key, 5_000 + i);
        else await catalog.recordMaterialization(mat({ partitionKey: key, runId: `r${i}`, materializedAt: 5_000 + i }));
      }
      const some = await catalog.partitionStatuses('sales/orders', ['k0000', 'k0002', 'never', '']);
      expect([...some.keys()].sort()).toEqual(['k0000', 'k0002']);
      expect(some.get('k0000')).toEqual({ status: 'materialized', runId: 'r0', updatedAt: 5_000, error: null });
      expect(some.get('k0002')).toMatchObject({ status: 'failed', runId: 'run-f', error: 'failed at 5002' });

      const many = Array.from({ length: 3_000 }, (_, i) => `k${String(i).padStart(4, '0')}`);
      const big = await catalog.partitionStatuses('sales/orders', many);
      expect(big.size).toBe(30);
      const viaChunks = await catalog.partitionStatuses('sales/orders', many.slice(0, 1_500));
      expect(viaChunks).toEqual(big);
      expect(await catalog.partitionStatuses('sales/orders')).toEqual(big);
      expect((await catalog.partitionStatuses('sales/orders', [])).size).toBe(0);
      expect(await catalog.partitionSummary('sales/orders')).toEqual({ materialized: 20, failed: 10 });
      expect((await catalog.listAssets())[0]).toMatchObject({ materializationCount: 20, partitionsMaterialized: 20, partitionsFailed: 10 });
    });
  });

  test('dynamic partitions: add and delete are idempotent and keep insertion order', async () => {
    expect(await catalog.addDynamicPartitions('customers', ['acme', 'globex', 'initech', 'acme'])).toEqual({ added: ['acme', 'globex', 'initech'] });
    expect(await catalog.addDynamicPartitions('customers', ['globex', 'hooli'])).toEqual({ added: ['hooli'] });
    expect(await catalog.addDynamicPartitions('regions', ['eu'])).toEqual({ added: ['eu'] });
    expect(await catalog.dynamicPartitionKeys('customers')).toEqual(['acme', 'globex', 'initech', 'hooli']);
    expect(await catalog.deleteDynamicPartitions('customers', ['globex', 'nope'])).toEqual({ deleted: ['globex'] });
    expect(await catalog.deleteDynamicPartitions('customers', ['globex'])).toEqual({ deleted: [] });
    expect(await catalog.addDynamicPartitions('customers', ['globex'])).toEqual({ added: ['globex'] });
    expect(await catalog.dynamicPartitionKeys('customers')).toEqual(['acme', 'initech', 'hooli', 'globex']);
    expect(await catalog.dynamicPartitionKeys('regions')).toEqual(['eu']);
    expect(await catalog.dynamicPartitionKeys('unknown')).toEqual([]);
    await expect(catalog.addDynamicPartitions('customers', [''])).rejects.toBeInstanceOf(CatalogInputError);

    const many = Array.from({ length: 12_000 }, (_, i) => `c${i}`);
    expect((await catalog.addDynamicPartitions('big', many)).added).toHaveLength(12_000);
    expect(await catalog.dynamicPartitionKeys('big')).toEqual(many);
    expect((await catalog.deleteDynamicPartitions('big', many.slice(0, 1_200))).deleted).toHaveLength(1_200);
    expect(await catalog.dynamicPartitionKeys('big')).toEqual(many.slice(1_200));
  });

  test('log lines: ordered by ts, filtered by step, lines with a seq stored once', async () => {
    const lines = [
      { runId: 'r', stepKey: 'b', attempt: 1, seq: 0, ts: 30, level: 'info' as const, message: 'b0', fields: { n: 1 } },
      { runId: 'r', stepKey: 'a', attempt: 1, seq: 0, ts: 10, level: 'debug' as const, message: 'a0' },
      { runId: 'r', stepKey: 'a', attempt: 1, seq: 1, ts: 20, level: 'warn' as const, message: 'a1', fields: { nested: { ok: true } } },
      { runId: 'other', stepKey: 'a', attempt: 1, ts: 5, level: 'error' as const, message: 'elsewhere' },
    ];
    await catalog.appendLogs(lines);
    await catalog.appendLogs(lines.slice(0, 3)); // a retried write
    await catalog.appendLogs([{ runId: 'r', stepKey: 'a', attempt: 2, ts: 40, level: 'error', message: 'no seq' }]);
    await catalog.appendLogs([{ runId: 'r', stepKey: 'a', attempt: 2, ts: 40, level: 'error', message: 'no seq' }]);
    await catalog.appendLogs([]);

    const all = await catalog.runLogs('r');
    expect(all.map((l) => l.message)).toEqual(['a0', 'a1', 'b0', 'no seq', 'no seq']);
    expect(all[1]).toMatchObject({ runId: 'r', stepKey: 'a', attempt: 1, seq: 1, ts: 20, level: 'warn', fields: { nested: { ok: true } } });
    expect(all[0]!.fields).toEqual({});
    expect((await catalog.runLogs('r', { stepKey: 'b' })).map((l) => l.message)).toEqual(['b0']);
    expect((await catalog.runLogs('r', { limit: 2 })).map((l) => l.message)).toEqual(['a0', 'a1']);
    expect(await catalog.runLogs('none')).toEqual([]);
  });

  test('reopening keeps the data and re-running migrations changes nothing', async () => {
    await catalog.recordMaterialization(mat());
    await catalog.addDynamicPartitions('d', ['x']);
    const again = await openCatalog(opened.location);
    try {
      expect(await again.latestMaterialization('sales/orders', '2024-03-01')).toMatchObject({ dataVersion: 'dv-1' });
      expect(await again.dynamicPartitionKeys('d')).toEqual(['x']);
    } finally {
      await again.close();
    }
  });
});

describe('SQLite specifics', () => {
  test('creates parent folders, accepts sqlite: and :memory: locations', async () => {
    const file = path.join(tmpRoot, 'deep', 'er', 'cat.db');
    const catalog = await openCatalog(`sqlite:${file}`);
    await catalog.close();
    await catalog.close(); // idempotent
    expect(fs.existsSync(file)).toBe(true);

    const memory = await openCatalog(':memory:');
    expect(memory.location).toBe(':memory:');
    await memory.recordMaterialization(mat());
    expect(await memory.listAssets()).toHaveLength(1);
    await memory.close();
  });

  test('uses WAL mode and a busy timeout, and records each schema version once', async () => {
    const file = path.join(tmpRoot, 'wal', 'cat.db');
    await (await openCatalog(file)).close();
    await (await openCatalog(file)).close();
    const raw = new Database(file);
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.prepare('select version, name from stratum_schema_migrations order by version').all()).toEqual(
        [...catalogMigrations].sort((a, b) => a.version - b.version).map(({ version, name }) => ({ version, name })),
      );
    } finally {
      raw.close();
    }
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    try {
      expect(await migrateCatalog(db, 'sqlite')).toEqual({ applied: [] });
    } finally {
      await db.destroy();
    }
  });

  test('a catalog written by a newer Stratum is refused with CatalogSchemaError', async () => {
    const file = path.join(tmpRoot, 'newer', 'cat.db');
    await (await openCatalog(file)).close();
    const raw = new Database(file);
    raw.prepare("insert into stratum_schema_migrations (version, name, applied_at) values (999, 'future', 0)").run();
    raw.close();
    await expect(openCatalog(file)).rejects.toBeInstanceOf(CatalogSchemaError);
    await expect(openCatalog(file)).rejects.toThrow(/newer Stratum/);
  });

  test('a file that is not a SQLite database gives CatalogConnectionError naming the file', async () => {
    const file = path.join(tmpRoot, 'not-a-db.txt');
    fs.writeFileSync(file, 'hello, this is definitely not a database file '.repeat(100));
    const error = await openCatalog(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogConnectionError);
    expect((error as Error).message).toContain(file);
    expect((error as CatalogConnectionError).code).toBe('STRATUM_CATALOG_CONNECTION');
  });

  test('another process can write to the same file at the same time', async () => {
    const file = path.join(tmpRoot, 'shared', 'cat.db');
    const catalog = await openCatalog(file);
    const script = path.join(tmpRoot, 'writer.ts');
    fs.writeFileSync(
      script,
      `
      const { openCatalog } = require(${JSON.stringify(path.resolve(__dirname, '../../sdk/catalog'))});
      (async () => {
        const catalog = await openCatalog(process.argv[2]);
        process.stdout.write('ready\\n');
        for (let i = 0; i < 300; i++) {
          await catalog.recordMaterialization({ runId: 'child', stepKey: 's', assetKey: 'shared', partitionKey: 'p' + i, dataVersion: 'c', codeVersion: null, metadata: {}, storageLocation: null, startedAt: 1, materializedAt: 1000 + i, attempt: 1 });
          await catalog.appendLogs([{ runId: 'child', stepKey: 's', attempt: 1, seq: i, ts: i, level: 'info', message: 'm' + i }]);
        }
        await catalog.close();
      })().catch((e) => { console.error(e); process.exit(1); });
      `,
    );
    const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx');
    const child = spawn(tsx, [script, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child.on('exit', () => reject(new Error(`writer exited early: ${stderr}`)));
    });
    for (let i = 0; i < 300; i++) {
      await catalog.recordMaterialization(mat({ runId: 'parent', assetKey: 'shared', partitionKey: `p${i}`, materializedAt: 2_000 + i }));
    }
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/SQLITE_BUSY/);
    const [asset] = await catalog.listAssets();
    expect(asset).toMatchObject({ assetKey: 'shared', materializationCount: 600, partitionsMaterialized: 300 });
    expect(await catalog.materializationHistory('shared', { limit: 1_000 })).toHaveLength(600);
    expect(await catalog.runLogs('child')).toHaveLength(300);
    await catalog.close();
  }, 60_000);
});

describe('locations and connection errors', () => {
  test('parseCatalogLocation picks the dialect and redacts passwords', () => {
    expect(parseCatalogLocation('postgresql://u:p%40ss@db.example:6543/cat')).toMatchObject({
      dialect: 'postgres',
      host: 'db.example',
      port: 6543,
      database: 'cat',
      user: 'u',
      display: 'postgresql://u:***@db.example:6543/cat',
    });
    expect(parseCatalogLocation('catalog.db', '/srv')).toEqual({ dialect: 'sqlite', path: '/srv/catalog.db', display: '/srv/catalog.db' });
    expect(parseCatalogLocation('sqlite:///abs/c.db')).toMatchObject({ dialect: 'sqlite', path: '/abs/c.db' });
    expect(parseCatalogLocation('sqlite::memory:')).toMatchObject({ dialect: 'sqlite', path: ':memory:' });
    expect(() => parseCatalogLocation('mysql://root:hunter2@localhost/x')).toThrow(CatalogLocationError);
    expect(() => parseCatalogLocation('mysql://root:hunter2@localhost/x')).not.toThrow(/hunter2/);
    expect(() => parseCatalogLocation('  ')).toThrow(CatalogLocationError);
  });

  test('an unreachable PostgreSQL rejects quickly with CatalogConnectionError and never shows the password', async () => {
    const port = await closedPort();
    const started = Date.now();
    const error = await openCatalog(`postgres://stratum:Sup3rSecretPw@127.0.0.1:${port}/catalog`).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(CatalogConnectionError);
    const e = error as CatalogConnectionError;
    expect(e.code).toBe('STRATUM_CATALOG_CONNECTION');
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect(e.message).toMatch(/check the catalog URL/i);
    expect(e.message).not.toContain('Sup3rSecretPw');
    expect(e.location).not.toContain('Sup3rSecretPw');
    expect(String(e.stack)).not.toContain('Sup3rSecretPw');
  });

  test('a missing PostgreSQL database says how to create it', async () => {
    const url = new URL(pg!.url);
    url.pathname = '/no_such_database';
    url.password = 'pw-not-shown';
    const error = await openCatalog(url.toString()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogConnectionError);
    expect((error as Error).message).toMatch(/no database "no_such_database".*createdb/);
    expect((error as Error).message).not.toContain('pw-not-shown');
  });
});

/** A 127.0.0.1 port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}
