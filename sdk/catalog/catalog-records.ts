import type { InputDataVersion } from '../versions/input-data-version';

/**
 * The records of the catalog (what {@link CatalogReader} returns and {@link CatalogWriter} takes):
 * an index of runs, run steps, materializations, per-asset-partition status, run log lines and
 * dynamic partitions. It indexes what Temporal workflow history already records, so the
 * CLI can answer "when was `orders` for 2024-03-01 last materialized?" without scanning histories.
 *
 * Conventions for every record and method:
 * - **Times are epoch milliseconds** (`number`, e.g. `Date.now()`), never `Date` or ISO strings.
 * - **`partitionKey: null` means "unpartitioned"**. A partition key is a non-empty string; the
 *   empty string is refused with {@link CatalogInputError}.
 * - Where an option takes `partitionKey?: string | null`, leaving it out (`undefined`) means
 *   "any partition", `null` means "the unpartitioned materializations only".
 *
 * Open one with {@link openCatalog}.
 */

/** Status of a run as the catalog knows it (a const object plus a type of the same name). */
export const RunStatus = {
  /** Recorded by `recordRunStarted` and not finished (yet, or the workflow was terminated). */
  Started: 'started',
  Succeeded: 'succeeded',
  Failed: 'failed',
  Canceled: 'canceled',
} as const;
/** @see {@link RunStatus} */
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

/** The status a finished run can have. */
export type FinishedRunStatus = Exclude<RunStatus, 'started'>;

/** Outcome of one step (op or asset) of a run. */
export const StepStatus = {
  Succeeded: 'succeeded',
  Failed: 'failed',
  /** Not run because an upstream step failed. */
  Skipped: 'skipped',
  Canceled: 'canceled',
} as const;
/** @see {@link StepStatus} */
export type StepStatus = (typeof StepStatus)[keyof typeof StepStatus];

/** Last known state of one partition of an asset (or of an unpartitioned asset). */
export const PartitionStatus = {
  Materialized: 'materialized',
  Failed: 'failed',
} as const;
/** @see {@link PartitionStatus} */
export type PartitionStatus = (typeof PartitionStatus)[keyof typeof PartitionStatus];

/** Level of a log line written by an op's logger. */
export const LogLevel = {
  Debug: 'debug',
  Info: 'info',
  Warn: 'warn',
  Error: 'error',
} as const;
/** @see {@link LogLevel} */
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** An inclusive range of partition keys a single run covers. */
export interface PartitionRange {
  from: string;
  to: string;
}

/** What `recordRunStarted` stores about a run. */
export interface RunStartedEvent {
  /** Stratum run id (the Temporal run id of the `materialize` workflow execution). */
  runId: string;
  /** The Temporal workflow id, to find the run in the Temporal UI. */
  workflowId: string;
  /** Job name, or `null` for an ad-hoc selection. */
  job: string | null;
  /** The selection string as the user gave it (`"orders+"`, `"*"`, a job name…). */
  selection: string;
  /** Every asset key the run plans to materialize. */
  assetKeys: string[];
  partitionKey: string | null;
  partitionRange?: PartitionRange | null;
  /** Id of the backfill that launched this run, if any. */
  backfillId?: string | null;
  /** Epoch ms. */
  startedAt: number;
  tags?: Record<string, string>;
}

/** The outcome of one step of a finished run. */
export interface StepRecord {
  /** The step key, which is also the Temporal activity type (e.g. `sales/orders`). */
  key: string;
  status: StepStatus;
  /** Epoch ms of the first attempt's start, or `null` if the step never started. */
  startedAt: number | null;
  /** Epoch ms, or `null` if the step never started. */
  endedAt: number | null;
  /** Number of attempts made (0 for a skipped step). */
  attempts: number;
  /** Message of the last error, or `null`. */
  error: string | null;
  /** Asset keys this step materializes (empty for a plain op). */
  assetKeys: string[];
}

/** What `recordRunFinished` stores about a run. */
export interface RunFinishedEvent {
  runId: string;
  status: FinishedRunStatus;
  /** Epoch ms. */
  endedAt: number;
  /** Every step of the run, in plan order. Replaces the steps recorded before for this run. */
  steps: StepRecord[];
}

/** One run as stored in the catalog. */
export interface RunRecord {
  runId: string;
  workflowId: string;
  job: string | null;
  selection: string;
  assetKeys: string[];
  partitionKey: string | null;
  partitionRange: PartitionRange | null;
  backfillId: string | null;
  status: RunStatus;
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms, or `null` while the run has not finished. */
  endedAt: number | null;
  tags: Record<string, string>;
}

/** A run with its steps, as `getRun` returns it. */
export interface RunWithSteps extends RunRecord {
  /** In the order given to `recordRunFinished`; empty while the run has not finished. */
  steps: StepRecord[];
}

/** Filters for {@link Catalog.listRuns}. All given filters must match. */
export interface ListRunsOptions {
  /** At most this many runs (default 100). */
  limit?: number;
  status?: RunStatus;
  job?: string;
  /** Runs whose planned asset keys include this one. */
  assetKey?: string;
  backfillId?: string;
}

/** What `recordMaterialization` stores: the result of one step materializing one asset partition. */
export interface MaterializationInput {
  runId: string;
  stepKey: string;
  assetKey: string;
  partitionKey: string | null;
  /** Hash of the stored value (or a user-provided version). */
  dataVersion: string;
  codeVersion: string | null;
  /** JSON-serializable metadata (row counts, previews, URLs…). */
  metadata: Record<string, unknown>;
  /** Where the IO manager stored the value (path, table, URI), if it says. */
  storageLocation: string | null;
  /** Epoch ms when the attempt that produced the value started. */
  startedAt: number;
  /** Epoch ms when the value was stored. */
  materializedAt: number;
  /** 1-based attempt number of the step. */
  attempt: number;
  /**
   * The data versions of the upstream assets the step read (and of its `deps`), one entry per
   * upstream asset; `null` or omitted when unknown (recorded before Stratum kept them).
   */
  inputDataVersions?: InputDataVersion[] | null;
}

/** A stored materialization. `id` grows with insertion and is the paging cursor of histories. */
export interface MaterializationRecord extends MaterializationInput {
  id: number;
}

/** The latest data version of one asset partition (`Catalog.latestVersions`, `Catalog.observedVersions`). */
export interface AssetVersionRecord {
  /** `null` for an unpartitioned asset. */
  partitionKey: string | null;
  dataVersion: string;
  /** Code version of the materialization (`null` for observations and assets without one). */
  codeVersion: string | null;
  /** Id of the materialization or observation. */
  id: number;
  /** Epoch ms of the materialization or observation. */
  at: number;
  /** What the materialization read (with `withInputs`); `null` when unknown or not asked for. */
  inputDataVersions: InputDataVersion[] | null;
  /** Observations only: the metadata the observe function returned. */
  metadata?: Record<string, unknown>;
}

/** What `recordObservation` stores: the data version user code observed for a source asset. */
export interface ObservationInput {
  runId: string;
  stepKey: string;
  assetKey: string;
  partitionKey: string | null;
  dataVersion: string;
  /** JSON-serializable metadata the observation returned. */
  metadata: Record<string, unknown>;
  /** Epoch ms. */
  observedAt: number;
}

/** A stored observation. */
export interface ObservationRecord extends ObservationInput {
  id: number;
}

/** Options for {@link Catalog.materializationHistory}. */
export interface MaterializationHistoryOptions {
  /** `undefined`: every partition; `null`: unpartitioned only; a string: that partition. */
  partitionKey?: string | null;
  /** Page size (default 100). */
  limit?: number;
  /** Cursor: return materializations older than the one with this id (the last id of the previous page). */
  beforeId?: number;
}

/** What `recordAssetPartitionFailed` stores: a step failed to materialize an asset partition. */
export interface PartitionFailedEvent {
  assetKey: string;
  partitionKey: string | null;
  runId: string;
  /** Epoch ms. */
  failedAt: number;
  error: string;
}

/** The last known state of one asset partition. */
export interface PartitionStatusRecord {
  status: PartitionStatus;
  /** The run that materialized it, or that failed to. */
  runId: string;
  /** Epoch ms of that materialization or failure. */
  updatedAt: number;
  /** The failure's message when `status` is `'failed'`, otherwise `null`. */
  error: string | null;
}

/** One asset known to the catalog, as `listAssets` returns it. */
export interface AssetSummary {
  assetKey: string;
  /** Epoch ms of the newest materialization, or `null` if it only ever failed. */
  lastMaterializedAt: number | null;
  /** Materializations recorded (all partitions; a retried step counts once). */
  materializationCount: number;
  /** Partitions whose current status is `materialized` (0 for an unpartitioned asset). */
  partitionsMaterialized: number;
  /** Partitions whose current status is `failed` (0 for an unpartitioned asset). */
  partitionsFailed: number;
}

/** Counts of an asset's partitions by current status. Partitions never attempted are not counted. */
export interface PartitionSummary {
  materialized: number;
  failed: number;
}

/** A log line as given to `appendLogs`. */
export interface LogLineInput {
  runId: string;
  stepKey: string;
  attempt: number;
  /**
   * Optional sequence number of the line within (runId, stepKey, attempt). When given, appending
   * the same line twice (a retried catalog write) stores it once.
   */
  seq?: number | null;
  /** Epoch ms. */
  ts: number;
  level: LogLevel;
  message: string;
  /** Structured fields (JSON-serializable). */
  fields?: Record<string, unknown>;
}

/** A stored log line. */
export interface LogLine {
  id: number;
  runId: string;
  stepKey: string;
  attempt: number;
  seq: number | null;
  /** Epoch ms. */
  ts: number;
  level: LogLevel;
  message: string;
  fields: Record<string, unknown>;
}

/** Options for {@link Catalog.runLogs}. */
export interface RunLogsOptions {
  /** Only lines of this step. */
  stepKey?: string;
  /** At most this many lines (default 10,000), the earliest first. */
  limit?: number;
}

/** The answer for one run key of {@link Catalog.reserveSensorRunKeys}. */
export type SensorRunKeyReservation =
  | { runKey: string; runId: string; reserved: true }
  /** The key was used before: `runId` is the run it started, `usedAt` when (epoch ms). */
  | { runKey: string; runId: string; reserved: false; usedAt: number };

/** A sensor's stored cursor. */
export interface SensorCursorRecord {
  cursor: string | null;
  /** Epoch ms. */
  updatedAt: number;
}

/** A sensor of a code location that watches an asset (registered by the location's workers; see {@link Catalog.registerSensorWatches}). */
export interface SensorWatchRecord {
  /** The sensor's code location. */
  location: string;
  sensor: string;
  assetKey: string;
}

/**
 * Which runs of other locations a run-status sensor monitors, as its location's worker registers
 * it (see {@link Catalog.registerSensorWatches}): every run of `watchedLocation` (`null`: of every
 * location, Dagster's `monitor_all_code_locations`), or only those of `job`.
 */
export interface RunStatusWatch {
  sensor: string;
  /** The monitored location; `null`: every location. */
  watchedLocation: string | null;
  /** The monitored job of that location; `null`: every run (ad-hoc selections included). */
  job: string | null;
  /** The run outcomes the sensor wants. */
  statuses: ('succeeded' | 'failed' | 'canceled')[];
}

/** A run-status sensor of a code location monitoring a run of another (see {@link CatalogReader.runStatusWatchers}). */
export interface RunStatusWatchRecord {
  /** The sensor's code location. */
  location: string;
  sensor: string;
  /** The outcomes it wants, merged over its matching watches. */
  statuses: ('succeeded' | 'failed' | 'canceled')[];
}
