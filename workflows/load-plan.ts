import { proxyLocalActivities } from '@temporalio/workflow';
import type { Plan, PlanStep } from '../sdk/protocol/plan';
import { PLAN_NOT_FOUND_ERROR_TYPE, PLAN_PAGE_ACTIVITY, type PlanPage, type PlanPageInput, type PlanReference } from '../sdk/protocol/plan-reference';

/** Reads plan pages from the catalog in the workflow task (each page's result is one marker in history, under the payload limit). */
const planPage = proxyLocalActivities({
  startToCloseTimeout: '1m',
  retry: { maximumAttempts: 10, initialInterval: '500ms', nonRetryableErrorTypes: [PLAN_NOT_FOUND_ERROR_TYPE] },
})[PLAN_PAGE_ACTIVITY] as (input: PlanPageInput) => Promise<PlanPage>;

/**
 * The plan a {@link PlanReference} names, read from the catalog page by page (`stratum.planPage`):
 * page 0 is the plan without steps, pages 1… its steps in order, fetched together.
 */
export async function loadPlan(ref: PlanReference): Promise<Plan> {
  const { hash, pages } = ref.planRef;
  const [first, ...rest] = await Promise.all(Array.from({ length: pages }, (_, page) => planPage({ hash, page })));
  const steps: PlanStep[] = [];
  for (const page of rest) for (const step of page.steps) steps.push(step);
  return { ...first!.header!, steps };
}
