import { ApplicationFailure } from '@temporalio/activity';
import type { Catalog } from '../sdk/catalog';
import type { Plan } from '../sdk/protocol/plan';
import { parseStepsPage, PLAN_NOT_FOUND_ERROR_TYPE, type PlanPage, type PlanPageInput } from '../sdk/protocol/plan-reference';

/**
 * The `stratum.planPage` activity: one page of a plan stored by content hash (see
 * `sdk/protocol/plan-reference.ts`), parsed: page 0 is the plan without steps, pages 1… its steps
 * (still encoded against the page's base: what history records stays small).
 * A page the catalog does not have fails the run at once: its workflow points at another catalog
 * than the client stored the plan in, or the plan was pruned.
 */
export function createPlanActivities(deps: { catalog: Catalog }): { planPage(input: PlanPageInput): Promise<PlanPage> } {
  return {
    async planPage({ hash, page }) {
      const row = await deps.catalog.planPage(hash, page);
      if (row === null) {
        throw ApplicationFailure.nonRetryable(
          `The catalog has no page ${page} of plan ${hash}: the run's client stored its plan in another catalog than this worker's (${deps.catalog.location}), or the plan was pruned. ` +
            'Point the client and the workers at the same catalog, then start the run again.',
          PLAN_NOT_FOUND_ERROR_TYPE,
        );
      }
      if (page === 0) return { hash, page, pages: row.pages, header: JSON.parse(row.body) as Plan, steps: [] };
      return { hash, page, pages: row.pages, ...parseStepsPage(row.body) };
    },
  };
}
