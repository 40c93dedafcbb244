import type { AllPartitionsMappingSpec } from './all-partitions-mapping';
import type { DimensionMappingSpec } from './dimension-mapping';
import type { IdentityMappingSpec } from './identity-mapping';
import type { LastPartitionMappingSpec } from './last-partition-mapping';
import type { MultiToSingleDimensionMappingSpec } from './multi-to-single-dimension-mapping';
import type { PartitionKeyRange } from '../keys/partition-key-range';
import type { PartitionContext, PartitionsDefinition } from '../definition/partitions-definition';
import type { StaticMappingSpec } from './static-mapping';
import type { TimeWindowMappingSpec } from './time-window-mapping';

/**
 * How many upstream partitions one downstream partition reads: `'one'` gives the op a value,
 * `'many'` a `Record<partitionKey, value>`.
 */
export type PartitionCardinality = 'one' | 'many';

/** The two ends of a dependency; `null` is an unpartitioned asset. */
export interface MappedPartitions {
  readonly upstream: PartitionsDefinition | null;
  readonly downstream: PartitionsDefinition | null;
}

/** The upstream partitions a downstream partition (or set of partitions) reads. */
export interface UpstreamPartitions {
  /** False when the upstream asset is unpartitioned: read it whole; `keys` and `missing` are empty. */
  readonly partitioned: boolean;
  /** Upstream keys to read that exist at `ctx.now`, in the upstream definition's order. */
  readonly keys: string[];
  /**
   * Keys the mapping asked for that the upstream definition does not have at `ctx.now`: before
   * its start (yesterday of the first day), past its end, not ended yet, or unknown values. They
   * are left out of `keys`, as Dagster leaves out non-existent upstream partitions.
   */
  readonly missing: string[];
  /** Whether the op gets one value or a record: the mapping's `cardinalityFor` these definitions, `'many'` for several downstream keys. */
  readonly cardinality: PartitionCardinality;
}

/** The JSON form of any partition mapping, discriminated by `kind`. */
export type PartitionMappingSpec =
  | IdentityMappingSpec
  | TimeWindowMappingSpec
  | AllPartitionsMappingSpec
  | LastPartitionMappingSpec
  | StaticMappingSpec
  | MultiToSingleDimensionMappingSpec
  | DimensionMappingSpec;

/** Kinds of partition mappings. */
export type PartitionMappingKind = PartitionMappingSpec['kind'];

/**
 * Which partitions of an upstream asset a partition of a downstream asset reads (Dagster's
 * `PartitionMapping`). Build one with `identityMapping()`, `timeWindowMapping()`,
 * `allPartitionsMapping()`, `lastPartitionMapping()`, `staticMapping()`,
 * `multiToSingleDimensionMapping()` or `dimensionMapping()`; `defaultMappingFor` picks the
 * mapping used when a dependency names none.
 *
 * `cardinality` is known when the mapping is written, so the SDK can type the op's input: a
 * value for `'one'`, a `Record<partitionKey, value>` for `'many'`. `cardinalityFor(defs)` is the
 * cardinality for concrete definitions (identity between hourly and daily is `'many'`);
 * definitions loading should reject a `'one'` mapping whose `cardinalityFor` is `'many'`.
 */
export interface PartitionMapping<TCardinality extends PartitionCardinality = PartitionCardinality> {
  readonly kind: PartitionMappingKind;
  readonly cardinality: TCardinality;
  readonly spec: PartitionMappingSpec;
  /**
   * Upstream keys for one downstream partition (`null` when the downstream asset is unpartitioned).
   *
   * @example
   * timeWindowMapping({ startOffset: -1, endOffset: -1 })
   *   .upstreamKeysFor('2024-01-05', { upstream: daily, downstream: daily }, { now }).keys; // ['2024-01-04']
   */
  upstreamKeysFor(downstreamKey: string | null, defs: MappedPartitions, ctx: PartitionContext): UpstreamPartitions;
  /** Upstream keys for several downstream partitions (a range run): the union, in upstream order. */
  upstreamKeysForKeys(downstreamKeys: readonly string[], defs: MappedPartitions, ctx: PartitionContext): UpstreamPartitions;
  /** Upstream keys for a downstream key range (validated with `keysInRange`). */
  upstreamKeysForRange(range: PartitionKeyRange, defs: MappedPartitions, ctx: PartitionContext): UpstreamPartitions;
  /** The cardinality for concrete definitions. */
  cardinalityFor(defs: MappedPartitions): PartitionCardinality;
  /** Throws a `PartitionMappingError` when the mapping cannot map between these definitions. */
  validateFor(defs: MappedPartitions): void;
  /** One-line human summary. */
  describe(): string;
  toJSON(): PartitionMappingSpec;
}
