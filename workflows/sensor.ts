import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { SENSOR, type AssetMaterializedEvent, type RunStatusEvent, type SensorSettings, type SensorTrigger, type TriggerPayload } from '../sdk/protocol/sensor-contract';
import {
  DEFAULT_EVALUATION_TIMEOUT_MS,
  SENSOR_EVALUATE_ACTIVITY,
  SENSOR_EVALUATIONS_KEPT,
  SENSOR_MAX_BATCH,
  triggerIdOf,
  type SensorCarriedState,
  type SensorEvaluationInput,
  type SensorEvaluationRecord,
  type SensorEvaluationResult,
  type SensorStateView,
  type SensorTriggerAnswer,
  type SensorWorkflowInput,
} from '../sdk/protocol/sensor-state';
import { describeStepFailure } from './step-failure';

const DEFAULT_EVALUATIONS_PER_RUN = 500;

/**
 * A sensor: one long-running workflow per sensor (`stratum/sensor/<name>`). Triggers arrive as
 * signals (payloads, asset materializations, run outcomes) or an update (a payload whose sender
 * waits for the outcome), and as polling ticks on a durable timer. Queued triggers are evaluated
 * in order, in batches, by a LOCAL activity (user code with a timeout and retries, run on this
 * worker inside the workflow task: no task-queue round trip) that plans the requested runs,
 * reserves their run keys in the catalog and starts them as their own `materialize` workflows
 * (eagerly, on the same worker), so they outlive the sensor and cost its history nothing. One
 * workflow task per trigger. Continues-as-new every `evaluationsPerRun` evaluations or when
 * Temporal suggests it, carrying queue, cursor, counters and the latest evaluations. A stop
 * signal finishes the queued evaluations, then completes.
 */
export async function sensor(input: SensorWorkflowInput): Promise<SensorStateView> {
  const state: SensorCarriedState = input.state ?? {
    queue: [],
    cursor: null,
    cursorKnown: false,
    evaluations: [],
    counters: { evaluations: 0, runsStarted: 0, duplicates: 0, skipped: 0, rejected: 0, failed: 0, dropped: 0 },
    startedAt: Date.now(),
    workflowRuns: 0,
    nextTickAt: input.everyMs !== null ? Date.now() + input.everyMs : null,
  };
  state.workflowRuns += 1;
  const perRun = input.evaluationsPerRun ?? DEFAULT_EVALUATIONS_PER_RUN;
  // Made per evaluation (a proxy sends nothing), so a new timeout from `stratum deploy` applies at once.
  const evaluate = (evaluation: SensorEvaluationInput) =>
    (
      proxyLocalActivities({
        startToCloseTimeout: input.evaluationTimeoutMs ?? DEFAULT_EVALUATION_TIMEOUT_MS,
        retry: { maximumAttempts: input.evaluationAttempts ?? 3, initialInterval: '1s', backoffCoefficient: 2, nonRetryableErrorTypes: ['UnknownSensorError'] },
      })[SENSOR_EVALUATE_ACTIVITY] as (input: SensorEvaluationInput) => Promise<SensorEvaluationResult>
    )(evaluation);

  let stopRequested = false;
  /** Set by the configure signal: the wait for the next tick starts over with the new interval. */
  let reconfigured = false;
  let evaluationsThisRun = 0;
  /** Answers for update senders, by trigger id. */
  const answers = new Map<string, SensorTriggerAnswer>();
  const awaited = new Set<string>();

  const view = (status?: SensorStateView['status']): SensorStateView => ({
    name: input.name,
    status: status ?? (stopRequested ? 'stopping' : 'running'),
    cursor: state.cursor,
    everyMs: input.everyMs,
    evaluationTimeoutMs: input.evaluationTimeoutMs ?? DEFAULT_EVALUATION_TIMEOUT_MS,
    nextTickAt: state.nextTickAt,
    queued: state.queue.length,
    counters: { ...state.counters },
    evaluations: state.evaluations,
    startedAt: state.startedAt,
    workflowRuns: state.workflowRuns,
  });
  const report = () => {
    const c = state.counters;
    setCurrentDetails(`${stopRequested ? 'stopping' : 'running'}: ${c.evaluations} evaluations, ${c.runsStarted} runs started, ${c.skipped} skipped, ${c.duplicates} duplicate run keys, ${c.rejected} rejected, ${c.failed} failed`);
  };

  const enqueue = (trigger: SensorTrigger): boolean => {
    if (stopRequested) {
      state.counters.dropped += 1;
      return false;
    }
    state.queue.push(trigger);
    return true;
  };
  setHandler(defineSignal<[TriggerPayload]>(SENSOR.triggerSignal), (t) => {
    enqueue({ kind: 'payload', triggerId: t?.triggerId ?? uuid4(), payload: t?.payload, receivedAt: Date.now() });
  });
  setHandler(defineSignal<[AssetMaterializedEvent]>(SENSOR.assetMaterializedSignal), (event) => {
    enqueue({ kind: 'asset-materialized', event });
  });
  setHandler(defineSignal<[RunStatusEvent]>(SENSOR.runStatusSignal), (event) => {
    enqueue({ kind: 'run-status', event });
  });
  setHandler(defineSignal(SENSOR.stopSignal), () => {
    stopRequested = true;
  });
  // New settings from the code (`stratum deploy`): kept in `input`, so continue-as-new carries them.
  setHandler(defineSignal<[SensorSettings]>(SENSOR.configureSignal), (settings) => {
    if (settings.everyMs !== input.everyMs) state.nextTickAt = settings.everyMs !== null ? Date.now() + settings.everyMs : null;
    input.everyMs = settings.everyMs;
    input.evaluationTimeoutMs = settings.evaluationTimeoutMs;
    reconfigured = true;
  });
  setHandler(defineQuery<SensorStateView>(SENSOR.stateQuery), () => view());
  setHandler(
    defineUpdate<SensorTriggerAnswer, [TriggerPayload]>(SENSOR.triggerUpdate),
    async (t) => {
      const triggerId = t.triggerId ?? uuid4();
      awaited.add(triggerId);
      enqueue({ kind: 'payload', triggerId, payload: t.payload, receivedAt: Date.now() });
      await condition(() => answers.has(triggerId));
      const answer = answers.get(triggerId)!;
      answers.delete(triggerId);
      awaited.delete(triggerId);
      return answer;
    },
    {
      validator: (t) => {
        if (stopRequested) throw ApplicationFailure.nonRetryable(`Sensor "${input.name}" is stopping; start it again (stratum sensor start ${input.name}) and resend.`, 'SensorNotRunningError');
        if (typeof t !== 'object' || t === null || !('payload' in t)) throw ApplicationFailure.nonRetryable('A sensor trigger is { payload, triggerId? }.', 'InvalidTriggerPayloadError');
        if (t.triggerId !== undefined && awaited.has(t.triggerId)) throw ApplicationFailure.nonRetryable(`Trigger id "${t.triggerId}" is already waiting for its evaluation.`, 'InvalidTriggerPayloadError');
      },
    },
  );

  const record = (entry: SensorEvaluationRecord) => {
    state.evaluations.push(entry);
    if (state.evaluations.length > SENSOR_EVALUATIONS_KEPT) state.evaluations.splice(0, state.evaluations.length - SENSOR_EVALUATIONS_KEPT);
    state.counters.evaluations += 1;
    if (entry.outcome === 'skipped') state.counters.skipped += 1;
    else if (entry.outcome === 'rejected') state.counters.rejected += 1;
    else if (entry.outcome === 'failed') state.counters.failed += 1;
    state.counters.duplicates += entry.duplicates.length;
    if (awaited.has(entry.triggerId)) {
      const { triggerId, outcome, runs, duplicates, skipReason, error } = entry;
      answers.set(entry.triggerId, { triggerId, outcome, runs, duplicates, skipReason, error });
    }
  };

  const evaluateBatch = async (batch: SensorTrigger[]): Promise<void> => {
    let result: SensorEvaluationResult;
    try {
      result = await evaluate({ sensor: input.name, evaluationId: uuid4(), triggers: batch, cursor: state.cursor, cursorKnown: state.cursorKnown });
    } catch (error) {
      if (batch.length > 1) {
        // Find the trigger that fails: evaluate the batch one by one (its cursor threading is kept).
        for (const trigger of batch) await evaluateBatch([trigger]);
        return;
      }
      record({ triggerId: triggerIdOf(batch[0]!), trigger: batch[0]!.kind, at: Date.now(), outcome: 'failed', runs: [], duplicates: [], skipReason: null, error: describeStepFailure(error) });
      return;
    }
    state.cursor = result.cursor;
    state.cursorKnown = true;
    result.outcomes.forEach((outcome, i) => {
      state.counters.runsStarted += outcome.runs.length;
      record({ triggerId: outcome.triggerId, trigger: batch[i]!.kind, at: Date.now(), outcome: outcome.outcome, runs: outcome.runs, duplicates: outcome.duplicates, skipReason: outcome.skipReason, error: outcome.error });
    });
  };

  const timeToContinueAsNew = () => evaluationsThisRun >= perRun || workflowInfo().continueAsNewSuggested;
  const readyToContinueAsNew = () => timeToContinueAsNew() && allHandlersFinished();

  report();
  for (;;) {
    if (state.queue.length === 0) {
      if (stopRequested) break;
      reconfigured = false;
      const tickIn = state.nextTickAt !== null ? Math.max(1, state.nextTickAt - Date.now()) : undefined;
      const wake = () => state.queue.length > 0 || stopRequested || reconfigured || readyToContinueAsNew();
      const woke = await (tickIn === undefined ? condition(wake).then(() => true) : condition(wake, tickIn));
      if (!woke && state.nextTickAt !== null && !stopRequested) {
        state.queue.push({ kind: 'tick', at: state.nextTickAt });
        state.nextTickAt = Date.now() + input.everyMs!;
      }
    }
    if (readyToContinueAsNew() && !stopRequested) {
      await continueAsNew<typeof sensor>({ ...input, state });
    }
    if (state.queue.length === 0) continue;
    const batch = state.queue.splice(0, SENSOR_MAX_BATCH);
    evaluationsThisRun += batch.length;
    await evaluateBatch(batch);
    report();
  }

  await condition(allHandlersFinished);
  const final = view('stopped');
  setCurrentDetails(`stopped: ${final.counters.evaluations} evaluations, ${final.counters.runsStarted} runs started`);
  return final;
}
