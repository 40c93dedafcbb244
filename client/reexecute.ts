import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { Catalog } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions/definitions';
import { SensorRunTags } from '../sdk/automation/sensors/sensor-run-tags';
import { definitionsHash } from '../sdk/planning/definitions-hash';
import type { Plan, PlanStep } from '../sdk/protocol/plan';
import { findPlan } from './catalog-rebuild';
import { succeededStepKeys } from './history-step-results';
import { ReexecutionRefusedError } from './client-errors';
import { resolveRun } from './find-run';
import type { RunHandle } from './run-handle';
import { startRun } from './start-run';

/** Tags Stratum puts on a re-execution, naming the run it repeats. */
export const ReexecutionTags = {
  /** The run this one re-executes. */
  parentRun: 'stratum/parent_run',
  /** The run re-executed (same as {@link parentRun}; kept as the name the catalog and UI filter by). */
  reexecutionOf: 'stratum/reexecution_of',
  /** The first run of a chain of re-executions. */
  rootRun: 'stratum/root_run',
  /** `from-failure` or `all`. */
  strategy: 'stratum/reexecution_strategy',
} as const;

/** Tags saying who started a run: a re-execution is started by hand, whoever started its parent. */
const TRIGGER_TAGS: readonly string[] = [SensorRunTags.sensor, SensorRunTags.automation, 'stratum/schedule', 'stratum/scheduled_at'];

/** Options of {@link reexecuteRun}. */
export interface ReexecuteOptions {
  /** Only the steps that did not succeed (failed, skipped, canceled) and those downstream of them; default: the whole plan. */
  fromFailure?: boolean;
  /** Run id of the new run (default: a new UUID). */
  runId?: string;
}

/** What {@link reexecuteRun} needs from its client. */
export interface ReexecuteContext {
  client: Client;
  definitions: Definitions;
  catalog: Catalog | null;
  taskQueue: string;
}

/**
 * Starts a new run repeating an old one: its plan (read from the old run's workflow history, so
 * the same partitions and config) with either every step or, `fromFailure`, only the steps that
 * did not succeed and their downstream steps. Steps not repeated are not run: the repeated ones
 * read their stored outputs (asset values through their IO managers; op outputs of a job from
 * the run that produced them). The new run is tagged `stratum/parent_run`,
 * `stratum/reexecution_of`, `stratum/root_run` and `stratum/reexecution_strategy`, and starts on
 * `taskQueue`, never on the parent's (a CLI's private queue may be long gone).
 *
 * @throws UnknownRunError when the catalog has no such run.
 * @throws ReexecutionRefusedError when the run is still running, nothing failed (`fromFailure`),
 *   its plan is not in history, or the definitions no longer have some of its steps.
 */
export async function reexecuteRun(ctx: ReexecuteContext, run: string, options: ReexecuteOptions = {}): Promise<RunHandle> {
  const workflowId = await workflowIdOf(ctx, run);
  const handle = ctx.client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  if (description.status.name === 'RUNNING') {
    throw new ReexecutionRefusedError(run, `it is still running (workflow ${workflowId}). Wait for it to finish, or cancel it first (\`stratum runs cancel\`).`);
  }
  const events = (await handle.fetchHistory()).events ?? [];
  const decode = <T>(payloads: { payloads?: unknown[] | null } | null | undefined, index = 0): Promise<T> =>
    decodeFromPayloadsAtIndex<T>(ctx.client.options.loadedDataConverter, index, (payloads?.payloads ?? []) as never);
  const parent = await findPlan(events, decode);
  if (!parent) throw new ReexecutionRefusedError(run, `its workflow ${workflowId} holds no Stratum plan (it skipped, or is not a run).`);
  const plan = reexecutionPlan(parent, succeededStepKeys(events, parent), { fromFailure: options.fromFailure ?? false, runId: options.runId ?? randomUUID() });
  if (plan.steps.length === 0) {
    throw new ReexecutionRefusedError(run, 'every step succeeded, so there is nothing to re-execute from failure. Re-execute the whole run instead (drop --from-failure / fromFailure).');
  }
  const known = new Set([...ctx.definitions.steps.keys(), ...ctx.definitions.assetChecks.keys()]);
  const missing = plan.steps.filter((s) => !known.has(s.key)).map((s) => s.key);
  if (missing.length > 0) {
    throw new ReexecutionRefusedError(run, `the definitions no longer have step${missing.length > 1 ? 's' : ''} ${missing.join(', ')}. Re-execute with the definitions that made the run, or start a new run.`);
  }
  return startRun(ctx.client, ctx.taskQueue, { ...plan, definitionsHash: definitionsHash(ctx.definitions, plan.steps.map((s) => s.key)) }, ctx.catalog);
}

/**
 * The plan of a re-execution of `parent`. With `fromFailure`, only the steps not in `succeeded`
 * and every step downstream of one of them; their dependencies on steps not repeated are
 * dropped, and each such step is named in `outputsFromRuns` with the run holding its op outputs
 * (the parent, or the run the parent itself read it from). Pure.
 */
export function reexecutionPlan(parent: Plan, succeeded: ReadonlySet<string>, options: { fromFailure: boolean; runId: string }): Plan {
  const rerun = new Set<string>();
  for (const step of parent.steps) if (!options.fromFailure || !succeeded.has(step.key)) rerun.add(step.key);
  // Downstream of a repeated step is repeated too (plan steps come in dependency order, but do not rely on it).
  for (let grew = true; grew; ) {
    grew = false;
    for (const step of parent.steps) {
      if (!rerun.has(step.key) && step.dependsOn.some((d) => rerun.has(d))) {
        rerun.add(step.key);
        grew = true;
      }
    }
  }
  const steps: PlanStep[] = parent.steps
    .filter((s) => rerun.has(s.key))
    .map((s) => {
      const outputsFromRuns: Record<string, string> = { ...(s.outputsFromRuns ?? {}) };
      for (const d of s.dependsOn) if (!rerun.has(d)) outputsFromRuns[d] = parent.runId;
      const { outputsFromRuns: _dropped, ...rest } = s;
      void _dropped;
      return { ...rest, dependsOn: s.dependsOn.filter((d) => rerun.has(d)), ...(Object.keys(outputsFromRuns).length > 0 ? { outputsFromRuns } : {}) };
    });
  const tags = Object.fromEntries(Object.entries(parent.tags).filter(([k]) => !TRIGGER_TAGS.includes(k)));
  return {
    ...parent,
    runId: options.runId,
    steps,
    assetKeys: [...new Set(steps.flatMap((s) => (s.kind === 'check' ? [] : s.assetKeys)))],
    backfillId: null,
    tags: {
      ...tags,
      [ReexecutionTags.parentRun]: parent.runId,
      [ReexecutionTags.reexecutionOf]: parent.runId,
      [ReexecutionTags.rootRun]: parent.tags[ReexecutionTags.rootRun] ?? parent.runId,
      [ReexecutionTags.strategy]: options.fromFailure ? 'from-failure' : 'all',
    },
  };
}

async function workflowIdOf(ctx: ReexecuteContext, run: string): Promise<string> {
  if (run.startsWith('stratum/')) return run;
  if (!ctx.catalog) throw new ReexecutionRefusedError(run, 'this client has no catalog to look the run id up in. Give the run\'s workflow id (stratum/…) or a client with a catalog.');
  return (await resolveRun(ctx.catalog, run)).workflowId;
}
