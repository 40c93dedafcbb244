import type { BackfillItemsFailedInput, BackfillItemsInput, BackfillItemsPage } from '../sdk/protocol/backfill';
import { backfillItemsPage } from '../sdk/planning/backfill-items';
import type { Catalog } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions/definitions';
import { loadPartitionContext } from '../sdk/definitions/partition-context';
import { recordFailed } from './run-activities';

/** The activity the `backfill` workflow pages its items through (definitions and catalog live here). */
export function createBackfillActivities(deps: { definitions: Definitions; catalog: Catalog }) {
  return {
    async backfillItems(input: BackfillItemsInput): Promise<BackfillItemsPage> {
      const specs = input.plan.steps.map((s) => deps.definitions.steps.get(s.key)?.partitions ?? null);
      const ctx = await loadPartitionContext(deps.catalog, deps.definitions, specs);
      return backfillItemsPage(deps.definitions, deps.catalog, input.plan, input, ctx);
    },
    /** Records the partitions of items that never ran because an item they wait for failed, so `--failed-only` redoes them. */
    async backfillItemsFailed(input: BackfillItemsFailedInput): Promise<void> {
      const partitions = input.plan.steps.map((s) => deps.definitions.steps.get(s.key)?.partitions ?? null).find((p) => p !== null) ?? null;
      const ctx = await loadPartitionContext(deps.catalog, deps.definitions, [partitions]);
      for (const { item, blockedBy } of input.items) {
        const keys = item.partitionRange && partitions ? partitions.keysInRange(item.partitionRange.from, item.partitionRange.to, ctx) : [item.partitionKey];
        await recordFailed(deps.catalog, input.plan.assetKeys, keys, {
          runId: `${input.backfillId}/${item.id}`,
          failedAt: input.failedAt ?? Date.now(),
          error: `not run: partition ${blockedBy} it depends on failed in backfill ${input.backfillId}`,
        });
      }
    },
  };
}
