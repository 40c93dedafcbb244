import { DefinitionError } from '../../errors';

/**
 * A partition mapping that cannot map between the upstream and downstream definitions it is
 * used with (e.g. a time-window mapping between static partitions), or invalid mapping options.
 * Raised while definitions load; the message says which mapping fits instead.
 */
export class PartitionMappingError extends DefinitionError {
  readonly code = 'STRATUM_INVALID_PARTITION_MAPPING';
}
