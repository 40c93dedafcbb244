/** Log levels of the structured step logger. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * A structured logger. Lines are kept with the run in the catalog (`stratum runs show --logs`)
 * and also go to the worker's log.
 */
export interface StepLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** An inclusive range of partition keys. */
export interface PartitionKeyRange {
  from: string;
  to: string;
}

/**
 * The context every op, asset and multi-asset function receives as its second argument.
 * `TPartitionKey` is `string` for an asset or multi-asset declared with `partitions` (and no
 * `backfillPolicy`, whose range runs have no single key), `string | null` otherwise.
 */
export interface OpContext<TConfig = unknown, TResources = Record<string, unknown>, TPartitionKey extends string | null = string | null> {
  /** The Stratum run id (the Temporal workflow id ends with it). */
  readonly runId: string;
  /** The step's key, which is also its Temporal activity type. */
  readonly stepKey: string;
  /** The asset this step materializes; null for ops and multi-assets (see `assetKeys`). */
  readonly assetKey: string | null;
  /** Every asset this step materializes. */
  readonly assetKeys: readonly string[];
  /**
   * Partition being materialized; null for unpartitioned assets and for range runs. Typed
   * `string` in a partitioned asset without a backfill policy, where it is never null.
   */
  readonly partitionKey: TPartitionKey;
  /** For a run over a range of partitions (a backfill policy), the range; else null. */
  readonly partitionKeyRange: PartitionKeyRange | null;
  /** Every partition key this step covers: one, a range's keys, or none. */
  readonly partitionKeys: readonly string[];
  /** The time window of the partition (or of the whole range) for time-window partitions. */
  readonly partitionTimeWindow: { start: Date; end: Date } | null;
  /** Attempt number, 1 on the first try. */
  readonly attempt: number;
  /** Validated config, typed by the op's zod schema. */
  readonly config: TConfig;
  /** The resources the op declared, built once per worker. */
  readonly resources: TResources;
  /** Structured logger; lines are kept with the run. */
  readonly log: StepLogger;
  /** Aborted when the run is cancelled or the step times out; pass it to fetch and friends. */
  readonly signal: AbortSignal;
  /**
   * Attaches metadata (row counts, URLs, previews) to the materialization of this step's asset,
   * or of `assetKey` for a multi-asset. Values must be JSON.
   */
  addOutputMetadata(metadata: Record<string, unknown>, assetKey?: string): void;
  /**
   * Sets the data version recorded for this step's asset (or `assetKey` of a multi-asset) instead
   * of the hash of the stored value: e.g. a version the source system reports. Downstream assets
   * that read another version become stale.
   */
  setDataVersion(version: string, assetKey?: string): void;
}

/**
 * `ctx.partitionKey`'s type for a step's `partitions` and `backfillPolicy` options: `string` when
 * partitioned without a backfill policy (every run has one key), else `string | null`.
 */
export type PartitionKeyOf<TPartitions, TBackfillPolicy> = [TPartitions] extends [undefined | null]
  ? string | null
  : undefined extends TPartitions
    ? string | null
    : [TBackfillPolicy] extends [undefined]
      ? string
      : string | null;
