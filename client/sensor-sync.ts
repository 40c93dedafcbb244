import type { Client } from '@temporalio/client';
import type { Definitions } from '../sdk/definitions/definitions';
import { locationOf } from '../sdk/definitions/location';
import { isNamedLocation } from '../sdk/protocol/location';
import { sensorWorkflowId } from '../sdk/protocol/sensor-contract';
import { StratumSearchAttributes } from '../sdk/protocol/search-attributes';
import type { DeployAction } from './deploy-action';
import { reconfigureSensor, startSensor, stopSensor } from './sensor-client';
import { sensorsOf } from '../sdk/automation/sensors/code-location-sensors';

/** Options of {@link syncSensors}. */
export interface SyncSensorsOptions {
  client: Client;
  definitions: Definitions;
  taskQueue: string;
}

/**
 * Brings the cluster's sensor workflows in line with the code: starts sensors whose
 * `defaultStatus` is `'running'` and that are not running, sends running sensors a changed
 * polling interval or evaluation timeout, and stops sensors running on this task queue that the
 * code no longer has. Sensors started or stopped by hand (`stratum sensor start|stop`) stay so.
 */
export async function syncSensors(options: SyncSensorsOptions): Promise<DeployAction[]> {
  const location = locationOf(options.definitions);
  const actions: DeployAction[] = [];
  for (const definition of sensorsOf(options.definitions)) {
    if (definition.defaultStatus === 'running') {
      const { started } = await startSensor(options.client, definition, { taskQueue: options.taskQueue, location });
      if (started) {
        actions.push({ kind: 'sensor', name: definition.name, action: 'started', detail: 'defaultStatus: running' });
        continue;
      }
    }
    const changed = await reconfigureSensor(options.client, definition, location);
    if (changed !== null) actions.push({ kind: 'sensor', name: definition.name, action: 'updated', detail: changed });
    else if (definition.defaultStatus === 'running') actions.push({ kind: 'sensor', name: definition.name, action: 'unchanged', detail: 'already running' });
  }
  const known = new Set(sensorsOf(options.definitions).map((s) => s.name));
  const quote = (value: string) => `'${value.replace(/'/g, "\\'")}'`;
  // Scoped to the location: its task queue, and its StratumLocation when it is a named one.
  const query = `${StratumSearchAttributes.kind.name} = 'sensor' AND ExecutionStatus = 'Running' AND TaskQueue = ${quote(options.taskQueue)}${isNamedLocation(location) ? ` AND ${StratumSearchAttributes.location.name} = ${quote(location)}` : ''}`;
  for await (const execution of options.client.workflow.list({ query })) {
    const name = execution.typedSearchAttributes.get(StratumSearchAttributes.sensor);
    if (typeof name !== 'string' || known.has(name) || execution.workflowId !== sensorWorkflowId(name, location)) continue;
    if (await stopSensor(options.client, name, location)) actions.push({ kind: 'sensor', name, action: 'stopped', detail: 'no longer in the definitions' });
  }
  return actions;
}
