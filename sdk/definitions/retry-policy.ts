import { durationToMs, type Duration } from './duration';
import { InvalidDefinitionError } from '../errors';

/**
 * How a step is retried, mapped one-to-one onto Temporal's activity RetryPolicy.
 * Timeouts (including a worker that died mid-step) count as attempts.
 */
export interface RetryPolicy {
  /** Total attempts, the first included. Default 3; 1 means never retry. */
  maximumAttempts?: number;
  /** Wait before the first retry. Default `'1s'`. */
  initialInterval?: Duration;
  /** Multiplier for each later wait. Default 2. */
  backoffCoefficient?: number;
  /** Longest wait between attempts. Default `'1m'`. */
  maximumInterval?: Duration;
  /** Error class names (`err.name`) that are never retried. */
  nonRetryableErrorTypes?: string[];
}

/** A retry policy in plain JSON, as it travels in a plan. */
export interface ResolvedRetryPolicy {
  maximumAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  nonRetryableErrorTypes: string[];
}

/** Error types no retry can fix: bad output, missing inputs, the user's explicit marker, unknown steps. */
export const ALWAYS_NON_RETRYABLE = [
  'NonRetryableError',
  'OutputValidationError',
  'MissingInputError',
  'ConfigValidationError',
  'UnknownStepError',
  'NotFoundError',
] as const;

/** Fills defaults and validates a {@link RetryPolicy}, naming the exact option that is wrong. */
export function resolveRetryPolicy(policy: RetryPolicy | undefined, owner: string): ResolvedRetryPolicy {
  const maximumAttempts = policy?.maximumAttempts ?? 3;
  if (!Number.isInteger(maximumAttempts) || maximumAttempts < 1) {
    throw new InvalidDefinitionError(`${owner}: retry.maximumAttempts must be a whole number >= 1, got ${maximumAttempts}.`);
  }
  const backoffCoefficient = policy?.backoffCoefficient ?? 2;
  if (!(backoffCoefficient >= 1)) {
    throw new InvalidDefinitionError(`${owner}: retry.backoffCoefficient must be >= 1, got ${backoffCoefficient}.`);
  }
  const initialIntervalMs = durationToMs(policy?.initialInterval ?? '1s', `${owner}: retry.initialInterval`);
  if (initialIntervalMs === 0) throw new InvalidDefinitionError(`${owner}: retry.initialInterval cannot be 0.`);
  const maximumIntervalMs = durationToMs(policy?.maximumInterval ?? '1m', `${owner}: retry.maximumInterval`);
  return {
    maximumAttempts,
    initialIntervalMs,
    backoffCoefficient,
    maximumIntervalMs: Math.max(maximumIntervalMs, initialIntervalMs),
    nonRetryableErrorTypes: [...new Set([...ALWAYS_NON_RETRYABLE, ...(policy?.nonRetryableErrorTypes ?? [])])],
  };
}
