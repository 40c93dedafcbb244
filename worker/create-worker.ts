import { NativeConnection, Worker } from '@temporalio/worker';
import { catalogOutageToleranceMs, waitForCatalog } from '../activities/catalog-wait';
import { createActivities } from '../activities/create-activities';
import { ResourcePool } from '../activities/resource-pool';
import { openCatalog, type Catalog } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions/definitions';
import { durationToMs, type Duration } from '../sdk/definitions/duration';
import { defaultCatalogLocation, locationTaskQueue } from '../sdk/definitions/settings';
import { assignLocation, locationOf } from '../sdk/definitions/location';
import { isNamedLocation } from '../sdk/protocol/location';
import { foreignRunStatusWatches, foreignSensorWatches } from '../sdk/workspace/sensor-watches';
import { workflowBundle } from './workflow-bundle';
import { validateDefinitions } from '../sdk/planning/validate-definitions';

/** Options of {@link createWorker}. */
export interface StratumWorkerOptions {
  /** Connection to Temporal (required; `connectNative` from the CLI helpers makes one). */
  connection: NativeConnection;
  namespace?: string;
  /** Task queue; default the location's ({@link locationTaskQueue}): `STRATUM_TASK_QUEUE` or `stratum` without a workspace. */
  taskQueue?: string;
  /**
   * Workspace location this worker serves (see the README's "Workspaces"); it marks `definitions`
   * as that location's ({@link assignLocation}), so the runs its schedules and sensors start carry
   * the location's ids. Default: the location already assigned, else the default location.
   */
  location?: string;
  /** A catalog, or its location (SQLite path or PostgreSQL URL). Default `STRATUM_CATALOG_URL`, `STRATUM_CATALOG` or `.stratum/catalog.db`. */
  catalog?: Catalog | string;
  /** How long running steps may finish after shutdown is requested before they are cancelled. Default `'30s'`. */
  shutdownGraceTime?: Duration;
  /**
   * How long a catalog call of this worker's steps and bookkeeping waits for an unreachable or
   * busy catalog (PostgreSQL refusing connections or restarting, SQLite locked) before its activity
   * fails: the call is retried with backoff, heartbeating, and a step whose function succeeded
   * records its result once the catalog is back without running again. A warning goes to the
   * worker log when the catalog becomes unavailable and when it is back. Other catalog errors fail
   * at once. Default `STRATUM_CATALOG_WAIT`, else `'5m'`; `0` does not wait. A step's own `timeout`
   * still bounds its wait.
   */
  catalogOutageTolerance?: Duration;
  /** Steps this worker runs at once (regular and local activities each). Default 100. */
  maxConcurrentSteps?: number;
  /**
   * Workflow executions kept in memory between their tasks. Default 400: plenty for a backfill
   * with hundreds of children in flight, while the SDK's own default (sized from the heap limit,
   * ~2,000 on a 4 GB heap) lets an idle-looking worker grow past 400 MB.
   */
  maxCachedWorkflows?: number;
  /** Prebuilt workflow bundle (tests share one); default: built and cached on first start. */
  workflowBundle?: { codePath: string } | { code: string };
  identity?: string;
}

/** A running Stratum worker; see {@link createWorker}. */
export interface StratumWorker {
  readonly taskQueue: string;
  readonly catalog: Catalog;
  /** The Temporal worker underneath. */
  readonly worker: Worker;
  /** Polls until shutdown; resolves when the worker has stopped and resources are torn down. */
  run(): Promise<void>;
  /** Asks the worker to stop: running steps get the grace period to finish. */
  shutdown(): void;
}

/**
 * Builds a Temporal worker for a `Definitions` object: one activity per step, the Stratum
 * workflows, resources built once per worker. Runs alongside the user's own service code.
 *
 * @example
 * const connection = await NativeConnection.connect({ address: 'localhost:7233' });
 * const worker = await createWorker(defs, { connection });
 * await worker.run();
 */
export async function createWorker(definitions: Definitions, options: StratumWorkerOptions): Promise<StratumWorker> {
  validateDefinitions(definitions);
  if (options.location !== undefined) assignLocation(definitions, options.location);
  const taskQueue = options.taskQueue ?? locationTaskQueue(locationOf(definitions));
  const resources = new ResourcePool();
  resources.validate(definitions.resources);
  for (const step of definitions.steps.values()) resources.validate(step.resourceOverrides);
  const ownsCatalog = typeof options.catalog !== 'object';
  const toleranceMs = catalogOutageToleranceMs(options.catalogOutageTolerance);
  const catalog = typeof options.catalog === 'object' ? options.catalog : await openCatalog(options.catalog ?? defaultCatalogLocation());
  // Sensors here watching other locations' assets or runs: registered so those locations' runs signal them.
  if (isNamedLocation(locationOf(definitions))) await catalog.registerSensorWatches(locationOf(definitions), foreignSensorWatches(definitions), foreignRunStatusWatches(definitions));
  const bundle = options.workflowBundle ?? (await workflowBundle());
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue,
    workflowBundle: bundle,
    activities: createActivities({ definitions, catalog: waitForCatalog(catalog, { toleranceMs }), resources }),
    shutdownGraceTime: durationToMs(options.shutdownGraceTime ?? '30s', 'shutdownGraceTime'),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentSteps ?? 100,
    // Steps with executionMode 'local' run as local activities of the same registered functions.
    maxConcurrentLocalActivityExecutions: options.maxConcurrentSteps ?? 100,
    maxCachedWorkflows: options.maxCachedWorkflows ?? 400,
    ...(options.identity ? { identity: options.identity } : {}),
  });
  return {
    taskQueue,
    catalog,
    worker,
    async run() {
      try {
        await worker.run();
      } finally {
        await resources.teardown();
        if (ownsCatalog) await catalog.close();
      }
    },
    shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    },
  };
}
