import { BasePartitionMapping, type MappedKeys, type PartitionedUpstream } from './base-partition-mapping';
import type { MappedPartitions } from './partition-mapping';
import type { PartitionContext, PartitionsDefinition } from '../definition/partitions-definition';

/** The JSON form of {@link lastPartitionMapping}. */
export interface LastPartitionMappingSpec {
  readonly kind: 'last-partition';
}

/**
 * Every downstream partition (or the unpartitioned downstream asset) reads the last upstream
 * partition at `ctx.now` (Dagster's `LastPartitionMapping`): the latest completed window, the
 * last static key, or the dynamic key added last. Create it with {@link lastPartitionMapping}.
 */
export class LastPartitionMapping extends BasePartitionMapping<'one'> {
  readonly kind = 'last-partition' as const;
  readonly cardinality = 'one' as const;
  readonly spec: LastPartitionMappingSpec = { kind: 'last-partition' };

  validateFor(_defs: MappedPartitions): void {}

  protected map(_downstreamKey: string | null, { upstream }: PartitionedUpstream, ctx: PartitionContext): MappedKeys {
    const last = lastKeyOf(upstream, ctx);
    return { keys: last === null ? [] : [last], missing: [] };
  }

  describe(): string {
    return 'last upstream partition';
  }
}

/** The last key of a definition at `ctx.now`, or null when it has none. */
export function lastKeyOf(def: PartitionsDefinition, ctx: PartitionContext): string | null {
  if (def.kind === 'time-window') return def.lastKey(ctx);
  if (def.kind === 'multi') {
    const parts = def.dimensions.map((d) => lastKeyOf(d.partitions, ctx));
    return parts.every((p) => p !== null) ? parts.join('|') : null;
  }
  return def.keys(ctx).at(-1) ?? null;
}

/**
 * Reads only the latest upstream partition, e.g. an unpartitioned dashboard reading the newest
 * day of a daily asset.
 *
 * @example
 * asset({ key: 'dashboard', ins: { latest: upstream(dailyOrders, lastPartitionMapping()) } }, ({ latest }) => latest)
 */
export function lastPartitionMapping(): LastPartitionMapping {
  return new LastPartitionMapping();
}
