/**
 * `stratum/client`: what app code calls to start and follow runs and backfills, trigger sensors,
 * manage schedules, deploy, and read or rebuild the catalog. Loads the Temporal client and the
 * catalog's database driver; never a worker.
 */
export { StratumClient, RunFailedError } from './stratum-client';
export type { RunHandle } from './stratum-client';
export type { BackfillHandle } from './backfill-handle';
export { deploy } from './deploy';
export type { DeployOptions } from './deploy';
export type { DeployAction } from './deploy-action';
export { syncSchedules } from './schedule-sync';
export { scheduleStatuses } from './schedule-status';
export type { DeployedSchedule } from './schedule-status';
export { backfillSchedule } from './schedule-backfill';
export type { ScheduleBackfillRange } from './schedule-backfill';
export { triggerSensor, startSensor, stopSensor, sensorState, sensorRunState } from './sensor-client';
export type { TriggerSensorOptions, StartSensorOptions, SensorRunState } from './sensor-client';
export { syncSensors } from './sensor-sync';
export { rebuildCatalog } from './catalog-rebuild';
export type { RebuildCatalogOptions, RebuildReport } from './catalog-rebuild';
export { addDynamicPartitions, removeDynamicPartitions, dynamicPartitionsUsage, UnknownDynamicPartitionsError, InvalidDynamicPartitionKeyError } from './dynamic-partitions';
export type { AddDynamicPartitionsResult, RemoveDynamicPartitionsResult } from './dynamic-partitions';
export { connectClient, connectNative, resolveTemporalTarget, configuredTemporalTarget, TemporalUnreachableError, TemporalConfigError, TemporalNotConfiguredError } from './connection';
export type { TemporalTarget } from './connection';
export { openCatalog } from '../sdk/catalog';
export { createPlan } from '../sdk/planning/planner';
