import type { Client } from '@temporalio/client';
import type { Definitions } from '../sdk/definitions/definitions';
import { defaultTaskQueue } from '../sdk/definitions/settings';
import type { DeployAction } from './deploy-action';
import { syncSchedules } from './schedule-sync';
import { syncSensors } from './sensor-sync';

/** Options of {@link deploy}. */
export interface DeployOptions {
  /** Task queue the workers poll (schedules' runs and sensors go there). Default `STRATUM_TASK_QUEUE` or `stratum`. */
  taskQueue?: string;
}

/**
 * Brings the cluster in line with the code: schedules (created, updated, deleted; see
 * `syncSchedules`) and then sensors. Returns one {@link DeployAction} per schedule and sensor.
 * What `stratum deploy` runs, and `stratum dev` at start.
 *
 * @example
 * const { client } = await connectClient(target);
 * for (const a of await deploy(client, defs, { taskQueue: 'etl' })) console.log(a.kind, a.name, a.action);
 */
export async function deploy(client: Client, definitions: Definitions, options: DeployOptions = {}): Promise<DeployAction[]> {
  const taskQueue = options.taskQueue ?? defaultTaskQueue();
  const schedules = await syncSchedules({ client, definitions, taskQueue });
  const sensors = await syncSensors({ client, definitions, taskQueue });
  return [...schedules, ...sensors];
}
