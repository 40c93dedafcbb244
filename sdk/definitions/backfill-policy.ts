import { InvalidDefinitionError } from '../errors';

/**
 * How a backfill groups an asset's partitions into runs (Dagster's BackfillPolicy):
 * one run per partition (the default), one run for the whole range, or runs of at most
 * `maxPartitionsPerRun` partitions. In a range run the op sees `ctx.partitionKeyRange`.
 */
export type BackfillPolicy =
  | { readonly kind: 'multi-run'; readonly maxPartitionsPerRun: number }
  | { readonly kind: 'single-run' };

/** One run materializes every partition of the backfill. */
export function singleRunBackfill(): BackfillPolicy {
  return { kind: 'single-run' };
}

/** Each run materializes at most `maxPartitionsPerRun` consecutive partitions (1 = one run per partition). */
export function multiRunBackfill(maxPartitionsPerRun = 1): BackfillPolicy {
  if (!Number.isInteger(maxPartitionsPerRun) || maxPartitionsPerRun < 1) {
    throw new InvalidDefinitionError(`multiRunBackfill(maxPartitionsPerRun) needs a whole number >= 1, got ${maxPartitionsPerRun}.`);
  }
  return { kind: 'multi-run', maxPartitionsPerRun };
}
