/**
 * `stratum`: the definition API (assets, ops, graphs, jobs, resources, IO managers, partitions,
 * schedules, sensors, checks, `Definitions`, errors). Pure: importing it loads no Temporal worker
 * or client, no database driver and no child_process. App code that starts runs imports
 * `stratum/client`; a worker process imports `stratum/worker`; users' own workflow code imports
 * `stratum/workflow`; jest tests import `stratum/testing`.
 */
export { asset, AssetDefinition } from './definitions/asset';
export type { AssetOptions, AssetFunction } from './definitions/asset';
export { previousPartition, self, upstream } from './definitions/asset-ref';
export type { AssetRef, AssetInput, AssetInputSpec, AssetInputValue, AssetInputValues, OwnOutput, SelfInput } from './definitions/asset-ref';
export type { InputShape } from './definitions/input-shape';
export { multiAsset, MultiAssetDefinition } from './definitions/multi-asset';
export type { MultiAssetOptions, AssetOutSpec } from './definitions/multi-asset';
export { op, OpDefinition } from './definitions/op';
export type { OpOptions, OpInputValues } from './definitions/op';
export { graph, GraphDefinition, GraphBuilder } from './definitions/graph';
export type { GraphValue, GraphNode, GraphNodeTypes, UntypedGraphNodes } from './definitions/graph';
export { graphAsset, GraphAssetDefinition } from './definitions/graph-asset';
export type { GraphAssetOptions } from './definitions/graph-asset';
export { job, assetJob, JobDefinition, AssetJobDefinition } from './definitions/job';
export type { JobOptions, TypedJobOptions, AssetJobOptions, AnyJobDefinition } from './definitions/job';
export type { RunConfigOf, RunConfigOfNodes } from './definitions/run-config';
export { resource, resourceValue, resourceParam, ResourceDefinition } from './definitions/resource';
export type { ResourceOptions, ResourceValueOf, RequiredResourcesOf, ResourceBindings } from './definitions/resource';
export { observableSourceAsset, ObservableSourceAssetDefinition } from './definitions/observable-source-asset';
export { sourceAsset, SourceAssetDefinition, type SourceAssetOptions } from './definitions/source-asset';
export { defineWorkspace, InvalidWorkspaceError, type WorkspaceOptions, type WorkspaceLocationOptions } from './workspace/workspace';
export { locationOf, assignLocation } from './definitions/location';
export { DEFAULT_LOCATION } from './protocol/location';
export type { ObservableSourceAssetOptions, ObserveFunction, DataVersionObservation, SourceObservation } from './definitions/observable-source-asset';
export { AssetStatus, StalenessResolver, assetStaleness, describeStaleCause, summarizeStaleness } from './versions/staleness';
export type { StaleCause, PartitionStaleness, StalenessOptions, StalenessSummary } from './versions/staleness';
export { staleSelection } from './versions/stale-selection';
export type { StaleSelection } from './versions/stale-selection';
export { assetLineage, lineageToText, lineageToDot, lineageToMermaid } from './versions/lineage';
export type { LineageGraph, LineageNode, LineageDirection, LineageOptions, LineageLabels } from './versions/lineage';
export type { InputDataVersion } from './versions/input-data-version';
export { Definitions } from './definitions/definitions';
export { validateDefinitions } from './planning/validate-definitions';
export { assetCheck, AssetCheckDefinition, AssetCheckSeverity, checkStepKey } from './definitions/checks/asset-check';
export type { AssetCheckOptions, AssetCheckFunction, AssetCheckContext, AssetCheckOutput, AssetCheckCatalog } from './definitions/checks/asset-check';
export { rowCountCheck, freshnessCheck } from './definitions/checks';
export type { RowCountCheckOptions, FreshnessCheckOptions } from './definitions/checks';
export type { PlanChecksMode } from './planning/check-steps';
export type { DefinitionsOptions, DefinitionsOptionsBase, RequiredResources, AnyAssetDefinition } from './definitions/definitions';
export { singleRunBackfill, multiRunBackfill } from './definitions/backfill-policy';
export type { BackfillPolicy } from './definitions/backfill-policy';
export type { OpContext, StepLogger, LogLevel, PartitionKeyRange } from './definitions/op-context';
export type { RetryPolicy } from './definitions/retry-policy';
export { StepExecutionMode, LOCAL_STEP_MAX_TIMEOUT, LocalExecutionRefusedError } from './definitions/execution-mode';
export type { Duration } from './definitions/duration';
export type { StepOptions } from './definitions/step-options';
export { filesystemIOManager } from './definitions/io/filesystem-io-manager';
export type { FilesystemIOManagerOptions } from './definitions/io/filesystem-io-manager';
export { inMemoryIOManager } from './definitions/io/in-memory-io-manager';
export type { InMemoryIOManager } from './definitions/io/in-memory-io-manager';
export { jsonSerializer } from './definitions/io/io-manager';
export { UnserializableValueError } from './definitions/io/unserializable-value-error';
export type { IOManager, Serializer, StorageSlot, StoredValue } from './definitions/io/io-manager';
export type { PlanRequest } from './planning/planner';
export type { Plan, PlanStep, RunResult, StepOutcome, MaterializationSummary, ObservationSummary, PlanCheck, AssetCheckResultSummary } from './protocol/plan';
export { CheckOutcome } from './catalog/check-result';
export type { CatalogReader, MaterializationRecord, RunRecord, AssetSummary } from './catalog/catalog';
export type { CheckResultRecord } from './catalog/check-result';
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
  NameOverLimitError,
  RequestOverLimitError,
} from './errors';
export * from './partitions';
export type { BackfillRequest, BackfillProgress, BackfillPartitions, BackfillStatus } from './protocol/backfill';
export { schedule, ScheduleDefinition, ScheduleOverlap, scheduleIdOf } from './automation/schedules/schedule';
export type { ScheduleOptions, ScheduleOptionsBase, ScheduleStatus, ScheduleTarget, ScheduleCadence } from './automation/schedules/schedule';
export type { ResolvedSchedule } from './automation/schedules/resolved-schedule';
export { previewTicks, nextTickTimes, partitionForTick } from './automation/schedules/schedule-ticks';
export type { ScheduleTick } from './automation/schedules/schedule-ticks';
export { assetSensor, AssetSensorDefinition } from './automation/sensors/asset-sensor';
export type { AssetSensorOptions } from './automation/sensors/asset-sensor';
export { runStatusSensor, runFailureSensor, RunStatusSensorDefinition } from './automation/sensors/run-status-sensor';
export type { RunStatusSensorOptions, RunStatusSensorStatus } from './automation/sensors/run-status-sensor';
export { EAGER_AUTOMATION_SENSOR, EagerAutomationSensorDefinition, eagerReadiness } from './automation/sensors/eager-automation';
export type { EagerReadiness } from './automation/sensors/eager-automation';
export { SensorRunTags } from './automation/sensors/sensor-run-tags';
export type { SensorTarget, AssetRefOrKey } from './automation/sensors/sensor-target';
export { sensor, SensorDefinition } from './automation/sensors/sensor';
export type { SensorOptions, SensorInvocation } from './automation/sensors/sensor';
export { skip, SkipReason, runRequest } from './automation/sensors/sensor-definition';
export type { AnySensorDefinition, RunRequest, RunRequestOptions, SensorResult, SensorEvaluationContext, SensorStatus, SensorKind } from './automation/sensors/sensor-definition';
export { InvalidTriggerPayloadError, UnknownSensorError, SensorNotRunningError } from './automation/sensors/sensor-errors';
export type { SensorTrigger, TriggerPayload, AssetMaterializedEvent, RunStatusEvent } from './protocol/sensor-contract';
export type { SensorStateView, SensorEvaluationRecord, SensorRunRecord, SensorCounters, SensorTriggerAnswer, SensorOutcomeKind } from './protocol/sensor-state';
