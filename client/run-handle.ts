import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { StratumError } from '../sdk/errors';
import { RUN_FAILED_ERROR_TYPE, type Plan, type RunResult } from '../sdk/protocol/plan';
import { followWorkflow, type FollowWorkflowOptions } from './follow-workflow';

/** A run that finished with failed steps; `result` has every step's status. */
export class RunFailedError extends StratumError {
  readonly code = 'STRATUM_RUN_FAILED';
  constructor(readonly result: RunResult | null, message: string) {
    super(message);
  }
}

/** A started run: its plan and the Temporal handle of its workflow. */
export interface RunHandle {
  plan: Plan;
  /** `stratum/run/<label>/<runId>`. */
  workflowId: string;
  handle: WorkflowHandle;
  /** Waits for the run; resolves with its result, rejects with {@link RunFailedError}. */
  result(): Promise<RunResult>;
  /** Asks the run to stop: running steps are cancelled, the run ends `canceled` (the catalog records it). */
  cancel(): Promise<void>;
}

/** A {@link RunHandle} over a run's workflow handle. */
export function runHandle(plan: Plan, handle: WorkflowHandle): RunHandle {
  return {
    plan,
    workflowId: handle.workflowId,
    handle,
    result: () => awaitRunResult(handle),
    cancel: async () => {
      await handle.cancel();
    },
  };
}

/**
 * Waits for a run's workflow and turns a failed run into {@link RunFailedError} with its result.
 * The wait follows the run through a server outage (saying so once, up to `STRATUM_SERVER_WAIT`,
 * default 5 minutes) and says when no worker picks the run up within a few seconds; see
 * {@link followWorkflow}.
 *
 * @throws TemporalServerLostError when the server stays unreachable for longer than the bound.
 */
export async function awaitRunResult(handle: WorkflowHandle, options: FollowWorkflowOptions = {}): Promise<RunResult> {
  try {
    return (await followWorkflow(handle, () => handle.result(), { what: `run ${handle.workflowId}`, ...options })) as RunResult;
  } catch (error) {
    if (error instanceof WorkflowFailedError) {
      const cause = error.cause;
      if (cause instanceof ApplicationFailure && cause.type === RUN_FAILED_ERROR_TYPE) {
        throw new RunFailedError((cause.details?.[0] as RunResult) ?? null, cause.message);
      }
      throw new RunFailedError(null, `Run ${handle.workflowId} failed: ${deepestMessage(error)}`);
    }
    throw error;
  }
}

/** The message of the innermost cause: what actually went wrong, not "Activity task failed". */
function deepestMessage(error: Error): string {
  let current: Error = error;
  while (current.cause instanceof Error) current = current.cause;
  return current.message;
}
