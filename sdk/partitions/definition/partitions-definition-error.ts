import { DefinitionError } from '../../errors';

/**
 * Invalid options given to a partitions factory (`dailyPartitions`, `staticPartitions`,
 * `multiPartitions`…), raised while definitions load. The message names the option and the fix.
 *
 * @example
 * dailyPartitions({ start: '2024-01-01', hourOffset: 25 });
 * // PartitionsDefinitionError: dailyPartitions: hourOffset must be an integer from 0 to 23, got 25.
 */
export class PartitionsDefinitionError extends DefinitionError {
  readonly code = 'STRATUM_INVALID_PARTITIONS_DEFINITION';
}
