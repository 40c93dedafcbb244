/**
 * How the `materialize` workflow calls one step: a regular activity on the run's task queue (the
 * default), or a local activity in the worker that runs the workflow (`execution: 'local'` on the
 * plan step). Both call the same function, registered once by the worker under the step's key.
 */
import { ActivityCancellationType, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { PlanStep, StepActivityInput, StepActivityResult } from '../sdk/protocol/plan';

/** The function that runs one step: call it with the step's input; it resolves with the step's result. */
export type StepActivity = (input: StepActivityInput) => Promise<StepActivityResult>;

/**
 * Retries of a local step shorter than this wait inside the workflow task; longer backoffs wait
 * on a durable timer (a new workflow task), so a sleeping retry never holds a workflow task.
 */
const LOCAL_RETRY_THRESHOLD = '10s';

/**
 * The activity function for `step`, with the step's retry policy and timeouts. A regular step
 * heartbeats (a lost worker is noticed after `heartbeatTimeoutMs`); a local step runs inside the
 * workflow task of the worker that runs the workflow, bounded by `timeoutMs` alone: when that
 * worker dies, the workflow task times out and the next worker replays the run and runs the step
 * again. Cancelling the run cancels a running local step too, once the workflow task that runs it
 * is reported (core reports it at the latest at 80 % of the workflow task timeout, about 8 s).
 */
export function stepActivity(step: PlanStep): StepActivity {
  const retry = {
    maximumAttempts: step.retry.maximumAttempts,
    initialInterval: step.retry.initialIntervalMs,
    backoffCoefficient: step.retry.backoffCoefficient,
    maximumInterval: step.retry.maximumIntervalMs,
    nonRetryableErrorTypes: step.retry.nonRetryableErrorTypes,
  };
  if (step.execution === 'local') {
    return proxyLocalActivities({
      startToCloseTimeout: step.timeoutMs,
      retry,
      localRetryThreshold: LOCAL_RETRY_THRESHOLD,
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      summary: step.summary,
    })[step.key] as StepActivity;
  }
  return proxyActivities({
    startToCloseTimeout: step.timeoutMs,
    heartbeatTimeout: step.heartbeatTimeoutMs,
    retry,
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    summary: step.summary,
  })[step.key] as StepActivity;
}
