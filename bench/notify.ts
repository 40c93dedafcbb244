/**
 * `npm run bench -- notify`: what sensor notifications cost a run, and how fast event-driven
 * sensors react. On a local dev server this benchmark starts and stops:
 * - a 10-asset chain run with nobody watching, and the same chain with every asset watched by a
 *   running asset sensor (which skips) and every run watched by a run-status sensor;
 * - an asset sensor: from the watched asset's materialization to the start of the run it requests;
 * - eager automation: from the upstream's materialization to the eager asset's materialization.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSensor } from '../client/sensor-client';
import { StratumClient } from '../client/stratum-client';
import { asset, assetSensor, Definitions, inMemoryIOManager, runStatusSensor, type AssetDefinition } from '../sdk';
import { openCatalog, type Catalog } from '../sdk/catalog';
import { sensorWorkflowId } from '../sdk/protocol/sensor-contract';
import { skip } from '../sdk/automation/sensors/sensor-definition';
import { createWorker } from '../worker/create-worker';
import { percentile, startBenchEnv } from './bench-env';
import { sensorsOf } from '../sdk/automation/sensors/code-location-sensors';

const CHAIN = 10;
const REPEATS = 20;

function chain(prefix: string): AssetDefinition<number>[] {
  const assets: AssetDefinition<number>[] = [];
  for (let i = 0; i < CHAIN; i++) {
    const previous = assets[i - 1];
    assets.push(asset({ key: `${prefix}/a${i}`, group: prefix, ...(previous ? { deps: [previous] } : {}) }, () => i));
  }
  return assets;
}

function benchDefinitions(): Definitions {
  const quiet = chain('quiet');
  const watched = chain('watched');
  const source = asset({ key: 'sensed/source' }, () => 1);
  const sink = asset({ key: 'sensed/sink' }, () => 2);
  const up = asset({ key: 'eager/up' }, () => 1);
  const down = asset({ key: 'eager/down', deps: [up], automation: 'eager' }, () => 2);
  return new Definitions({
    assets: [...quiet, ...watched, source, sink, up, down],
    ioManagers: { default: inMemoryIOManager() },
    sensors: [
      assetSensor({ name: 'bench_watch_chain', assets: watched, evaluate: () => skip('benchmark: watching only') }),
      runStatusSensor({ name: 'bench_watch_runs', status: ['success', 'failure'], fn: () => undefined }),
      assetSensor({ name: 'bench_source_to_sink', assets: [source], selection: 'sensed/sink' }),
    ],
  });
}

async function waitFor<T>(check: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== null) return value;
    await sleep(5);
  }
  throw new Error(`benchmark condition not met within ${timeoutMs} ms`);
}

/** The newest materialization of an asset recorded after `after`, or null. */
async function materializedAfter(catalog: Catalog, assetKey: string, after: number) {
  const m = await catalog.latestMaterialization(assetKey, null);
  return m && m.materializedAt > after ? m : null;
}

export async function runBench(): Promise<void> {
  const env = await startBenchEnv('notify');
  const { dir, log, client, native } = env;
  const catalog = await openCatalog(path.join(dir, 'catalog.db'));
  const taskQueue = 'bench-notify';
  const defs = benchDefinitions();
  const worker = await createWorker(defs, { connection: native, taskQueue, catalog });
  const running = worker.run();
  const stratum = new StratumClient(client, defs, { taskQueue, catalog });
  try {
    for (const sensor of sensorsOf(defs)) await startSensor(client, sensor, { taskQueue });
    const wall = async (selection: string) => {
      const started = Date.now();
      await stratum.materialize({ selection });
      return Date.now() - started;
    };
    await wall('group:quiet');
    await wall('group:watched');
    const quiet: number[] = [];
    const watched: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      quiet.push(await wall('group:quiet'));
      watched.push(await wall('group:watched'));
    }

    const sensorLatency: number[] = [];
    const eagerLatency: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const source = (await stratum.materialize({ selection: 'sensed/source' })).steps[0]!;
      const sourceAt = source.endedAt!;
      const run = await waitFor(async () => (await catalog.listRuns({ assetKey: 'sensed/sink', limit: 1 })).find((x) => x.startedAt > sourceAt) ?? null);
      sensorLatency.push(run.startedAt - sourceAt);
      await waitFor(async () => ((await catalog.getRun(run.runId))?.status === 'started' ? null : true));

      const up = (await stratum.materialize({ selection: 'eager/up' })).steps[0]!;
      const upAt = up.endedAt!;
      const down = await waitFor(() => materializedAfter(catalog, 'eager/down', upAt));
      eagerLatency.push(down.materializedAt - upAt);
    }

    const figures = {
      chainWallP50Ms: percentile(quiet, 50, 'above'),
      notifiedChainWallP50Ms: percentile(watched, 50, 'above'),
      assetSensorToRunStartP50Ms: percentile(sensorLatency, 50, 'above'),
      assetSensorToRunStartP95Ms: percentile(sensorLatency, 95, 'above'),
      eagerToMaterializedP50Ms: percentile(eagerLatency, 50, 'above'),
      eagerToMaterializedP95Ms: percentile(eagerLatency, 95, 'above'),
    };
    log('');
    log(`${CHAIN}-asset chain run, wall time (p50 of ${REPEATS}):`);
    log(`  nobody watching ${figures.chainWallP50Ms} ms   every asset and the run watched by running sensors ${figures.notifiedChainWallP50Ms} ms`);
    log(`Asset sensor, watched step's end -> requested run's start: p50 ${figures.assetSensorToRunStartP50Ms} ms, p95 ${figures.assetSensorToRunStartP95Ms} ms`);
    log(`Eager automation, upstream step's end -> eager asset materialized: p50 ${figures.eagerToMaterializedP50Ms} ms, p95 ${figures.eagerToMaterializedP95Ms} ms`);
    log(JSON.stringify({ bench: 'notify', ...figures }));
  } finally {
    for (const sensor of sensorsOf(defs)) await client.workflow.getHandle(sensorWorkflowId(sensor.name)).terminate('benchmark done').catch(() => undefined);
    worker.shutdown();
    await running;
    await catalog.close();
    await env.close();
  }
}
