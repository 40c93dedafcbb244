import { StratumError } from './stratum-error';

/** Run-time errors that are not the user code's: Stratum's own invariants, worker and client out of sync, inputs never materialized. */

/** Something Stratum itself got wrong at run time. Please report it. */
export class StratumInvariantError extends StratumError {
  readonly code = 'STRATUM_INVARIANT';
}

/** A plan names steps the worker's definitions do not have (worker and client out of sync). */
export class UnknownStepError extends StratumError {
  readonly code = 'STRATUM_UNKNOWN_STEP';
  constructor(readonly stepKeys: string[], known: string[]) {
    super(
      `This worker does not know step${stepKeys.length > 1 ? 's' : ''} ${stepKeys.map((k) => `"${k}"`).join(', ')} (it knows ${known.length} steps${known.length ? `: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}` : ''}). Deploy the same definitions to the worker as to the client that planned the run, then run again.`,
    );
  }
}

/** An input value could not be loaded: the upstream asset has never been materialized. */
export class MissingInputError extends StratumError {
  readonly code = 'STRATUM_MISSING_INPUT';
}
