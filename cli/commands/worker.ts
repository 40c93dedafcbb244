import type { Command } from 'commander';
import { openCatalog } from '../../sdk/catalog';
import { defaultCatalogLocation } from '../../sdk/definitions/settings';
import type { Definitions } from '../../sdk/definitions/definitions';
import { DEFAULT_LOCATION } from '../../sdk/protocol/location';
import { createWorker } from '../../worker/create-worker';
import { positiveInt, withCommonOptions } from '../common-options';
import { connectClient, resolveTemporalTarget } from '../../client/connection';
import { connectNative } from '../../client/connect-native';
import { deploy } from '../../client/deploy';
import { loadLocation, type LocationOptions } from '../workspace/open-location';
import { log } from '../output';

/** Runs a worker until SIGINT/SIGTERM, letting running steps finish within the grace period. */
export async function runWorkerUntilSignal(options: LocationOptions & {
  catalog?: string;
  taskQueue?: string;
  grace?: string;
  maxConcurrentSteps?: number;
  startServer: boolean;
  /** Run `stratum deploy` (schedules, sensors) once the worker polls: what `stratum dev` does. */
  deploy?: boolean;
}): Promise<{ startedServer: boolean }> {
  const { definitions, location } = loadLocation(options);
  const { target, uiUrl, startedServer } = await resolveTemporalTarget({ startLocalIfNeeded: options.startServer, log });
  const connection = await connectNative(target);
  const catalog = await openCatalog(options.catalog ?? location.catalog ?? defaultCatalogLocation());
  const worker = await createWorker(definitions, {
    connection,
    namespace: target.namespace,
    taskQueue: options.taskQueue ?? location.taskQueue,
    catalog,
    shutdownGraceTime: (options.grace ?? '30s') as any,
    maxConcurrentSteps: options.maxConcurrentSteps,
  });
  let signals = 0;
  let lastSignalAt = 0;
  const stop = (signal: string) => {
    // Ctrl-C reaches both `stratum` and its heap-capped worker process: one press, one signal.
    if (Date.now() - lastSignalAt < 1_000) return;
    lastSignalAt = Date.now();
    signals += 1;
    if (signals > 1) {
      log('Second signal: exiting now.');
      process.exit(130);
    }
    log(`${signal}: stopping; running steps have ${options.grace ?? '30s'} to finish (signal again to exit now).`);
    worker.shutdown();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  log(`Worker${location.name !== DEFAULT_LOCATION ? ` of location ${location.name}` : ''} polling task queue "${worker.taskQueue}" on ${target.address} (namespace ${target.namespace}) with ${definitions.steps.size} steps.`);
  if (uiUrl) log(`Temporal web UI: ${uiUrl}`);
  try {
    const running = worker.run();
    if (options.deploy) await deployAtStart(target, definitions, worker.taskQueue);
    await running;
  } finally {
    await catalog.close();
    await connection.close();
  }
  log('Worker stopped.');
  return { startedServer };
}

/** `stratum dev` deploys schedules and sensors when its worker is up; a failure is logged, the worker keeps running. */
async function deployAtStart(target: Parameters<typeof connectClient>[0], definitions: Definitions, taskQueue: string): Promise<void> {
  try {
    const { client, connection } = await connectClient(target);
    try {
      const actions = await deploy(client, definitions, { taskQueue });
      for (const a of actions) if (a.action !== 'unchanged') log(`Deployed ${a.kind} ${a.name}: ${a.action}${a.detail ? ` (${a.detail})` : ''}`);
      const unchanged = actions.filter((a) => a.action === 'unchanged').length;
      if (unchanged > 0) log(`Deploy: ${unchanged} schedule(s) and sensor(s) unchanged.`);
    } finally {
      await connection.close();
    }
  } catch (error) {
    log(`Deploying schedules and sensors failed: ${(error as Error).message} (the worker keeps running; fix it and run \`stratum deploy\`).`);
  }
}

/** `stratum worker`: a worker for the definitions. */
export function configureWorkerCommand(program: Command): void {
  const command = program
    .command('worker')
    
    .option('--grace <duration>', 'time running steps get to finish on shutdown', '30s')
    .option('--max-concurrent-steps <n>', 'steps this worker runs at once', positiveInt('--max-concurrent-steps'))
    .option('--no-start-server', 'fail instead of starting the local dev server when nothing is configured')
    .addHelpText('after', '\nExamples:\n  $ stratum worker --defs examples/etl/defs.ts\n  $ stratum worker --workspace examples/workspace/stratum.workspace.json --location etl\n  $ TEMPORAL_ADDRESS=temporal.internal:7233 STRATUM_CATALOG=postgres://… stratum worker');
  withCommonOptions(command).action(async (options) => {
    await runWorkerUntilSignal({ ...options, startServer: options.startServer !== false });
  });
}
