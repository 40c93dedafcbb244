import type { WorkflowHandle } from '@temporalio/client';
import { RUN_PROGRESS_QUERY, type RunProgress, type RunResult, type StepOutcome } from '../sdk/protocol/plan';
import { checkStepDetail } from './check-results-output';
import { formatDuration, interactive, log } from './output';
import { awaitRunResult, RunFailedError } from '../client/stratum-client';

const MARK: Record<StepOutcome['status'], string> = { succeeded: '✓', failed: '✗', skipped: '-', canceled: '⊘' };

/** One stderr line for a finished step. */
export function stepLine(step: StepOutcome): string {
  const detail = step.status === 'succeeded' ? formatDuration(step.durationMs) : `${step.status}${step.error ? `: ${step.error}` : ''}`;
  const check = checkStepDetail(step);
  if (check !== null) return `  ${check === 'passed' ? MARK.succeeded : '!'} ${step.key}  ${check}, ${detail}`;
  return `  ${MARK[step.status]} ${step.key}  ${detail}`;
}

/**
 * Waits for a run while printing each step as it finishes (stderr), from the workflow's
 * progress query. Resolves with the result; a failed run resolves too (status `failed`).
 */
export async function watchRun(handle: WorkflowHandle, options: { quiet?: boolean } = {}): Promise<RunResult> {
  const printed = new Set<string>();
  let done = false;
  const print = (steps: StepOutcome[]) => {
    for (const step of steps) {
      if (printed.has(step.key)) continue;
      printed.add(step.key);
      if (!options.quiet) log(stepLine(step));
    }
  };
  const poll = (async () => {
    while (!done) {
      try {
        const progress = await handle.query<RunProgress>(RUN_PROGRESS_QUERY);
        print(progress.finished);
        if (interactive() && !options.quiet && progress.running.length > 0) {
          process.stderr.write(`  … running ${progress.running.join(', ')}\r`);
        }
      } catch {
        // The workflow may not have started its first task yet, or has just finished.
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  try {
    const result = await awaitRunResult(handle);
    print(result.steps);
    return result;
  } catch (error) {
    if (error instanceof RunFailedError && error.result) {
      print(error.result.steps);
      return error.result;
    }
    throw error;
  } finally {
    done = true;
    await poll;
  }
}

/** Link to a workflow in the Temporal web UI. */
export function workflowUrl(uiUrl: string | null, namespace: string, workflowId: string): string | null {
  return uiUrl ? `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}` : null;
}
