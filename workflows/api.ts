/**
 * `stratum/workflow`: what users' own Temporal workflow code may import from Stratum. Safe in
 * the workflow sandbox: imports only @temporalio/workflow and Stratum's protocol.
 */
export { triggerSensorFromWorkflow } from './trigger-sensor';
export type { TriggerPayload } from '../sdk/protocol/sensor-contract';
