/**
 * Stratum: Dagster's asset model on Temporal. The definition API (`sdk/`), the worker
 * (`createWorker`) and the client that starts runs from app code (`StratumClient`).
 */
export * from './sdk';
export { createWorker } from './worker/create-worker';
export type { StratumWorker, StratumWorkerOptions } from './worker/create-worker';
export { StratumClient, RunFailedError } from './client/stratum-client';
export type { RunHandle } from './client/stratum-client';
export { deploy } from './client/deploy';
export type { DeployOptions } from './client/deploy';
export type { DeployAction } from './client/deploy-action';
export { syncSchedules } from './client/schedule-sync';
export { scheduleStatuses } from './client/schedule-status';
export type { DeployedSchedule } from './client/schedule-status';
export { backfillSchedule } from './client/schedule-backfill';
export type { ScheduleBackfillRange } from './client/schedule-backfill';
export { triggerSensor, startSensor, stopSensor, sensorState, sensorRunState } from './client/sensor-client';
export type { TriggerSensorOptions, StartSensorOptions, SensorRunState } from './client/sensor-client';
export { syncSensors } from './client/sensor-sync';
export { connectClient, connectNative, resolveTemporalTarget, configuredTemporalTarget } from './client/connection';
