import * as path from 'node:path';
import { openCatalog } from '../../sdk/catalog';
import { defaultCatalogLocation } from '../../sdk/definitions/settings';
import { DEFAULT_LOCATION } from '../../sdk/protocol/location';
import type { Definitions } from '../../sdk/definitions/definitions';
import { createWorker } from '../../worker/create-worker';
import { connectClient, resolveTemporalTarget, type TemporalTarget } from '../../client/connection';
import { connectNative } from '../../client/connect-native';
import { deploy } from '../../client/deploy';
import { loadLocation, type LocationOptions } from '../workspace/open-location';
import type { ResolvedLocation } from '../workspace/load-workspace';
import { log } from '../output';
import { definitionsFiles } from './reload-files';
import type { DevSupervisorMessage, DevWorkerMessage } from './reload-messages';

/** Options of the worker process of `stratum dev` (the dev command's own). */
export interface DevWorkerOptions extends LocationOptions {
  catalog?: string;
  taskQueue?: string;
  /** Grace period of running steps on shutdown. */
  grace: string;
  /** Deploy schedules and sensors once polling. */
  deploy: boolean;
}

function send(message: DevWorkerMessage): void {
  process.send?.(message);
}

function nextMessage(): Promise<DevSupervisorMessage> {
  return new Promise((resolve) => process.once('message', (m) => resolve(m as DevSupervisorMessage)));
}

/**
 * The worker process of `stratum dev` (one per version of the definitions, so each has a fresh
 * module cache): loads the definitions and builds the worker, reports `ready` with the files to
 * watch, polls when told to `start`, and stops gracefully on `shutdown`. A load error is
 * reported as `load-error` and ends the process; `stratum dev` keeps its previous worker.
 */
export async function runDevWorkerProcess(options: DevWorkerOptions): Promise<void> {
  let definitions: Definitions;
  let location: ResolvedLocation | null = null;
  let target: TemporalTarget;
  let built: Awaited<ReturnType<typeof build>>;
  try {
    ({ definitions, location } = loadLocation(options));
    ({ target } = await resolveTemporalTarget({ startLocalIfNeeded: false }));
    built = await build(definitions, target, location, options);
  } catch (error) {
    const what = location ? path.relative(process.cwd(), location.defs) || location.defs : (options.defs ?? `location ${options.location ?? 'default'}`);
    send({ type: 'load-error', message: `Loading ${what}${location && location.name !== DEFAULT_LOCATION ? ` (location ${location.name})` : ''} failed: ${error instanceof Error ? error.message : String(error)}` });
    process.disconnect?.();
    process.exitCode = 1;
    return;
  }
  const { worker, connection, catalog } = built;
  send({ type: 'ready', assets: definitions.assetNodes.size, steps: definitions.steps.size, files: definitionsFiles(location.defs) });
  const first = await nextMessage();
  try {
    if (first.type === 'start') {
      const running = worker.run();
      send({ type: 'polling', taskQueue: worker.taskQueue, address: target.address, namespace: target.namespace });
      void nextMessage().then(() => worker.shutdown());
      if (options.deploy) await deployAtStart(target, definitions, worker.taskQueue, location.name === DEFAULT_LOCATION ? '' : `location ${location.name}: `);
      await running;
    }
  } finally {
    await catalog.close();
    await connection.close();
  }
}

async function build(definitions: Definitions, target: TemporalTarget, location: ResolvedLocation, options: DevWorkerOptions) {
  const connection = await connectNative(target);
  const catalog = await openCatalog(options.catalog ?? location.catalog ?? defaultCatalogLocation());
  try {
    const worker = await createWorker(definitions, {
      connection,
      namespace: target.namespace,
      taskQueue: options.taskQueue ?? location.taskQueue,
      catalog,
      shutdownGraceTime: options.grace as never,
    });
    return { worker, connection, catalog };
  } catch (error) {
    await catalog.close();
    await connection.close();
    throw error;
  }
}

/** Deploys schedules and sensors; a failure is logged and the worker keeps running. */
async function deployAtStart(target: TemporalTarget, definitions: Definitions, taskQueue: string, label: string): Promise<void> {
  try {
    const { client, connection } = await connectClient(target);
    try {
      const actions = await deploy(client, definitions, { taskQueue });
      for (const a of actions) if (a.action !== 'unchanged') log(`${label}Deployed ${a.kind} ${a.name}: ${a.action}${a.detail ? ` (${a.detail})` : ''}`);
    } finally {
      await connection.close();
    }
  } catch (error) {
    log(`${label}Deploying schedules and sensors failed: ${(error as Error).message} (the worker keeps running; fix it and save, or run \`stratum deploy\`).`);
  }
}
