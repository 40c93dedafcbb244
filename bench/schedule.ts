/**
 * `npm run bench -- schedule`: how late a schedule's runs start. One `every: '1s'` schedule of a
 * no-op asset, deployed with `deploy()` to a local dev server this benchmark starts and stops;
 * over 20 ticks it measures, per tick:
 * - workflow lateness: the run workflow's start time (its first history event, as Temporal
 *   reports it) minus the tick's nominal time (`TemporalScheduledStartTime`): Temporal's share;
 * - run lateness: the moment the run began executing its plan (the catalog's `startedAt`, taken
 *   in the `materialize` code after the planning activity) minus the nominal time: what a user sees.
 * The JSON line's `latenessP50Ms`/`P95`/`Max` are the workflow lateness.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { deploy } from '../cli/deploy';
import { startDevServer } from '../cli/dev-server';
import { asset, Definitions, inMemoryIOManager, schedule, scheduleIdOf } from '../sdk';
import { openCatalog } from '../sdk/catalog';
import { createWorker } from '../worker/create-worker';

const TICKS = 20;
const NAME = 'bench_every_second';
const TASK_QUEUE = 'bench-schedule';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runBench(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dir = mkdtempSync(path.join(tmpdir(), 'stratum-bench-'));
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log('Starting a Temporal dev server (in memory, headless)…');
  const server = await startDevServer({ port: 0, dbFile: null, headless: true, log: () => undefined });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const native = await NativeConnection.connect({ address: server.address });
  try {
    const tick = asset({ key: 'bench/tick' }, () => Date.now());
    const defs = new Definitions({
      assets: [tick],
      ioManagers: { default: inMemoryIOManager() },
      schedules: [schedule({ name: NAME, selection: 'bench/tick', every: '1s', overlap: 'allow_all' })],
    });
    const catalog = await openCatalog(path.join(dir, 'catalog.db'));
    const worker = await createWorker(defs, { connection: native, taskQueue: TASK_QUEUE, catalog });
    const running = worker.run();
    const deployedAt = Date.now();
    await deploy(client, defs, { taskQueue: TASK_QUEUE });
    log(`Deployed schedule ${NAME} (every 1s); waiting for ${TICKS} ticks…`);

    // Ticks whose nominal time is after the deploy, in order; the first is skipped as warm-up.
    let runs: Awaited<ReturnType<typeof catalog.listRuns>> = [];
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      runs = (await catalog.listRuns({ limit: 1_000 }))
        .filter((r) => r.status === 'succeeded' && Date.parse(r.tags['stratum/scheduled_at'] ?? '') >= deployedAt)
        .sort((a, b) => Date.parse(a.tags['stratum/scheduled_at']!) - Date.parse(b.tags['stratum/scheduled_at']!));
      if (runs.length >= TICKS + 1) break;
      await sleep(250);
    }
    await client.schedule.getHandle(scheduleIdOf(NAME)).delete();
    if (runs.length < TICKS + 1) throw new Error(`only ${runs.length} scheduled runs finished within 2 minutes`);
    const measured = runs.slice(1, TICKS + 1);

    const workflowLateness: number[] = [];
    const runLateness: number[] = [];
    for (const run of measured) {
      const nominal = Date.parse(run.tags['stratum/scheduled_at']!);
      const description = await client.workflow.getHandle(run.workflowId).describe();
      workflowLateness.push(description.startTime.getTime() - nominal);
      runLateness.push(run.startedAt - nominal);
    }
    if (process.env.STRATUM_BENCH_VERBOSE) log(`workflow lateness per tick (ms): ${workflowLateness.join(' ')}`);
    worker.shutdown();
    await running;
    await catalog.close();

    const figures = {
      latenessP50Ms: percentile(workflowLateness, 50),
      latenessP95Ms: percentile(workflowLateness, 95),
      latenessMaxMs: Math.max(...workflowLateness),
      runLatenessP50Ms: percentile(runLateness, 50),
      runLatenessP95Ms: percentile(runLateness, 95),
      runLatenessMaxMs: Math.max(...runLateness),
      /** Stratum's own share: from the workflow's start to the run executing its plan (planning activity). */
      planningP50Ms: percentile(runLateness.map((r, i) => r - workflowLateness[i]!), 50),
    };
    log('');
    log(`Lateness of an every-1s schedule over ${TICKS} ticks (actual − nominal TemporalScheduledStartTime):`);
    log(`  workflow started (first history event): p50 ${figures.latenessP50Ms} ms   p95 ${figures.latenessP95Ms} ms   max ${figures.latenessMaxMs} ms`);
    log(`  run began executing (after planning):   p50 ${figures.runLatenessP50Ms} ms   p95 ${figures.runLatenessP95Ms} ms   max ${figures.runLatenessMaxMs} ms`);
    log(`  Stratum's share (workflow start to run executing): p50 ${figures.planningP50Ms} ms`);
    log(JSON.stringify({ bench: 'schedule', ticks: TICKS, measured: 'workflowStartTime-TemporalScheduledStartTime', ...figures }));
  } finally {
    await connection.close();
    await native.close().catch(() => undefined);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
