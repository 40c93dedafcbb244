import { allPartitionsMapping } from './all-partitions-mapping';
import { DimensionPartitionMapping } from './dimension-mapping';
import { identityMapping } from './identity-mapping';
import { lastPartitionMapping } from './last-partition-mapping';
import { MultiToSingleDimensionPartitionMapping } from './multi-to-single-dimension-mapping';
import type { PartitionMapping, PartitionMappingSpec } from './partition-mapping';
import { PartitionMappingError } from './partition-mapping-error';
import { StaticPartitionMapping } from './static-mapping';
import { TimeWindowPartitionMapping } from './time-window-mapping';

/**
 * Builds a partition mapping from its JSON `spec` (e.g. in a workflow that received a plan).
 *
 * @example
 * partitionMappingFromSpec({ kind: 'time-window', startOffset: -1, endOffset: -1 });
 */
export function partitionMappingFromSpec(spec: PartitionMappingSpec): PartitionMapping {
  switch (spec?.kind) {
    case 'identity':
      return identityMapping();
    case 'time-window':
      return new TimeWindowPartitionMapping({ startOffset: spec.startOffset, endOffset: spec.endOffset });
    case 'all-partitions':
      return allPartitionsMapping();
    case 'last-partition':
      return lastPartitionMapping();
    case 'static':
      return new StaticPartitionMapping(spec.map);
    case 'multi-to-single-dimension':
      return new MultiToSingleDimensionPartitionMapping(spec.dimension);
    case 'dimension':
      return new DimensionPartitionMapping(Object.fromEntries(Object.entries(spec.dimensions).map(([name, s]) => [name, partitionMappingFromSpec(s)])));
    default:
      throw new PartitionMappingError(`Not a partition mapping spec: ${JSON.stringify(spec)}.`);
  }
}
