import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { asset, dailyPartitions, Definitions, observableSourceAsset } from '../../sdk';
import { catalogMigrations, migrateCatalog, openCatalog, type Catalog } from '../../sdk/catalog';
import { staleSelection } from '../../sdk/versions/stale-selection';
import { describeStaleCause, StalenessResolver, type PartitionStaleness } from '../../sdk/versions/staleness';
import { inputDataVersionsNow } from '../../sdk/versions/upstream-versions';
import { catalogBackends } from '../harness/catalog-backends';

/*
 * Data versions in the catalog (migration 3) and staleness computed from them, on a SQLite file
 * and on a real PostgreSQL server. Materializations are recorded through the catalog API the way
 * the step activity records them (input versions looked up just before), without running steps.
 */

const backends = catalogBackends();
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-versions-test-'));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

const days = dailyPartitions({ start: '2024-01-01', end: '2024-01-06' }); // 5 partitions
const partitionContext = { now: new Date('2025-01-01T00:00:00Z') };
const DAYS = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'];

/** The graph at "code version" `v`, optionally with summary also depending on orders. */
function definitions(options: { ordersVersion?: string; summaryDependsOnOrders?: boolean } = {}) {
  const file = observableSourceAsset({ key: 'src/file' }, () => ({ dataVersion: 'unused' }));
  const orders = asset({ key: 'orders', deps: [file], codeVersion: options.ordersVersion ?? 'v1' }, () => 1);
  const daily = asset({ key: 'daily', partitions: days, ins: { orders } }, () => 2);
  const summary = asset({ key: 'summary', ins: { daily }, deps: options.summaryDependsOnOrders ? [orders] : [] }, () => 3);
  return new Definitions({ assets: [file, orders, daily, summary] });
}

describe.each(backends)('data versions and staleness on $name', (backend) => {
  let catalog: Catalog;
  let cleanup: () => Promise<void>;
  let clock = 1_000;
  let runs = 0;

  beforeEach(async () => {
    ({ catalog, cleanup } = await backend.open());
  });
  afterEach(async () => {
    await catalog.close();
    await cleanup();
  });

  /** Records a materialization as the step activity would: input versions first, then the row. */
  async function materialize(defs: Definitions, assetKey: string, partitionKey: string | null, dataVersion: string) {
    const node = defs.assetNodes.get(assetKey)!;
    const inputs = await inputDataVersionsNow(catalog, defs, node, [partitionKey], partitionContext);
    clock += 1_000;
    return catalog.recordMaterialization({
      runId: `run-${++runs}`,
      stepKey: assetKey,
      assetKey,
      partitionKey,
      dataVersion,
      codeVersion: node.codeVersion,
      metadata: {},
      storageLocation: null,
      startedAt: clock - 10,
      materializedAt: clock,
      attempt: 1,
      inputDataVersions: inputs.get(partitionKey)!,
    });
  }

  async function observe(version: string) {
    clock += 1_000;
    return catalog.recordObservation({ runId: `run-${++runs}`, stepKey: 'src/file', assetKey: 'src/file', partitionKey: null, dataVersion: version, metadata: { path: '/data/file.csv' }, observedAt: clock });
  }

  async function materializeAll(defs: Definitions) {
    await materialize(defs, 'orders', null, 'orders-1');
    for (const day of DAYS) await materialize(defs, 'daily', day, `daily-${day}-1`);
    await materialize(defs, 'summary', null, 'summary-1');
  }

  const statusOf = async (defs: Definitions, key: string, partitions: (string | null)[] | 'all' = 'all'): Promise<PartitionStaleness[]> =>
    new StalenessResolver(defs, catalog, partitionContext).staleness(key, partitions);

  test('materializations keep the input versions they read; latestVersions reads the newest per partition', async () => {
    const defs = definitions();
    await observe('file-1');
    const orders = await materialize(defs, 'orders', null, 'orders-1');
    expect(orders.inputDataVersions).toEqual([{ assetKey: 'src/file', partitionKey: null, partitionCount: 1, dataVersion: 'file-1' }]);
    expect((await catalog.latestMaterialization('orders', null))!.inputDataVersions).toEqual(orders.inputDataVersions);

    for (const day of DAYS) await materialize(defs, 'daily', day, `daily-${day}-1`);
    const summary = await materialize(defs, 'summary', null, 'summary-1');
    expect(summary.inputDataVersions).toEqual([{ assetKey: 'daily', partitionKey: null, partitionCount: 5, dataVersion: expect.stringMatching(/^[0-9a-f]{16}$/) }]);

    const versions = await catalog.latestVersions('daily', 'all');
    expect([...versions.keys()]).toEqual(DAYS);
    expect(versions.get('2024-01-02')).toMatchObject({ dataVersion: 'daily-2024-01-02-1', codeVersion: null, inputDataVersions: null });
    const withInputs = await catalog.latestVersions('daily', ['2024-01-02', '2024-01-09'], { withInputs: true });
    expect([...withInputs.keys()]).toEqual(['2024-01-02']);
    expect(withInputs.get('2024-01-02')!.inputDataVersions).toEqual([{ assetKey: 'orders', partitionKey: null, partitionCount: 1, dataVersion: 'orders-1' }]);
    expect((await catalog.latestVersions('orders', null)).get(null)).toMatchObject({ dataVersion: 'orders-1', codeVersion: 'v1', id: orders.id });

    // A late replay of an older materialization does not become the latest version.
    await catalog.recordMaterialization({ ...orders, runId: 'older-run', dataVersion: 'orders-0', materializedAt: 500, startedAt: 400 });
    expect((await catalog.latestVersions('orders', null)).get(null)!.dataVersion).toBe('orders-1');
    // A failure keeps the version of the last materialization.
    await catalog.recordAssetPartitionFailed({ assetKey: 'orders', partitionKey: null, runId: 'failed-run', failedAt: clock + 5_000, error: 'boom' });
    expect((await catalog.latestVersions('orders', null)).get(null)!.dataVersion).toBe('orders-1');
  });

  test('observations: idempotent per run, the newest is the observed version, with history and metadata', async () => {
    const first = await observe('file-1');
    const again = await catalog.recordObservation({ ...first, dataVersion: 'file-1b' });
    expect(again.id).toBe(first.id);
    await observe('file-2');
    expect((await catalog.observedVersions('src/file', null)).get(null)).toMatchObject({ dataVersion: 'file-2', metadata: { path: '/data/file.csv' } });
    expect((await catalog.observationHistory('src/file')).map((o) => o.dataVersion)).toEqual(['file-2', 'file-1b']);
    expect((await catalog.observedVersions('src/other', null)).size).toBe(0);
  });

  test('missing, then fresh; an upstream partition with new data makes the fan-in stale, naming it', async () => {
    const defs = definitions();
    expect((await statusOf(defs, 'summary'))[0]).toMatchObject({ status: 'missing', causes: [] });
    expect((await statusOf(defs, 'src/file'))[0]!.status).toBe('missing');
    await observe('file-1');
    await materializeAll(defs);
    for (const key of ['src/file', 'orders', 'daily', 'summary']) {
      expect((await statusOf(defs, key)).map((s) => s.status)).toEqual(key === 'daily' ? DAYS.map(() => 'fresh') : ['fresh']);
    }

    // Same data again: still fresh (data versions, not times, decide).
    await materialize(defs, 'daily', '2024-01-02', 'daily-2024-01-02-1');
    expect((await statusOf(defs, 'summary'))[0]!.status).toBe('fresh');

    await materialize(defs, 'daily', '2024-01-03', 'daily-2024-01-03-2');
    const [summary] = await statusOf(defs, 'summary');
    expect(summary).toMatchObject({ status: 'stale', causes: [{ kind: 'upstream-data-version', assetKey: 'daily', partitionCount: 5, changedPartitions: ['2024-01-02', '2024-01-03'] }] });
    expect(describeStaleCause(summary!.causes[0]!)).toMatch(/^upstream daily \(5 partitions\) has a newer data version/);
    expect((await statusOf(defs, 'daily')).map((s) => s.status)).toEqual(DAYS.map(() => 'fresh'));

    await materialize(defs, 'summary', null, 'summary-2');
    expect((await statusOf(defs, 'summary'))[0]!.status).toBe('fresh');
  });

  test('a new code version makes the asset stale, and everything downstream of it (upstream stale)', async () => {
    await observe('file-1');
    await materializeAll(definitions());
    const v2 = definitions({ ordersVersion: 'v2' });
    const [orders] = await statusOf(v2, 'orders');
    expect(orders).toMatchObject({ status: 'stale', causes: [{ kind: 'code-version', recorded: 'v1', current: 'v2' }] });
    expect(describeStaleCause(orders!.causes[0]!)).toBe('code version changed (v1 -> v2)');
    const [day] = await statusOf(v2, 'daily', ['2024-01-04']);
    expect(day).toMatchObject({ status: 'stale', causes: [{ kind: 'upstream-stale', assetKey: 'orders', count: 1 }] });
    expect((await statusOf(v2, 'summary'))[0]).toMatchObject({ status: 'stale', causes: [{ kind: 'upstream-stale', assetKey: 'daily', count: 5 }] });

    // Re-materializing with the new code makes it fresh; downstream then sees a new data version.
    await materialize(v2, 'orders', null, 'orders-2');
    expect((await statusOf(v2, 'orders'))[0]!.status).toBe('fresh');
    expect((await statusOf(v2, 'daily', ['2024-01-04']))[0]!.causes).toEqual([expect.objectContaining({ kind: 'upstream-data-version', assetKey: 'orders', recorded: 'orders-1', current: 'orders-2' })]);
  });

  test('a new dependency makes the asset stale with a dependencies cause', async () => {
    await observe('file-1');
    await materializeAll(definitions());
    const [summary] = await statusOf(definitions({ summaryDependsOnOrders: true }), 'summary');
    expect(summary).toMatchObject({ status: 'stale', causes: [{ kind: 'dependencies', added: ['orders'], removed: [] }] });
    expect(describeStaleCause(summary!.causes[0]!)).toBe('dependencies changed (added orders)');
  });

  test('a new observation of a source reaches downstream; staleSelection splits run and skip', async () => {
    const defs = definitions();
    await observe('file-1');
    await materializeAll(defs);
    let split = await staleSelection(defs, catalog, '*', '2024-01-02', { partitionContext });
    expect(split).toMatchObject({ sources: ['src/file'], run: [] });
    expect(split.skip.map((s) => s.assetKey)).toEqual(['orders', 'daily', 'summary']);

    await observe('file-2');
    const [orders] = await statusOf(defs, 'orders');
    expect(orders!.causes).toEqual([expect.objectContaining({ kind: 'upstream-data-version', assetKey: 'src/file', recorded: 'file-1', current: 'file-2' })]);
    split = await staleSelection(defs, catalog, '*', '2024-01-02', { partitionContext });
    expect(split.run.map((s) => [s.assetKey, s.partitionKey, s.causes[0]!.kind])).toEqual([
      ['orders', null, 'upstream-data-version'],
      ['daily', '2024-01-02', 'upstream-stale'],
      ['summary', null, 'upstream-stale'],
    ]);
    await expect(staleSelection(defs, catalog, 'daily', null, { partitionContext })).rejects.toThrow(/--partition KEY/);
  });

  test('a 1,000-partition fan-in is exact: one changed partition of 1,000 is found', async () => {
    const many = dailyPartitions({ start: '2020-01-01', end: '2022-09-27' }); // 1,000 days
    const events = asset({ key: 'events', partitions: many }, () => 1);
    const total = asset({ key: 'total', ins: { events } }, () => 2);
    const defs = new Definitions({ assets: [events, total] });
    const keys = many.keys(partitionContext);
    expect(keys).toHaveLength(1_000);
    for (const key of keys) await materialize(defs, 'events', key, `e-${key}`);
    await materialize(defs, 'total', null, 't-1');
    expect((await statusOf(defs, 'total'))[0]!.status).toBe('fresh');
    await materialize(defs, 'events', '2021-06-15', 'e-changed');
    const [stale] = await statusOf(defs, 'total');
    expect(stale).toMatchObject({ status: 'stale', causes: [{ kind: 'upstream-data-version', assetKey: 'events', partitionCount: 1_000, changedPartitions: ['2021-06-15'], changedCount: 1 }] });
  }, 60_000);
});

test('migration 3 fills the latest versions of partitions materialized before it (SQLite)', async () => {
  const file = path.join(tmpRoot, 'legacy', 'catalog.db');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(file) }) });
  try {
    await migrateCatalog(db, 'sqlite', { migrations: catalogMigrations.filter((m) => m.version < 3) });
    for (const [run, dv, at] of [['r1', 'old', 1_000], ['r2', 'new', 2_000]] as const) {
      await db
        .insertInto('stratum_materializations')
        .values({ run_id: run, step_key: 'a', asset_key: 'a', partition_key: 'p1', data_version: dv, code_version: 'c1', metadata: '{}', storage_location: null, started_at: at, materialized_at: at, attempt: 1 })
        .execute();
    }
    await db.insertInto('stratum_asset_partitions').values({ asset_key: 'a', partition_key: 'p1', status: 'materialized', run_id: 'r2', updated_at: 2_000, error: null }).execute();
  } finally {
    await db.destroy();
  }
  const catalog = await openCatalog(file);
  try {
    expect((await catalog.latestVersions('a', ['p1'])).get('p1')).toMatchObject({ dataVersion: 'new', codeVersion: 'c1', at: 2_000, inputDataVersions: null });
  } finally {
    await catalog.close();
  }
});
