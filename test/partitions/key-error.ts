import { PartitionKeyError } from '../../sdk/partitions';

/** The PartitionKeyError `fn` throws; any other outcome fails the test. */
export function keyError(fn: () => unknown): PartitionKeyError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PartitionKeyError) return error;
    throw error;
  }
  throw new Error('expected a PartitionKeyError');
}
