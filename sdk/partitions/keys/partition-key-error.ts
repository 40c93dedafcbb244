import { InvalidRequestError } from '../../errors';

/**
 * Why a partition key (or range) was refused:
 * - `format`: the key does not read as a key of the definition (wrong format, unknown dimension value…);
 * - `not-a-window-start`: a time that parses but is not the start of a window (e.g. a Tuesday for weekly partitions);
 * - `out-of-range`: a well-formed key outside the partitions that exist at `now` (before the start, after the end, not yet);
 * - `unknown-value`: not one of a static or dynamic definition's keys;
 * - `range-reversed`: a range whose `from` comes after its `to`.
 */
export const PartitionKeyProblem = {
  format: 'format',
  notAWindowStart: 'not-a-window-start',
  outOfRange: 'out-of-range',
  unknownValue: 'unknown-value',
  rangeReversed: 'range-reversed',
} as const;
/** @see {@link PartitionKeyProblem} */
export type PartitionKeyProblem = (typeof PartitionKeyProblem)[keyof typeof PartitionKeyProblem];

/**
 * A partition key or key range that is not part of a partitions definition. The message names
 * the valid keys (a range, or the values, truncated when long) and how to fix the request.
 *
 * @example
 * try { daily.validateKey('2023-12-31', { now }) } catch (e) {
 *   if (e instanceof PartitionKeyError) console.error(e.code, e.problem, e.message);
 * }
 */
export class PartitionKeyError extends InvalidRequestError {
  readonly code = 'STRATUM_INVALID_PARTITION_KEY';

  constructor(
    /** The key that was refused (for a reversed range, `from...to`). */
    readonly key: string,
    /** What kind of problem it is, stable for programs. */
    readonly problem: PartitionKeyProblem,
    message: string,
  ) {
    super(message);
  }
}
