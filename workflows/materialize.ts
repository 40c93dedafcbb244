import {
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  isCancellation,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { RunActivities } from '../activities/run-activities';
import {
  RUN_ACTIVITY,
  RUN_FAILED_ERROR_TYPE,
  RUN_PROGRESS_QUERY,
  type RunProgress,
  type Plan,
  type PlanStep,
  type RunResult,
  type StepOutcome,
  type StepStatus,
} from '../sdk/protocol/plan';
import {
  compactRunResult,
  isPlanReference,
  listedOutcomes,
  RECORD_RUN_STEPS_ACTIVITY,
  RUN_CONTINUE_AS_NEW_BYTES,
  RUN_CONTINUE_AS_NEW_EVENTS,
  STATUS_CHAR,
  statusOfChar,
  type PlanReference,
  withoutSucceededSteps,
} from '../sdk/protocol/plan-reference';
import { stepActivityInput } from '../sdk/protocol/step-activity-input';
import { activityTypeProblem } from '../sdk/protocol/temporal-limits';
import { loadPlan } from './load-plan';
import { ReadySteps } from './ready-steps';
import { SensorNotifier } from './sensor-notifier';
import { describeStepFailure } from './step-failure';
import { stepActivity } from './step-activity';

/**
 * Run bookkeeping runs as local activities: inside the workflow task, on the worker that runs the
 * workflow, with no task-queue round trip. A run's steps stay regular activities.
 */
const runActivities = proxyLocalActivities<Record<string, (...args: any[]) => Promise<any>>>({
  startToCloseTimeout: '1m',
  retry: { maximumAttempts: 10, initialInterval: '500ms', nonRetryableErrorTypes: ['UnknownStepError'] },
}) as unknown as {
  [RUN_ACTIVITY.startRun]: RunActivities['startRun'];
  [RUN_ACTIVITY.finishRun]: RunActivities['finishRun'];
  [RECORD_RUN_STEPS_ACTIVITY]: RunActivities['recordRunSteps'];
};

/** Failed steps named in a failed run's message (the result lists more; the catalog has all). */
const NAMED_FAILURES = 10;

/**
 * Runs a {@link Plan}: each step as one activity whose type is the step key, started as soon as
 * the steps it depends on succeed, at most `plan.maxConcurrent` at a time. A failed step skips
 * its downstream steps while independent steps go on; the run fails at the end with the
 * {@link RunResult} in the failure's details. Cancelling the workflow cancels running steps.
 *
 * Given a {@link PlanReference} instead (a plan too large for a workflow input, stored in the
 * catalog), it fetches the plan first and continues-as-new before its history nears Temporal's
 * limits: it stops launching, waits for its running steps, records their outcomes in the catalog
 * and carries one status character per step into the next workflow run. A result too large for
 * Temporal is returned compact (`RunResult.summary`), and a backfill's child run returns only the
 * steps that did not succeed.
 * See ARCHITECTURE.md, "Large plans".
 */
export async function materialize(input: Plan | PlanReference): Promise<RunResult> {
  const ref = isPlanReference(input) ? input : null;
  const plan = ref === null ? (input as Plan) : await loadPlan(ref);
  const continuation = ref?.continuation ?? null;
  const startedAt = continuation?.startedAt ?? Date.now();
  const { workflowId } = workflowInfo();
  const outcomes = new Map<string, StepOutcome>();
  const running = new Set<string>();
  let changed = false;
  const byKey = new Map(plan.steps.map((s) => [s.key, s]));
  const position = new Map(plan.steps.map((s, i) => [s.key, i]));
  /** Statuses settled by earlier workflow runs of this run (continue-as-new), by plan position. */
  const earlier: (StepStatus | null)[] = continuation ? [...continuation.statuses].map(statusOfChar) : [];
  const statusOf = (key: string): StepStatus | undefined => outcomes.get(key)?.status ?? (continuation ? earlier[position.get(key) ?? -1] ?? undefined : undefined);
  const counts = { succeeded: 0, failed: 0, skipped: 0, canceled: 0 };
  for (const status of earlier) if (status !== null) counts[status] += 1;
  let settledCount = counts.succeeded + counts.failed + counts.skipped + counts.canceled;
  // Only plans that notify sensors send signals: older plans replay exactly as before.
  const notifier = plan.notify ? new SensorNotifier(plan, plan.notify, workflowId) : null;
  setHandler(defineQuery<RunProgress>(RUN_PROGRESS_QUERY), () => ({
    total: plan.steps.length,
    running: [...running],
    finished: [...outcomes.values()],
  }));
  // startRun reads the step keys only: the whole plan would cross to the activity and back for nothing.
  if (continuation === null) await runActivities[RUN_ACTIVITY.startRun]({ plan: { ...plan, steps: plan.steps.map((s) => ({ key: s.key })) }, workflowId, startedAt });

  // Scheduling state, updated as steps settle (a full scan per settled step is quadratic in the plan).
  const dependents = new Map<string, string[]>();
  const waitingFor = new Map<string, number>();
  const ready = new ReadySteps();
  /** Steps with a dependency that settled without succeeding: skipped by the next `schedule()` unless settled. */
  const blockedCandidates: string[] = [];
  for (const [i, step] of plan.steps.entries()) {
    if (statusOf(step.key) !== undefined) continue;
    let waiting = 0;
    for (const d of step.dependsOn) {
      const status = statusOf(d);
      if (status === 'succeeded') continue;
      if (status !== undefined) blockedCandidates.push(step.key);
      waiting += 1;
      const list = dependents.get(d);
      if (list) list.push(step.key);
      else dependents.set(d, [step.key]);
    }
    waitingFor.set(step.key, waiting);
    if (waiting === 0) ready.push(i);
  }

  const settle = (outcome: StepOutcome) => {
    outcomes.set(outcome.key, outcome);
    running.delete(outcome.key);
    changed = true;
    counts[outcome.status] += 1;
    settledCount += 1;
    for (const dependent of dependents.get(outcome.key) ?? []) {
      if (outcome.status !== 'succeeded') blockedCandidates.push(dependent);
      else {
        const left = waitingFor.get(dependent)! - 1;
        waitingFor.set(dependent, left);
        if (left === 0) ready.push(position.get(dependent)!);
      }
    }
    setCurrentDetails(progressLine(plan.steps.length, counts, running.size));
  };

  const launch = (step: PlanStep) => {
    running.add(step.key);
    const launchedAt = Date.now();
    // A command the server refuses fails every workflow task of the run, forever: fail the step instead.
    const unschedulable = activityTypeProblem(step.key);
    if (unschedulable !== null) {
      settle({
        key: step.key,
        status: 'failed',
        assetKeys: step.assetKeys,
        startedAt: launchedAt,
        endedAt: launchedAt,
        durationMs: 0,
        attempts: 0,
        error: `StepNotSchedulable: step ${step.key.length > 80 ? `${step.key.slice(0, 77)}...` : step.key} cannot run: ${unschedulable}`,
        materializations: [],
      });
      return;
    }
    const activity = stepActivity(step);
    activity(stepActivityInput(plan.runId, step)).then(
      (result) => {
        notifier?.materialized(step.key, result.materializations);
        settle({
          key: step.key,
          status: 'succeeded',
          assetKeys: step.assetKeys,
          startedAt: result.startedAt,
          endedAt: result.endedAt,
          durationMs: result.endedAt - result.startedAt,
          attempts: result.attempt,
          error: null,
          materializations: result.materializations,
          ...(result.checks ? { checks: result.checks } : {}),
        });
      },
      (error) =>
        settle({
          key: step.key,
          status: isCancellation(error) ? 'canceled' : 'failed',
          assetKeys: step.assetKeys,
          startedAt: launchedAt,
          endedAt: Date.now(),
          durationMs: Date.now() - launchedAt,
          attempts: step.retry.maximumAttempts,
          error: describeStepFailure(error),
          materializations: [],
        }),
    );
  };

  /** Set once a run by reference should continue-as-new: no step is launched any more. */
  let draining = false;
  const continueAfterEvents = ref?.continueAsNewAfterEvents ?? RUN_CONTINUE_AS_NEW_EVENTS;
  const timeToContinue = () => {
    if (ref === null || outcomes.size === 0) return false;
    const info = workflowInfo();
    return info.historyLength >= continueAfterEvents || (info.historySize ?? 0) >= RUN_CONTINUE_AS_NEW_BYTES;
  };

  /** Skips the steps a failure blocks (transitively), then launches ready steps in plan order, up to `maxConcurrent` running. */
  const schedule = () => {
    for (;;) {
      while (blockedCandidates.length > 0) {
        const key = blockedCandidates.pop()!;
        if (outcomes.has(key) || running.has(key) || (continuation && earlier[position.get(key)!] !== null)) continue;
        const step = byKey.get(key)!;
        const blockers = step.dependsOn.filter((d) => {
          const status = statusOf(d);
          return status !== undefined && status !== 'succeeded';
        });
        if (blockers.length > 0) settle(skipped(step, blockers, byKey));
      }
      if (draining || running.size >= plan.maxConcurrent || ready.size === 0) return;
      const step = plan.steps[ready.pop()!]!;
      if (!outcomes.has(step.key) && !running.has(step.key)) launch(step);
    }
  };

  /** This workflow run's outcomes with their plan positions (without materializations: the catalog has them). */
  const settledHere = () =>
    [...outcomes.values()].map((outcome) => ({ position: position.get(outcome.key)!, outcome: bookkeepingOutcome(outcome) }));
  const recordSettled = () =>
    runActivities[RECORD_RUN_STEPS_ACTIVITY]({ runId: plan.runId, partitionKey: plan.partitionKey, partitionRange: plan.partitionRange, endedAt: Date.now(), steps: settledHere() });

  /** Ends the run: records it in the catalog, tells the sensors, and returns what travels back through Temporal. */
  const finish = async (status: RunResult['status']): Promise<RunResult> => {
    const result = resultOf(plan, status, startedAt, outcomes);
    if (continuation === null) await runActivities[RUN_ACTIVITY.finishRun](withoutMaterializations(result));
    else {
      await recordSettled();
      await runActivities[RUN_ACTIVITY.finishRun](result, { stepsRecorded: true });
    }
    if (notifier) {
      notifier.finished(result);
      await notifier.drain();
    }
    // A backfill's child returns only the steps that did not succeed: its parent reads nothing else (the catalog has every step).
    if (ref === null) return plan.backfillId !== null ? withoutSucceededSteps(compactRunResult(result)) : compactRunResult(result);
    // A run by reference returns compact results; one that continued-as-new lists earlier failures from its continuation.
    const steps = continuation === null ? result.steps : listedOutcomes([...continuation.listed, ...result.steps].sort((a, b) => position.get(a.key)! - position.get(b.key)!));
    return compactRunResult({ ...result, steps }, { force: true, counts: { ...counts } });
  };

  try {
    while (settledCount < plan.steps.length) {
      if (!draining && timeToContinue()) draining = true;
      schedule();
      if (settledCount === plan.steps.length) break;
      if (draining && running.size === 0) {
        if (notifier) await notifier.drain();
        await recordSettled();
        const statuses = plan.steps.map((s) => {
          const status = statusOf(s.key);
          return status === undefined ? '.' : STATUS_CHAR[status];
        });
        const listed = listedOutcomes([...(continuation?.listed ?? []), ...resultOf(plan, 'failed', startedAt, outcomes).steps]);
        await continueAsNew<typeof materialize>({ ...ref!, continuation: { segment: (continuation?.segment ?? 0) + 1, startedAt, statuses: statuses.join(''), listed } });
      }
      changed = false;
      await condition(() => changed);
    }
  } catch (error) {
    if (!isCancellation(error)) throw error;
    await CancellationScope.nonCancellable(async () => {
      await condition(() => running.size === 0);
      for (const step of plan.steps) {
        if (statusOf(step.key) === undefined) settle({ ...skipped(step, [], byKey), status: 'canceled', skippedBecause: undefined });
      }
      await finish('canceled');
    });
    throw error;
  }

  const anyFailed = counts.failed + counts.skipped + counts.canceled > 0;
  const result = await finish(anyFailed ? 'failed' : 'succeeded');
  if (anyFailed) {
    const failedSteps = result.steps.filter((s) => s.status === 'failed');
    const named = failedSteps.slice(0, NAMED_FAILURES).map((s) => `${s.key} (${s.error})`);
    if (counts.failed > named.length) named.push(`${counts.failed - named.length} more failed step${counts.failed - named.length > 1 ? 's' : ''}`);
    const skippedCount = counts.skipped;
    throw ApplicationFailure.nonRetryable(
      `Run ${plan.runId} failed: ${named.join('; ')}${skippedCount ? `; ${skippedCount} downstream step${skippedCount > 1 ? 's' : ''} skipped` : ''}`,
      RUN_FAILED_ERROR_TYPE,
      result,
    );
  }
  return result;
}

/** A step's outcome as run bookkeeping reads it: without its materializations and check results, which the step recorded itself. */
function bookkeepingOutcome({ checks: _checks, ...outcome }: StepOutcome): StepOutcome {
  return { ...outcome, materializations: [] };
}

/** `result` as `finishRun` reads it (see {@link bookkeepingOutcome}). */
function withoutMaterializations(result: RunResult): RunResult {
  return { ...result, steps: result.steps.map(bookkeepingOutcome) };
}

function skipped(step: PlanStep, blockers: string[], byKey: Map<string, PlanStep>): StepOutcome {
  return {
    key: step.key,
    status: 'skipped',
    assetKeys: step.assetKeys,
    startedAt: null,
    endedAt: null,
    durationMs: null,
    attempts: 0,
    error: blockers.length ? `upstream step${blockers.length > 1 ? 's' : ''} ${blockers.filter((b) => byKey.has(b)).join(', ')} did not succeed` : null,
    skippedBecause: blockers,
    materializations: [],
  };
}

/** The run's result from the outcomes settled in this workflow run, in plan order (a run that continued-as-new has the others in the catalog). */
function resultOf(plan: Plan, status: RunResult['status'], startedAt: number, outcomes: Map<string, StepOutcome>): RunResult {
  return {
    runId: plan.runId,
    label: plan.label,
    status,
    partitionKey: plan.partitionKey,
    partitionRange: plan.partitionRange,
    startedAt,
    endedAt: Date.now(),
    steps: plan.steps.flatMap((s) => outcomes.get(s.key) ?? []),
  };
}

function progressLine(total: number, counts: Record<StepStatus, number>, running: number): string {
  return `${counts.succeeded}/${total} steps succeeded, ${running} running, ${counts.failed} failed, ${counts.skipped} skipped`;
}
