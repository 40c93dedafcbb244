/**
 * Partitions: how assets are split (time windows, static keys, dynamic keys, two dimensions)
 * and which upstream partitions a downstream partition reads (partition mappings). Pure maths:
 * no I/O and no clock — `now` (and dynamic keys) come in a {@link PartitionContext} — so this
 * module can run inside Temporal workflows.
 */

// Definitions
export type { PartitionContext, PartitionsDefinition, PartitionsDefinitionBase, PartitionsKind, PartitionsSpec } from './partitions-definition';
export { TimeWindowPartitionsDefinition, timeWindowPartitions } from './time-window-partitions';
export type { TimeWindow, TimeWindowPartitionsOptions, TimeWindowPartitionsSpec } from './time-window-partitions';
export { DEFAULT_DATE_FORMAT, DEFAULT_HOURLY_FORMAT, dailyPartitions, hourlyPartitions, monthlyPartitions, weeklyPartitions } from './time-window-presets';
export type {
  DailyPartitionsOptions,
  HourlyPartitionsOptions,
  MonthlyPartitionsOptions,
  TimeWindowPresetOptions,
  WeeklyPartitionsOptions,
} from './time-window-presets';
export { StaticPartitionsDefinition, staticPartitions } from './static-partitions';
export type { StaticPartitionsSpec } from './static-partitions';
export { DynamicPartitionsDefinition, dynamicPartitions } from './dynamic-partitions';
export type { DynamicPartitionsSpec } from './dynamic-partitions';
export { MULTI_PARTITION_KEY_SEPARATOR, MultiPartitionsDefinition, multiPartitions } from './multi-partitions';
export type { DimensionKey, DimensionPartitionsDefinition, MultiPartitionKeyParts, MultiPartitionsSpec } from './multi-partitions';
export { partitionsDefinitionFromSpec, samePartitions } from './partitions-from-spec';
export { sortPartitionKeys } from './partition-order';
export { listKeys, partitionKeyProblem } from './key-list';
export { PARTITION_KEY_RANGE_SEPARATOR, describePartitionKeyRange, parsePartitionKeyRange } from './partition-key-range';
export type { PartitionKeyRange } from './partition-key-range';
export { parseCron } from './cron-expression';
export type { CronExpression } from './cron-expression';

// Errors
export { PartitionKeyError, PartitionKeyProblem } from './partition-key-error';
export { PartitionsDefinitionError } from './partitions-definition-error';
export { PartitionMappingError } from './partition-mapping-error';

// Mappings
export type {
  MappedPartitions,
  PartitionCardinality,
  PartitionMapping,
  PartitionMappingKind,
  PartitionMappingSpec,
  UpstreamPartitions,
} from './partition-mapping';
export { IdentityPartitionMapping, identityMapping } from './identity-mapping';
export type { IdentityMappingSpec } from './identity-mapping';
export { TimeWindowPartitionMapping, timeWindowMapping } from './time-window-mapping';
export type { TimeWindowMappingCardinality, TimeWindowMappingOptions, TimeWindowMappingSpec } from './time-window-mapping';
export { AllPartitionsMapping, allPartitionsMapping } from './all-partitions-mapping';
export type { AllPartitionsMappingSpec } from './all-partitions-mapping';
export { LastPartitionMapping, lastPartitionMapping } from './last-partition-mapping';
export type { LastPartitionMappingSpec } from './last-partition-mapping';
export { StaticPartitionMapping, staticMapping } from './static-mapping';
export type { StaticMappingSpec } from './static-mapping';
export { MultiToSingleDimensionPartitionMapping, multiToSingleDimensionMapping } from './multi-to-single-dimension-mapping';
export type { MultiToSingleDimensionMappingSpec } from './multi-to-single-dimension-mapping';
export { DimensionPartitionMapping, dimensionMapping } from './dimension-mapping';
export type { DimensionMappingCardinality, DimensionMappingSpec } from './dimension-mapping';
export { defaultMappingFor } from './default-mapping';
export { partitionMappingFromSpec } from './partition-mapping-from-spec';
