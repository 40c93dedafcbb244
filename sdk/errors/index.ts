/**
 * Stratum's errors by family; see {@link StratumError}. Every class has a stable `code`.
 */
export { StratumError } from './stratum-error';
export { DefinitionError, DuplicateKeyError, MissingUpstreamError, AssetCycleError, UnknownResourceError, InvalidConfigSchemaError, InvalidDefinitionError, InvalidScheduleError, NameOverLimitError } from './definition-errors';
export { InvalidRequestError, UnknownSelectionError, SelectionSyntaxError, ConfigValidationError, InvalidRunRequestError, UnknownScheduleError, RequestOverLimitError, StartRefusedError } from './request-errors';
export { StratumInvariantError, UnknownStepError, MissingInputError } from './runtime-errors';
export { UserCodeError, OutputValidationError, NonRetryableError, AssetCheckFailedError, InvalidCheckResultError } from './user-code-errors';
