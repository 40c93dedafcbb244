import type { PlanRequest } from '../sdk/planning/planner';
import type { RunResult } from '../sdk/protocol/plan';
import type { RunHandle } from '../client/run-handle';
import { printRunChecks } from './check-results-output';
import type { CliContext } from './cli-context';
import { formatDuration, log, out, printJson, printTable } from './output';
import { watchRun, workflowUrl } from './watch-run';

/** Options of a command that starts a run. */
export interface RunCommandOptions {
  json?: boolean;
  detach?: boolean;
}

/**
 * Plans a request (refusing bad input before anything starts), starts the run, shows its
 * progress, and prints each materialized asset. Returns the process exit code.
 */
export async function startAndReport(ctx: CliContext, request: PlanRequest, options: RunCommandOptions): Promise<number> {
  const plan = await ctx.stratum.plan(request);
  const stratum = await ctx.ensureWorker({ detach: options.detach });
  return followAndReport(ctx, await stratum.startPlan(plan), options);
}

/**
 * Reports a started run: with `detach`, its workflow id; else its progress, each materialized
 * asset and its outcome. Returns the process exit code.
 */
export async function followAndReport(ctx: CliContext, run: RunHandle, options: RunCommandOptions): Promise<number> {
  const { plan } = run;
  const url = workflowUrl(ctx.uiUrl, ctx.target.namespace, run.workflowId);
  log(`Started run ${plan.runId} (${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}) as workflow ${run.workflowId}`);
  if (options.detach) {
    if (options.json) printJson({ runId: plan.runId, workflowId: run.workflowId, url });
    else out(run.workflowId);
    return 0;
  }
  const result = await watchRun(run.handle, { quiet: options.json });
  if (options.json) printJson({ ...result, workflowId: run.workflowId, url });
  else printRunResult(result);
  if (url) log(`View it in the Temporal web UI: ${url}`);
  return result.status === 'succeeded' ? 0 : 1;
}

/** A table of the run's materializations and a one-line outcome. */
export function printRunResult(result: RunResult): void {
  const rows = result.steps.flatMap((step) =>
    step.materializations.map((m) => [m.assetKey, m.partitionKey, m.dataVersion, formatDuration(step.durationMs), summarizeMetadata(m.metadata)]),
  );
  if (rows.length > 0) printTable(['ASSET', 'PARTITION', 'DATA VERSION', 'DURATION', 'METADATA'], rows);
  printRunChecks(result);
  const failed = result.steps.filter((s) => s.status === 'failed');
  const skipped = result.steps.filter((s) => s.status === 'skipped');
  // Each failed step was printed, with its error, as it finished (watchRun): the summary only counts.
  log(
    `Run ${result.runId} ${result.status} in ${formatDuration(result.endedAt - result.startedAt)}: ` +
      `${result.steps.filter((s) => s.status === 'succeeded').length} succeeded, ${failed.length} failed, ${skipped.length} skipped.`,
  );
}

function summarizeMetadata(metadata: Record<string, unknown>): string {
  return Object.entries(metadata)
    .slice(0, 4)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}
