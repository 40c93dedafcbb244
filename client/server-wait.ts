import { isGrpcServiceError } from '@temporalio/client';
import { durationToMs, type Duration } from '../sdk/definitions/duration';
import { StratumError } from '../sdk/errors';

/**
 * How long a client keeps following a run (or backfill) while the Temporal server does not answer.
 * A run lives in the server, not in the client: a server restart or a network cut does not stop it,
 * so the client waits for the server to come back (capped exponential backoff) and then reports
 * the run's true outcome, up to this bound.
 */

/** Outage bound when neither the option nor `STRATUM_SERVER_WAIT` says otherwise. */
export const DEFAULT_SERVER_WAIT: Duration = '5m';

/** The environment variable that sets the bound: a duration such as `'10m'`, or milliseconds; `0` does not wait. */
export const SERVER_WAIT_ENV = 'STRATUM_SERVER_WAIT';

/** First pause before calling the server again; it doubles after each failure up to {@link MAX_RETRY_BACKOFF_MS}. */
export const INITIAL_RETRY_BACKOFF_MS = 500;
/** Longest pause between two calls during an outage. */
export const MAX_RETRY_BACKOFF_MS = 5_000;

/**
 * The outage bound in ms: `option` when given, else `STRATUM_SERVER_WAIT`, else {@link DEFAULT_SERVER_WAIT}.
 *
 * @example
 * serverWaitMs(undefined, { STRATUM_SERVER_WAIT: '30s' }); // 30000
 */
export function serverWaitMs(option?: Duration, env: NodeJS.ProcessEnv = process.env): number {
  if (option !== undefined) return durationToMs(option, 'serverWait');
  const fromEnv = env[SERVER_WAIT_ENV]?.trim();
  if (fromEnv) return /^\d+$/.test(fromEnv) ? Number(fromEnv) : durationToMs(fromEnv as Duration, SERVER_WAIT_ENV);
  return durationToMs(DEFAULT_SERVER_WAIT, 'serverWait');
}

/** The pause before attempt `attempt` (0-based) of a call that failed because the server was unreachable. */
export function retryBackoffMs(attempt: number): number {
  return Math.min(MAX_RETRY_BACKOFF_MS, INITIAL_RETRY_BACKOFF_MS * 2 ** Math.max(0, attempt));
}

const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
const CONNECTION_ERROR = /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|No connection established|Connection dropped|failed to connect/i;

/**
 * Whether `error` (or one of its causes) says the server could not be reached or did not answer
 * in time (gRPC UNAVAILABLE or DEADLINE_EXCEEDED, a refused or dropped connection), as opposed to
 * an answer such as "not found" or "invalid argument", which waiting would not change.
 */
export function isServerUnreachable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth += 1) {
    if (isGrpcServiceError(current)) return current.code === GRPC_UNAVAILABLE || current.code === GRPC_DEADLINE_EXCEEDED;
    const code = (current as { code?: unknown }).code;
    if (code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED) return true;
    if (current instanceof Error && CONNECTION_ERROR.test(current.message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The Temporal server stayed unreachable for longer than the bound while a client followed a run. */
export class TemporalServerLostError extends StratumError {
  /** Stable error code. */
  readonly code = 'STRATUM_TEMPORAL_SERVER_LOST';

  constructor(
    readonly address: string,
    readonly what: string,
    readonly waitedMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      `[STRATUM_TEMPORAL_SERVER_LOST] The Temporal server at ${address} did not answer for ${Math.round(waitedMs / 1000)} s while following ${what}. ` +
        `The ${what.startsWith('backfill') ? 'backfill' : 'run'} lives in the server and may still go on: check it once the server is back ` +
        `(\`stratum runs show\`, \`stratum backfill status\` or the web UI). To wait longer, set ${SERVER_WAIT_ENV} (e.g. ${SERVER_WAIT_ENV}=15m).`,
      options,
    );
    this.name = 'TemporalServerLostError';
  }
}
