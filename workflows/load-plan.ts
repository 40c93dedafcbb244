import { proxyActivities } from '@temporalio/workflow';
import type { Plan, PlanStep } from '../sdk/protocol/plan';
import { decodePlanSteps, PLAN_NOT_FOUND_ERROR_TYPE, PLAN_PAGE_ACTIVITY, type PlanPage, type PlanPageInput, type PlanReference } from '../sdk/protocol/plan-reference';

/**
 * Reads one plan page from the catalog. A regular activity, called one page at a time: local
 * activity results all travel in the completion of the workflow task that ran them, which the
 * server refuses past 4 MB (gRPC), while each activity result arrives on its own.
 */
const planPage = proxyActivities({
  startToCloseTimeout: '1m',
  retry: { maximumAttempts: 10, initialInterval: '500ms', nonRetryableErrorTypes: [PLAN_NOT_FOUND_ERROR_TYPE] },
})[PLAN_PAGE_ACTIVITY] as (input: PlanPageInput) => Promise<PlanPage>;

/**
 * The plan a {@link PlanReference} names, read from the catalog page by page (`stratum.planPage`):
 * page 0 is the plan without steps, pages 1… its steps in order.
 */
export async function loadPlan(ref: PlanReference): Promise<Plan> {
  const { hash, pages } = ref.planRef;
  const first = await planPage({ hash, page: 0 });
  const steps: PlanStep[] = [];
  for (let page = 1; page < pages; page++) for (const step of decodePlanSteps(await planPage({ hash, page }))) steps.push(step);
  return { ...first.header!, steps };
}
