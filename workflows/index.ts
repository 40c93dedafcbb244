/** Every Stratum workflow, bundled by the Temporal worker. */
export { materialize } from './materialize';
export { backfill } from './backfill';
export { scheduledRun } from './scheduled-run';
export { sensor } from './sensor';
