import { ServiceError } from '@temporalio/client';
import { StartRefusedError } from '../sdk/errors';

/** gRPC status names by code, for messages. */
const GRPC_STATUS = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];

/**
 * The server's reason behind a client error: the gRPC `details` of its cause (what the server
 * said, e.g. `search attribute StratumPartition value size 10002 exceeds size limit 2048`), else
 * the cause's message, else the error's own message.
 */
export function serverReason(error: unknown): { reason: string; status: string | null } {
  const cause = (error as { cause?: unknown })?.cause ?? error;
  const grpc = cause as { details?: unknown; code?: unknown; message?: unknown };
  const status = typeof grpc?.code === 'number' ? (GRPC_STATUS[grpc.code] ?? `gRPC status ${grpc.code}`) : null;
  if (typeof grpc?.details === 'string' && grpc.details.trim() !== '') return { reason: grpc.details.trim(), status };
  if (typeof grpc?.message === 'string' && grpc.message.trim() !== '') return { reason: grpc.message.replace(/^\d+ [A-Z_]+: /, '').trim(), status };
  return { reason: error instanceof Error ? error.message : String(error), status };
}

/**
 * Runs `start` (a workflow start, a schedule create…) and turns a `ServiceError` from the server
 * (`Failed to start Workflow`, whose reason hides in its cause) into a {@link StartRefusedError}
 * whose message carries the server's reason. Other errors (e.g. `WorkflowExecutionAlreadyStartedError`)
 * pass through unchanged.
 *
 * @example
 * await withStartRefusal(`run workflow ${workflowId}`, () => client.workflow.start('materialize', options));
 */
export async function withStartRefusal<T>(what: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (error instanceof ServiceError) {
      const { reason, status } = serverReason(error);
      throw new StartRefusedError(what, reason, status, { cause: error });
    }
    throw error;
  }
}
