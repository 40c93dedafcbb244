import type { PartitionStatusRecord } from '../../sdk/catalog';

/** Status of one partition as the web UI draws it. */
export type UiPartitionStatus = 'materialized' | 'failed' | 'missing';

/** A run of consecutive partitions with the same status, `from`..`to` inclusive. */
export interface PartitionRangeView {
  from: string;
  to: string;
  status: UiPartitionStatus;
  count: number;
}

/** An asset's partition health: counts, and the partitions in order folded into ranges of one status. */
export interface PartitionHealth {
  total: number;
  materialized: number;
  failed: number;
  missing: number;
  ranges: PartitionRangeView[];
}

/**
 * Folds partitions (in their definition's order) into ranges of the same status, so a bar of
 * 1,000 partitions is a handful of segments, not 1,000 elements.
 *
 * @example
 * partitionHealth(['a', 'b', 'c'], new Map([['a', record]])) // ranges: a..a materialized, b..c missing
 */
export function partitionHealth(keys: readonly string[], statuses: ReadonlyMap<string, PartitionStatusRecord>): PartitionHealth {
  const health: PartitionHealth = { total: keys.length, materialized: 0, failed: 0, missing: 0, ranges: [] };
  let current: PartitionRangeView | null = null;
  for (const key of keys) {
    const status: UiPartitionStatus = statuses.get(key)?.status ?? 'missing';
    health[status] += 1;
    if (current && current.status === status) {
      current.to = key;
      current.count += 1;
    } else {
      current = { from: key, to: key, status, count: 1 };
      health.ranges.push(current);
    }
  }
  return health;
}
