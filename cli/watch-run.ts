import type { WorkflowHandle } from '@temporalio/client';
import { RUN_PROGRESS_QUERY, type RunProgress, type RunResult, type StepOutcome } from '../sdk/protocol/plan';
import { checkStepDetail } from './check-results-output';
import { formatDuration, interactive } from './output';
import { awaitRunResult, RunFailedError } from '../client/stratum-client';

const MARK: Record<StepOutcome['status'], string> = { succeeded: '✓', failed: '✗', skipped: '-', canceled: '⊘' };

/** One stderr line for a finished step. */
export function stepLine(step: StepOutcome): string {
  const detail = step.status === 'succeeded' ? formatDuration(step.durationMs) : `${step.status}${step.error ? `: ${step.error}` : ''}`;
  const check = checkStepDetail(step);
  if (check !== null) return `  ${check === 'passed' ? MARK.succeeded : '!'} ${step.key}  ${check}, ${detail}`;
  return `  ${MARK[step.status]} ${step.key}  ${detail}`;
}

/** Where {@link watchRun} and {@link watchBackfill} write: stderr, redrawing a live line on a terminal. */
export interface LiveOutput {
  /** Progress goes nowhere (for `--json`). */
  quiet?: boolean;
  /** Redraw a live line in place (default: stderr is a terminal and not CI). */
  tty?: boolean;
  /** Where text goes (default: stderr). */
  write?: (text: string) => void;
}

/** Erases the current terminal line and returns to its start. */
export const CLEAR_LINE = '\r\x1b[K';

/**
 * The live line of a run on a terminal: `  … running a, b`, cut to `columns` so it never wraps
 * (a wrapped line cannot be erased by {@link CLEAR_LINE}).
 */
export function runningLine(running: readonly string[], columns = 80): string {
  const line = `  … running ${running.join(', ')}`;
  const max = Math.max(20, columns - 1);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * What to write for finished step lines: on a terminal the live line is erased first, so a
 * step line never shows the tail of a longer running line (`passed, 8 msrts/sales_report`).
 */
export function stepLinesOutput(lines: readonly string[], tty: boolean): string {
  if (lines.length === 0) return '';
  return `${tty ? CLEAR_LINE : ''}${lines.map((l) => `${l}\n`).join('')}`;
}

/**
 * Waits for a run while printing each step as it finishes (stderr), from the workflow's
 * progress query; on a terminal, the steps running are shown on a live line, erased before
 * each step line and at the end. Resolves with the result; a failed run resolves too (status `failed`).
 */
export async function watchRun(handle: WorkflowHandle, options: LiveOutput = {}): Promise<RunResult> {
  const tty = options.tty ?? interactive();
  const write = options.write ?? ((text: string) => void process.stderr.write(text));
  const printed = new Set<string>();
  let live = false;
  let done = false;
  const print = (steps: StepOutcome[]) => {
    const lines: string[] = [];
    for (const step of steps) {
      if (printed.has(step.key)) continue;
      printed.add(step.key);
      lines.push(stepLine(step));
    }
    if (options.quiet || lines.length === 0) return;
    write(stepLinesOutput(lines, tty && live));
    live = false;
  };
  const clearLive = () => {
    if (live) write(CLEAR_LINE);
    live = false;
  };
  const poll = (async () => {
    while (!done) {
      try {
        const progress = await handle.query<RunProgress>(RUN_PROGRESS_QUERY);
        if (done) break;
        print(progress.finished);
        if (tty && !options.quiet) {
          if (progress.running.length > 0) {
            write(`${CLEAR_LINE}${runningLine(progress.running, process.stderr.columns || 80)}`);
            live = true;
          } else clearLive();
        }
      } catch {
        // The workflow may not have started its first task yet, or has just finished.
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  const finish = async () => {
    done = true;
    await poll;
    clearLive();
  };
  try {
    const result = await awaitRunResult(handle);
    await finish();
    print(result.steps);
    return result;
  } catch (error) {
    await finish();
    if (error instanceof RunFailedError && error.result) {
      print(error.result.steps);
      return error.result;
    }
    throw error;
  }
}

/** Link to a workflow in the Temporal web UI. */
export function workflowUrl(uiUrl: string | null, namespace: string, workflowId: string): string | null {
  return uiUrl ? `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}` : null;
}
