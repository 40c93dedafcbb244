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
export { Definitions } from './definitions';
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
export type { Plan, PlanStep, RunResult, StepOutcome, MaterializationSummary } from './plan';
export { StratumSearchAttributes } from './search-attributes';
export { openCatalog } from './catalog';
export type { Catalog } from './catalog';
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
  StratumInvariantError,
} from './errors';
export * from './partitions';
export { addDynamicPartitions, removeDynamicPartitions, dynamicPartitionsUsage, UnknownDynamicPartitionsError, InvalidDynamicPartitionKeyError } from './dynamic-partitions-client';
export type { AddDynamicPartitionsResult, RemoveDynamicPartitionsResult } from './dynamic-partitions-client';
export type { BackfillRequest, BackfillProgress, BackfillPartitions, BackfillStatus } from './backfill';
