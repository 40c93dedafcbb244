import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
import { RunFailedError, StratumClient } from '../../client/stratum-client';
import { openCatalog } from '../../sdk/catalog';
import type { AnyAssetDefinition, Definitions } from '../../sdk/definitions/definitions';
import type { IOManager } from '../../sdk/definitions/io/io-manager';
import type { PlanRequest } from '../../sdk/planning/planner';
import type { PlanPartitionRange } from '../../sdk/protocol/plan';
import { createWorker, type StratumWorker } from '../create-worker';
import { workflowBundle } from '../workflow-bundle';
import { testDefinitions } from './test-definitions';
import { toResourceDefinitions, type TestResources } from './test-resources';
import { buildTestRunResult, type TestRunResult } from './test-run-result';
import { startTestServer, type TestServerOptions } from './test-server';
import { TestEnvironmentClosedError } from './testing-errors';

/** Options of {@link createStratumTestEnvironment}. */
export interface StratumTestEnvironmentOptions extends TestServerOptions {
  /**
   * Level of Temporal's own log (worker and connection messages, "Activity failed" warnings),
   * printed to stderr, when `stratum/testing` is the first to start Temporal's runtime in this
   * process. Default `'ERROR'`: a failing asset in a test is expected, not noise. What steps log
   * through `ctx.log`, and their errors, are in the run result (`logs`, `error`) instead.
   */
  temporalLogLevel?: LogLevel;
}

/** Options of {@link materializeForTest} and {@link StratumTestEnvironment.materialize}. */
export interface MaterializeForTestOptions {
  /** Asset selection (`'*'`, `'orders+'`, `'group:sales'`…). Default `'*'`: every asset. Give this or `job`. */
  selection?: string;
  /** A job to run instead of a selection. */
  job?: string;
  /** Partition to materialize (required when the selection holds partitioned assets, as for `stratum materialize`). */
  partitionKey?: string;
  /** A range of partitions, run as one step per asset (assets with a single-run backfill policy). */
  partitionRange?: PlanPartitionRange;
  /** Run config by step: asset key, multi-asset name, or node name within a job; validated by each step's zod schema. */
  config?: Record<string, unknown>;
  /**
   * Resources that replace the definitions' own (job-level ones included), by key: a resource
   * definition or the value itself (`{ warehouse: fakeWarehouse }`). Each run builds its
   * resources afresh and tears them down when it ends.
   */
  resources?: TestResources;
  /**
   * IO managers that replace the definitions' own. Without them, a run stores values in a fresh
   * in-memory IO manager under the `default` key, unless the definitions set a `default` themselves.
   */
  ioManagers?: Record<string, IOManager>;
  /** Dynamic partition keys to add before planning, by partitions name (`{ customers: ['acme'] }`). */
  dynamicPartitions?: Record<string, readonly string[]>;
  /**
   * `false` runs every step once, ignoring retry policies, so a failing asset fails at once
   * instead of after its backoff (default 3 attempts from 1 s). Default `true`: the definitions' policies.
   */
  retries?: boolean;
  /** Run tags. */
  tags?: Record<string, string>;
}

/** A Temporal server with Stratum's workflows, shared by several test runs; see {@link createStratumTestEnvironment}. */
export interface StratumTestEnvironment {
  /** `host:port` of the Temporal server (open the web UI with `temporal server start-dev` of your own to watch runs). */
  readonly address: string;
  readonly namespace: string;
  /** The `@temporalio/testing` environment underneath (its `client` starts and inspects workflows). */
  readonly temporal: TestWorkflowEnvironment;
  /**
   * Materializes a selection of `definitions` (or of the given assets) in this environment and
   * returns its {@link TestRunResult}; see {@link materializeForTest}.
   */
  materialize(definitions: Definitions | readonly AnyAssetDefinition[], options?: MaterializeForTestOptions): Promise<TestRunResult>;
  /** Stops running workers, closes the connections and stops the server it started. Idempotent. */
  teardown(): Promise<void>;
}

/**
 * Starts one Temporal server (in memory, on a free port, with Stratum's search attributes) for
 * several test runs: create it in `beforeAll`, tear it down in `afterAll`. Every
 * `materialize` call runs the real Stratum workflows with a worker of its own (a unique task
 * queue), a fresh in-memory catalog and, unless the definitions set one, a fresh in-memory IO
 * manager, so tests never see each other's values.
 *
 * @example
 * ```ts
 * import { createStratumTestEnvironment, type StratumTestEnvironment } from 'stratum/testing';
 * import defs, { revenue } from '../defs';
 *
 * let env: StratumTestEnvironment;
 * beforeAll(async () => {
 *   env = await createStratumTestEnvironment();
 * });
 * afterAll(() => env?.teardown());
 *
 * test('revenue sums the orders', async () => {
 *   const result = await env.materialize(defs, { selection: '+revenue' });
 *   expect(result.success).toBe(true);
 *   expect(result.valueOf(revenue)).toBe(42);
 * });
 * ```
 */
export async function createStratumTestEnvironment(options: StratumTestEnvironmentOptions = {}): Promise<StratumTestEnvironment> {
  installTestRuntime(options.temporalLogLevel ?? 'ERROR');
  const bundling = workflowBundle();
  bundling.catch(() => undefined); // awaited below; a failure is reported once, there
  const server = await startTestServer(options);
  let temporal: TestWorkflowEnvironment;
  let bundle: { codePath: string };
  try {
    temporal = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address, namespace: server.namespace });
    try {
      bundle = await bundling;
    } catch (error) {
      await temporal.teardown();
      throw error;
    }
  } catch (error) {
    await server.stop();
    throw error;
  }

  const workers = new Set<StratumWorker>();
  let closed: Promise<void> | null = null;

  async function materialize(definitions: Definitions | readonly AnyAssetDefinition[], runOptions: MaterializeForTestOptions = {}): Promise<TestRunResult> {
    if (closed) throw new TestEnvironmentClosedError();
    const defs = testDefinitions(definitions, { resources: toResourceDefinitions(runOptions.resources), ioManagers: runOptions.ioManagers });
    const catalog = await openCatalog(':memory:');
    try {
      for (const [name, keys] of Object.entries(runOptions.dynamicPartitions ?? {})) await catalog.addDynamicPartitions(name, keys);
      const worker = await createWorker(defs, {
        connection: temporal.nativeConnection,
        namespace: server.namespace,
        taskQueue: uniqueTaskQueue(),
        catalog,
        workflowBundle: bundle,
        shutdownGraceTime: '2s',
        maxCachedWorkflows: 20,
      });
      workers.add(worker);
      const running = worker.run();
      running.catch(() => undefined); // awaited in finally
      try {
        const stratum = new StratumClient(temporal.client, defs, { taskQueue: worker.taskQueue, catalog });
        const plan = await stratum.plan(planRequest(runOptions));
        if (runOptions.retries === false) for (const step of plan.steps) step.retry = { ...step.retry, maximumAttempts: 1 };
        const handle = await stratum.startPlan(plan);
        const result = await handle.result().catch((error: unknown) => {
          if (error instanceof RunFailedError && error.result !== null) return error.result;
          throw error;
        });
        return await buildTestRunResult(defs, plan, result, await catalog.runLogs(plan.runId));
      } finally {
        worker.shutdown();
        workers.delete(worker);
        await running;
      }
    } finally {
      await catalog.close();
    }
  }

  return {
    address: server.address,
    namespace: server.namespace,
    temporal,
    materialize,
    teardown() {
      closed ??= (async () => {
        for (const worker of workers) worker.shutdown();
        await temporal.teardown();
        await server.stop();
      })();
      return closed;
    },
  };
}

function planRequest(options: MaterializeForTestOptions): PlanRequest {
  const request: PlanRequest = options.job !== undefined ? { job: options.job } : { selection: options.selection ?? '*' };
  if (options.job !== undefined && options.selection !== undefined) request.selection = options.selection; // refused by the planner, with its message
  if (options.partitionKey !== undefined) request.partitionKey = options.partitionKey;
  if (options.partitionRange !== undefined) request.partitionRange = options.partitionRange;
  if (options.config !== undefined) request.config = options.config;
  if (options.tags !== undefined) request.tags = options.tags;
  return request;
}

let queueCounter = 0;

/** A task queue no other run of this process (or of another jest worker) uses. */
function uniqueTaskQueue(): string {
  queueCounter += 1;
  return `stratum-test-${process.pid}-${Date.now().toString(36)}-${queueCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Installs Temporal's runtime with a quiet logger, unless something in this process already
 * created one (then its logger stays).
 */
function installTestRuntime(level: LogLevel): void {
  // Steps' own lines and failures are in the run result (`logs`, `error`); print the rest.
  const print = (entry: LogEntry): void => {
    const component = entry.meta?.['sdkComponent'];
    if (component === 'activity' || component === 'workflow') return;
    process.stderr.write(`[temporal ${entry.level}] ${entry.message}\n`);
  };
  try {
    Runtime.install({ logger: new DefaultLogger(level, print) });
  } catch {
    // Already installed or instantiated (a Worker or connection exists): keep it.
  }
}
