import { allPartitionsMapping } from './all-partitions-mapping';
import { familyOf } from './base-partition-mapping';
import { identityMapping } from './identity-mapping';
import { multiToSingleDimensionMapping } from './multi-to-single-dimension-mapping';
import type { PartitionMapping } from './partition-mapping';
import { PartitionMappingError } from './partition-mapping-error';
import type { PartitionsDefinition } from '../definition/partitions-definition';
import { timeWindowMapping } from './time-window-mapping';

/**
 * The mapping used when a dependency names none (Dagster's defaults):
 * - unpartitioned upstream: `identityMapping()` (read it whole);
 * - unpartitioned downstream, partitioned upstream: `allPartitionsMapping()`;
 * - time windows: `identityMapping()` for the same cadence, otherwise `timeWindowMapping()`
 *   (overlapping windows, e.g. a daily asset reads its day's 24 hourly partitions);
 * - static/dynamic: `identityMapping()`;
 * - multi and single-dimension: `multiToSingleDimensionMapping()` (its dimension inferred);
 * - multi and multi: `identityMapping()` (dimension by dimension).
 *
 * Throws a `PartitionMappingError` when no default fits (time windows against static keys):
 * the dependency must name a mapping.
 *
 * @example
 * defaultMappingFor(hourly, daily).kind; // 'time-window'
 */
export function defaultMappingFor(upstream: PartitionsDefinition | null, downstream: PartitionsDefinition | null): PartitionMapping {
  if (upstream === null) return identityMapping();
  if (downstream === null) return allPartitionsMapping();
  if (upstream.kind === 'time-window' && downstream.kind === 'time-window') {
    return upstream.hasSameCadence(downstream) ? identityMapping() : timeWindowMapping();
  }
  const up = familyOf(upstream);
  const down = familyOf(downstream);
  let mapping: PartitionMapping | null = null;
  if (up === down) mapping = identityMapping();
  else if (up === 'multi' || down === 'multi') mapping = multiToSingleDimensionMapping();
  if (mapping === null) {
    throw new PartitionMappingError(
      `No default partition mapping from ${upstream.describe()} (upstream) to ${downstream.describe()} (downstream): name one on the dependency, e.g. allPartitionsMapping(), lastPartitionMapping() or staticMapping({...}).`,
    );
  }
  mapping.validateFor({ upstream, downstream });
  return mapping;
}
