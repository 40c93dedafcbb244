import { InvalidRequestError, StratumError } from '../../sdk/errors';

/** `valueOf` asked for an asset (or partition) that the run did not materialize. */
export class ValueNotMaterializedError extends InvalidRequestError {
  readonly code = 'STRATUM_TEST_VALUE_NOT_MATERIALIZED';
}

/** The IO manager could not load a value the run stored; `cause` is its error. */
export class ValueLoadError extends StratumError {
  readonly code = 'STRATUM_TEST_VALUE_LOAD_FAILED';
}

/** `buildAssetContext` was given options that do not fit the asset (missing resources, partition key). */
export class InvalidTestContextError extends InvalidRequestError {
  readonly code = 'STRATUM_TEST_CONTEXT_INVALID';
}

/** The test environment was used after `teardown()`. */
export class TestEnvironmentClosedError extends StratumError {
  readonly code = 'STRATUM_TEST_ENVIRONMENT_CLOSED';
  constructor() {
    super(
      'This Stratum test environment was torn down; create a new one with createStratumTestEnvironment() ' +
        '(in beforeAll) and tear it down once, in afterAll.',
    );
  }
}
