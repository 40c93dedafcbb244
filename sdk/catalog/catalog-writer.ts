import type { CheckResultInput, CheckResultRecord } from './check-result';
import type {
  LogLineInput,
  MaterializationInput,
  MaterializationRecord,
  ObservationInput,
  ObservationRecord,
  PartitionFailedEvent,
  RunFinishedEvent,
  RunStartedEvent,
  RunStatusWatch,
  SensorRunKeyReservation,
  StepRecord,
} from './catalog-records';
import type { PruneOptions, PruneResult } from './retention';

/**
 * The catalog's bookkeeping: recording runs, materializations, observations, partition failures,
 * logs, check results and sensor state, adding and deleting dynamic partitions, pruning. Used by
 * Stratum's activities and worker, and by maintenance (catalog rebuild and prune, dynamic
 * partitions through the client); user code and sensors read through {@link CatalogReader}.
 * Every write is idempotent where a Temporal activity retry could repeat it.
 */
export interface CatalogWriter {
  // ---- Runs ----

  /** Records that a run started. Idempotent: upserts by `runId`, never un-finishes a finished run. */
  recordRunStarted(run: RunStartedEvent): Promise<void>;
  /**
   * Records a run's outcome and its steps. Idempotent. Throws {@link CatalogRunNotFoundError} if
   * the run was never recorded as started.
   */
  recordRunFinished(run: RunFinishedEvent): Promise<void>;

  // ---- Materializations ----

  /**
   * Records a materialization and marks the asset partition `materialized`. Idempotent: there is
   * one row per (runId, assetKey, partitionKey), including for `partitionKey: null`; recording it
   * again updates the row when the new `attempt` is the same or later (a later attempt wins, an
   * earlier one is ignored). Returns the stored row.
   */
  recordMaterialization(m: MaterializationInput): Promise<MaterializationRecord>;
  /**
   * Records many materializations at once, with exactly the effect of calling
   * {@link Catalog.recordMaterialization} for each input in order: one row per (runId, assetKey,
   * partitionKey), where a same-or-later attempt wins; partition statuses and latest versions
   * follow the same newest-wins rules; the asset counters stay exact. Set-based, in one write
   * transaction: the way to load many rows (a rebuild, a seed, a backfill's results). Every input
   * is validated first; an invalid one throws {@link CatalogInputError} and nothing is written.
   *
   * @example
   * await catalog.recordMaterializations(days.map((day) => ({ ...base, partitionKey: day, dataVersion: hashes[day] })));
   */
  recordMaterializations(batch: readonly MaterializationInput[]): Promise<void>;
  /**
   * Marks an asset partition `failed`, unless the partition's current status is newer than
   * `failedAt` (a materialization after the failure keeps it `materialized`).
   */
  recordAssetPartitionFailed(e: PartitionFailedEvent): Promise<void>;

  // ---- Data versions (staleness) ----

  /**
   * Records an observation of a source asset and makes it the partition's latest observed version
   * (when it is newer). Idempotent per (runId, assetKey, partitionKey).
   */
  recordObservation(o: ObservationInput): Promise<ObservationRecord>;

  // ---- Logs ----

  /** Appends log lines (any runs and steps). Lines that carry a `seq` are stored once. */
  appendLogs(lines: readonly LogLineInput[]): Promise<void>;

  // ---- Dynamic partitions ----

  /** Adds keys to a dynamic partitions definition. Idempotent; returns the keys that were new. */
  addDynamicPartitions(name: string, keys: readonly string[]): Promise<{ added: string[] }>;
  /** Removes keys; returns the keys that existed. */
  deleteDynamicPartitions(name: string, keys: readonly string[]): Promise<{ deleted: string[] }>;

  // ---- Retention ----

  /**
   * Deletes history older than `olderThan` (`stratum catalog prune --older-than 90d`): old
   * materializations except the latest of every asset partition, and old finished runs nothing
   * kept refers to, with their steps and log lines, and plans stored (`storePlan`) before the
   * cut-off except those of runs not finished in the catalog. Returns what went (or would, with `dryRun`).
   */
  prune(options: PruneOptions): Promise<PruneResult>;

  // ---- Sensor state ----

  /**
   * Reserves the run keys of one sensor evaluation, atomically: a new key is stored with its run
   * id; a key this same `evaluationId` stored before (a retried activity) is reserved again with
   * the run id stored then; a key another evaluation stored is refused (`reserved: false`, with
   * the run that used it). Keeps the newest `keep` keys per sensor (default 100,000).
   */
  reserveSensorRunKeys(input: { sensor: string; evaluationId: string; keys: readonly { runKey: string; runId: string }[]; keep?: number }): Promise<SensorRunKeyReservation[]>;
  /**
   * Gives back a run key `evaluationId` reserved whose run is known not to have started (starting
   * it failed and no such workflow exists), so a later evaluation may use the key. Returns whether
   * a reservation was removed; keys of other evaluations are never touched.
   */
  releaseSensorRunKey(input: { sensor: string; runKey: string; evaluationId: string }): Promise<boolean>;
  /** Stores a sensor's cursor. */
  setSensorCursor(sensor: string, cursor: string | null): Promise<void>;
  /**
   * Replaces the sensor watches of a code location with `watches` (its sensors watching assets
   * of other locations) and `runStatusWatches` (its run-status sensors monitoring runs of other
   * locations; default none), in one transaction: what a location's worker does when it starts, so
   * runs of the other locations signal those sensors (see {@link CatalogReader.sensorWatchers},
   * {@link CatalogReader.runStatusWatchers}).
   */
  registerSensorWatches(location: string, watches: readonly { sensor: string; assetKey: string }[], runStatusWatches?: readonly RunStatusWatch[]): Promise<void>;
  /** Forgets a sensor's run keys and cursor. */
  deleteSensorState(sensor: string): Promise<void>;

  // ---- Asset checks ----

  /**
   * Records the result of an asset check on one partition. Idempotent: one row per (runId,
   * assetKey, partitionKey, checkName); a same-or-later attempt updates it, an earlier one is ignored.
   */
  recordCheckResult(result: CheckResultInput): Promise<CheckResultRecord>;

  // ---- Stored plans ----

  /**
   * Stores a plan too large for a workflow input under its content hash, as pages of JSON (page 0
   * the plan without steps, then its steps). Idempotent: pages already stored are left as they are.
   */
  storePlan(hash: string, pages: readonly string[]): Promise<void>;
  /**
   * Records some steps of a running run at their plan positions, replacing earlier records of
   * the same steps: what a run that continues-as-new stores before it does.
   */
  recordRunSteps(runId: string, steps: readonly { position: number; step: StepRecord }[]): Promise<void>;
}
