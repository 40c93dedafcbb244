import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { z } from 'zod';
import { durationToMs } from '../sdk/definitions/duration';
import type { Definitions } from '../sdk/definitions/definitions';
import { locationSearchAttributes, StratumSearchAttributes } from '../sdk/protocol/search-attributes';
import { SensorDefinition } from '../sdk/automation/sensors/sensor';
import { SENSOR, sensorWorkflowId, type SensorSettings, type TriggerPayload } from '../sdk/protocol/sensor-contract';
import type { AnySensorDefinition } from '../sdk/automation/sensors/sensor-definition';
import { InvalidTriggerPayloadError, SensorNotRunningError, UnknownSensorError } from '../sdk/automation/sensors/sensor-errors';
import { DEFAULT_EVALUATION_TIMEOUT_MS, type SensorStateView, type SensorTriggerAnswer, type SensorWorkflowInput } from '../sdk/protocol/sensor-state';
import { defaultTaskQueue } from '../sdk/definitions/settings';
import { sensorNamed, sensorsOf } from '../sdk/automation/sensors/code-location-sensors';
import { withStartRefusal } from './start-refusal';

/** Options of {@link startSensor}. */
export interface StartSensorOptions {
  /** Task queue of the workers that run it (they need the same definitions). Default `STRATUM_TASK_QUEUE` or `stratum`. */
  taskQueue?: string;
  /** Continue-as-new after this many evaluations (tests lower it). Default 500. */
  evaluationsPerRun?: number;
  /** Workspace location owning the sensor (its workflow id and `StratumLocation` carry it). Default: the default location. */
  location?: string;
}

/** Where a sensor's workflow stands. */
export type SensorRunState = 'running' | 'stopped' | 'never-started';

/**
 * Starts a sensor's workflow (`stratum/sensor/<name>`). Returns `started: false` when it is
 * already running. A sensor started again after a stop keeps its cursor and run keys (catalog).
 */
export async function startSensor(client: Client, definition: AnySensorDefinition, options: StartSensorOptions = {}): Promise<{ started: boolean; workflowId: string }> {
  const workflowId = sensorWorkflowId(definition.name, options.location);
  const settings = sensorSettingsOf(definition);
  const input: SensorWorkflowInput = {
    name: definition.name,
    everyMs: settings.everyMs,
    evaluationTimeoutMs: settings.evaluationTimeoutMs,
    ...(options.evaluationsPerRun !== undefined ? { evaluationsPerRun: options.evaluationsPerRun } : {}),
  };
  try {
    await withStartRefusal(`sensor ${definition.name} (workflow ${workflowId})`, () => client.workflow.start(SENSOR.workflowType, {
      workflowId,
      taskQueue: options.taskQueue ?? defaultTaskQueue(),
      args: [input],
      staticSummary: `Sensor ${definition.name}${definition.kind !== 'sensor' ? ` (${definition.kind})` : ''}${input.everyMs !== null ? `, every ${String(definition.every)}` : ''}`,
      ...(definition.description ? { staticDetails: definition.description } : {}),
      typedSearchAttributes: [
        { key: StratumSearchAttributes.kind, value: 'sensor' },
        { key: StratumSearchAttributes.sensor, value: definition.name },
        ...locationSearchAttributes(options.location),
      ] as any,
    }));
    return { started: true, workflowId };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { started: false, workflowId };
    throw error;
  }
}

/** The settings a running sensor takes from its definition (`every`, `timeout`). */
export function sensorSettingsOf(definition: AnySensorDefinition): SensorSettings {
  return {
    everyMs: definition.every === null ? null : durationToMs(definition.every, `sensor "${definition.name}": every`),
    evaluationTimeoutMs: definition instanceof SensorDefinition ? definition.timeoutMs : DEFAULT_EVALUATION_TIMEOUT_MS,
  };
}

/**
 * Sends a running sensor the settings of its definition when they differ from the ones it runs
 * with. Returns what changed (`every 10s -> 5s`), or null when nothing did or it is not running.
 */
export async function reconfigureSensor(client: Client, definition: AnySensorDefinition, location?: string): Promise<string | null> {
  const state = await sensorState(client, definition.name, location).catch(() => null);
  if (!state || state.status !== 'running') return null;
  const wanted = sensorSettingsOf(definition);
  const changes: string[] = [];
  const every = (ms: number | null) => (ms === null ? 'none' : `${ms / 1_000}s`);
  if (state.everyMs !== wanted.everyMs) changes.push(`every ${every(state.everyMs)} -> ${every(wanted.everyMs)}`);
  if (state.evaluationTimeoutMs !== wanted.evaluationTimeoutMs) changes.push(`timeout ${state.evaluationTimeoutMs / 1_000}s -> ${wanted.evaluationTimeoutMs / 1_000}s`);
  if (changes.length === 0) return null;
  await client.workflow.getHandle(sensorWorkflowId(definition.name, location)).signal(SENSOR.configureSignal, wanted);
  return changes.join(', ');
}

/** Asks a running sensor to stop after the evaluations it has queued. Returns false when it was not running. */
export async function stopSensor(client: Client, name: string, location?: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(sensorWorkflowId(name, location)).signal(SENSOR.stopSignal);
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/** Whether a sensor's workflow is running, stopped (its last workflow closed), or was never started. */
export async function sensorRunState(client: Client, name: string, location?: string): Promise<SensorRunState> {
  try {
    const description = await client.workflow.getHandle(sensorWorkflowId(name, location)).describe();
    return description.status.name === 'RUNNING' ? 'running' : 'stopped';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'never-started';
    throw error;
  }
}

/** A sensor's state: queried while it runs, its final state once stopped, `null` if never started. */
export async function sensorState(client: Client, name: string, location?: string): Promise<SensorStateView | null> {
  const handle = client.workflow.getHandle(sensorWorkflowId(name, location));
  const runState = await sensorRunState(client, name, location);
  if (runState === 'never-started') return null;
  if (runState === 'running') return handle.query<SensorStateView>(SENSOR.stateQuery);
  try {
    return (await handle.result()) as SensorStateView;
  } catch {
    return null; // terminated or failed: no state to show
  }
}

/** Options of {@link triggerSensor}. */
export interface TriggerSensorOptions {
  /** Your id for this trigger (shown in the sensor's state). Default: one the sensor assigns. */
  triggerId?: string;
  /** Workspace location owning the sensor. Default: the default location. */
  location?: string;
}

/**
 * Sends a payload to a sensor from app code. The payload is typed by the sensor's `triggerSchema`
 * (`z.input`) and checked against it first: a payload that fails is refused with
 * {@link InvalidTriggerPayloadError} and nothing is sent. By default the payload goes as a signal
 * (returns once Temporal has it); with `{ wait: true }` it goes as an update, which resolves with
 * the evaluation's outcome (runs started, skip reason, duplicate run keys).
 *
 * @example
 * await triggerSensor(client, newFile, { path: 's3://in/a.csv', size: 10 });
 * const answer = await triggerSensor(client, newFile, { path: 's3://in/b.csv', size: 3 }, { wait: true });
 * console.log(answer.outcome, answer.runs.map((r) => r.workflowId));
 */
export function triggerSensor<TSchema extends z.ZodType>(
  client: Client,
  sensor: SensorDefinition<TSchema>,
  payload: z.input<TSchema>,
  options: TriggerSensorOptions & { wait: true },
): Promise<SensorTriggerAnswer>;
export function triggerSensor<TSchema extends z.ZodType>(
  client: Client,
  sensor: SensorDefinition<TSchema>,
  payload: z.input<TSchema>,
  options?: TriggerSensorOptions & { wait?: false },
): Promise<{ workflowId: string }>;
export async function triggerSensor(
  client: Client,
  sensor: SensorDefinition<z.ZodType>,
  payload: unknown,
  options: TriggerSensorOptions & { wait?: boolean } = {},
): Promise<SensorTriggerAnswer | { workflowId: string }> {
  sensor.parsePayload(payload);
  const message: TriggerPayload = { payload, ...(options.triggerId !== undefined ? { triggerId: options.triggerId } : {}) };
  const workflowId = sensorWorkflowId(sensor.name, options.location);
  const handle = client.workflow.getHandle(workflowId);
  try {
    if (options.wait) return await handle.executeUpdate<SensorTriggerAnswer, [TriggerPayload]>(SENSOR.triggerUpdate, { args: [message] });
    await handle.signal(SENSOR.triggerSignal, message);
    return { workflowId };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      throw new SensorNotRunningError(`Sensor "${sensor.name}" is not running, so the trigger was not sent. Start it (stratum sensor start ${sensor.name}, or defaultStatus: 'running' and stratum deploy), then send again.`);
    }
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause as { message?: string } | undefined;
      throw new SensorNotRunningError(`Sensor "${sensor.name}" refused the trigger: ${cause?.message ?? error.message}`);
    }
    throw error;
  }
}

/** The definition of sensor `name`, or {@link UnknownSensorError} with near matches. */
export function findSensor(definitions: Definitions, name: string): AnySensorDefinition {
  const found = sensorNamed(definitions, name);
  if (!found) throw new UnknownSensorError(name, sensorsOf(definitions).map((s) => s.name));
  return found;
}

/** The payload sensor `name` takes, or an error saying why it takes none (an event-driven sensor). */
export function payloadSensor(definitions: Definitions, name: string): SensorDefinition<z.ZodType> {
  const found = findSensor(definitions, name);
  if (!(found instanceof SensorDefinition)) {
    throw new InvalidTriggerPayloadError(name, [{ path: '', message: `sensor "${name}" is a ${found.kind} sensor: it is triggered by ${found.kind === 'run-status' ? 'run outcomes' : 'asset materializations'}, not by payloads` }]);
  }
  return found;
}
