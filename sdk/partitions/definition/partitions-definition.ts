import type { DynamicPartitionsDefinition, DynamicPartitionsSpec } from './dynamic-partitions';
import type { MultiPartitionsDefinition, MultiPartitionsSpec } from './multi-partitions';
import type { StaticPartitionsDefinition, StaticPartitionsSpec } from './static-partitions';
import type { TimeWindowPartitionsDefinition, TimeWindowPartitionsSpec } from './time-window-partitions';

/**
 * What partition maths needs from the outside world, always passed in: partition code never
 * reads the clock or a database, so it gives the same answer in a Temporal workflow replay.
 */
export interface PartitionContext {
  /** The current time: a time window is a partition once it has ended (see `endOffset`). */
  readonly now: Date;
  /** Keys of a dynamic partitions definition by its name, in the order they were added (from the catalog). */
  readonly dynamicKeys?: (name: string) => readonly string[];
}

/** What every partitions definition can do; see {@link PartitionsDefinition} for the union. */
export interface PartitionsDefinitionBase<TKey extends string = string, TSpec = PartitionsSpec> {
  /** Discriminant of {@link PartitionsDefinition}. */
  readonly kind: PartitionsSpec['kind'];
  /** Plain JSON description; `partitionsDefinitionFromSpec(spec)` builds the definition again. */
  readonly spec: TSpec;
  /** Every partition key that exists at `ctx.now`, in order. */
  keys(ctx: PartitionContext): TKey[];
  /** How many partitions exist at `ctx.now`, without listing them. */
  count(ctx: PartitionContext): number;
  /** True when `key` is one of `keys(ctx)`. */
  hasKey(key: string, ctx: PartitionContext): key is TKey;
  /**
   * Throws a `PartitionKeyError` when `key` is not one of `keys(ctx)`; the message names the
   * valid keys (range or values) and how to fix the request.
   */
  validateKey(key: string, ctx: PartitionContext): void;
  /** Keys from `from` to `to` inclusive, in order; both are validated and `from` must not come after `to`. */
  keysInRange(from: string, to: string, ctx: PartitionContext): TKey[];
  /** One-line human summary, e.g. `daily partitions starting 2024-01-01 (UTC)`. */
  describe(): string;
  /** The {@link spec}, so `JSON.stringify(definition)` describes it. */
  toJSON(): TSpec;
}

/**
 * How an asset is partitioned: by time window, by a fixed list, by a list kept at run time, or
 * by two of those at once. Discriminated by `kind`.
 */
export type PartitionsDefinition = TimeWindowPartitionsDefinition | StaticPartitionsDefinition | DynamicPartitionsDefinition | MultiPartitionsDefinition;

/** The JSON form of any {@link PartitionsDefinition}, discriminated by `kind`. */
export type PartitionsSpec = TimeWindowPartitionsSpec | StaticPartitionsSpec | DynamicPartitionsSpec | MultiPartitionsSpec;

/** Kinds of partitions definitions. */
export type PartitionsKind = PartitionsSpec['kind'];
