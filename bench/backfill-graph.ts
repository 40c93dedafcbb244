/**
 * `npm run bench -- backfill-graph`: what planning a backfill per asset partition buys.
 *
 * 365 daily partitions (2023) of a 4-asset chain `raw → cleaned → enriched → running_total`,
 * where `running_total` also reads its own previous day, plus a weekly `weekly_total` reading
 * `running_total` (52 whole weeks). `cleaned` fails on 2023-07-01 (no retries). The same work is
 * backfilled with the graph plan (`grouping: 'asset-partition'`, the default) and with one child
 * run of every asset per partition (`grouping: 'partition'`, how backfills grouped before),
 * alternately (BENCH_ROUNDS rounds, default 1), maxConcurrent 16, one in-process worker. For
 * each: asset-partitions/s (asset partitions finished, done + failed + blocked, per second of
 * wall time), peak concurrency (asset steps executing at once, from the assets' own clocks),
 * the blocked count, wall time and child runs. The blocked count is checked against the
 * failure's dependents computed here by hand from the definitions (not by the planner).
 * Ends with one JSON line `{"bench":"backfill-graph",…}`.
 */
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { StratumClient } from '../client/stratum-client';
import { asset, dailyPartitions, Definitions, inMemoryIOManager, NonRetryableError, timeWindowMapping, weeklyPartitions } from '../sdk';
import { openCatalog } from '../sdk/catalog';
import type { BackfillGrouping, BackfillProgress } from '../sdk/protocol/backfill';
import { createWorker } from '../worker/create-worker';
import { startBenchEnv } from './bench-env';

const DAYS = 365;
const FIRST_DAY = '2023-01-01'; // a Sunday: weeks start on Sundays
const FAILING_DAY = '2023-07-01';
const MAX_CONCURRENT = 16;
const TASK_QUEUE = 'bench-backfill-graph';

const dayKey = (i: number) => new Date(Date.parse(`${FIRST_DAY}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10);

/** Asset steps executing, with their clocks (the benchmark's own measure of concurrency). */
const spans: { start: number; end: number }[] = [];
async function timed<T>(fn: () => T): Promise<T> {
  const start = Date.now();
  await new Promise((resolve) => setImmediate(resolve));
  const value = fn();
  spans.push({ start, end: Date.now() });
  return value;
}

const daily = dailyPartitions({ start: FIRST_DAY, end: '2024-01-01' });
const weekly = weeklyPartitions({ start: FIRST_DAY, end: '2023-12-31' });
const raw = asset({ key: 'bg/raw', partitions: daily }, (_, ctx) => timed(() => ctx.partitionKey.length));
const cleaned = asset({ key: 'bg/cleaned', partitions: daily, ins: { raw }, retry: { maximumAttempts: 1 } }, ({ raw }, ctx) =>
  timed(() => {
    if (ctx.partitionKey === FAILING_DAY) throw new NonRetryableError(`injected failure on ${FAILING_DAY}`);
    return raw + 1;
  }),
);
const enriched = asset({ key: 'bg/enriched', partitions: daily, ins: { cleaned } }, ({ cleaned }) => timed(() => cleaned * 2));
const runningTotal = asset(
  { key: 'bg/running_total', partitions: daily, ins: { enriched }, deps: [{ asset: 'bg/running_total', mapping: timeWindowMapping({ startOffset: -1, endOffset: -1 }) }] },
  ({ enriched }) => timed(() => enriched),
);
const weeklyTotal = asset({ key: 'bg/weekly_total', partitions: weekly, ins: { runningTotal } }, ({ runningTotal }) =>
  timed(() => Object.keys(runningTotal as Record<string, unknown>).length),
);
const CHAIN = ['bg/raw', 'bg/cleaned', 'bg/enriched', 'bg/running_total'];
const WEEKS = 52;

/**
 * The asset partitions a failure of `cleaned[FAILING_DAY]` keeps from running, worked out from
 * the definitions above by hand: with `asset-partition` grouping only what reads it
 * (transitively); with `partition` grouping also what shares a child run with those.
 */
function expectedBlocked(grouping: BackfillGrouping): number {
  const f = Math.round((Date.parse(`${FAILING_DAY}T00:00:00Z`) - Date.parse(`${FIRST_DAY}T00:00:00Z`)) / 86_400_000);
  const blocked = new Set<string>();
  if (grouping === 'asset-partition') {
    blocked.add(`bg/enriched ${f}`);
    for (let d = f; d < DAYS; d++) blocked.add(`bg/running_total ${d}`); // enriched[f], then its own previous day
  } else {
    // The failed day's run skips what follows cleaned; every later day's run waits for the day before.
    blocked.add(`bg/enriched ${f}`).add(`bg/running_total ${f}`);
    for (let d = f + 1; d < DAYS; d++) for (const a of CHAIN) blocked.add(`${a} ${d}`);
  }
  for (let w = 0; w < WEEKS; w++) {
    const days = Array.from({ length: 7 }, (_, i) => 7 * w + i);
    if (days.some((d) => blocked.has(`bg/running_total ${d}`))) blocked.add(`bg/weekly_total ${w}`);
  }
  return blocked.size;
}

function maxOverlap(list: { start: number; end: number }[]): number {
  const events = list.flatMap((s) => [
    [s.start, 1],
    [s.end + 0.5, -1],
  ]);
  events.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let now = 0;
  let max = 0;
  for (const [, d] of events) max = Math.max(max, (now += d!));
  return max;
}

interface Figures {
  grouping: BackfillGrouping;
  assetPartitions: number;
  runs: number;
  done: number;
  failed: number;
  blocked: number;
  expectedBlocked: number;
  assetPartitionsPerSec: number;
  /** Asset partitions materialized per second (blocked ones cost nothing, so this is the fairer rate). */
  donePerSec: number;
  peakConcurrency: number;
  peakRunningQueried: number;
  wallMs: number;
}

/** Runs the benchmark and prints its figures. */
export async function runBench(): Promise<void> {
  const env = await startBenchEnv('backfill-graph');
  const { log } = env;
  const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
  const defs = new Definitions({ assets: [raw, cleaned, enriched, runningTotal, weeklyTotal], ioManagers: { default: inMemoryIOManager() } });
  const catalog = await openCatalog(path.join(mkdtempSync(path.join(env.dir, 'catalog-')), 'catalog.db'));
  const worker = await createWorker(defs, { connection: env.native, taskQueue: TASK_QUEUE, catalog });
  const running = worker.run();
  const stratum = new StratumClient(env.client, defs, { taskQueue: TASK_QUEUE, catalog });
  const results: Figures[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const grouping of ['asset-partition', 'partition'] as const) {
        spans.length = 0;
        const started = Date.now();
        const handle = await stratum.startBackfill({ selection: '*', partitions: { from: dayKey(0), to: dayKey(DAYS - 1) }, maxConcurrent: MAX_CONCURRENT, grouping });
        let peakRunning = 0;
        let done = false;
        const poll = (async () => {
          while (!done) {
            const p = await handle.progress().catch(() => null);
            if (p) peakRunning = Math.max(peakRunning, p.running);
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
        })();
        const result: BackfillProgress = await handle.result();
        done = true;
        await poll;
        const wallMs = Date.now() - started;
        const finished = result.done + result.failed + result.blocked;
        const figures: Figures = {
          grouping,
          assetPartitions: result.total,
          runs: result.runs ?? handle.total,
          done: result.done,
          failed: result.failed,
          blocked: result.blocked,
          expectedBlocked: expectedBlocked(grouping),
          assetPartitionsPerSec: Math.round((finished / (wallMs / 1000)) * 10) / 10,
          donePerSec: Math.round((result.done / (wallMs / 1000)) * 10) / 10,
          peakConcurrency: maxOverlap(spans),
          peakRunningQueried: peakRunning,
          wallMs,
        };
        results.push(figures);
        log(
          `${grouping.padEnd(15)} ${figures.assetPartitions} asset partitions in ${figures.runs} runs: ${figures.done} done, ${figures.failed} failed, ` +
            `${figures.blocked} blocked (expected ${figures.expectedBlocked}${figures.blocked === figures.expectedBlocked ? ', ok' : ', MISMATCH'}), ` +
            `${figures.assetPartitionsPerSec} asset-partitions/s (${figures.donePerSec}/s materialized), peak concurrency ${figures.peakConcurrency} steps (${figures.peakRunningQueried} asset partitions in running runs), wall ${(wallMs / 1000).toFixed(1)} s`,
        );
        if (figures.blocked !== figures.expectedBlocked) process.exitCode = 1;
      }
    }
  } finally {
    worker.shutdown();
    await running;
    await catalog.close();
    await env.close();
  }
  const of = (g: BackfillGrouping) => results.filter((r) => r.grouping === g);
  const summary = (g: BackfillGrouping) => {
    const list = of(g);
    const last = list[list.length - 1]!;
    return {
      runs: last.runs,
      blocked: last.blocked,
      expectedBlocked: last.expectedBlocked,
      assetPartitionsPerSec: Math.max(...list.map((r) => r.assetPartitionsPerSec)),
      donePerSec: Math.max(...list.map((r) => r.donePerSec)),
      peakConcurrency: Math.max(...list.map((r) => r.peakConcurrency)),
      wallMs: Math.min(...list.map((r) => r.wallMs)),
    };
  };
  log(JSON.stringify({ bench: 'backfill-graph', days: DAYS, assetPartitions: results[0]?.assetPartitions, maxConcurrent: MAX_CONCURRENT, rounds, graph: summary('asset-partition'), perPartition: summary('partition') }));
}
