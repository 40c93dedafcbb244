/**
 * `npm run bench -- cluster`: Stratum on a real Temporal cluster against the dev server, in one run.
 *
 * Starts a cluster from nothing (test/harness/cluster: temporal-server v1.29.1 on PostgreSQL, its
 * four services as separate processes, 4 history shards) and an in-memory dev server, and on each
 * of them three task queues served by 1, 2 and 4 `stratum worker` processes (bench/cluster-defs.ts).
 * Every worker of both targets shares one PostgreSQL catalog and one storage folder, so only
 * Temporal differs between the targets.
 *
 * 1. **Backfill throughput**: a backfill of `CLUSTER_BENCH_PARTITIONS` (default 200) daily
 *    partitions × 3 assets per variant (target × worker count), `maxConcurrent` 64, the six
 *    variants interleaved over `CLUSTER_BENCH_ROUNDS` (default 2) rounds, each round in a rotated
 *    order; asset-partitions/s, median per variant.
 * 2. **Per-step overhead** (bench/overhead.ts's measurement, `CLUSTER_BENCH_OVERHEAD_ROUNDS`,
 *    default 3): a 100-step chain and a 200-step fan-out in Stratum's default and local modes and
 *    in plain Temporal code (activities, local activities), interleaved, on both targets.
 * 3. **Large work on the cluster** (skipped with `--skip-large`): one 10,000-step run (100 chains
 *    of 100 assets; `CLUSTER_BENCH_STEPS`) and a 100,000-partition backfill (hourly, 1,000
 *    partitions per child run; `CLUSTER_BENCH_HOURS`), on the 4-worker queue, with wall time,
 *    workflow runs, history length and the largest payload.
 *
 * The machine's load average is printed before and after. Ends with one JSON line
 * `{"bench":"cluster",…}`.
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../cli/dev/dev-server';
import { StratumClient } from '../client/stratum-client';
import { loadDefinitions } from '../cli/load-definitions';
import type { Definitions } from '../sdk';
import type { Catalog } from '../sdk/catalog';
import { startTemporalCluster, StratumWorkerProcess, type TemporalCluster } from '../test/harness/cluster';
import { median } from './bench-env';
import { DAILY_START } from './backfill-defs';
import { HOURLY_FROM, STEP_COUNT } from './cluster-defs';
import { historyFigures, type HistoryFigures } from './history-figures';
import { describeOverhead, measureOverhead, type OverheadFigures } from './overhead';
import { CpuMeter, postmasterPid } from './process-cpu';

const defsPath = path.join(__dirname, 'cluster-defs.ts');
const WORKER_COUNTS = [1, 2, 4] as const;
const PARTITIONS = Number(process.env.CLUSTER_BENCH_PARTITIONS ?? 200);
const ROUNDS = Number(process.env.CLUSTER_BENCH_ROUNDS ?? 2);
const MAX_CONCURRENT = 64;
/** Rounds of the per-step overhead measurement on each target. */
const OVERHEAD_ROUNDS = Number(process.env.CLUSTER_BENCH_OVERHEAD_ROUNDS ?? 3);
/** Hourly partitions of the large backfill. */
const HOURS = Number(process.env.CLUSTER_BENCH_HOURS ?? 100_000);
const DAILY_ASSETS = 3;
/** Daily partitions that exist today (from DAILY_START). */
const DAILY_WINDOWS = Math.floor((Date.now() - Date.parse(`${DAILY_START}T00:00:00Z`)) / 86_400_000);

const log = (line: string) => process.stdout.write(`${line}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const round1 = (n: number) => Math.round(n * 10) / 10;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** Where runs go: a Temporal server, and a Stratum client per task queue (one per worker count). */
export interface BenchTarget {
  name: 'cluster' | 'dev';
  address: string;
  client: Client;
  /** StratumClient on the task queue served by `n` workers. */
  stratum: Map<number, StratumClient>;
  /** The `stratum worker` processes serving the queue of `n` workers. */
  workers: Map<number, StratumWorkerProcess[]>;
  /** Pids of the Temporal server's processes (four services, or the dev server). */
  temporalPids: () => number[];
}

/** One backfill variant's measurement. */
interface BackfillSample {
  target: BenchTarget['name'];
  workers: number;
  round: number;
  assetPartitionsPerSec: number;
  wallMs: number;
  /** CPU seconds the backfill cost, per component (temporal, postgres, workers, client). */
  cpu: Record<string, number>;
}

function dayKey(offset: number): string {
  return new Date(Date.parse(`${DAILY_START}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
}

/** Starts `n` workers on `taskQueue` of the server at `address`; resolves once all poll. */
async function startWorkers(cluster: TemporalCluster, address: string, taskQueue: string, n: number, started: StratumWorkerProcess[]): Promise<StratumWorkerProcess[]> {
  const env = { ...cluster.env, TEMPORAL_ADDRESS: address, STRATUM_TASK_QUEUE: taskQueue, STRATUM_WORKER_HEAP_MB: '1024' };
  const workers = Array.from({ length: n }, (_, i) => new StratumWorkerProcess(started.length + i, defsPath, env, ['--grace', '1s']));
  started.push(...workers);
  await Promise.all(workers.map((w) => w.ready(300_000)));
  return workers;
}

/** CPU of the target's Temporal processes, the catalog's PostgreSQL and the `n` workers. */
function meterOf(target: BenchTarget, n: number, postgresPid: number | null): CpuMeter {
  return new CpuMeter({
    temporal: target.temporalPids,
    postgres: () => (postgresPid === null ? [] : [postgresPid]),
    workers: () => target.workers.get(n)!.map((w) => w.pid),
  });
}

async function backfillOnce(target: BenchTarget, workers: number, from: string, to: string, partitions: number, meter: CpuMeter): Promise<{ wallMs: number; assetPartitionsPerSec: number; cpu: Record<string, number> }> {
  const stratum = target.stratum.get(workers)!;
  const cpuBefore = meter.snapshot();
  const started = Date.now();
  const handle = await stratum.startBackfill({ selection: 'group:bench_daily', partitions: { from, to }, maxConcurrent: MAX_CONCURRENT });
  const result = await handle.result();
  const wallMs = Date.now() - started;
  const expected = partitions * DAILY_ASSETS;
  if (result.status !== 'completed' || result.done !== expected) {
    throw new Error(`${target.name} with ${workers} worker(s): backfill ${result.backfillId} ended ${result.status} with ${result.done}/${expected} done, ${result.failed} failed`);
  }
  return { wallMs, assetPartitionsPerSec: round1(expected / (wallMs / 1000)), cpu: meter.since(cpuBefore) };
}

/** `2012-01-01-00:00` plus `hours` hours, in the hourly partitions' key format. */
function hourKey(from: string, hours: number): string {
  const start = Date.parse(`${from.slice(0, 10)}T${from.slice(11)}:00Z`);
  const iso = new Date(start + hours * 3_600_000).toISOString();
  return `${iso.slice(0, 10)}-${iso.slice(11, 16)}`;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const historyLine = (h: HistoryFigures) =>
  `${h.workflowRuns} workflow run${h.workflowRuns > 1 ? 's' : ''}, history ${h.maxEvents} events at most (${h.totalEvents} in all, ${kib(h.maxHistoryBytes)} at most), largest payload ${kib(h.largestPayloadBytes)} (${h.largestPayload})`;

/** Figures of the large runs on the cluster. */
interface LargeFigures {
  stepRun: { steps: number; planBytes: number; status: string; wallMs: number; msPerStep: number; stepsRecorded: number; history: HistoryFigures };
  hundredK: { partitions: number; status: string; wallMs: number; runs: number; done: number; failed: number; materialized: number; assetPartitionsPerSec: number; parent: HistoryFigures };
}

/** A 10,000-step run and a 100,000-partition backfill on the cluster's 4-worker queue. */
async function runLarge(cluster: TemporalCluster, stratum: StratumClient): Promise<LargeFigures> {
  log('');
  const plan = await stratum.plan({ selection: 'group:steps', maxConcurrent: 100 });
  const planBytes = Buffer.byteLength(JSON.stringify(plan));
  log(`Large 1: a ${plan.steps.length}-step run (100 chains, maxConcurrent 100, plan ${kib(planBytes)}) on 4 workers…`);
  let started = Date.now();
  const run = await stratum.startPlan(plan);
  const result = await run.result();
  const runWallMs = Date.now() - started;
  const recorded = await cluster.catalog.getRun(plan.runId);
  const stepsRecorded = recorded?.steps.filter((s) => s.status === 'succeeded').length ?? 0;
  const runHistory = await historyFigures(cluster.client, run.workflowId);
  log(`  ${result.status} in ${secs(runWallMs)} (${(runWallMs / plan.steps.length).toFixed(1)} ms/step), ${historyLine(runHistory)}; catalog: ${stepsRecorded}/${plan.steps.length} steps succeeded`);

  const partitions = HOURS;
  const to = hourKey(HOURLY_FROM, partitions - 1);
  log(`Large 2: a backfill of ${partitions.toLocaleString('en')} hourly partitions (${HOURLY_FROM} to ${to}, 1,000 per child run) on 4 workers…`);
  started = Date.now();
  const backfill = await stratum.startBackfill({ selection: 'group:hundred_k', partitions: { from: HOURLY_FROM, to }, maxConcurrent: 8 });
  const progress = await backfill.result();
  const backfillWallMs = Date.now() - started;
  const parent = await historyFigures(cluster.client, backfill.workflowId);
  const materialized = (await cluster.catalog.partitionSummary('hundred_k/tick')).materialized;
  log(
    `  ${progress.status} in ${secs(backfillWallMs)}: ${progress.done} done, ${progress.failed} failed in ${progress.runs ?? '?'} child runs, ` +
      `${round1(partitions / (backfillWallMs / 1000))} asset-partitions/s; parent: ${historyLine(parent)}; catalog: ${materialized}/${partitions} partitions materialized`,
  );
  return {
    stepRun: { steps: plan.steps.length, planBytes, status: result.status, wallMs: runWallMs, msPerStep: round1(runWallMs / plan.steps.length), stepsRecorded, history: runHistory },
    hundredK: {
      partitions,
      status: progress.status,
      wallMs: backfillWallMs,
      runs: progress.runs ?? 0,
      done: progress.done,
      failed: progress.failed,
      materialized,
      assetPartitionsPerSec: round1(partitions / (backfillWallMs / 1000)),
      parent,
    },
  };
}

export async function runBench(): Promise<void> {
  const skipLarge = process.argv.includes('--skip-large');
  // The overhead measurement runs its workers in this process: only their errors are of interest.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const loadBefore = load();
  log(`Load average before: ${loadBefore} (2 cores)`);
  let cluster: TemporalCluster | undefined;
  let dev: DevServer | undefined;
  const devWorkers: StratumWorkerProcess[] = [];
  const connections: Connection[] = [];
  try {
    log('Starting a Temporal cluster (temporal-server v1.29.1 on PostgreSQL, 4 services, 4 history shards)…');
    cluster = await startTemporalCluster({ defs: defsPath, historyShards: 4, maxConns: 20, log });
    log('Starting a Temporal dev server (in memory, headless)…');
    dev = await startDevServer({ port: 0, dbFile: null, headless: true, log: () => undefined });
    const definitions: Definitions = loadDefinitions(defsPath);
    const catalog: Catalog = cluster.catalog;

    const targets: BenchTarget[] = [];
    for (const [name, address] of [['cluster', cluster.address], ['dev', dev.address]] as const) {
      const connection = name === 'cluster' ? cluster.connection : await Connection.connect({ address });
      if (name !== 'cluster') connections.push(connection);
      const client = name === 'cluster' ? cluster.client : new Client({ connection, namespace: 'default' });
      const stratum = new Map<number, StratumClient>();
      for (const n of WORKER_COUNTS) stratum.set(n, new StratumClient(client, definitions, { taskQueue: `bench-${name}-${n}w`, catalog }));
      const temporalPids = name === 'cluster' ? () => Object.values(cluster!.services).map((sp) => sp.pid ?? 0).filter((pid) => pid > 0) : () => (dev!.pid === null ? [] : [dev!.pid]);
      targets.push({ name, address, client, stratum, workers: new Map(), temporalPids });
    }
    const workerStart = Date.now();
    for (const target of targets) {
      for (const n of WORKER_COUNTS) {
        if (target.name === 'cluster') {
          const started: StratumWorkerProcess[] = [];
          for (let i = 0; i < n; i++) started.push(await cluster.startWorker({ env: { STRATUM_TASK_QUEUE: `bench-cluster-${n}w`, STRATUM_WORKER_HEAP_MB: '1024' } }));
          target.workers.set(n, started);
        } else target.workers.set(n, await startWorkers(cluster, target.address, `bench-dev-${n}w`, n, devWorkers));
      }
    }
    log(`${2 * WORKER_COUNTS.reduce((a, b) => a + b, 0)} workers polling after ${secs(Date.now() - workerStart)}.`);
    const postgresPid = postmasterPid(Number(new URL(cluster.postgresUrl).port));
    const meters = new Map(targets.flatMap((t) => WORKER_COUNTS.map((n) => [`${t.name}${n}`, meterOf(t, n, postgresPid)] as const)));

    // Warm-up: every variant once, on 5 partitions (workflow caches, catalog connections).
    for (const target of targets) for (const n of WORKER_COUNTS) await backfillOnce(target, n, dayKey(0), dayKey(4), 5, meters.get(`${target.name}${n}`)!);

    // 1. Backfill throughput, interleaved.
    const variants = targets.flatMap((target) => WORKER_COUNTS.map((workers) => ({ target, workers })));
    const samples: BackfillSample[] = [];
    log('');
    log(`Backfill throughput: ${PARTITIONS} daily partitions × ${DAILY_ASSETS} assets per backfill, maxConcurrent ${MAX_CONCURRENT}, ${ROUNDS} rounds`);
    for (let r = 0; r < ROUNDS; r++) {
      const order = variants.map((_, i) => variants[(i + r) % variants.length]!);
      if (r % 2 === 1) order.reverse();
      for (const { target, workers } of order) {
        // A fresh window per backfill (wrapping round before today's partitions end).
        const offset = 10 + ((samples.length * PARTITIONS) % Math.max(PARTITIONS, DAILY_WINDOWS - 10 - PARTITIONS));
        const figures = await backfillOnce(target, workers, dayKey(offset), dayKey(offset + PARTITIONS - 1), PARTITIONS, meters.get(`${target.name}${workers}`)!);
        samples.push({ target: target.name, workers, round: r, ...figures });
        const cpu = Object.entries(figures.cpu).map(([k, v]) => `${k} ${v} s`).join(', ');
        log(`  round ${r + 1}: ${target.name.padEnd(7)} ${workers} worker${workers > 1 ? 's' : ' '}: ${String(figures.assetPartitionsPerSec).padStart(6)} asset-partitions/s (${secs(figures.wallMs)}), CPU ${cpu}; load ${load()}`);
      }
    }
    const throughput: Record<string, number> = {};
    log('');
    log('Median asset-partitions/s:      1 worker   2 workers   4 workers');
    for (const target of targets) {
      const cells = WORKER_COUNTS.map((n) => {
        const value = median(samples.filter((s) => s.target === target.name && s.workers === n).map((s) => s.assetPartitionsPerSec));
        throughput[`${target.name}${n}w`] = value;
        return String(value).padStart(10);
      });
      log(`  ${target.name.padEnd(28)}${cells.join('  ')}`);
    }

    // 2. Per-step overhead on each target (bench/overhead.ts: Stratum's two modes against plain Temporal code, interleaved).
    const overhead: OverheadFigures[] = [];
    for (const target of targets) {
      log('');
      const figures = await measureOverhead({ name: target.name === 'cluster' ? 'cluster' : 'dev server', address: target.address, namespace: 'default', catalog: cluster.catalogUrl }, { rounds: OVERHEAD_ROUNDS, log: (line) => log(`  ${line}`) });
      for (const line of describeOverhead(figures)) log(line);
      overhead.push(figures);
    }

    const large = skipLarge ? null : await runLarge(cluster, targets[0]!.stratum.get(4)!);

    // CPU milliseconds per asset partition by component (median over rounds): the basis for scaling on paper.
    const cpuPerAssetPartitionMs: Record<string, Record<string, number>> = {};
    log('');
    log('CPU ms per asset partition (median over rounds): temporal, postgres, workers, client, total');
    for (const { target, workers } of variants) {
      const mine = samples.filter((x) => x.target === target.name && x.workers === workers);
      const per = (k: string) => round1(median(mine.map((x) => ((x.cpu[k] ?? 0) * 1000) / (PARTITIONS * DAILY_ASSETS))));
      const row = { temporal: per('temporal'), postgres: per('postgres'), workers: per('workers'), client: per('client') };
      const total = round1(row.temporal + row.postgres + row.workers + row.client);
      cpuPerAssetPartitionMs[`${target.name}${workers}w`] = { ...row, total };
      log(`  ${`${target.name} ${workers} worker${workers > 1 ? 's' : ''}`.padEnd(18)} ${[row.temporal, row.postgres, row.workers, row.client, total].map((v) => String(v).padStart(7)).join('')}`);
    }

    const loadAfter = load();
    log(`Load average after: ${loadAfter}`);
    log(
      JSON.stringify({
        bench: 'cluster',
        partitionsPerBackfill: PARTITIONS,
        rounds: ROUNDS,
        assetPartitionsPerSec: throughput,
        cpuPerAssetPartitionMs,
        clusterStartMs: cluster.timings.total,
        loadBefore,
        loadAfter,
        overhead: Object.fromEntries(overhead.map((f) => [f.target === 'cluster' ? 'cluster' : 'dev', { chainStepMs: f.chainStepMs, fanoutPerStepMs: f.fanoutPerStepMs, ratios: f.ratios }])),
        steps: STEP_COUNT,
        stepRun: large?.stepRun ?? null,
        hundredK: large?.hundredK ?? null,
      }),
    );
  } finally {
    await Promise.all(devWorkers.map((w) => w.kill('SIGKILL')));
    for (const c of connections) await c.close().catch(() => undefined);
    await dev?.stop().catch(() => undefined);
    await cluster?.stop();
  }
}
