import type { Client } from '@temporalio/client';
import type { Definitions } from '../sdk/definitions/definitions';
import { locationTaskQueue } from '../sdk/definitions/settings';
import { locationOf } from '../sdk/definitions/location';
import type { DeployAction } from './deploy-action';
import { syncSchedules } from './schedule-sync';
import { syncSensors } from './sensor-sync';

/** Options of {@link deploy}. */
export interface DeployOptions {
  /** Task queue the workers poll (schedules' runs and sensors go there). Default the location's ({@link locationTaskQueue}): `STRATUM_TASK_QUEUE` or `stratum` without a workspace. */
  taskQueue?: string;
}

/**
 * Brings the cluster in line with the code: schedules (created, updated, deleted; see
 * `syncSchedules`) and then sensors, scoped to the definitions' workspace location ({@link locationOf}):
 * deploying one location never touches another's schedules or sensors. Returns one {@link DeployAction} per schedule and sensor.
 * What `stratum deploy` runs, and `stratum dev` at start.
 *
 * @example
 * const { client } = await connectClient(target);
 * for (const a of await deploy(client, defs, { taskQueue: 'etl' })) console.log(a.kind, a.name, a.action);
 */
export async function deploy(client: Client, definitions: Definitions, options: DeployOptions = {}): Promise<DeployAction[]> {
  const taskQueue = options.taskQueue ?? locationTaskQueue(locationOf(definitions));
  const schedules = await syncSchedules({ client, definitions, taskQueue });
  const sensors = await syncSensors({ client, definitions, taskQueue });
  return [...schedules, ...sensors];
}
