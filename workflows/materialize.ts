import {
  ApplicationFailure,
  CancellationScope,
  condition,
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
} from '../sdk/protocol/plan';
import { activityTypeProblem } from '../sdk/protocol/temporal-limits';
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
}) as unknown as { [RUN_ACTIVITY.startRun]: RunActivities['startRun']; [RUN_ACTIVITY.finishRun]: RunActivities['finishRun'] };

/**
 * Runs a {@link Plan}: each step as one activity whose type is the step key, started as soon as
 * the steps it depends on succeed, at most `plan.maxConcurrent` at a time. A failed step skips
 * its downstream steps while independent steps go on; the run fails at the end with the
 * {@link RunResult} in the failure's details. Cancelling the workflow cancels running steps.
 */
export async function materialize(plan: Plan): Promise<RunResult> {
  const startedAt = Date.now();
  const { workflowId } = workflowInfo();
  const outcomes = new Map<string, StepOutcome>();
  const running = new Set<string>();
  let changed = false;
  const byKey = new Map(plan.steps.map((s) => [s.key, s]));
  // Only plans that notify sensors send signals: older plans replay exactly as before.
  const notifier = plan.notify ? new SensorNotifier(plan, plan.notify, workflowId) : null;
  setHandler(defineQuery<RunProgress>(RUN_PROGRESS_QUERY), () => ({
    total: plan.steps.length,
    running: [...running],
    finished: [...outcomes.values()],
  }));
  await runActivities[RUN_ACTIVITY.startRun]({ plan, workflowId, startedAt });

  const settle = (outcome: StepOutcome) => {
    outcomes.set(outcome.key, outcome);
    running.delete(outcome.key);
    changed = true;
    setCurrentDetails(progressLine(plan, outcomes, running));
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
    activity({ runId: plan.runId, workflowId, step, backfillId: plan.backfillId }).then(
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

  const schedule = () => {
    let progressed = true;
    while (progressed) {
      progressed = false;
      for (const step of plan.steps) {
        if (outcomes.has(step.key) || running.has(step.key)) continue;
        const blockers = step.dependsOn.filter((d) => {
          const status = outcomes.get(d)?.status;
          return status !== undefined && status !== 'succeeded';
        });
        if (blockers.length > 0) {
          settle(skipped(step, blockers, byKey));
          progressed = true;
          continue;
        }
        const ready = step.dependsOn.every((d) => outcomes.get(d)?.status === 'succeeded');
        if (ready && running.size < plan.maxConcurrent) launch(step);
      }
    }
  };

  try {
    while (outcomes.size < plan.steps.length) {
      schedule();
      if (outcomes.size === plan.steps.length) break;
      changed = false;
      await condition(() => changed);
    }
  } catch (error) {
    if (!isCancellation(error)) throw error;
    await CancellationScope.nonCancellable(async () => {
      await condition(() => running.size === 0);
      for (const step of plan.steps) {
        if (!outcomes.has(step.key)) settle({ ...skipped(step, [], byKey), status: 'canceled', skippedBecause: undefined });
      }
      const canceled = resultOf(plan, 'canceled', startedAt, outcomes);
      await runActivities[RUN_ACTIVITY.finishRun](canceled);
      if (notifier) {
        notifier.finished(canceled);
        await notifier.drain();
      }
    });
    throw error;
  }

  const failed = plan.steps.filter((s) => outcomes.get(s.key)!.status !== 'succeeded');
  const result = resultOf(plan, failed.length === 0 ? 'succeeded' : 'failed', startedAt, outcomes);
  await runActivities[RUN_ACTIVITY.finishRun](result);
  if (notifier) {
    notifier.finished(result);
    await notifier.drain();
  }
  if (failed.length > 0) {
    const failedSteps = result.steps.filter((s) => s.status === 'failed');
    const skippedCount = result.steps.filter((s) => s.status === 'skipped').length;
    throw ApplicationFailure.nonRetryable(
      `Run ${plan.runId} failed: ${failedSteps.map((s) => `${s.key} (${s.error})`).join('; ')}${skippedCount ? `; ${skippedCount} downstream step${skippedCount > 1 ? 's' : ''} skipped` : ''}`,
      RUN_FAILED_ERROR_TYPE,
      result,
    );
  }
  return result;
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

function resultOf(plan: Plan, status: RunResult['status'], startedAt: number, outcomes: Map<string, StepOutcome>): RunResult {
  return {
    runId: plan.runId,
    label: plan.label,
    status,
    partitionKey: plan.partitionKey,
    partitionRange: plan.partitionRange,
    startedAt,
    endedAt: Date.now(),
    steps: plan.steps.map((s) => outcomes.get(s.key)!),
  };
}

function progressLine(plan: Plan, outcomes: Map<string, StepOutcome>, running: Set<string>): string {
  const count = (status: string) => [...outcomes.values()].filter((o) => o.status === status).length;
  return `${count('succeeded')}/${plan.steps.length} steps succeeded, ${running.size} running, ${count('failed')} failed, ${count('skipped')} skipped`;
}
