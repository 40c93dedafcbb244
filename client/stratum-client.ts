import type { Client, Connection } from '@temporalio/client';
import type { z } from 'zod';
import type { SensorDefinition } from '../sdk/automation/sensors/sensor';
import type { AnySensorDefinition } from '../sdk/automation/sensors/sensor-definition';
import { openCatalog, type Catalog, type CatalogReader, type ListRunsOptions, type RunRecord, type RunWithSteps } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions/definitions';
import { loadPartitionContext } from '../sdk/definitions/partition-context';
import { validateDefinitions } from '../sdk/planning/validate-definitions';
import { defaultCatalogLocation, locationTaskQueue } from '../sdk/definitions/settings';
import { locationOf } from '../sdk/definitions/location';
import type { PartitionContext } from '../sdk/partitions';
import { createPlan, type PlanRequest } from '../sdk/planning/planner';
import { backfillWorkflowId, type BackfillRequest } from '../sdk/protocol/backfill';
import type { Plan, RunResult } from '../sdk/protocol/plan';
import type { SensorStateView, SensorTriggerAnswer } from '../sdk/protocol/sensor-state';
import { backfillHandle, type BackfillHandle } from './backfill-handle';
import { rebuildCatalog, type RebuildReport } from './catalog-rebuild';
import { CatalogNotEmptyError, CatalogRequiredError, UnknownRunError } from './client-errors';
import { connectAppClient, type StratumClientConnectOptions, type StratumClientOptions } from './connect-options';
import { deploy } from './deploy';
import type { DeployAction } from './deploy-action';
import { addDynamicPartitions, dynamicPartitionsUsage, removeDynamicPartitions, type AddDynamicPartitionsResult, type RemoveDynamicPartitionsResult } from './dynamic-partitions';
import { findRun } from './find-run';
import { reexecuteRun, type ReexecuteOptions } from './reexecute';
import type { RunHandle } from './run-handle';
import { backfillSchedule, type ScheduleBackfillRange } from './schedule-backfill';
import { deployedScheduleHandle, pauseSchedule, triggerSchedule, unpauseSchedule } from './schedule-control';
import { scheduleStatuses, type DeployedSchedule } from './schedule-status';
import { findSensor, payloadSensor, sensorState, startSensor, stopSensor, triggerSensor, type StartSensorOptions, type TriggerSensorOptions } from './sensor-client';
import { startBackfill } from './start-backfill';
import { startRun } from './start-run';

export { RunFailedError, awaitRunResult } from './run-handle';
export type { RunHandle } from './run-handle';

/** A sensor given by its definition or by its name. */
export type SensorRef = AnySensorDefinition | string;

/** A schedule given by its definition (anything with its `name`) or by its name. */
export type ScheduleRef = { readonly name: string } | string;

/** Options of {@link StratumClient.rebuildCatalog}. */
export interface RebuildIntoOptions {
  /** An empty catalog to write into (a new SQLite file or an empty PostgreSQL database); never the live one. */
  into: Catalog;
  /** Narrows the executions read, in Temporal's list filter syntax (e.g. `TaskQueue = 'etl'`). Default: the whole namespace. */
  filter?: string;
  /** Progress lines. */
  log?: (line: string) => void;
}

/**
 * The one object app code uses to work with Stratum: runs, backfills, sensors, schedules, deploys,
 * dynamic partitions and the catalog, as methods of one client bound to a Temporal client, the
 * definitions the workers run, their task queue and the catalog they write.
 *
 * Methods are flat and named by noun (`startBackfill`, `triggerSensor`, `pauseSchedule`), like
 * the CLI's `stratum <noun> <verb>` read backwards. Every request is checked against the
 * definitions before anything starts (bad selections, config, partition keys, sensor payloads and
 * unknown names are refused with an error saying how to fix them).
 *
 * - Runs: {@link plan}, {@link start}, {@link startPlan}, {@link materialize}, {@link cancelRun}, {@link getRun}, {@link listRuns}.
 * - Backfills: {@link startBackfill}, {@link backfill}.
 * - Sensors: {@link triggerSensor}, {@link startSensor}, {@link stopSensor}, {@link sensorState}.
 * - Schedules: {@link scheduleStatuses}, {@link pauseSchedule}, {@link unpauseSchedule}, {@link triggerSchedule}, {@link backfillSchedule}.
 * - Deployment and catalog: {@link deploy}, {@link rebuildCatalog}, {@link addDynamicPartitions}, {@link removeDynamicPartitions}, {@link catalog}.
 *
 * @example
 * import { StratumClient } from 'stratum/client';
 * import defs from './defs';
 *
 * const stratum = await StratumClient.connect({ definitions: defs }); // TEMPORAL_ADDRESS, or the running `stratum dev`
 * try {
 *   const result = await stratum.materialize({ selection: 'sales/orders+', partitionKey: '2024-03-01' });
 *   await stratum.triggerSensor(newFile, { path: 's3://in/a.csv', size: 10 });
 * } finally {
 *   await stratum.close();
 * }
 */
export class StratumClient {
  readonly taskQueue: string;
  /** The workspace location of the definitions ({@link locationOf}): its ids and search attributes. */
  readonly location: string;
  /** What {@link close} releases: what {@link StratumClient.connect} opened itself. */
  private readonly owned: { connection?: Connection; catalog?: Catalog } = {};

  /**
   * A client over a Temporal `Client` you already hold (e.g. one your service shares). {@link close}
   * leaves that client and the catalog open; to let Stratum connect, use {@link StratumClient.connect}.
   */
  constructor(
    readonly client: Client,
    readonly definitions: Definitions,
    readonly options: StratumClientOptions = {},
  ) {
    validateDefinitions(definitions);
    this.location = locationOf(definitions);
    this.taskQueue = options.taskQueue ?? locationTaskQueue(this.location);
  }

  /**
   * Connects to Temporal the way the `stratum` CLI does (`TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`,
   * TLS and API key through `@temporalio/envconfig`, else the project's running `stratum dev`
   * server), without ever starting a dev server, and opens the catalog (default: the same one the
   * CLI and workers use). {@link close} releases both.
   *
   * @throws TemporalNotConfiguredError when no server is given, configured or running locally.
   * @throws TemporalUnreachableError when the server does not answer within `timeoutMs`.
   *
   * @example
   * const stratum = await StratumClient.connect({ definitions: defs, address: 'temporal.internal:7233', namespace: 'etl', catalog: process.env.CATALOG_URL });
   */
  static async connect(options: StratumClientConnectOptions): Promise<StratumClient> {
    const { connection, client } = await connectAppClient(options);
    let openedCatalog: Catalog | undefined;
    try {
      const catalog = typeof options.catalog === 'object' ? options.catalog : (openedCatalog = await openCatalog(options.catalog ?? defaultCatalogLocation()));
      const stratum = new StratumClient(client, options.definitions, { catalog, ...(options.taskQueue !== undefined ? { taskQueue: options.taskQueue } : {}) });
      stratum.owned.connection = connection;
      if (openedCatalog) stratum.owned.catalog = openedCatalog;
      return stratum;
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
  }

  /** Closes what {@link StratumClient.connect} opened (the Temporal connection, a catalog opened from a location). Runs keep running. */
  async close(): Promise<void> {
    const { connection, catalog } = this.owned;
    this.owned.connection = undefined;
    this.owned.catalog = undefined;
    try {
      await connection?.close();
    } finally {
      await catalog?.close();
    }
  }

  /** The catalog the workers write, to read: runs, materializations, partition statuses, checks, staleness. Throws {@link CatalogRequiredError} when this client has none. */
  get catalog(): CatalogReader {
    return this.requireCatalog('catalog');
  }

  // ---- Runs ----

  /** The plan for a request, with dynamic partition keys read from the catalog. Refuses bad selections, config and partition keys. */
  async plan(request: PlanRequest): Promise<Plan> {
    return createPlan(this.definitions, { ...request, partitionContext: request.partitionContext ?? (await this.partitionContext()) });
  }

  /** The partition maths context: now, and dynamic partition keys from the catalog. */
  async partitionContext(): Promise<PartitionContext> {
    return this.options.catalog ? loadPartitionContext(this.options.catalog, this.definitions) : { now: new Date() };
  }

  /**
   * Plans and starts a run; returns at once with its handle (`result()`, `cancel()`).
   *
   * @example
   * const run = await stratum.start({ job: 'daily_sales', partitionKey: '2024-03-01' });
   * console.log(run.workflowId, (await run.result()).status);
   */
  async start(request: PlanRequest): Promise<RunHandle> {
    return this.startPlan(await this.plan(request));
  }

  /** Starts a run of an existing plan (from {@link plan}). */
  async startPlan(plan: Plan): Promise<RunHandle> {
    return startRun(this.client, this.taskQueue, plan, this.options.catalog ?? null);
  }

  /** Plans, starts and waits for a run. Rejects with {@link RunFailedError} (carrying every step's outcome) when a step failed. */
  async materialize(request: PlanRequest): Promise<RunResult> {
    return (await this.start(request)).result();
  }

  /**
   * Asks a run to stop: its running steps are cancelled and it ends `canceled`. Takes a run id (looked
   * up in the catalog), a workflow id (`stratum/…`) or a {@link RunHandle}. Returns the workflow id.
   *
   * @throws UnknownRunError when the catalog has no such run.
   */
  async cancelRun(run: string | Pick<RunHandle, 'workflowId'>): Promise<string> {
    let workflowId: string;
    if (typeof run !== 'string') workflowId = run.workflowId;
    else if (run.startsWith('stratum/')) workflowId = run;
    else workflowId = (await findRun(this.requireCatalog('cancelRun'), run))?.workflowId ?? throwUnknownRun(run);
    await this.client.workflow.getHandle(workflowId).cancel();
    return workflowId;
  }

  /**
   * Re-executes a finished run as a new run on this client's task queue: its plan again (same
   * partitions, config and tags) or, with `fromFailure`, only its failed, skipped and canceled
   * steps (and what depends on them), which read the stored outputs of the steps that succeeded.
   * Takes a run id, a unique prefix of one, or a workflow id. The new run is tagged
   * `stratum/parent_run`, `stratum/reexecution_of` and `stratum/root_run`.
   *
   * @throws UnknownRunError when the catalog has no such run.
   * @throws ReexecutionRefusedError when it is still running, or nothing failed with `fromFailure`.
   *
   * @example
   * const retry = await stratum.reexecuteRun(failed.runId, { fromFailure: true });
   * console.log((await retry.result()).status);
   */
  async reexecuteRun(run: string, options: ReexecuteOptions = {}): Promise<RunHandle> {
    return reexecuteRun({ client: this.client, definitions: this.definitions, catalog: this.options.catalog ?? null, taskQueue: this.taskQueue }, run, options);
  }

  /** A run from the catalog with its steps (by run id or workflow id), or null. Runs appear once their workflow has started its first step. */
  async getRun(runId: string): Promise<RunWithSteps | null> {
    return findRun(this.requireCatalog('getRun'), runId);
  }

  /** Runs from the catalog, newest first (default 100), filtered by status, job, asset key or backfill. */
  async listRuns(filter?: ListRunsOptions): Promise<RunRecord[]> {
    return this.requireCatalog('listRuns').listRuns(filter);
  }

  // ---- Backfills ----

  /**
   * Starts a backfill: one child run per partition (or range, by backfill policy), a bounded number
   * in flight. Validates the selection, partitions and config and counts the child runs (reading
   * the catalog for `only`) before anything starts.
   *
   * @example
   * const backfill = await stratum.startBackfill({ selection: 'group:sales', partitions: { from: '2024-01-01', to: '2024-03-31' }, maxConcurrent: 16 });
   * console.log(await backfill.result());
   */
  async startBackfill(request: BackfillRequest): Promise<BackfillHandle> {
    const catalog = this.requireCatalog('startBackfill');
    return startBackfill({ client: this.client, definitions: this.definitions, catalog, taskQueue: this.taskQueue, partitionContext: await this.partitionContext() }, request);
  }

  /** A handle on an existing backfill (`progress()`, `pause()`, `resume()`, `cancel()`, `result()`). */
  backfill(backfillId: string): BackfillHandle {
    return backfillHandle(backfillId, this.client.workflow.getHandle(backfillWorkflowId(backfillId)), -1);
  }

  // ---- Sensors ----

  /**
   * Sends a payload to a running sensor. Given the sensor's definition, the payload is typed by its
   * `triggerSchema` (`z.input`); given a name, it is checked at run time only. Either way it is
   * validated first: a payload that fails is refused with `InvalidTriggerPayloadError` and nothing
   * is sent. By default it goes as a signal (returns once Temporal has it); with `{ wait: true }`
   * as an update that resolves with the evaluation's outcome (runs started, skip reason, duplicate
   * run keys).
   *
   * @throws SensorNotRunningError when the sensor's workflow is not running.
   *
   * @example
   * await stratum.triggerSensor(newFile, { path: 's3://in/a.csv', size: 10 });
   * const answer = await stratum.triggerSensor(newFile, { path: 's3://in/b.csv', size: 3 }, { wait: true });
   * console.log(answer.outcome, answer.runs.map((r) => r.workflowId));
   */
  triggerSensor<TSchema extends z.ZodType>(sensor: SensorDefinition<TSchema>, payload: z.input<TSchema>, options: TriggerSensorOptions & { wait: true }): Promise<SensorTriggerAnswer>;
  triggerSensor<TSchema extends z.ZodType>(sensor: SensorDefinition<TSchema>, payload: z.input<TSchema>, options?: TriggerSensorOptions & { wait?: false }): Promise<{ workflowId: string }>;
  triggerSensor(name: string, payload: unknown, options: TriggerSensorOptions & { wait: true }): Promise<SensorTriggerAnswer>;
  triggerSensor(name: string, payload: unknown, options?: TriggerSensorOptions & { wait?: false }): Promise<{ workflowId: string }>;
  triggerSensor(sensor: SensorDefinition<z.ZodType> | string, payload: unknown, options: TriggerSensorOptions & { wait?: boolean } = {}): Promise<SensorTriggerAnswer | { workflowId: string }> {
    const definition = typeof sensor === 'string' ? payloadSensor(this.definitions, sensor) : sensor;
    return options.wait ? triggerSensor(this.client, definition, payload, { location: this.location, ...options, wait: true }) : triggerSensor(this.client, definition, payload, { location: this.location, ...options, wait: false });
  }

  /**
   * Starts a sensor's workflow (`stratum/sensor/<name>`) on this client's task queue. Returns
   * `started: false` when it was already running. A sensor started again after a stop keeps its
   * cursor and run keys.
   */
  async startSensor(sensor: SensorRef, options: StartSensorOptions = {}): Promise<{ started: boolean; workflowId: string }> {
    return startSensor(this.client, this.sensorDefinition(sensor), { taskQueue: this.taskQueue, location: this.location, ...options });
  }

  /** Asks a running sensor to stop after the triggers it has queued. Returns false when it was not running. */
  async stopSensor(sensor: SensorRef): Promise<boolean> {
    return stopSensor(this.client, this.sensorDefinition(sensor).name, this.location);
  }

  /** A sensor's state (status, cursor, counters, last evaluations): live while it runs, final once stopped, null if never started. */
  async sensorState(sensor: SensorRef): Promise<SensorStateView | null> {
    return sensorState(this.client, this.sensorDefinition(sensor).name, this.location);
  }

  // ---- Schedules ----

  /** Every schedule of the definitions (and those on this task queue the code no longer has): state, next ticks, recent runs. */
  async scheduleStatuses(options: { next?: number; recent?: number } = {}): Promise<DeployedSchedule[]> {
    return scheduleStatuses(this.client, this.definitions, { taskQueue: this.taskQueue, ...options });
  }

  /** Pauses a deployed schedule (deploys keep it paused); `note` shows in the Temporal UI. Throws `ScheduleNotDeployedError` before a deploy. */
  async pauseSchedule(schedule: ScheduleRef, note?: string): Promise<void> {
    await pauseSchedule(this.client, this.definitions, nameOf(schedule), note);
  }

  /** Unpauses a paused schedule. */
  async unpauseSchedule(schedule: ScheduleRef, note?: string): Promise<void> {
    await unpauseSchedule(this.client, this.definitions, nameOf(schedule), note);
  }

  /** Starts one run of a schedule now, whatever its overlap policy. */
  async triggerSchedule(schedule: ScheduleRef): Promise<void> {
    await triggerSchedule(this.client, this.definitions, nameOf(schedule));
  }

  /**
   * Runs every tick of a schedule from `from` to `to` (both inclusive; partition keys for a
   * partitioned schedule, else dates or instants) through Temporal's schedule backfill. Throws
   * `ScheduleNotDeployedError` before a deploy.
   *
   * @example
   * await stratum.backfillSchedule('daily_events', { from: '2024-03-01', to: '2024-03-03' }); // three daily partitions
   */
  async backfillSchedule(schedule: ScheduleRef, range: { from: string; to: string }): Promise<ScheduleBackfillRange> {
    await deployedScheduleHandle(this.client, this.definitions, nameOf(schedule));
    return backfillSchedule(this.client, this.definitions, nameOf(schedule), range);
  }

  // ---- Deployment and catalog ----

  /**
   * Brings the cluster in line with the code, as `stratum deploy` does: creates, updates and deletes
   * schedules, starts sensors with `defaultStatus: 'running'`, reconfigures changed ones and stops
   * those the code no longer has, all on this client's task queue. Returns what it did.
   */
  async deploy(): Promise<DeployAction[]> {
    return deploy(this.client, this.definitions, { taskQueue: this.taskQueue });
  }

  /**
   * Re-creates the catalog from Temporal workflow history into `into`, an empty catalog (the live
   * one is never written). Dynamic partition keys, which history does not hold, are copied from
   * this client's catalog when it has one.
   *
   * @throws CatalogNotEmptyError when `into` holds runs or assets.
   */
  async rebuildCatalog(options: RebuildIntoOptions): Promise<RebuildReport> {
    const { into } = options;
    if ((await into.listRuns({ limit: 1 })).length > 0 || (await into.listAssets()).length > 0) throw new CatalogNotEmptyError(into.location);
    if (this.options.catalog) {
      for (const name of dynamicPartitionsUsage(this.definitions).keys()) await into.addDynamicPartitions(name, await this.options.catalog.dynamicPartitionKeys(name));
    }
    return rebuildCatalog({ client: this.client, definitions: this.definitions, into, ...(options.filter !== undefined ? { filter: options.filter } : {}), ...(options.log ? { log: options.log } : {}) });
  }

  /**
   * Adds keys to a dynamic partitions definition in the catalog. Refuses a name no asset uses and
   * invalid keys (nothing is written then); keys already there are reported in `alreadyPresent`.
   *
   * @example
   * const { added } = await stratum.addDynamicPartitions('customers', ['acme', 'globex']);
   */
  async addDynamicPartitions(name: string, keys: readonly string[]): Promise<AddDynamicPartitionsResult> {
    return addDynamicPartitions(this.requireCatalog('addDynamicPartitions'), this.definitions, name, keys);
  }

  /** Removes keys from a dynamic partitions definition; keys that were not there are reported in `notFound`. */
  async removeDynamicPartitions(name: string, keys: readonly string[]): Promise<RemoveDynamicPartitionsResult> {
    return removeDynamicPartitions(this.requireCatalog('removeDynamicPartitions'), this.definitions, name, keys);
  }

  private requireCatalog(operation: string): Catalog {
    if (!this.options.catalog) throw new CatalogRequiredError(operation);
    return this.options.catalog;
  }

  private sensorDefinition(sensor: SensorRef): AnySensorDefinition {
    return typeof sensor === 'string' ? findSensor(this.definitions, sensor) : sensor;
  }
}

function throwUnknownRun(runId: string): never {
  throw new UnknownRunError(runId);
}

function nameOf(ref: ScheduleRef): string {
  return typeof ref === 'string' ? ref : ref.name;
}
