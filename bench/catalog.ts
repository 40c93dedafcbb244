import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { asset, dailyPartitions, Definitions } from '../sdk';
import { openCatalog, type Catalog, type MaterializationInput } from '../sdk/catalog';
import { StalenessResolver } from '../sdk/versions/staleness';
import { inputDataVersionsNow } from '../sdk/versions/upstream-versions';
import { startTestPostgres } from '../test/harness/postgres';

/** Sizes of the catalog benchmark. */
export interface CatalogBenchOptions {
  /** Assets (default 1,000). */
  assets?: number;
  /** Partitions per asset (default 1,000): rows = assets × partitions. */
  partitions?: number;
  /** Runs in the runs table (default 100,000). */
  runs?: number;
  /** Repetitions per timed operation; the median is reported (default 30). */
  repetitions?: number;
  /** Also benchmark PostgreSQL when the test harness can start one (default true). */
  postgres?: boolean;
}

type Figures = Record<string, number>;

/**
 * Fills a SQLite catalog (temp file) with `assets × partitions` materializations (1,000,000 by
 * default) through the catalog API (`recordMaterializations` in batches of 5,000, then the failed
 * partitions and the runs call by call), then times the catalog's hot reads and one write
 * (median of N). Does the same on PostgreSQL when the test harness can start a server. Also times staleness of an all-partitions fan-in over 1,000 partitions.
 * Prints readable lines, then one JSON line per backend (sqlite, then postgres):
 * `{"bench":"catalog","latestMs":…,"historyMs":…,"stalenessMs":…,"backend":"sqlite","rows":1000000,…}`.
 *
 * Run it with `npm run bench -- catalog` or `npx tsx bench/catalog.ts`.
 */
export async function runBench(options: CatalogBenchOptions = {}): Promise<void> {
  const assets = options.assets ?? 1_000;
  const partitions = options.partitions ?? 1_000;
  const runs = options.runs ?? 100_000;
  const reps = options.repetitions ?? 30;
  const rows = assets * partitions;
  const lines: Figures[] = [];

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-bench-catalog-'));
  try {
    const file = path.join(dir, 'catalog.db');
    let t = performance.now();
    const seeding = await openCatalog(file);
    try {
      await fill(seeding, 'sqlite', assets, partitions, runs);
    } finally {
      await seeding.close();
    }
    await analyze(file, 'sqlite');
    const fillMs = performance.now() - t;
    log(`sqlite: filled ${rows.toLocaleString('en')} materializations, ${runs.toLocaleString('en')} runs through the catalog API in ${(fillMs / 1000).toFixed(1)} s, ANALYZE included (${fileSizeMb(file)} MB)`);
    t = performance.now();
    const catalog = await openCatalog(file);
    const openMs = performance.now() - t;
    const sqlite = await timeOperations(catalog, assets, partitions, reps);
    await catalog.close();
    sqlite['openMs'] = openMs;
    sqlite['fillMs'] = fillMs;
    report('sqlite', sqlite);
    lines.push({ ...sqlite, backend: 'sqlite' } as unknown as Figures);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  if (options.postgres ?? true) {
    let server: Awaited<ReturnType<typeof startTestPostgres>> | undefined;
    try {
      server = await startTestPostgres();
    } catch (error) {
      log(`postgres: skipped (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    }
    if (server) {
      try {
        const t = performance.now();
        const seeding = await openCatalog(server.url);
        try {
          await fill(seeding, 'postgres', assets, partitions, runs);
        } finally {
          await seeding.close();
        }
        await analyze(server.url, 'postgres');
        const fillMs = performance.now() - t;
        log(`postgres: filled ${rows.toLocaleString('en')} materializations, ${runs.toLocaleString('en')} runs through the catalog API in ${(fillMs / 1000).toFixed(1)} s, VACUUM ANALYZE included`);
        const catalog = await openCatalog(server.url);
        const pg = await timeOperations(catalog, assets, partitions, reps);
        await catalog.close();
        pg['fillMs'] = fillMs;
        report('postgres', pg);
        lines.push({ ...pg, backend: 'postgres' } as unknown as Figures);
      } finally {
        await server.stop();
      }
    }
  }

  const targets = { latestMs: 5, historyMs: 20, stalenessMs: 200 };
  for (const figures of lines) {
    const missed = Object.entries(targets).filter(([k, limit]) => figures[k]! > limit);
    log(`${String(figures['backend'])}: ${missed.length === 0 ? 'every target met' : `over target: ${missed.map(([k, limit]) => `${k} ${round(figures[k]!)} > ${limit}`).join(', ')}`} (latest <= 5 ms, history page <= 20 ms, staleness <= 200 ms)`);
  }
  // One JSON line per backend, sqlite then postgres.
  for (const figures of lines) {
    const { latestMs, historyMs, stalenessMs, backend, ...rest } = figures;
    const rounded = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, round(v)]));
    console.log(JSON.stringify({ bench: 'catalog', latestMs: round(latestMs!), historyMs: round(historyMs!), stalenessMs: round(stalenessMs!), backend, rows, ...rounded }));
  }
}

const assetKey = (a: number) => `group_${a % 20}/asset_${a}`;
const partitionKey = (p: number) => new Date(Date.UTC(2020, 0, 1) + p * 86_400_000).toISOString().slice(0, 10);
const BASE_TIME = Date.UTC(2024, 0, 1);

/** Materializations per `recordMaterializations` call while seeding. */
const FILL_BATCH = 5_000;
/** Per-row writes (failures, runs) in flight at once while seeding. */
const FILL_CONCURRENCY = 8;

/**
 * Seeds a catalog through the catalog API: `assets × partitions` materializations with
 * `recordMaterializations` (partition-major, as daily runs would write them: every asset of day 0,
 * then day 1, …), 2% of the partitions failed after their materialization with
 * `recordAssetPartitionFailed`, and `runs` finished runs with `recordRunStarted` + `recordRunFinished`.
 */
async function fill(catalog: Catalog, backend: string, assets: number, partitions: number, runs: number): Promise<void> {
  const rows = assets * partitions;
  const failed = (a: number, p: number) => (a * 31 + p) % 50 === 0;
  const at = (a: number, p: number) => BASE_TIME + p * 86_400_000 + a * 1_000;
  let t = performance.now();
  let batch: MaterializationInput[] = [];
  let done = 0;
  for (let p = 0; p < partitions; p++) {
    const pk = partitionKey(p);
    for (let a = 0; a < assets; a++) {
      const key = assetKey(a);
      batch.push({
        runId: `run-${p}`,
        stepKey: key,
        assetKey: key,
        partitionKey: pk,
        dataVersion: `dv-${a}-${p}`,
        codeVersion: 'cv1',
        metadata: { rows: 100 },
        storageLocation: `/data/${key}/${pk}.json`,
        startedAt: at(a, p) - 500,
        materializedAt: at(a, p),
        attempt: 1,
      });
      if (batch.length === FILL_BATCH || (p === partitions - 1 && a === assets - 1)) {
        await catalog.recordMaterializations(batch);
        done += batch.length;
        batch = [];
        if (done % 200_000 === 0 || done === rows) log(`${backend}:   ${done.toLocaleString('en')} materializations after ${((performance.now() - t) / 1000).toFixed(1)} s`);
      }
    }
  }
  const materializationsMs = performance.now() - t;

  t = performance.now();
  const failures: { a: number; p: number }[] = [];
  for (let p = 0; p < partitions; p++) for (let a = 0; a < assets; a++) if (failed(a, p)) failures.push({ a, p });
  await inParallel(failures.length, (i) => {
    const { a, p } = failures[i]!;
    return catalog.recordAssetPartitionFailed({ assetKey: assetKey(a), partitionKey: partitionKey(p), runId: `run-${p}`, failedAt: at(a, p) + 1, error: 'boom' });
  });
  const failuresMs = performance.now() - t;

  t = performance.now();
  await inParallel(runs, async (r) => {
    const startedAt = BASE_TIME + r * 60_000;
    const job = `job_${r % 10}`;
    await catalog.recordRunStarted({
      runId: `bench-run-${r}`,
      workflowId: `stratum/run/${r}`,
      job,
      selection: job,
      assetKeys: [assetKey(r % assets)],
      partitionKey: partitionKey(r % partitions),
      backfillId: r % 3 === 0 ? `bf-${r % 7}` : null,
      startedAt,
    });
    await catalog.recordRunFinished({ runId: `bench-run-${r}`, status: r % 10 === 0 ? 'failed' : 'succeeded', endedAt: startedAt + 5_000, steps: [] });
  });
  const runsMs = performance.now() - t;
  log(
    `${backend}: recordMaterializations ${(materializationsMs / 1000).toFixed(1)} s (${Math.round(rows / (materializationsMs / 1000)).toLocaleString('en')} rows/s, ${FILL_BATCH.toLocaleString('en')} per call), ` +
      `recordAssetPartitionFailed × ${failures.length.toLocaleString('en')} ${(failuresMs / 1000).toFixed(1)} s, recordRunStarted + recordRunFinished × ${runs.toLocaleString('en')} ${(runsMs / 1000).toFixed(1)} s`,
  );
}

/** Calls `fn(i)` for i in [0, count), at most {@link FILL_CONCURRENCY} at a time. */
async function inParallel(count: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: FILL_CONCURRENCY }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

/** Refreshes the planner statistics after the fill (the catalog API does not; a long-lived database would have them). */
async function analyze(location: string, dialect: 'sqlite' | 'postgres'): Promise<void> {
  if (dialect === 'sqlite') {
    const db = new Database(location);
    try {
      db.exec('analyze');
    } finally {
      db.close();
    }
    return;
  }
  const client = new Client({ connectionString: location });
  await client.connect();
  try {
    await client.query('vacuum analyze');
  } finally {
    await client.end();
  }
}

/** Times each operation (median of `reps` runs, after one warm-up) on random assets and partitions. */
async function timeOperations(catalog: Catalog, assets: number, partitions: number, reps: number): Promise<Figures> {
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const someKeys = (count: number) => {
    const start = rand(Math.max(1, partitions - count));
    return Array.from({ length: count }, (_, i) => partitionKey(start + i));
  };
  let runCounter = 0;
  const figures: Figures = {};
  figures['latestMs'] = await median(reps, () => catalog.latestMaterialization(assetKey(rand(assets)), partitionKey(rand(partitions))));
  figures['latestAnyPartitionMs'] = await median(reps, () => catalog.latestMaterialization(assetKey(rand(assets))));
  figures['historyMs'] = await median(reps, () => catalog.materializationHistory(assetKey(rand(assets)), { limit: 100 }));
  figures['historyPageMs'] = await median(reps, async () => {
    const key = assetKey(rand(assets));
    const first = await catalog.materializationHistory(key, { limit: 100 });
    const t = performance.now();
    await catalog.materializationHistory(key, { limit: 100, beforeId: first[first.length - 1]!.id });
    return performance.now() - t;
  });
  figures['partitionStatusesMs'] = await median(reps, () => catalog.partitionStatuses(assetKey(rand(assets)), someKeys(Math.min(1_000, partitions))));
  figures['partitionStatusesAllMs'] = await median(reps, () => catalog.partitionStatuses(assetKey(rand(assets))));
  figures['summaryMs'] = await median(reps, () => catalog.partitionSummary(assetKey(rand(assets))));
  figures['listAssetsMs'] = await median(reps, () => catalog.listAssets());
  figures['listRunsMs'] = await median(reps, () => catalog.listRuns({ limit: 50 }));
  figures['listRunsByAssetMs'] = await median(reps, () => catalog.listRuns({ limit: 50, assetKey: assetKey(rand(assets)) }));
  figures['listRunsByStatusMs'] = await median(reps, () => catalog.listRuns({ limit: 50, status: 'failed' }));
  await timeStaleness(catalog, partitions, reps, figures);
  figures['insertMs'] = await median(reps, () => {
    const a = rand(assets);
    const now = BASE_TIME + 10_000 * 86_400_000 + runCounter;
    return catalog.recordMaterialization({
      runId: `bench-insert-${runCounter++}`,
      stepKey: assetKey(a),
      assetKey: assetKey(a),
      partitionKey: partitionKey(rand(partitions)),
      dataVersion: 'dv-new',
      codeVersion: 'cv1',
      metadata: { rows: 1 },
      storageLocation: null,
      startedAt: now - 100,
      materializedAt: now,
      attempt: 1,
    });
  });
  return figures;
}

/**
 * Staleness of an unpartitioned asset reading all 1,000 partitions of a seeded asset (an
 * all-partitions fan-in, which Dagster leaves out of staleness above 100 partitions), and of the
 * 1,000 partitions themselves. The fan-in's materialization is recorded through the catalog API
 * with the input versions a step would record, so the check compares every partition's version.
 */
async function timeStaleness(catalog: Catalog, partitions: number, reps: number, figures: Figures): Promise<void> {
  const days = dailyPartitions({ start: partitionKey(0), end: partitionKey(partitions) });
  const upstream = asset({ key: assetKey(0), partitions: days, codeVersion: 'cv1' }, () => null);
  const fanIn = asset({ key: 'bench/fan_in', ins: { upstream } }, () => null);
  const defs = new Definitions({ assets: [upstream, fanIn] });
  const ctx = { now: new Date() };
  const inputs = await inputDataVersionsNow(catalog, defs, defs.assetNodes.get('bench/fan_in')!, [null], ctx);
  const at = BASE_TIME + 5_000 * 86_400_000;
  await catalog.recordMaterialization({
    runId: 'bench-fan-in',
    stepKey: 'bench/fan_in',
    assetKey: 'bench/fan_in',
    partitionKey: null,
    dataVersion: 'fan-in-1',
    codeVersion: null,
    metadata: {},
    storageLocation: null,
    startedAt: at - 100,
    materializedAt: at,
    attempt: 1,
    inputDataVersions: inputs.get(null)!,
  });
  figures['stalenessMs'] = await median(reps, async () => {
    const [fanInStatus] = await new StalenessResolver(defs, catalog, ctx).staleness('bench/fan_in', [null]);
    if (fanInStatus?.status !== 'fresh' || inputs.get(null)![0]!.partitionCount !== partitions) throw new Error(`bench: the fan-in should be fresh over ${partitions} partitions, got ${JSON.stringify(fanInStatus)}`);
  });
  figures['stalenessPartitionsMs'] = await median(reps, () => new StalenessResolver(defs, catalog, ctx).staleness(assetKey(0), 'all'));
}

/** Median wall time in ms of `fn` over `reps` calls, after one warm-up call. If `fn` returns a number, that is the time. */
async function median(reps: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    const value = await fn();
    times.push(typeof value === 'number' ? value : performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function report(backend: string, figures: Figures): void {
  const names: Record<string, string> = {
    latestMs: 'latestMaterialization(asset, partition)',
    latestAnyPartitionMs: 'latestMaterialization(asset)',
    historyMs: 'materializationHistory first page (100)',
    historyPageMs: 'materializationHistory next page (beforeId)',
    partitionStatusesMs: 'partitionStatuses(1,000 keys)',
    partitionStatusesAllMs: 'partitionStatuses(all keys of an asset)',
    summaryMs: 'partitionSummary',
    listAssetsMs: 'listAssets',
    listRunsMs: 'listRuns(limit 50)',
    listRunsByAssetMs: 'listRuns(assetKey, limit 50)',
    listRunsByStatusMs: 'listRuns(status, limit 50)',
    stalenessMs: 'staleness of a 1,000-partition fan-in',
    stalenessPartitionsMs: 'staleness of 1,000 partitions',
    insertMs: 'recordMaterialization (new row)',
  };
  for (const [key, label] of Object.entries(names)) {
    const value = figures[key];
    if (value !== undefined) log(`${backend}: ${label.padEnd(46)} ${value.toFixed(3).padStart(9)} ms (median)`);
  }
}

function fileSizeMb(file: string): string {
  let size = 0;
  for (const f of [file, `${file}-wal`]) if (fs.existsSync(f)) size += fs.statSync(f).size;
  return (size / 1_048_576).toFixed(0);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function log(line: string): void {
  console.log(line);
}

if (require.main === module) {
  runBench().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
