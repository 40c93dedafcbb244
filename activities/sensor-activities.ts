import { createHash } from 'node:crypto';
import { activityInfo, ApplicationFailure, getClient, log as activityLog } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Catalog } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions/definitions';
import { InvalidRunRequestError, NonRetryableError, StratumError } from '../sdk/errors';
import { loadPartitionContext } from '../sdk/definitions/partition-context';
import type { PartitionContext } from '../sdk/partitions';
import { runWorkflowId, type Plan } from '../sdk/protocol/plan';
import { createPlan } from '../sdk/planning/planner';
import { runSearchAttributes, runSummary } from '../sdk/planning/run-search-attributes';
import { StratumSearchAttributes } from '../sdk/protocol/search-attributes';
import type { StepLogger } from '../sdk/definitions/op-context';
import { SkipReason, type AnySensorDefinition, type RunRequest, type SensorEvaluationContext, type SensorResult } from '../sdk/automation/sensors/sensor-definition';
import { jobNameOf } from '../sdk/automation/sensors/sensor-target';
import { InvalidTriggerPayloadError, UnknownSensorError } from '../sdk/automation/sensors/sensor-errors';
import { SensorRunTags } from '../sdk/automation/sensors/sensor-run-tags';
import { triggerIdOf, type SensorEvaluationInput, type SensorEvaluationResult, type SensorRunRecord, type SensorTriggerOutcome } from '../sdk/protocol/sensor-state';
import { sensorNamed, sensorsOf } from '../sdk/automation/sensors/code-location-sensors';

/** Tag naming the run key a sensor started a run for. */
export const SENSOR_RUN_KEY_TAG = 'stratum/run-key';

/** A run request checked and planned, waiting for its run key to be reserved. */
interface PlannedRequest {
  outcome: SensorTriggerOutcome;
  runKey: string | null;
  plan: Plan;
  /** Set when the key was used before (by another evaluation, or earlier in this batch). */
  duplicateOf?: string;
}

/**
 * The activity that evaluates a sensor: runs the user's `evaluate` for each trigger of the batch
 * (threading the cursor through them), plans the runs it asks for, reserves their run keys in the
 * catalog (idempotent by evaluation id, so a retry gets the same answer), starts the runs (the
 * `materialize` workflow, started eagerly on this worker; a retry finds the runs it started by
 * their workflow ids) and stores the cursor.
 *
 * A payload failing the schema is `rejected`; invalid run requests and `NonRetryableError` make
 * the trigger `failed` at once; any other error fails the activity so Temporal retries it.
 */
export function createSensorActivities(deps: { definitions: Definitions; catalog: Catalog }) {
  return {
    async evaluateSensor(input: SensorEvaluationInput): Promise<SensorEvaluationResult> {
      const definition = sensorNamed(deps.definitions, input.sensor);
      if (!definition) {
        const error = new UnknownSensorError(input.sensor, sensorsOf(deps.definitions).map((s) => s.name));
        throw ApplicationFailure.nonRetryable(`${error.message} The worker's definitions do not have this sensor: deploy the same definitions to the worker, or stop the sensor.`, error.name);
      }
      const initialCursor = input.cursorKnown ? input.cursor : ((await deps.catalog.sensorCursor(input.sensor))?.cursor ?? null);
      let cursor = initialCursor;
      let partitionContext: PartitionContext | null = null;
      const planned: PlannedRequest[] = [];
      const outcomes: SensorTriggerOutcome[] = [];

      for (const trigger of input.triggers) {
        const outcome: SensorTriggerOutcome = { triggerId: triggerIdOf(trigger), outcome: 'skipped', runs: [], duplicates: [], skipReason: null, error: null };
        outcomes.push(outcome);
        let next = cursor;
        const ctx: SensorEvaluationContext = {
          sensorName: definition.name,
          cursor,
          updateCursor(value) {
            if (value !== null && typeof value !== 'string') throw new InvalidRunRequestError(`updateCursor takes a string or null, got ${typeof value}. Serialize structured cursors with JSON.stringify.`);
            next = value;
          },
          log: sensorLogger(definition.name, outcome.triggerId),
          now: new Date(),
          catalog: deps.catalog,
          definitions: deps.definitions,
        };
        let result: SensorResult;
        try {
          result = await definition.evaluate(ctx, trigger);
        } catch (error) {
          if (error instanceof InvalidTriggerPayloadError) {
            activityLog.warn(`Sensor "${definition.name}" rejected trigger ${outcome.triggerId}: ${error.message}`);
            Object.assign(outcome, { outcome: 'rejected', error: error.message });
            continue;
          }
          if (error instanceof NonRetryableError || isNonRetryable(error)) {
            Object.assign(outcome, { outcome: 'failed', error: `${(error as Error).name}: ${(error as Error).message}` });
            continue;
          }
          throw error; // retried by Temporal; after the last attempt the workflow records the trigger as failed
        }
        if (isSkipReason(result)) {
          outcome.skipReason = result.reason;
          cursor = next;
          continue;
        }
        if (!Array.isArray(result)) {
          Object.assign(outcome, { outcome: 'failed', error: `evaluate returned ${describe(result)}; return an array of run requests or skip(reason).` });
          continue;
        }
        if (result.length === 0) {
          outcome.skipReason = 'evaluate returned no run requests';
          cursor = next;
          continue;
        }
        try {
          partitionContext ??= await loadPartitionContext(deps.catalog, deps.definitions);
          const plans = result.map((request, i) => ({
            runKey: runKeyOf(request, i),
            plan: planRequest(deps.definitions, definition, request, i, partitionContext!, stableRunId(input.evaluationId, outcomes.length - 1, i)),
          }));
          for (const p of plans) planned.push({ outcome, ...p });
          outcome.outcome = 'requested';
          cursor = next;
        } catch (error) {
          if (!(error instanceof StratumError)) throw error;
          Object.assign(outcome, { outcome: 'failed', error: `${error.name}: ${error.message}` });
        }
      }

      await reserveRunKeys(deps.catalog, input, planned);
      const client = getClient();
      const { taskQueue } = activityInfo();
      for (const p of planned) {
        if (p.duplicateOf !== undefined) p.outcome.duplicates.push({ runKey: p.runKey!, runId: p.duplicateOf });
        else p.outcome.runs.push(await startRun({ client, catalog: deps.catalog, taskQueue, sensor: definition.name, evaluationId: input.evaluationId }, p));
      }
      for (const outcome of outcomes) {
        if (outcome.outcome === 'requested' && outcome.runs.length === 0) {
          outcome.outcome = 'skipped';
          outcome.skipReason = `run key${outcome.duplicates.length > 1 ? 's' : ''} already used: ${outcome.duplicates.map((d) => `"${d.runKey}" (run ${d.runId})`).join(', ')}`;
        }
      }
      if (cursor !== initialCursor) await deps.catalog.setSensorCursor(input.sensor, cursor);
      return { cursor, outcomes };
    },
  };
}

/** Reserves the keyed requests' run keys; a key repeated within the batch counts as used by its first request. */
async function reserveRunKeys(catalog: Catalog, input: SensorEvaluationInput, planned: PlannedRequest[]): Promise<void> {
  const firstByKey = new Map<string, PlannedRequest>();
  const repeats: PlannedRequest[] = [];
  for (const p of planned) {
    if (p.runKey === null) continue;
    if (firstByKey.has(p.runKey)) repeats.push(p);
    else firstByKey.set(p.runKey, p);
  }
  const keyed = [...firstByKey.values()];
  const reservations = await catalog.reserveSensorRunKeys({ sensor: input.sensor, evaluationId: input.evaluationId, keys: keyed.map((p) => ({ runKey: p.runKey!, runId: p.plan.runId })) });
  reservations.forEach((reservation, i) => {
    const p = keyed[i]!;
    if (reservation.reserved) p.plan.runId = reservation.runId; // a retried evaluation starts the run id it stored first
    else p.duplicateOf = reservation.runId;
  });
  for (const p of repeats) {
    const first = firstByKey.get(p.runKey!)!;
    p.duplicateOf = first.duplicateOf ?? first.plan.runId;
  }
}

/**
 * Starts a requested run as its own `materialize` workflow (so it outlives the sensor), eagerly on
 * this worker when it can. Its workflow id comes from the run id, so a retried evaluation finds the
 * run it already started instead of starting a second one. When starting fails and no such
 * workflow exists, the run key's reservation is given back before the error propagates (the
 * evaluation's retry reserves it again), so a start that never happened cannot use a key up.
 */
async function startRun(
  at: { client: Client; catalog: Catalog; taskQueue: string; sensor: string; evaluationId: string },
  p: PlannedRequest,
): Promise<SensorRunRecord> {
  const { client, taskQueue, sensor } = at;
  const workflowId = runWorkflowId(p.plan.label, p.plan.runId, p.plan.location);
  try {
    await client.workflow.start('materialize', {
      workflowId,
      taskQueue,
      args: [p.plan],
      staticSummary: `${runSummary(p.plan)} (sensor ${sensor}${p.runKey !== null ? `, run key ${p.runKey}` : ''})`,
      typedSearchAttributes: [...runSearchAttributes(p.plan), { key: StratumSearchAttributes.sensor, value: sensor }],
      requestEagerStart: true,
    });
    return { runId: p.plan.runId, workflowId, runKey: p.runKey, status: 'started' };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { runId: p.plan.runId, workflowId, runKey: p.runKey, status: 'already-started' };
    if (p.runKey !== null && !(await mayExist(client, workflowId))) {
      await at.catalog.releaseSensorRunKey({ sensor, runKey: p.runKey, evaluationId: at.evaluationId });
    }
    throw error;
  }
}

/** False only when Temporal says the workflow does not exist; any doubt (the server unreachable) counts as "may exist". */
async function mayExist(client: Client, workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (error) {
    return !(error instanceof WorkflowNotFoundError);
  }
}

/** A run id fixed by the evaluation, the trigger and the request: every attempt of the evaluation plans the same runs. */
function stableRunId(evaluationId: string, triggerIndex: number, requestIndex: number): string {
  const hex = createHash('sha256').update(`${evaluationId}/${triggerIndex}/${requestIndex}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function runKeyOf(request: RunRequest, index: number): string | null {
  const key = request.runKey ?? null;
  if (key !== null && (typeof key !== 'string' || key.length === 0)) {
    throw new InvalidRunRequestError(`run request ${index}: runKey must be a non-empty string or null, got ${JSON.stringify(key)}.`);
  }
  return key;
}

/** Plans one run request against the definitions: its target defaults to the sensor's. */
function planRequest(definitions: Definitions, sensor: AnySensorDefinition, request: RunRequest, index: number, partitionContext: PartitionContext, runId: string) {
  if (typeof request !== 'object' || request === null) throw new InvalidRunRequestError(`run request ${index} of sensor "${sensor.name}" is ${describe(request)}, not an object like { runKey, partitionKey }.`);
  if (request.job !== undefined && request.selection !== undefined) throw new InvalidRunRequestError(`run request ${index} of sensor "${sensor.name}" names both a job and a selection; give one.`);
  const target = request.job !== undefined ? { job: jobNameOf(request.job) } : request.selection !== undefined ? { selection: request.selection } : sensor.target;
  if (target === null) {
    throw new InvalidRunRequestError(`run request ${index} of sensor "${sensor.name}" names no job or selection, and the sensor has no default target. Add job or selection to the request or to the sensor.`);
  }
  const runKey = request.runKey ?? null;
  return createPlan(definitions, {
    ...target,
    partitionKey: request.partitionKey ?? null,
    config: request.config,
    tags: { [SensorRunTags.sensor]: sensor.name, ...(runKey !== null ? { [SENSOR_RUN_KEY_TAG]: runKey } : {}), ...(request.tags ?? {}) },
    runId,
    partitionContext,
  });
}

function isSkipReason(result: unknown): result is SkipReason {
  return result instanceof SkipReason || (typeof result === 'object' && result !== null && !Array.isArray(result) && typeof (result as SkipReason).reason === 'string');
}

function isNonRetryable(error: unknown): boolean {
  return error instanceof ApplicationFailure && error.nonRetryable === true;
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/** The logger a sensor's evaluation gets: Temporal's activity logger, with the sensor and trigger. */
function sensorLogger(sensor: string, triggerId: string): StepLogger {
  const write = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields: Record<string, unknown> = {}) =>
    activityLog[level](String(message), { ...fields, sensor, triggerId });
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
