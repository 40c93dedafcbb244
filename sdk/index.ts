/** Stratum's definition API: assets, ops, graphs, jobs, resources, IO managers, partitions, Definitions. */
export { asset, AssetDefinition } from './asset';
export type { AssetOptions, AssetFunction } from './asset';
export { upstream } from './asset-ref';
export type { AssetRef, AssetInput, AssetInputSpec, AssetInputValues } from './asset-ref';
export { multiAsset, MultiAssetDefinition } from './multi-asset';
export type { MultiAssetOptions, AssetOutSpec } from './multi-asset';
export { op, OpDefinition } from './op';
export type { OpOptions, OpInputValues } from './op';
export { graph, GraphDefinition, GraphBuilder } from './graph';
export type { GraphValue, GraphNode } from './graph';
export { graphAsset, GraphAssetDefinition } from './graph-asset';
export type { GraphAssetOptions } from './graph-asset';
export { job, assetJob, JobDefinition, AssetJobDefinition } from './job';
export type { JobOptions, AssetJobOptions, AnyJobDefinition } from './job';
export { resource, resourceValue, ResourceDefinition } from './resource';
export type { ResourceOptions, ResourceValueOf } from './resource';
export { observableSourceAsset, ObservableSourceAssetDefinition } from './observable-source-asset';
export type { ObservableSourceAssetOptions, ObserveFunction, DataVersionObservation, SourceObservation } from './observable-source-asset';
export { AssetStatus, StalenessResolver, assetStaleness, describeStaleCause, summarizeStaleness } from './staleness';
export type { StaleCause, PartitionStaleness, StalenessOptions, StalenessSummary } from './staleness';
export { staleSelection } from './stale-selection';
export type { StaleSelection } from './stale-selection';
export { assetLineage, lineageToText, lineageToDot, lineageToMermaid } from './lineage';
export type { LineageGraph, LineageNode, LineageDirection, LineageOptions, LineageLabels } from './lineage';
export type { InputDataVersion } from './input-data-version';
export { Definitions } from './definitions';
export { assetCheck, AssetCheckDefinition, AssetCheckSeverity, checkStepKey } from './asset-check';
export type { AssetCheckOptions, AssetCheckFunction, AssetCheckContext, AssetCheckOutput, AssetCheckCatalog } from './asset-check';
export { rowCountCheck, freshnessCheck } from './checks';
export type { RowCountCheckOptions, FreshnessCheckOptions } from './checks';
export type { PlanChecksMode } from './check-steps';
export type { DefinitionsOptions, AnyAssetDefinition } from './definitions';
export { singleRunBackfill, multiRunBackfill } from './backfill-policy';
export type { BackfillPolicy } from './backfill-policy';
export type { OpContext, StepLogger, LogLevel, PartitionKeyRange } from './op-context';
export type { RetryPolicy } from './retry-policy';
export type { Duration } from './duration';
export type { StepOptions } from './step-options';
export { filesystemIOManager } from './io/filesystem-io-manager';
export type { FilesystemIOManagerOptions } from './io/filesystem-io-manager';
export { inMemoryIOManager } from './io/in-memory-io-manager';
export type { InMemoryIOManager } from './io/in-memory-io-manager';
export { jsonSerializer } from './io/io-manager';
export type { IOManager, Serializer, StorageSlot, StoredValue } from './io/io-manager';
export { parseSelection, resolveSelection } from './selection';
export { createPlan } from './planner';
export type { PlanRequest } from './planner';
export type { Plan, PlanStep, RunResult, StepOutcome, MaterializationSummary, ObservationSummary, PlanCheck, AssetCheckResultSummary } from './plan';
export { StratumSearchAttributes } from './search-attributes';
export { openCatalog, CheckOutcome } from './catalog';
export type { Catalog, CheckResultRecord } from './catalog';
export {
  StratumError,
  DefinitionError,
  InvalidRequestError,
  DuplicateKeyError,
  MissingUpstreamError,
  AssetCycleError,
  UnknownResourceError,
  InvalidConfigSchemaError,
  InvalidDefinitionError,
  UnknownSelectionError,
  SelectionSyntaxError,
  ConfigValidationError,
  InvalidRunRequestError,
  UnknownStepError,
  UserCodeError,
  OutputValidationError,
  MissingInputError,
  NonRetryableError,
  AssetCheckFailedError,
  InvalidCheckResultError,
  StratumInvariantError,
  InvalidScheduleError,
  UnknownScheduleError,
} from './errors';
export * from './partitions';
export { addDynamicPartitions, removeDynamicPartitions, dynamicPartitionsUsage, UnknownDynamicPartitionsError, InvalidDynamicPartitionKeyError } from './dynamic-partitions-client';
export type { AddDynamicPartitionsResult, RemoveDynamicPartitionsResult } from './dynamic-partitions-client';
export type { BackfillRequest, BackfillProgress, BackfillPartitions, BackfillStatus } from './backfill';
export { schedule, ScheduleDefinition, ScheduleOverlap, scheduleIdOf } from './schedule';
export type { ScheduleOptions, ScheduleOptionsBase, ScheduleStatus, ScheduleTarget, ScheduleCadence } from './schedule';
export type { ResolvedSchedule } from './resolved-schedule';
export { previewTicks, nextTickTimes, partitionForTick } from './schedule-ticks';
export type { ScheduleTick } from './schedule-ticks';
export { assetSensor, AssetSensorDefinition } from './asset-sensor';
export type { AssetSensorOptions } from './asset-sensor';
export { runStatusSensor, runFailureSensor, RunStatusSensorDefinition } from './run-status-sensor';
export type { RunStatusSensorOptions, RunStatusSensorStatus } from './run-status-sensor';
export { EAGER_AUTOMATION_SENSOR, EagerAutomationSensorDefinition, eagerReadiness } from './eager-automation';
export type { EagerReadiness } from './eager-automation';
export { SensorRunTags } from './sensor-run-tags';
export type { SensorTarget, AssetRefOrKey } from './sensor-target';
export { sensor, SensorDefinition } from './sensor';
export type { SensorOptions, SensorInvocation } from './sensor';
export { skip, SkipReason } from './sensor-definition';
export type { AnySensorDefinition, RunRequest, SensorResult, SensorEvaluationContext, SensorStatus, SensorKind } from './sensor-definition';
export { InvalidTriggerPayloadError, UnknownSensorError, SensorNotRunningError } from './sensor-errors';
export { SENSOR, sensorWorkflowId } from './sensor-contract';
export type { SensorTrigger, TriggerPayload, AssetMaterializedEvent, RunStatusEvent } from './sensor-contract';
export type { SensorStateView, SensorEvaluationRecord, SensorRunRecord, SensorCounters, SensorTriggerAnswer, SensorOutcomeKind } from './sensor-state';
