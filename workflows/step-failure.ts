import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';

/** A one-line description of why a step's activity failed, for run results and the catalog. */
export function describeStepFailure(error: unknown): string {
  let cause: unknown = error instanceof ActivityFailure ? error.cause ?? error : error;
  if (cause instanceof TimeoutFailure) {
    return `timed out (${String(cause.timeoutType).includes('HEARTBEAT') ? 'no heartbeat: the worker running it was lost' : String(cause.timeoutType).toLowerCase().replace(/_/g, ' ')})`;
  }
  if (cause instanceof ApplicationFailure) {
    const described = `${cause.type ?? 'Error'}: ${cause.message}`;
    return `${described}${causeNotIn(described, cause.cause)}`;
  }
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

/**
 * ` (cause: …)` with the deepest message of the failure's cause chain that `described` does not
 * already say (a user's `new Error('…', { cause })`), or '' when there is none.
 */
function causeNotIn(described: string, cause: unknown): string {
  let deepest: string | null = null;
  for (let depth = 0; cause instanceof Error && depth < 10; depth += 1, cause = cause.cause) {
    if (cause.message && !described.includes(cause.message)) deepest = cause.message;
  }
  return deepest === null ? '' : ` (cause: ${deepest})`;
}

