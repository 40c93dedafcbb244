import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { asset, dailyPartitions, Definitions } from '../sdk';
import { openCatalog, type Catalog } from '../sdk/catalog';
import { StalenessResolver } from '../sdk/staleness';
import { inputDataVersionsNow } from '../sdk/upstream-versions';
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
 * default), bulk-inserted in transactions, then times the catalog's hot reads and one write
 * (median of N). Does the same on PostgreSQL (filled with `generate_series`) when the test harness
 * can start a server. Also times staleness of an all-partitions fan-in over 1,000 partitions.
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
    await (await openCatalog(file)).close(); // create the schema
    let t = performance.now();
    fillSqlite(file, assets, partitions, runs);
    const fillMs = performance.now() - t;
    log(`sqlite: filled ${rows.toLocaleString('en')} materializations, ${runs.toLocaleString('en')} runs in ${(fillMs / 1000).toFixed(1)} s (${fileSizeMb(file)} MB)`);
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
        await (await openCatalog(server.url)).close();
        const t = performance.now();
        await fillPostgres(server.url, assets, partitions, runs);
        const fillMs = performance.now() - t;
        log(`postgres: filled ${rows.toLocaleString('en')} materializations, ${runs.toLocaleString('en')} runs in ${(fillMs / 1000).toFixed(1)} s`);
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

/** Bulk fill through one better-sqlite3 connection and prepared statements, in large transactions. */
function fillSqlite(file: string, assets: number, partitions: number, runs: number): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144'); // 256 MB for the fill
  // Build secondary indexes once after the fill (a sorted build) instead of row by row.
  const indexes = db
    .prepare(`select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in ('stratum_materializations', 'stratum_runs', 'stratum_run_assets')`)
    .all() as { name: string; sql: string }[];
  for (const index of indexes) db.exec(`drop index "${index.name}"`);
  const insertMat = db.prepare(
    `insert into stratum_materializations (run_id, step_key, asset_key, partition_key, data_version, code_version, metadata, storage_location, started_at, materialized_at, attempt)
     values (?, ?, ?, ?, ?, 'cv1', '{"rows":100}', ?, ?, ?, 1)`,
  );
  const insertStatus = db.prepare(
    `insert into stratum_asset_partitions (asset_key, partition_key, status, run_id, updated_at, error, data_version, code_version, materialization_id, materialized_at)
     values (?, ?, ?, ?, ?, ?, ?, 'cv1', ?, ?)`,
  );
  const insertAsset = db.prepare(
    `insert into stratum_assets (asset_key, materialization_count, last_materialized_at, partitions_materialized, partitions_failed) values (?, ?, ?, ?, ?)`,
  );
  const insertRun = db.prepare(
    `insert into stratum_runs (run_id, workflow_id, job, selection, asset_keys, partition_key, partition_range_from, partition_range_to, backfill_id, status, started_at, ended_at, tags)
     values (?, ?, ?, ?, ?, ?, null, null, ?, ?, ?, ?, '{}')`,
  );
  const insertRunAsset = db.prepare(`insert into stratum_run_assets (run_id, asset_key, started_at) values (?, ?, ?)`);

  // Partition-major, as daily runs would write them: every asset of day 0, then day 1, ...
  for (let p = 0; p < partitions; p++) {
    db.transaction(() => {
      const pk = partitionKey(p);
      for (let a = 0; a < assets; a++) {
        const key = assetKey(a);
        const at = BASE_TIME + p * 86_400_000 + a * 1_000;
        const runId = `run-${p}`;
        const id = insertMat.run(runId, key, key, pk, `dv-${a}-${p}`, `/data/${key}/${pk}.json`, at - 500, at).lastInsertRowid;
        const failed = (a * 31 + p) % 50 === 0;
        insertStatus.run(key, pk, failed ? 'failed' : 'materialized', runId, failed ? at + 1 : at, failed ? 'boom' : null, `dv-${a}-${p}`, id, at);
      }
    })();
  }
  db.transaction(() => {
    for (let a = 0; a < assets; a++) {
      let failed = 0;
      for (let p = 0; p < partitions; p++) if ((a * 31 + p) % 50 === 0) failed++;
      insertAsset.run(assetKey(a), partitions, BASE_TIME + (partitions - 1) * 86_400_000 + a * 1_000, partitions - failed, failed);
    }
    for (let r = 0; r < runs; r++) {
      const a = r % assets;
      const startedAt = BASE_TIME + r * 60_000;
      const status = r % 10 === 0 ? 'failed' : 'succeeded';
      insertRun.run(`bench-run-${r}`, `stratum/run/${r}`, `job_${r % 10}`, `job_${r % 10}`, JSON.stringify([assetKey(a)]), partitionKey(r % partitions), r % 3 === 0 ? `bf-${r % 7}` : null, status, startedAt, startedAt + 5_000);
      insertRunAsset.run(`bench-run-${r}`, assetKey(a), startedAt);
    }
  })();
  for (const index of indexes) db.exec(index.sql);
  db.exec('analyze');
  db.close();
}

/** Bulk fill with `INSERT … SELECT … generate_series`, then ANALYZE. */
async function fillPostgres(url: string, assets: number, partitions: number, runs: number): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const asset = `'group_' || (a % 20) || '/asset_' || a`;
    const pk = `to_char(date '2020-01-01' + p, 'YYYY-MM-DD')`;
    const at = `(${BASE_TIME}::bigint + p::bigint * 86400000 + a::bigint * 1000)`;
    const failed = `((a * 31 + p) % 50 = 0)`;
    await client.query(`
      insert into stratum_materializations (run_id, step_key, asset_key, partition_key, data_version, code_version, metadata, storage_location, started_at, materialized_at, attempt)
      select 'run-' || p, ${asset}, ${asset}, ${pk}, 'dv-' || a || '-' || p, 'cv1', '{"rows":100}', '/data/' || ${asset} || '/' || ${pk} || '.json', ${at} - 500, ${at}, 1
      from generate_series(0, ${partitions - 1}) p, generate_series(0, ${assets - 1}) a
      order by p, a`);
    await client.query(`
      insert into stratum_asset_partitions (asset_key, partition_key, status, run_id, updated_at, error)
      select ${asset}, ${pk}, case when ${failed} then 'failed' else 'materialized' end, 'run-' || p,
             ${at} + case when ${failed} then 1 else 0 end, case when ${failed} then 'boom' end
      from generate_series(0, ${partitions - 1}) p, generate_series(0, ${assets - 1}) a`);
    // The latest version of every partition (migration 3), as recordMaterialization keeps it.
    await client.query(`
      update stratum_asset_partitions ap
      set data_version = m.data_version, code_version = m.code_version, materialization_id = m.id, materialized_at = m.materialized_at
      from stratum_materializations m
      where m.asset_key = ap.asset_key and m.partition_key = ap.partition_key`);
    await client.query(`
      insert into stratum_assets (asset_key, materialization_count, last_materialized_at, partitions_materialized, partitions_failed)
      select asset_key, ${partitions}, max(updated_at), count(*) filter (where status = 'materialized'), count(*) filter (where status = 'failed')
      from stratum_asset_partitions group by asset_key`);
    await client.query(`
      insert into stratum_runs (run_id, workflow_id, job, selection, asset_keys, partition_key, backfill_id, status, started_at, ended_at, tags)
      select 'bench-run-' || r, 'stratum/run/' || r, 'job_' || (r % 10), 'job_' || (r % 10),
             '["group_' || ((r % ${assets}) % 20) || '/asset_' || (r % ${assets}) || '"]',
             to_char(date '2020-01-01' + (r % ${partitions}), 'YYYY-MM-DD'),
             case when r % 3 = 0 then 'bf-' || (r % 7) end,
             case when r % 10 = 0 then 'failed' else 'succeeded' end,
             ${BASE_TIME}::bigint + r::bigint * 60000, ${BASE_TIME}::bigint + r::bigint * 60000 + 5000, '{}'
      from generate_series(0, ${runs - 1}) r`);
    await client.query(`
      insert into stratum_run_assets (run_id, asset_key, started_at)
      select 'bench-run-' || r, 'group_' || ((r % ${assets}) % 20) || '/asset_' || (r % ${assets}), ${BASE_TIME}::bigint + r::bigint * 60000
      from generate_series(0, ${runs - 1}) r`);
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
