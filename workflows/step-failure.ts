import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';

/** A one-line description of why a step's activity failed, for run results and the catalog. */
export function describeStepFailure(error: unknown): string {
  let cause: unknown = error instanceof ActivityFailure ? error.cause ?? error : error;
  if (cause instanceof TimeoutFailure) {
    return `timed out (${String(cause.timeoutType).includes('HEARTBEAT') ? 'no heartbeat: the worker running it was lost' : String(cause.timeoutType).toLowerCase().replace(/_/g, ' ')})`;
  }
  if (cause instanceof ApplicationFailure) {
    return `${cause.type ?? 'Error'}: ${cause.message}`;
  }
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

