/**
 * Partitions: how assets are split (time windows, static keys, dynamic keys, two dimensions)
 * and which upstream partitions a downstream partition reads (partition mappings). Pure maths:
 * no I/O and no clock — `now` (and dynamic keys) come in a {@link PartitionContext} — so this
 * module can run inside Temporal workflows.
 */

// Definitions
export type { PartitionContext, PartitionsDefinition, PartitionsDefinitionBase, PartitionsKind, PartitionsSpec } from './definition/partitions-definition';
export { TimeWindowPartitionsDefinition, timeWindowPartitions } from './definition/time-window-partitions';
export type { TimeWindow, TimeWindowCadence, TimeWindowPartitionsOptions, TimeWindowPartitionsSpec } from './definition/time-window-partitions';
export { DEFAULT_DATE_FORMAT, DEFAULT_HOURLY_FORMAT, dailyPartitions, hourlyPartitions, monthlyPartitions, weeklyPartitions } from './definition/time-window-presets';
export type {
  DailyPartitionsOptions,
  HourlyPartitionsOptions,
  MonthlyPartitionsOptions,
  TimeWindowPresetOptions,
  PresetCadence,
  WeeklyPartitionsOptions,
} from './definition/time-window-presets';
export { StaticPartitionsDefinition, staticPartitions } from './definition/static-partitions';
export type { StaticPartitionsSpec } from './definition/static-partitions';
export { DynamicPartitionsDefinition, dynamicPartitions } from './definition/dynamic-partitions';
export type { DynamicPartitionsSpec } from './definition/dynamic-partitions';
export { MULTI_PARTITION_KEY_SEPARATOR, MultiPartitionsDefinition, multiPartitions } from './definition/multi-partitions';
export type { DimensionKey, DimensionPartitionsDefinition, MultiPartitionKeyParts, MultiPartitionsSpec } from './definition/multi-partitions';
export { partitionsDefinitionFromSpec, samePartitions } from './definition/partitions-from-spec';
export { sortPartitionKeys } from './keys/partition-order';
export { listKeys, partitionKeyProblem } from './keys/key-list';
export { PARTITION_KEY_RANGE_SEPARATOR, describePartitionKeyRange, parsePartitionKeyRange } from './keys/partition-key-range';
export type { PartitionKeyRange } from './keys/partition-key-range';
export { parseCron } from './keys/cron-expression';
export type { CronExpression } from './keys/cron-expression';

// Errors
export { PartitionKeyError, PartitionKeyProblem } from './keys/partition-key-error';
export { PartitionsDefinitionError } from './definition/partitions-definition-error';
export { PartitionMappingError } from './mapping/partition-mapping-error';

// Mappings
export type {
  MappedPartitions,
  PartitionCardinality,
  PartitionMapping,
  PartitionMappingKind,
  PartitionMappingSpec,
  UpstreamPartitions,
} from './mapping/partition-mapping';
export { IdentityPartitionMapping, identityMapping } from './mapping/identity-mapping';
export type { IdentityMappingSpec } from './mapping/identity-mapping';
export { TimeWindowPartitionMapping, timeWindowMapping } from './mapping/time-window-mapping';
export type { TimeWindowMappingCardinality, TimeWindowMappingOptions, TimeWindowMappingSpec } from './mapping/time-window-mapping';
export { AllPartitionsMapping, allPartitionsMapping } from './mapping/all-partitions-mapping';
export type { AllPartitionsMappingSpec } from './mapping/all-partitions-mapping';
export { LastPartitionMapping, lastPartitionMapping } from './mapping/last-partition-mapping';
export type { LastPartitionMappingSpec } from './mapping/last-partition-mapping';
export { StaticPartitionMapping, staticMapping } from './mapping/static-mapping';
export type { StaticMappingSpec } from './mapping/static-mapping';
export { MultiToSingleDimensionPartitionMapping, multiToSingleDimensionMapping } from './mapping/multi-to-single-dimension-mapping';
export type { MultiToSingleDimensionMappingSpec } from './mapping/multi-to-single-dimension-mapping';
export { DimensionPartitionMapping, dimensionMapping } from './mapping/dimension-mapping';
export type { DimensionMappingCardinality, DimensionMappingSpec } from './mapping/dimension-mapping';
export { defaultMappingFor } from './mapping/default-mapping';
export { partitionMappingFromSpec } from './mapping/partition-mapping-from-spec';
