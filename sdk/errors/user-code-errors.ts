import { StratumError } from './stratum-error';

/** User-code errors: an op, observe or check function failed, returned a wrong value, or asked not to be retried. */

/**
 * The user's function for a step threw. Carries the step, asset and partition so the failure can
 * be found; the original error is the `cause`.
 */
export class UserCodeError extends StratumError {
  readonly code = 'STRATUM_USER_CODE';
  constructor(
    readonly where: { stepKey: string; assetKeys: string[]; partitionKey: string | null },
    cause: unknown,
  ) {
    super(
      `Step "${where.stepKey}"${where.partitionKey !== null ? ` (partition ${where.partitionKey})` : ''} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/** An op returned a value that fails its `output` schema. Not retried. */
export class OutputValidationError extends StratumError {
  readonly code = 'STRATUM_INVALID_OUTPUT';
  constructor(readonly stepKey: string, readonly outputName: string, readonly problems: { path: string; message: string }[]) {
    super(
      `Step "${stepKey}" returned an output "${outputName}" that fails its schema:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}\nFix the op so it returns data matching its output schema, or change the schema.`,
    );
  }
}

/**
 * Throw this from an op to fail its step without retries (Temporal's non-retryable failure,
 * Inngest's `NonRetriableError`).
 *
 * @example
 * if (!response.ok) throw new NonRetryableError(`bad request: ${response.status}`);
 */
export class NonRetryableError extends StratumError {
  readonly code = 'STRATUM_NON_RETRYABLE';
}

/**
 * A blocking asset check of severity `error` failed: its step fails (never retried), the asset's
 * downstream steps are skipped and the run fails. The message names the check and says why.
 */
export class AssetCheckFailedError extends StratumError {
  readonly code = 'STRATUM_ASSET_CHECK_FAILED';
  constructor(
    readonly check: { assetKey: string; checkName: string },
    readonly failures: { partitionKey: string | null; description: string | null; metadata: Record<string, unknown> }[],
  ) {
    super(
      `Blocking check "${check.checkName}" of asset "${check.assetKey}" failed${failures
        .map((f) => `${f.partitionKey !== null ? ` for partition ${f.partitionKey}` : ''}: ${f.description ?? 'no description'}${Object.keys(f.metadata).length ? ` ${JSON.stringify(f.metadata)}` : ''}`)
        .join(';')}. Downstream steps were skipped. Fix the data (or the check) and materialize again.`,
    );
  }
}

/** A check function returned something other than a boolean or `{ passed: boolean, ... }`. */
export class InvalidCheckResultError extends StratumError {
  readonly code = 'STRATUM_INVALID_CHECK_RESULT';
}
