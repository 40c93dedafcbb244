import { BasePartitionMapping, type MappedKeys, type PartitionedUpstream } from './base-partition-mapping';
import type { MappedPartitions } from './partition-mapping';
import type { PartitionContext } from '../definition/partitions-definition';

/** The JSON form of {@link allPartitionsMapping}. */
export interface AllPartitionsMappingSpec {
  readonly kind: 'all-partitions';
}

/**
 * Every downstream partition (or the unpartitioned downstream asset) reads every upstream
 * partition that exists at `ctx.now` (Dagster's `AllPartitionMapping`). Create it with
 * {@link allPartitionsMapping}.
 */
export class AllPartitionsMapping extends BasePartitionMapping<'many'> {
  readonly kind = 'all-partitions' as const;
  readonly cardinality = 'many' as const;
  readonly spec: AllPartitionsMappingSpec = { kind: 'all-partitions' };

  validateFor(_defs: MappedPartitions): void {}

  protected map(_downstreamKey: string | null, { upstream }: PartitionedUpstream, ctx: PartitionContext): MappedKeys {
    return { keys: upstream.keys(ctx), missing: [] };
  }

  describe(): string {
    return 'all upstream partitions';
  }
}

/**
 * Reads every upstream partition; the op gets a record by partition key. The default when an
 * unpartitioned asset reads a partitioned one.
 *
 * @example
 * asset({ key: 'report', ins: { orders: upstream(orders, allPartitionsMapping()) } }, ({ orders }) => Object.keys(orders).length)
 */
export function allPartitionsMapping(): AllPartitionsMapping {
  return new AllPartitionsMapping();
}
