import type { BackfillItemsInput, BackfillItemsPage } from '../sdk/backfill';
import { backfillItemsPage } from '../sdk/backfill-items';
import type { Catalog } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions';
import { loadPartitionContext } from '../sdk/partition-context';

/** The activity the `backfill` workflow pages its items through (definitions and catalog live here). */
export function createBackfillActivities(deps: { definitions: Definitions; catalog: Catalog }) {
  return {
    async backfillItems(input: BackfillItemsInput): Promise<BackfillItemsPage> {
      const specs = input.plan.steps.map((s) => deps.definitions.steps.get(s.key)?.partitions ?? null);
      const ctx = await loadPartitionContext(deps.catalog, deps.definitions, specs);
      return backfillItemsPage(deps.definitions, deps.catalog, input.plan, input, ctx);
    },
  };
}
