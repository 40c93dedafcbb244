import type { Client } from '@temporalio/client';
import { runSearchAttributes, runSummary } from '../sdk/planning/run-search-attributes';
import { runWorkflowId, type Plan } from '../sdk/protocol/plan';
import { runHandle, type RunHandle } from './run-handle';
import { withStartRefusal } from './start-refusal';

/**
 * Starts the `materialize` workflow for a plan on `taskQueue`: id `stratum/run/<label>/<runId>`,
 * a summary and details naming the target and steps, and the search attributes that let a person
 * find the run in the Temporal web UI. Returns at once; a start the server refuses throws
 * `StartRefusedError` with the server's reason.
 */
export async function startRun(client: Client, taskQueue: string, plan: Plan): Promise<RunHandle> {
  const workflowId = runWorkflowId(plan.label, plan.runId, plan.location);
  const handle = await withStartRefusal(`run ${plan.runId} (workflow ${workflowId})`, () =>
    client.workflow.start('materialize', {
      workflowId,
      taskQueue,
      args: [plan],
      staticSummary: runSummary(plan),
      staticDetails: runDetails(plan),
      typedSearchAttributes: runSearchAttributes(plan),
    }),
  );
  return runHandle(plan, handle);
}

function runDetails(plan: Plan): string {
  return [
    `**Run** ${plan.runId}`,
    `**Target** ${plan.target.kind === 'job' ? `job ${plan.target.job}` : `selection \`${plan.target.selection}\``}`,
    '',
    ...plan.steps.map((s) => `- \`${s.key}\`${s.dependsOn.length ? ` after ${s.dependsOn.map((d) => `\`${d}\``).join(', ')}` : ''}`),
  ].join('\n');
}
