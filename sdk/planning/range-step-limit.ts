/**
 * How many partitions one step over a partition range may cover: such a step returns one record
 * per asset and partition in its activity result, which Temporal refuses past its payload limit,
 * after the step has done all its work. `materialize --from/--to` past the limit is refused
 * before anything starts; a backfill splits such a range into child runs of at most the limit.
 */
import type { Definitions } from '../definitions/definitions';
import type { StepSpec } from '../definitions/step-spec';
import type { PlanPartitionRange } from '../protocol/plan';
import { formatBytes, RANGE_STEP_RESULT, rangeStepBytesPerPartition, TEMPORAL_LIMITS, utf8Length, type RangeStepShape } from '../protocol/temporal-limits';

/** The partition limit of one range step and the per-partition estimate behind it. */
export interface RangeStepLimit {
  /** The most partitions one step may cover (at least 1). */
  readonly maxPartitions: number;
  /** Estimated result bytes per partition (the largest of the step's and its assets' check steps'). */
  readonly bytesPerPartition: number;
}

/**
 * The partition limit of a range step of `spec`, whose range's longest key has
 * `partitionKeyBytes` bytes; the check steps of its assets (which follow its range) count too.
 */
export function rangeStepLimit(defs: Definitions, spec: StepSpec, partitionKeyBytes: number): RangeStepLimit {
  const shapes: RangeStepShape[] = [{ assetKeys: spec.assetKeys, upstreamAssetKeys: upstreamAssetKeys(defs, spec), partitionKeyBytes }];
  for (const assetKey of spec.assetKeys) {
    for (const check of defs.checksOf(assetKey)) shapes.push({ assetKeys: [], upstreamAssetKeys: [], check: { assetKey, name: check.name }, partitionKeyBytes });
  }
  const bytesPerPartition = Math.max(1, ...shapes.map(rangeStepBytesPerPartition));
  return { maxPartitions: Math.max(1, Math.floor(RANGE_STEP_RESULT.budgetBytes / bytesPerPartition)), bytesPerPartition };
}

/** The longest of `keys` in UTF-8 bytes. */
export function longestKeyBytes(keys: readonly string[]): number {
  let longest = 0;
  for (const key of keys) longest = Math.max(longest, utf8Length(key));
  return longest;
}

/**
 * Why one step of `spec` cannot cover `partitionCount` partitions of `range`, or null when it can.
 * The message names the asset, the range's size, the limit and the fixes.
 */
export function rangeStepProblem(spec: StepSpec, range: PlanPartitionRange, partitionCount: number, limit: RangeStepLimit): string | null {
  if (partitionCount <= limit.maxPartitions) return null;
  const payload = TEMPORAL_LIMITS.payload;
  return (
    `${spec.owner} would materialize ${count(partitionCount)} partitions (${range.from}...${range.to}) in one step, whose result lists every partition ` +
    `(~${limit.bytesPerPartition} B each, ~${formatBytes(partitionCount * limit.bytesPerPartition)}); one step may cover at most ${count(limit.maxPartitions)} partitions ` +
    `to stay under Temporal's payload limit of ${formatBytes(payload.bytes)} (${payload.setting}) with a safety margin, or it would fail after doing all its work. ` +
    `Materialize a smaller range (at most ${count(limit.maxPartitions)} partitions per --from/--to), or start a backfill of the range (stratum backfill), ` +
    `which runs it in child runs of at most ${count(limit.maxPartitions)} partitions (set the asset's backfillPolicy to multiRunBackfill(${limit.maxPartitions}) or less to choose the size)`
  );
}

/** Asset keys a step reads or depends on: one `inputDataVersions` entry each in every record it returns. */
function upstreamAssetKeys(defs: Definitions, spec: StepSpec): string[] {
  const keys = new Set<string>();
  for (const source of Object.values(spec.inputs)) {
    if (source.kind === 'asset') keys.add(source.assetKey);
    else for (const key of defs.steps.get(source.stepKey)?.assetKeys ?? []) keys.add(key);
  }
  for (const dep of spec.deps) keys.add(dep.assetKey);
  return [...keys];
}

function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
