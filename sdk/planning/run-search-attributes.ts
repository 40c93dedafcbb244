/**
 * How a run appears in the Temporal web UI: its search attributes and one-line summary. Pure:
 * used by the client and by workflows that start runs (sensors).
 */
import type { Plan } from '../protocol/plan';
import { fitKeywordList, locationSearchAttributes, partitionSearchAttributes, StratumSearchAttributes } from '../protocol/search-attributes';

/**
 * The search attributes of a run, so it can be filtered in the Temporal UI; a range run is found
 * by a filter on any partition inside it (see {@link partitionSearchAttributes}).
 */
export function runSearchAttributes(plan: Plan) {
  return [
    { key: StratumSearchAttributes.kind, value: 'run' },
    { key: StratumSearchAttributes.assetKeys, value: fitKeywordList(plan.assetKeys) },
    { key: StratumSearchAttributes.job, value: plan.job ?? plan.label },
    ...partitionSearchAttributes(plan.partitionKey, plan.partitionRange),
    ...(plan.backfillId ? [{ key: StratumSearchAttributes.backfillId, value: plan.backfillId }] : []),
    ...locationSearchAttributes(plan.location),
  ] as any;
}

/** One line for the Temporal UI: what the run materializes. */
export function runSummary(plan: Plan): string {
  const partition = plan.partitionKey ?? (plan.partitionRange ? `${plan.partitionRange.from}...${plan.partitionRange.to}` : null);
  const what = plan.job
    ? `Job ${plan.job}`
    : `Materialize ${plan.assetKeys.slice(0, 4).join(', ')}${plan.assetKeys.length > 4 ? ` (+${plan.assetKeys.length - 4} more)` : ''}`;
  return `${what}${partition ? ` [${partition}]` : ''}`;
}
