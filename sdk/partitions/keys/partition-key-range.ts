import { PartitionKeyError } from './partition-key-error';

/**
 * An inclusive range of partition keys, `from` to `to` in the definition's order (for
 * two-dimensional partitions: the box spanned by both corners, see `MultiPartitionsDefinition`).
 */
export interface PartitionKeyRange {
  readonly from: string;
  readonly to: string;
}

/** Separator of a range written as text: `2024-01-01...2024-01-31`. */
export const PARTITION_KEY_RANGE_SEPARATOR = '...';

/**
 * A range as text: `from...to`, or the single key when `from === to`. This is the form the CLI
 * takes and the `StratumPartition` search attribute shows for range runs.
 *
 * @example
 * describePartitionKeyRange({ from: '2024-01-01', to: '2024-01-31' }); // '2024-01-01...2024-01-31'
 */
export function describePartitionKeyRange(range: PartitionKeyRange): string {
  return range.from === range.to ? range.from : `${range.from}${PARTITION_KEY_RANGE_SEPARATOR}${range.to}`;
}

/**
 * Reads `from...to` (or a single key, a range of one) back into a {@link PartitionKeyRange}.
 * Does not check the keys against a definition: use `definition.keysInRange` for that.
 *
 * @example
 * parsePartitionKeyRange('2024-01-01...2024-01-31'); // { from: '2024-01-01', to: '2024-01-31' }
 */
export function parsePartitionKeyRange(text: string): PartitionKeyRange {
  const parts = text.split(PARTITION_KEY_RANGE_SEPARATOR);
  if (parts.length === 1 && parts[0] !== '') return { from: text, to: text };
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw new PartitionKeyError(
      text,
      'format',
      `"${text}" is not a partition key range: write FROM${PARTITION_KEY_RANGE_SEPARATOR}TO with both ends, e.g. 2024-01-01${PARTITION_KEY_RANGE_SEPARATOR}2024-01-31.`,
    );
  }
  return { from: parts[0]!, to: parts[1]! };
}
