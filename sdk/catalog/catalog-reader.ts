import type { CheckHistoryOptions, CheckResultRecord } from './check-result';
import type {
  AssetSummary,
  AssetVersionRecord,
  ListRunsOptions,
  LogLine,
  MaterializationHistoryOptions,
  MaterializationRecord,
  ObservationRecord,
  PartitionStatusRecord,
  PartitionSummary,
  RunLogsOptions,
  RunRecord,
  RunWithSteps,
  SensorCursorRecord,
  SensorWatchRecord,
  RunStatusWatchRecord,
} from './catalog-records';

/**
 * What can be read from the catalog: runs, materializations, data versions, partition status,
 * logs, dynamic partition keys, sensor state and check results. The one catalog interface users,
 * sensors (`SensorEvaluationContext.catalog`), asset checks and staleness get; recording is
 * {@link CatalogWriter}'s, which only Stratum's activities and maintenance use.
 *
 * @example
 * const catalog = await openCatalog('.stratum/catalog.db');
 * const latest = await catalog.latestMaterialization('sales/orders', '2024-03-01');
 * await catalog.close();
 */
export interface CatalogReader {
  /** Which backend this catalog uses. */
  readonly dialect: 'sqlite' | 'postgres';
  /** Where the catalog lives, safe to print (a URL's password is replaced by `***`). */
  readonly location: string;

  // ---- Runs ----

  /** One run with its steps, or `null`. */
  getRun(runId: string): Promise<RunWithSteps | null>;
  /** Runs, newest (by `startedAt`) first. */
  listRuns(filter?: ListRunsOptions): Promise<RunRecord[]>;

  // ---- Materializations ----

  /**
   * The newest materialization (by `materializedAt`, then `id`) of an asset; of one partition when
   * `partitionKey` is a string, of the unpartitioned asset when `null`, of any partition if omitted.
   */
  latestMaterialization(assetKey: string, partitionKey?: string | null): Promise<MaterializationRecord | null>;
  /** Materializations of an asset, newest first, one page at a time (cursor: `beforeId`). */
  materializationHistory(assetKey: string, opts?: MaterializationHistoryOptions): Promise<MaterializationRecord[]>;
  /** Materializations a run recorded, by asset key then partition. */
  runMaterializations(runId: string): Promise<MaterializationRecord[]>;
  /** Every asset that was ever materialized or failed, by asset key. */
  listAssets(): Promise<AssetSummary[]>;

  // ---- Data versions (staleness) ----

  /**
   * The latest materialization's data version of asset partitions, keyed by partition key: of the
   * given keys, of every partition when `partitionKeys` is `'all'`, of the unpartitioned asset when
   * `null`. Partitions never materialized are missing from the map. One indexed read for 1,000 keys.
   */
  latestVersions(assetKey: string, partitionKeys: readonly string[] | 'all' | null, opts?: { withInputs?: boolean }): Promise<Map<string | null, AssetVersionRecord>>;
  /** The latest observed data version of source asset partitions; keys as in {@link Catalog.latestVersions}. */
  observedVersions(assetKey: string, partitionKeys: readonly string[] | 'all' | null): Promise<Map<string | null, AssetVersionRecord>>;
  /** Observations of a source asset, newest first. */
  observationHistory(assetKey: string, opts?: { limit?: number }): Promise<ObservationRecord[]>;

  // ---- Per-partition state ----

  /**
   * Current status of an asset's partitions, keyed by partition key. Keys missing from the map were
   * never materialized nor failed. Without `partitionKeys`, returns every known partition. Fast for
   * 100,000 keys.
   */
  partitionStatuses(assetKey: string, partitionKeys?: readonly string[]): Promise<Map<string, PartitionStatusRecord>>;
  /** Current status of one partition (`null`: the unpartitioned asset), or `null` if never attempted. */
  partitionStatus(assetKey: string, partitionKey: string | null): Promise<PartitionStatusRecord | null>;
  /** Counts of the asset's partitions by status. */
  partitionSummary(assetKey: string): Promise<PartitionSummary>;

  // ---- Logs ----

  /** A run's log lines ordered by `ts`, then by insertion. */
  runLogs(runId: string, opts?: RunLogsOptions): Promise<LogLine[]>;

  // ---- Dynamic partitions ----

  /** The keys of a dynamic partitions definition, in the order they were first added. */
  dynamicPartitionKeys(name: string): Promise<string[]>;

  // ---- Sensor state ----

  /** The run a sensor's run key started, or `null` (never used, or pruned). */
  sensorRunKey(sensor: string, runKey: string): Promise<{ runId: string; usedAt: number } | null>;
  /** A sensor's stored cursor, or `null` when it never stored one. */
  sensorCursor(sensor: string): Promise<SensorCursorRecord | null>;
  /**
   * The sensors registered as watching any of `assetKeys` (asset sensors and eager automation of
   * workspace locations that read those assets from another location), except those of
   * `exceptLocation`: who a run of that location signals beyond its own sensors.
   */
  sensorWatchers(assetKeys: readonly string[], exceptLocation?: string): Promise<SensorWatchRecord[]>;
  /**
   * The run-status sensors of other locations monitoring a run of `runLocation` and `job` (`null`:
   * an ad-hoc selection): those monitoring every location, that location, or that job of it. One
   * row per sensor, its statuses merged; the run location's own sensors are left out.
   */
  runStatusWatchers(runLocation: string, job: string | null): Promise<RunStatusWatchRecord[]>;

  // ---- Asset checks ----

  /**
   * The newest result of each check of an asset, by check name: of one partition when
   * `partitionKey` is a string, of the unpartitioned asset when `null`, of any partition if omitted.
   */
  latestCheckResults(assetKey: string, partitionKey?: string | null): Promise<CheckResultRecord[]>;
  /** Check results of an asset, newest first, one page at a time (cursor: `beforeId`). */
  checkHistory(assetKey: string, opts?: CheckHistoryOptions): Promise<CheckResultRecord[]>;
  /** The check results a run recorded. */
  runCheckResults(runId: string): Promise<CheckResultRecord[]>;

  // ---- Stored plans ----

  /** One page of a plan stored by `storePlan` (its JSON and the plan's page count), or null when there is none. */
  planPage(hash: string, page: number): Promise<{ body: string; pages: number } | null>;
}
