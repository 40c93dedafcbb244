/**
 * `stratum/client`: what app code calls. One class, {@link StratumClient}, starts and follows runs
 * and backfills, triggers sensors, manages schedules, deploys, edits dynamic partitions and reads
 * or rebuilds the catalog. Connect with `StratumClient.connect({ definitions })`, or wrap a
 * Temporal `Client` you hold with `new StratumClient(client, definitions, { catalog })`.
 * Loads the Temporal client and the catalog's database driver.
 *
 * @example
 * import { StratumClient } from 'stratum/client';
 * const stratum = await StratumClient.connect({ definitions: defs });
 * await stratum.materialize({ selection: 'sales/orders+' });
 * await stratum.close();
 */
export { StratumClient } from './stratum-client';
export type { SensorRef, ScheduleRef, RebuildIntoOptions } from './stratum-client';
export type { StratumClientOptions, StratumClientConnectOptions } from './connect-options';
export type { RunHandle } from './run-handle';
export { ReexecutionTags, type ReexecuteOptions } from './reexecute';
export type { BackfillHandle } from './backfill-handle';
export type { FollowWorkflowOptions } from './follow-workflow';
export type { DeployAction } from './deploy-action';
export type { DeployedSchedule } from './schedule-status';
export type { ScheduleBackfillRange } from './schedule-backfill';
export type { TriggerSensorOptions, StartSensorOptions } from './sensor-client';
export type { RebuildReport } from './catalog-rebuild';
export type { AddDynamicPartitionsResult, RemoveDynamicPartitionsResult } from './dynamic-partitions';
export type { PlanRequest } from '../sdk/planning/planner';
export type { Plan, RunResult, StepOutcome } from '../sdk/protocol/plan';
export type { BackfillRequest, BackfillPartitions, BackfillProgress, BackfillStatus } from '../sdk/protocol/backfill';
export type { SensorStateView, SensorTriggerAnswer } from '../sdk/protocol/sensor-state';
export type { Catalog, CatalogReader, ListRunsOptions, RunRecord, RunWithSteps } from '../sdk/catalog';

export { RunFailedError } from './run-handle';
export { UnknownRunError, AmbiguousRunIdError, ReexecutionRefusedError, CatalogRequiredError, CatalogNotEmptyError, ScheduleNotDeployedError } from './client-errors';
export { UnknownDynamicPartitionsError, InvalidDynamicPartitionKeyError } from './dynamic-partitions';
export { InvalidTriggerPayloadError, SensorNotRunningError, UnknownSensorError } from '../sdk/automation/sensors/sensor-errors';
export { UnknownScheduleError, StartRefusedError, RequestOverLimitError } from '../sdk/errors';
export { TemporalUnreachableError, TemporalConfigError, TemporalNotConfiguredError } from './connection';
export { TemporalServerLostError } from './server-wait';
export { setupCluster } from './setup-cluster';
export type { SetupReport, SetupClusterOptions } from './setup-cluster';
