import type { Generated } from 'kysely';

/*
 * Kysely table types of the catalog, as created by `migrations.ts`. Conventions:
 * - times are epoch milliseconds in BIGINT (INTEGER on SQLite) columns;
 * - JSON values are TEXT holding JSON (portable across both dialects);
 * - a missing partition is stored as '' (NO_PARTITION) so that unique keys over
 *   (…, partition_key) conflict for unpartitioned assets too (NULLs never conflict).
 */

/** The value stored in `partition_key` columns for "unpartitioned". */
export const NO_PARTITION = '';

/** `stratum_runs`: one row per run. */
export interface RunsTable {
  run_id: string;
  workflow_id: string;
  job: string | null;
  selection: string;
  /** JSON array of asset keys. */
  asset_keys: string;
  partition_key: string | null;
  partition_range_from: string | null;
  partition_range_to: string | null;
  backfill_id: string | null;
  status: string;
  started_at: number;
  ended_at: number | null;
  /** JSON object. */
  tags: string;
}

/** `stratum_run_assets`: the asset keys of each run, to filter runs by asset. */
export interface RunAssetsTable {
  run_id: string;
  asset_key: string;
  /** Copy of the run's `started_at`, so the (asset_key, started_at) index orders runs. */
  started_at: number;
}

/** `stratum_run_steps`: the steps of each finished run. */
export interface RunStepsTable {
  run_id: string;
  step_key: string;
  /** Index of the step in the run's plan order. */
  position: number;
  status: string;
  started_at: number | null;
  ended_at: number | null;
  attempts: number;
  error: string | null;
  /** JSON array of asset keys. */
  asset_keys: string;
}

/** `stratum_materializations`: one row per (run, asset, partition). */
export interface MaterializationsTable {
  id: Generated<number>;
  run_id: string;
  step_key: string;
  asset_key: string;
  /** {@link NO_PARTITION} for an unpartitioned asset. */
  partition_key: string;
  data_version: string;
  code_version: string | null;
  /** JSON object. */
  metadata: string;
  storage_location: string | null;
  started_at: number;
  materialized_at: number;
  attempt: number;
  /** JSON array of the `InputDataVersion`s read, or NULL (written before migration 3). */
  input_versions: string | null;
}

/** `stratum_asset_partitions`: current status of each (asset, partition). */
export interface AssetPartitionsTable {
  asset_key: string;
  /** {@link NO_PARTITION} for an unpartitioned asset. */
  partition_key: string;
  status: string;
  run_id: string;
  updated_at: number;
  error: string | null;
  /** Latest materialization's data version, code version, id and time (migration 3); NULL if never materialized. */
  data_version: string | null;
  code_version: string | null;
  materialization_id: number | null;
  materialized_at: number | null;
}

/** `stratum_assets`: per-asset counters kept in the same transactions as the rows they count. */
export interface AssetsTable {
  asset_key: string;
  materialization_count: number;
  last_materialized_at: number | null;
  /** Partitioned rows only (partition_key <> ''). */
  partitions_materialized: number;
  partitions_failed: number;
}

/** `stratum_logs`: log lines of runs. */
export interface LogsTable {
  id: Generated<number>;
  run_id: string;
  step_key: string;
  attempt: number;
  seq: number | null;
  ts: number;
  level: string;
  message: string;
  /** JSON object or NULL. */
  fields: string | null;
}

/** `stratum_dynamic_partitions`: keys of dynamic partitions definitions. */
export interface DynamicPartitionsTable {
  /** Insertion order. */
  id: Generated<number>;
  name: string;
  partition_key: string;
}

/** `stratum_sensor_run_keys`: run keys a sensor has used (migration 2). */
export interface SensorRunKeysTable {
  /** Insertion order (pruning drops a sensor's oldest keys). */
  id: Generated<number>;
  sensor: string;
  run_key: string;
  run_id: string;
  /** The evaluation that reserved the key: its retries get the same answer. */
  evaluation_id: string;
  created_at: number;
}

/** `stratum_sensor_watches`: asset keys of other locations a location's sensors watch (migration 5). */
export interface SensorWatchesTable {
  location: string;
  sensor: string;
  asset_key: string;
  registered_at: number;
}

/** `stratum_run_status_watches`: runs of other locations a location's run-status sensors monitor (migration 7; `*`: every location or every run). */
export interface RunStatusWatchesTable {
  location: string;
  sensor: string;
  watched_location: string;
  job: string;
  /** Comma-separated run statuses (`succeeded,failed`). */
  statuses: string;
  registered_at: number;
}

/** `stratum_plan_blobs`: pages of plans too large for a workflow input, by content hash (migration 6). */
export interface PlanBlobsTable {
  hash: string;
  page: number;
  pages: number;
  body: string;
  created_at: number;
}

/** `stratum_sensor_cursors`: each sensor's cursor (migration 2). */
export interface SensorCursorsTable {
  sensor: string;
  cursor: string | null;
  updated_at: number;
}

/** `stratum_observations`: every observation of an observable source asset (migration 3). */
export interface ObservationsTable {
  id: Generated<number>;
  run_id: string;
  step_key: string;
  asset_key: string;
  /** {@link NO_PARTITION} for an unpartitioned asset. */
  partition_key: string;
  data_version: string;
  /** JSON object. */
  metadata: string;
  observed_at: number;
}

/** `stratum_observed_versions`: the latest observation of each (source asset, partition) (migration 3). */
export interface ObservedVersionsTable {
  asset_key: string;
  partition_key: string;
  data_version: string;
  observation_id: number;
  observed_at: number;
}

/** `stratum_asset_check_results`: one row per (run, asset, partition, check) (migration 4). */
export interface AssetCheckResultsTable {
  id: Generated<number>;
  run_id: string;
  step_key: string;
  asset_key: string;
  /** {@link NO_PARTITION} for an unpartitioned asset. */
  partition_key: string;
  check_name: string;
  /** `passed`, `failed` or `errored`. */
  outcome: string;
  /** `error` or `warn`. */
  severity: string;
  /** 1 or 0. */
  blocking: number;
  description: string | null;
  /** JSON object. */
  metadata: string;
  evaluated_at: number;
  attempt: number;
}

/** `stratum_schema_migrations`: versions applied to this catalog. */
export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

/** The whole catalog database, for `Kysely<CatalogDatabase>`. */
export interface CatalogDatabase {
  stratum_runs: RunsTable;
  stratum_run_assets: RunAssetsTable;
  stratum_run_steps: RunStepsTable;
  stratum_materializations: MaterializationsTable;
  stratum_asset_partitions: AssetPartitionsTable;
  stratum_assets: AssetsTable;
  stratum_logs: LogsTable;
  stratum_dynamic_partitions: DynamicPartitionsTable;
  stratum_sensor_run_keys: SensorRunKeysTable;
  stratum_sensor_cursors: SensorCursorsTable;
  stratum_plan_blobs: PlanBlobsTable;
  stratum_sensor_watches: SensorWatchesTable;
  stratum_run_status_watches: RunStatusWatchesTable;
  stratum_observations: ObservationsTable;
  stratum_observed_versions: ObservedVersionsTable;
  stratum_asset_check_results: AssetCheckResultsTable;
  stratum_schema_migrations: SchemaMigrationsTable;
}
