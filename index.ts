/**
 * Stratum: Dagster's asset model on Temporal. The definition API (`sdk/`), the worker
 * (`createWorker`) and the client that starts runs from app code (`StratumClient`).
 */
export * from './sdk';
export { createWorker } from './worker/create-worker';
export type { StratumWorker, StratumWorkerOptions } from './worker/create-worker';
export { StratumClient, RunFailedError } from './cli/stratum-client';
export type { RunHandle } from './cli/stratum-client';
export { connectClient, connectNative, resolveTemporalTarget, configuredTemporalTarget } from './cli/connection';
