/**
 * `npm run bench -- sensor`: latency of a sensor from trigger to run. 200 payloads are sent (as
 * signals, from app code, one every INTERVAL_MS) to a sensor whose run materializes one no-op
 * asset; for each, the time from sending to the run's start (its first workflow task, as
 * recorded in the catalog) and to its completion. On a local dev server this benchmark starts and
 * stops, with the worker in this process.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSensor, stopSensor, triggerSensor } from '../client/sensor-client';
import { openCatalog, type RunRecord } from '../sdk/catalog';
import { createWorker } from '../worker/create-worker';
import { percentile, startBenchEnv } from './bench-env';
import { benchSensorDefinitions } from './sensor-defs';

const TRIGGERS = 200;
const WARMUP = 10;
const INTERVAL_MS = Number(process.env.STRATUM_BENCH_SENSOR_INTERVAL_MS ?? 50);

export async function runBench(): Promise<void> {
  const env = await startBenchEnv('sensor');
  const { dir, log, client, native } = env;
  const catalog = await openCatalog(path.join(dir, 'catalog.db'));
  const { definitions, sensor } = benchSensorDefinitions(path.join(dir, 'storage'));
  const worker = await createWorker(definitions, { connection: native, taskQueue: 'bench-sensor', catalog });
  const running = worker.run();
  try {
    await startSensor(client, sensor, { taskQueue: 'bench-sensor' });
    const runsOf = async (batch: string) => (await catalog.listRuns({ limit: 10_000 })).filter((r) => r.tags.batch === batch);
    const fire = async (batch: string, count: number): Promise<{ sentAt: Map<string, number>; runs: RunRecord[] }> => {
      const sentAt = new Map<string, number>();
      const sends: Promise<unknown>[] = [];
      const begin = Date.now();
      for (let i = 0; i < count; i++) {
        const wait = begin + i * INTERVAL_MS - Date.now();
        if (wait > 0) await sleep(wait);
        sentAt.set(String(i), Date.now());
        sends.push(triggerSensor(client, sensor, { batch, i }));
      }
      await Promise.all(sends);
      const deadline = Date.now() + 120_000;
      let runs: RunRecord[] = [];
      while (Date.now() < deadline) {
        runs = await runsOf(batch);
        if (runs.length === count && runs.every((r) => r.endedAt !== null)) break;
        await sleep(200);
      }
      if (runs.length !== count) throw new Error(`expected ${count} runs of batch ${batch}, the catalog has ${runs.length}`);
      return { sentAt, runs };
    };

    log(`Warm-up: ${WARMUP} triggers…`);
    await fire('warmup', WARMUP);
    log(`Sending ${TRIGGERS} triggers, one every ${INTERVAL_MS} ms…`);
    const started = Date.now();
    const { sentAt, runs } = await fire('measured', TRIGGERS);
    const wallMs = Date.now() - started;
    const toStart = runs.map((r) => r.startedAt - sentAt.get(r.tags.i!)!);
    const toDone = runs.map((r) => r.endedAt! - sentAt.get(r.tags.i!)!);
    if (process.env.STRATUM_BENCH_SENSOR_DETAIL) {
      const part = (f: (r: RunRecord) => number) => percentile(runs.map(f), 50);
      log(`  detail p50: send->signal task ${part((r) => Number(r.tags.receivedAt) - sentAt.get(r.tags.i!)!)} ms, task->evaluate ${part((r) => Number(r.tags.evaluatedAt) - Number(r.tags.receivedAt))} ms, evaluate->run start ${part((r) => r.startedAt - Number(r.tags.evaluatedAt))} ms`);
    }
    const failed = runs.filter((r) => r.status !== 'succeeded').length;
    const figures = {
      triggerToStartP50Ms: percentile(toStart, 50),
      triggerToStartP95Ms: percentile(toStart, 95),
      triggerToDoneP50Ms: percentile(toDone, 50),
      triggerToDoneP95Ms: percentile(toDone, 95),
    };
    log('');
    log(`${TRIGGERS} triggers (signals, one every ${INTERVAL_MS} ms) -> ${runs.length} runs (${failed} failed) in ${(wallMs / 1000).toFixed(1)} s`);
    log(`  trigger -> run start:  p50 ${figures.triggerToStartP50Ms} ms   p95 ${figures.triggerToStartP95Ms} ms   max ${Math.max(...toStart)} ms`);
    log(`  trigger -> run done:   p50 ${figures.triggerToDoneP50Ms} ms   p95 ${figures.triggerToDoneP95Ms} ms   max ${Math.max(...toDone)} ms`);
    log(JSON.stringify({ bench: 'sensor', triggers: TRIGGERS, intervalMs: INTERVAL_MS, ...figures, failedRuns: failed }));
  } finally {
    await stopSensor(client, sensor.name).catch(() => undefined);
    worker.shutdown();
    await running.catch(() => undefined);
    await catalog.close();
    await env.close();
  }
}
