/**
 * `npm run bench -- large-plans`: plans and results past Temporal's payload limit, on a dev server.
 *
 * - a 10,000-step run: 100 chains of 100 no-op assets, `maxConcurrent` 100 (a 5.6 MB plan, run by
 *   reference; it continues-as-new every ~10,000 events);
 * - a single-run backfill of 2,500 daily partitions × 3 assets (one child run of three range
 *   steps, each materializing 2,500 partitions: a 2.7 MB result before compact results).
 *
 * For each: wall time, workflow runs (continue-as-new), history length (largest run and total),
 * largest payload in any history (inputs, results, markers, failure details), and that the
 * catalog has every step / asset partition. `LARGE_PLAN_STEPS` and `LARGE_PLAN_PARTITIONS` change
 * the sizes. Ends with one JSON line `{"bench":"large-plans",…}`.
 */
import path from 'node:path';
import { asset, dailyPartitions, Definitions, inMemoryIOManager, singleRunBackfill, type AssetDefinition } from '../sdk';
import { openCatalog } from '../sdk/catalog';
import { StratumClient } from '../client/stratum-client';
import { backfillWorkflowId } from '../sdk/protocol/backfill';
import { createWorker } from '../worker/create-worker';
import { startBenchEnv } from './bench-env';
import { historyFigures } from './history-figures';

const STEPS = Number(process.env.LARGE_PLAN_STEPS ?? 10_000);
const CHAINS = 100;
const PARTITIONS = Number(process.env.LARGE_PLAN_PARTITIONS ?? 2_500);
const START = '2015-01-01';

function definitions(): Definitions {
  const assets: AssetDefinition<any, any, any>[] = [];
  const perChain = Math.ceil(STEPS / CHAINS);
  for (let c = 0; c < CHAINS; c++) {
    let previous: AssetDefinition<number, any, any> = asset({ key: `lp/c${c}/s0`, group: 'steps' }, () => 0);
    assets.push(previous);
    for (let i = 1; i < perChain && assets.length < STEPS; i++) {
      const up = previous;
      previous = asset({ key: `lp/c${c}/s${i}`, group: 'steps', ins: { up } }, ({ up }) => up + 1);
      assets.push(previous);
    }
  }
  const days = dailyPartitions({ start: START });
  const events = asset({ key: 'lp/events', partitions: days, backfillPolicy: singleRunBackfill(), group: 'range' }, (_, ctx) => ctx.partitionKeys.length);
  const cleaned = asset({ key: 'lp/cleaned', partitions: days, backfillPolicy: singleRunBackfill(), group: 'range', ins: { events } }, () => 1);
  const summary = asset({ key: 'lp/summary', partitions: days, backfillPolicy: singleRunBackfill(), group: 'range', ins: { cleaned } }, () => 2);
  assets.push(events, cleaned, summary);
  return new Definitions({ assets, ioManagers: { default: inMemoryIOManager() } });
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export async function runBench(): Promise<void> {
  const env = await startBenchEnv('large-plans');
  const { dir, log, client, native } = env;
  const defs = definitions();
  const catalog = await openCatalog(path.join(dir, 'catalog.db'));
  const taskQueue = 'bench-large-plans';
  const worker = await createWorker(defs, { connection: native, taskQueue, catalog, maxConcurrentSteps: 100 });
  const running = worker.run();
  const stratum = new StratumClient(client, defs, { taskQueue, catalog });
  // Histories are read as `runs show` reads them: with the client's default 4 MB gRPC message limit.
  const history = client;
  try {
    // A 10,000-step run.
    const plan = await stratum.plan({ selection: 'group:steps', maxConcurrent: 100 });
    const planBytes = Buffer.byteLength(JSON.stringify(plan));
    log(`${plan.steps.length}-step run: plan ${kib(planBytes)}…`);
    let started = Date.now();
    const run = await stratum.startPlan(plan);
    const result = await run.result();
    const runWallMs = Date.now() - started;
    const recorded = await catalog.getRun(plan.runId);
    const run10k = await historyFigures(history, run.workflowId);
    const stepsRecorded = recorded?.steps.filter((s) => s.status === 'succeeded').length ?? 0;
    log(
      `  ${result.status} in ${(runWallMs / 1000).toFixed(1)} s (${(runWallMs / plan.steps.length).toFixed(1)} ms/step), ${run10k.workflowRuns} workflow runs, ` +
        `history ${run10k.maxEvents} events at most (${run10k.totalEvents} in all, ${kib(run10k.maxHistoryBytes)} at most), largest payload ${kib(run10k.largestPayloadBytes)} (${run10k.largestPayload}); ` +
        `catalog: ${stepsRecorded}/${plan.steps.length} steps succeeded`,
    );

    // A single-run backfill of 2,500 partitions × 3 assets.
    const end = new Date(Date.parse(`${START}T00:00:00Z`) + (PARTITIONS - 1) * 86_400_000).toISOString().slice(0, 10);
    log(`single-run backfill of ${PARTITIONS} partitions × 3 assets (${START}…${end})…`);
    started = Date.now();
    const backfill = await stratum.startBackfill({ selection: 'group:range', partitions: { from: START, to: end } });
    const progress = await backfill.result();
    const backfillWallMs = Date.now() - started;
    const parent = await historyFigures(history, backfillWorkflowId(progress.backfillId));
    const children: string[] = [];
    for await (const w of client.workflow.list({ query: `StratumBackfillId = '${progress.backfillId}' AND StratumKind = 'run'` })) children.push(w.workflowId);
    const child = await historyFigures(history, children[0]!);
    let materialized = 0;
    for (const key of ['lp/events', 'lp/cleaned', 'lp/summary']) materialized += (await catalog.partitionSummary(key)).materialized;
    log(
      `  ${progress.status} in ${(backfillWallMs / 1000).toFixed(1)} s (${progress.done} done, ${progress.failed} failed, ${progress.runs} child run); ` +
        `child history ${child.maxEvents} events, largest payload ${kib(child.largestPayloadBytes)} (${child.largestPayload}); parent largest payload ${kib(parent.largestPayloadBytes)} (${parent.largestPayload}); ` +
        `catalog: ${materialized}/${PARTITIONS * 3} asset partitions materialized`,
    );
    log(
      JSON.stringify({
        bench: 'large-plans',
        steps: plan.steps.length,
        planBytes,
        runStatus: result.status,
        runWallMs,
        runWorkflowRuns: run10k.workflowRuns,
        runMaxEvents: run10k.maxEvents,
        runTotalEvents: run10k.totalEvents,
        runMaxHistoryBytes: run10k.maxHistoryBytes,
        runLargestPayloadBytes: run10k.largestPayloadBytes,
        runLargestPayload: run10k.largestPayload,
        runStepsRecorded: stepsRecorded,
        partitions: PARTITIONS,
        backfillStatus: progress.status,
        backfillWallMs,
        backfillDone: progress.done,
        childMaxEvents: child.maxEvents,
        childLargestPayloadBytes: child.largestPayloadBytes,
        childLargestPayload: child.largestPayload,
        parentLargestPayloadBytes: parent.largestPayloadBytes,
        assetPartitionsMaterialized: materialized,
      }),
    );
  } finally {
    worker.shutdown();
    await running;
    await catalog.close();
    await env.close();
  }
}
