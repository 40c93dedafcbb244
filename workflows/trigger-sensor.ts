import { getExternalWorkflowHandle } from '@temporalio/workflow';
import { SENSOR, sensorWorkflowId, type TriggerPayload } from '../sdk/protocol/sensor-contract';

/**
 * Triggers a sensor from inside another Temporal workflow (your own workflow code, bundled with
 * Stratum's): signals `stratum/sensor/<name>` with the payload. Workflow code cannot run zod, so
 * the payload is checked by the sensor's evaluation: one that fails the schema is counted as
 * rejected in the sensor's state and never evaluated. Fails if the sensor is not running. A sensor
 * of a named workspace location is found with `{ location }`.
 *
 * @example
 * import { triggerSensorFromWorkflow } from 'stratum/workflow';
 * await triggerSensorFromWorkflow('new_file', { path: 's3://in/a.csv', size: 10 });
 */
export async function triggerSensorFromWorkflow(name: string, payload: unknown, options: { triggerId?: string; location?: string } = {}): Promise<void> {
  const message: TriggerPayload = { payload, ...(options.triggerId !== undefined ? { triggerId: options.triggerId } : {}) };
  await getExternalWorkflowHandle(sensorWorkflowId(name, options.location)).signal(SENSOR.triggerSignal, message);
}
