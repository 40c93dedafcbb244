import type { Client } from '@temporalio/client';
import type { Definitions } from '../sdk/definitions';
import type { DeployAction } from './deploy-action';

/** Options of {@link syncSensors}. */
export interface SyncSensorsOptions {
  client: Client;
  definitions: Definitions;
  taskQueue: string;
}

/**
 * Brings the cluster's sensor workflows in line with the code: starts sensors whose
 * `defaultStatus` is `'running'` and that are not running, stops sensors the code no longer has.
 * (Placeholder until sensors land: changes nothing.)
 */
export async function syncSensors(_options: SyncSensorsOptions): Promise<DeployAction[]> {
  return [];
}
