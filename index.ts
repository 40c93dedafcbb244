/**
 * Stratum: Dagster's asset model on Temporal. The definition API (`sdk/`), the worker
 * (`createWorker`) and the client that starts runs from app code (`StratumClient`).
 */
export * from './sdk';
export { createWorker } from './worker/create-worker';
export type { StratumWorker, StratumWorkerOptions } from './worker/create-worker';
export { StratumClient, RunFailedError } from './cli/stratum-client';
export type { RunHandle } from './cli/stratum-client';
export { deploy } from './cli/deploy';
export type { DeployOptions } from './cli/deploy';
export type { DeployAction } from './cli/deploy-action';
export { syncSchedules } from './cli/schedule-sync';
export { scheduleStatuses } from './cli/schedule-status';
export type { DeployedSchedule } from './cli/schedule-status';
export { backfillSchedule } from './cli/schedule-backfill';
export type { ScheduleBackfillRange } from './cli/schedule-backfill';
export { triggerSensor, startSensor, stopSensor, sensorState, sensorRunState } from './cli/sensor-client';
export type { TriggerSensorOptions, StartSensorOptions, SensorRunState } from './cli/sensor-client';
export { syncSensors } from './cli/sensor-sync';
export { connectClient, connectNative, resolveTemporalTarget, configuredTemporalTarget } from './cli/connection';
