/**
 * `npm run bench -- schedule`: how late a schedule's runs start. One `every: '1s'` schedule of a
 * no-op asset, deployed with `deploy()` to a local dev server this benchmark starts and stops;
 * over 20 ticks it measures, per tick:
 * - workflow lateness: the run workflow's start time (its first history event, as Temporal
 *   reports it) minus the tick's nominal time (`TemporalScheduledStartTime`): Temporal's share;
 * - run lateness: the moment the run began executing its plan (the catalog's `startedAt`, taken
 *   in the `materialize` code after the planning activity) minus the nominal time: what a user sees.
 * The JSON line's `latenessP50Ms`/`P95`/`Max` are the workflow lateness. The same is measured for
 * a plain Temporal Schedule starting a hand-written no-op workflow (`plainLateness…`), so what
 * Temporal's scheduler costs and what Stratum adds can be told apart.
 */
import path from 'node:path';
import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { deploy } from '../client/deploy';
import { asset, Definitions, inMemoryIOManager, schedule, scheduleIdOf } from '../sdk';
import { openCatalog } from '../sdk/catalog';
import { createWorker } from '../worker/create-worker';
import { percentile, startBenchEnv } from './bench-env';

const TICKS = 20;
const NAME = 'bench_every_second';
const TASK_QUEUE = 'bench-schedule';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runBench(): Promise<void> {
  const { dir, log, client, native, close } = await startBenchEnv('schedule');
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
    log('Measuring the same for a plain Temporal Schedule of a no-op workflow…');
    const plain = await plainScheduleLateness(client, native);
    log(`  plain Temporal, workflow started:        p50 ${percentile(plain, 50)} ms   p95 ${percentile(plain, 95)} ms   max ${Math.max(...plain)} ms`);
    log(
      JSON.stringify({
        bench: 'schedule',
        ticks: TICKS,
        measured: 'workflowStartTime-TemporalScheduledStartTime',
        ...figures,
        plainLatenessP50Ms: percentile(plain, 50),
        plainLatenessP95Ms: percentile(plain, 95),
        plainLatenessMaxMs: Math.max(...plain),
      }),
    );
  } finally {
    await close();
  }
}

/** Lateness (workflow start − nominal time) of TICKS ticks of a plain `every 1s` Temporal Schedule starting a no-op workflow. */
async function plainScheduleLateness(client: Client, native: NativeConnection): Promise<number[]> {
  const taskQueue = 'bench-schedule-plain';
  const worker = await Worker.create({ connection: native, taskQueue, workflowsPath: require.resolve('./plain-workflows'), activities: { noop: async () => ({ startedAt: 0, endedAt: 0 }) } });
  return worker.runUntil(async () => {
    const scheduleId = 'bench-plain-every-second';
    const createdAt = Date.now();
    const handle = await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '1s' }] },
      action: { type: 'startWorkflow', workflowType: 'plainChain', args: [0], taskQueue, workflowId: 'bench-plain-tick' },
      policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL },
    });
    const lateness = new Map<number, number>();
    const deadline = Date.now() + 120_000;
    while (lateness.size < TICKS + 1 && Date.now() < deadline) {
      for await (const execution of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
        const nominal = Date.parse(execution.workflowId.slice('bench-plain-tick-'.length));
        if (nominal >= createdAt && !lateness.has(nominal)) lateness.set(nominal, execution.startTime.getTime() - nominal);
      }
      await sleep(250);
    }
    await handle.delete();
    return [...lateness.entries()].sort(([a], [b]) => a - b).slice(1, TICKS + 1).map(([, late]) => late);
  });
}

