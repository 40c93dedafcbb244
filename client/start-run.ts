import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { CatalogWriter } from '../sdk/catalog';
import { RequestOverLimitError } from '../sdk/errors';
import { runSearchAttributes, runSummary } from '../sdk/planning/run-search-attributes';
import { runWorkflowId, type Plan } from '../sdk/protocol/plan';
import {
  PLAN_INLINE_MAX_BYTES,
  PLAN_INLINE_MAX_BYTES_ENV,
  planPages,
  planSizeProblems,
  RUN_CONTINUE_AS_NEW_EVENTS_ENV,
  type PlanReference,
} from '../sdk/protocol/plan-reference';
import { utf8Length } from '../sdk/protocol/temporal-limits';
import { CatalogRequiredError } from './client-errors';
import { runHandle, type RunHandle } from './run-handle';
import { withStartRefusal } from './start-refusal';

/** Steps listed in a run's static details (the Temporal UI); the rest are counted. */
const LISTED_STEPS = 50;

/**
 * Starts the `materialize` workflow for a plan on `taskQueue`: id `stratum/run/<label>/<runId>`,
 * a summary and details naming the target and steps, and the search attributes that let a person
 * find the run in the Temporal web UI. Returns at once; a start the server refuses throws
 * `StartRefusedError` with the server's reason.
 *
 * A plan past {@link PLAN_INLINE_MAX_BYTES} of JSON (`STRATUM_PLAN_INLINE_MAX_BYTES` lowers it) is
 * stored in `catalog` by content hash first and the workflow gets a {@link PlanReference}; see
 * {@link materializeInput}.
 *
 * @throws RequestOverLimitError when the plan cannot run even by reference (a step's own config past a page, a stored plan past 3 MiB).
 * @throws CatalogRequiredError when the plan must go by reference and no catalog is given.
 */
export async function startRun(client: Client, taskQueue: string, plan: Plan, catalog: CatalogWriter | null = null): Promise<RunHandle> {
  const workflowId = runWorkflowId(plan.label, plan.runId, plan.location);
  const input = await materializeInput(plan, catalog);
  const handle = await withStartRefusal(`run ${plan.runId} (workflow ${workflowId})`, () =>
    client.workflow.start('materialize', {
      workflowId,
      taskQueue,
      args: [input],
      staticSummary: runSummary(plan),
      staticDetails: runDetails(plan),
      typedSearchAttributes: runSearchAttributes(plan),
    }),
  );
  return runHandle(plan, handle);
}

/**
 * The `materialize` workflow's input for `plan`: the plan itself when its JSON is at most
 * {@link PLAN_INLINE_MAX_BYTES} (or `STRATUM_PLAN_INLINE_MAX_BYTES`), else a {@link PlanReference}
 * after storing the plan's pages in `catalog` under the sha256 of its JSON (idempotent). The
 * reference carries `STRATUM_RUN_CONTINUE_AS_NEW_EVENTS` when set.
 *
 * @throws RequestOverLimitError when the plan cannot run even by reference.
 * @throws CatalogRequiredError when the plan must go by reference and `catalog` is null.
 */
export async function materializeInput(plan: Plan, catalog: CatalogWriter | null, env: NodeJS.ProcessEnv = process.env): Promise<Plan | PlanReference> {
  const json = JSON.stringify(plan);
  const bytes = utf8Length(json);
  if (bytes <= (positiveInt(env[PLAN_INLINE_MAX_BYTES_ENV]) ?? PLAN_INLINE_MAX_BYTES)) return plan;
  const problems = planSizeProblems(plan);
  if (problems.length > 0) throw new RequestOverLimitError(problems);
  if (catalog === null) throw new CatalogRequiredError(`startPlan (a plan of ${plan.steps.length} steps is stored in the catalog and run by reference)`);
  const hash = createHash('sha256').update(json).digest('hex');
  const pages = planPages(plan);
  await catalog.storePlan(hash, pages);
  const continueAsNewAfterEvents = positiveInt(env[RUN_CONTINUE_AS_NEW_EVENTS_ENV]);
  return {
    planRef: { hash, pages: pages.length, bytes, steps: plan.steps.length },
    runId: plan.runId,
    label: plan.label,
    ...(continueAsNewAfterEvents !== undefined ? { continueAsNewAfterEvents } : {}),
  };
}

function positiveInt(value: string | undefined): number | undefined {
  const n = Number(value?.trim());
  return value !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
}

function runDetails(plan: Plan): string {
  const listed = plan.steps.slice(0, LISTED_STEPS);
  return [
    `**Run** ${plan.runId}`,
    `**Target** ${plan.target.kind === 'job' ? `job ${plan.target.job}` : `selection \`${plan.target.selection}\``}`,
    '',
    ...listed.map((s) => `- \`${s.key}\`${s.dependsOn.length ? ` after ${s.dependsOn.map((d) => `\`${d}\``).join(', ')}` : ''}`),
    ...(plan.steps.length > listed.length ? [`- … and ${plan.steps.length - listed.length} more steps`] : []),
  ].join('\n');
}
