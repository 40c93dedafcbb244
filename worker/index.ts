/**
 * `stratum/worker`: runs Stratum's workflows and a definitions module's steps on a task queue.
 * Loads Temporal's worker (native) and the catalog's database driver.
 */
export { createWorker } from './create-worker';
export type { StratumWorker, StratumWorkerOptions } from './create-worker';
