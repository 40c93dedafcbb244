import { BasePartitionMapping, type MappedKeys, type PartitionedUpstream } from './base-partition-mapping';
import type { MappedPartitions, PartitionCardinality } from './partition-mapping';
import { timeWindowsCardinality } from './identity-mapping';
import { PartitionMappingError } from './partition-mapping-error';
import type { PartitionContext } from '../definition/partitions-definition';
import type { TimeWindowPartitionsDefinition } from '../definition/time-window-partitions';

/** The JSON form of {@link timeWindowMapping}. */
export interface TimeWindowMappingSpec {
  readonly kind: 'time-window';
  readonly startOffset: number;
  readonly endOffset: number;
}

/** Options of {@link timeWindowMapping}. */
export interface TimeWindowMappingOptions<TStart extends number = number, TEnd extends number = number> {
  /** Moves the start of the window read by this many downstream windows (-1: from the previous window). Default 0. */
  startOffset?: TStart;
  /** Moves the end of the window read by this many downstream windows (-1: up to the end of the previous window). Default 0. */
  endOffset?: TEnd;
}

/**
 * `'one'` when both offsets are the same literal (one window, at an offset), `'many'` otherwise.
 * Assumes upstream and downstream have the same cadence; `cardinalityFor` checks it.
 */
export type TimeWindowMappingCardinality<TStart extends number, TEnd extends number> = number extends TStart
  ? 'many'
  : number extends TEnd
    ? 'many'
    : [TStart] extends [TEnd]
      ? [TEnd] extends [TStart]
        ? 'one'
        : 'many'
      : 'many';

/**
 * Each downstream time window reads the upstream windows overlapping it, after shifting its
 * start and end by whole downstream windows (Dagster's `TimeWindowPartitionMapping`). Upstream
 * keys outside the upstream definition (before its start, not ended yet) are dropped and listed
 * in `missing`. Create it with {@link timeWindowMapping}.
 */
export class TimeWindowPartitionMapping<
  TCardinality extends PartitionCardinality = PartitionCardinality,
  TStart extends number = number,
  TEnd extends number = number,
> extends BasePartitionMapping<TCardinality> {
  readonly kind = 'time-window' as const;
  /** Type-only: the offsets, so an input at a non-zero offset is typed `T | null` (it can fall outside the upstream's partitions). */
  declare readonly _offsets?: readonly [TStart, TEnd];
  readonly cardinality: TCardinality;
  readonly spec: TimeWindowMappingSpec;
  readonly startOffset: number;
  readonly endOffset: number;
  /**
   * True when an asset can read its own earlier partitions through this mapping: every window
   * read ends before the downstream window starts (`endOffset < 0`), so there is no cycle.
   */
  readonly selfDependentSafe: boolean;

  /** Use {@link timeWindowMapping}. */
  constructor(options: TimeWindowMappingOptions = {}) {
    super();
    const startOffset = options.startOffset ?? 0;
    const endOffset = options.endOffset ?? 0;
    for (const [name, value] of [['startOffset', startOffset], ['endOffset', endOffset]] as const) {
      if (!Number.isInteger(value)) throw new PartitionMappingError(`timeWindowMapping: ${name} must be an integer number of windows, got ${JSON.stringify(value)}.`);
    }
    if (startOffset > endOffset) {
      throw new PartitionMappingError(
        `timeWindowMapping: startOffset (${startOffset}) is after endOffset (${endOffset}), so no window would be read; did you swap them? E.g. { startOffset: -7, endOffset: -1 } reads the 7 previous windows.`,
      );
    }
    this.startOffset = startOffset;
    this.endOffset = endOffset;
    this.selfDependentSafe = endOffset < 0;
    this.cardinality = (startOffset === endOffset ? 'one' : 'many') as TCardinality;
    this.spec = { kind: 'time-window', startOffset, endOffset };
  }

  validateFor({ upstream, downstream }: MappedPartitions): void {
    if (upstream === null) return;
    if (upstream.kind !== 'time-window' || downstream?.kind !== 'time-window') {
      const multi = upstream.kind === 'multi' || downstream?.kind === 'multi';
      throw new PartitionMappingError(
        `timeWindowMapping() maps time-window partitions onto time-window partitions, not ${downstream ? downstream.describe() : 'an unpartitioned asset'} onto ${upstream.describe()}. ${
          multi ? 'For multi partitions use dimensionMapping({ <time dimension>: timeWindowMapping(...) }).' : 'Use allPartitionsMapping() or lastPartitionMapping() instead.'
        }`,
      );
    }
  }

  override cardinalityFor({ upstream, downstream }: MappedPartitions): PartitionCardinality {
    if (upstream?.kind === 'time-window' && downstream?.kind === 'time-window') {
      return this.startOffset === this.endOffset ? timeWindowsCardinality(upstream, downstream) : 'many';
    }
    return this.cardinality;
  }

  protected map(downstreamKey: string | null, defs: PartitionedUpstream, ctx: PartitionContext): MappedKeys {
    const upstream = defs.upstream as TimeWindowPartitionsDefinition;
    const downstream = defs.downstream as TimeWindowPartitionsDefinition;
    const index = downstream.keyIndex(downstreamKey!);
    const start = downstream.windowAt(index + this.startOffset).start;
    const end = downstream.windowAt(index + this.endOffset).end;
    return upstream.keysOverlapping({ start, end }, ctx);
  }

  describe(): string {
    if (this.startOffset === 0 && this.endOffset === 0) return 'time window (overlapping windows)';
    if (this.startOffset === this.endOffset) return `time window offset by ${this.startOffset} window${Math.abs(this.startOffset) === 1 ? '' : 's'}`;
    return `time window from offset ${this.startOffset} to offset ${this.endOffset}`;
  }
}

/**
 * Reads the upstream time windows overlapping the downstream window, shifted by whole
 * downstream windows. With equal literal offsets the op gets one value, otherwise a record by
 * partition key. An asset may read its own earlier partitions when `endOffset < 0`.
 *
 * @example
 * timeWindowMapping({ startOffset: -1, endOffset: -1 }) // yesterday's partition (cardinality 'one')
 * timeWindowMapping({ startOffset: -6 })                // the last 7 days including today ('many')
 * timeWindowMapping()                                   // overlapping windows, e.g. a day's 24 hours
 */
export function timeWindowMapping<const TStart extends number = 0, const TEnd extends number = 0>(
  options: TimeWindowMappingOptions<TStart, TEnd> = {},
): TimeWindowPartitionMapping<TimeWindowMappingCardinality<TStart, TEnd>, TStart, TEnd> {
  return new TimeWindowPartitionMapping(options);
}
