import { ApplicationFailure, asyncLocalStorage } from '@temporalio/activity';
import type { Catalog } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions/definitions';
import { UnknownStepError } from '../sdk/errors';
import { loadPartitionContext } from '../sdk/definitions/partition-context';
import type { PartitionsDefinition } from '../sdk/partitions';
import type { Plan, PlanStep, RunResult } from '../sdk/protocol/plan';
import type { RecordRunStepsInput } from '../sdk/protocol/plan-reference';
import { definitionsHash, describeCodeVersions } from '../sdk/planning/definitions-hash';

/** Run tag under which `startRun` records that the worker's definitions differ from the planner's. */
export const DEFINITIONS_MISMATCH_TAG = 'stratum/definitions-mismatch';

/** A warning when the plan was made from other code than this worker's (same steps, other code versions), else null. */
function definitionsMismatch(definitions: Definitions, plan: RunStartPlan): string | null {
  if (plan.definitionsHash === undefined) return null;
  const keys = plan.steps.map((s) => s.key);
  const own = definitionsHash(definitions, keys);
  if (own === plan.definitionsHash) return null;
  return (
    `Run ${plan.runId} was planned from other definitions than this worker's (definitions hash ${plan.definitionsHash}, this worker's ${own}): ` +
    `it runs this worker's code and records its code versions (${describeCodeVersions(definitions, keys) || 'no assets'}). ` +
    'Restart the worker with the definitions the run was planned from (`stratum dev` reloads on its own when defs.ts changes), then run again.'
  );
}

/**
 * What `startRun` is given of a plan: all of it but the steps, of which only their keys. The
 * `materialize` workflow sends this (a 200-step plan is ~100 KB, its keys ~3 KB); the catalog
 * rebuild passes the whole plan, which fits as well.
 */
export type RunStartPlan = Omit<Plan, 'steps'> & { steps: Pick<PlanStep, 'key'>[] };

/** The run-bookkeeping activities the `materialize` workflow calls around its steps. */
export interface RunActivities {
  /** Checks that this worker knows every step of the plan, and records the run as started. */
  startRun(input: { plan: RunStartPlan; workflowId: string; startedAt: number }): Promise<void>;
  /**
   * Records the run's outcome, its steps, and the asset partitions that failed. With
   * `stepsRecorded` (a run that continued-as-new, see `recordRunSteps`) the steps are the ones
   * already recorded (all of them, the last workflow run's included) and `result` only sets the status.
   * The steps' materializations and check results are not read (the steps recorded them).
   */
  finishRun(result: RunResult, options?: { stepsRecorded?: boolean }): Promise<void>;
  /** Records the outcomes of some steps at their plan positions and the asset partitions of the failed and skipped ones. */
  recordRunSteps(input: RecordRunStepsInput): Promise<void>;
}

/** The partition keys a run covered for a step's partitions (none resolvable: the run's own key). */
async function runPartitionKeys(deps: { definitions: Definitions; catalog: Catalog }, partitions: PartitionsDefinition | null, result: Pick<RunResult, 'partitionKey' | 'partitionRange'>): Promise<(string | null)[]> {
  if (partitions === null) return [null];
  if (!result.partitionRange) return [result.partitionKey];
  try {
    const ctx = await loadPartitionContext(deps.catalog, deps.definitions, [partitions]);
    return partitions.keysInRange(result.partitionRange.from, result.partitionRange.to, ctx);
  } catch {
    // Keys removed since the run was planned: record what can still be named.
    return [result.partitionRange.from, result.partitionRange.to];
  }
}

/** Marks asset partitions failed in the catalog (a newer materialization still wins). */
export async function recordFailed(
  catalog: Catalog,
  assetKeys: readonly string[],
  partitionKeys: readonly (string | null)[],
  failure: { runId: string; failedAt: number; error: string },
): Promise<void> {
  for (const assetKey of assetKeys) {
    for (const partitionKey of partitionKeys) await catalog.recordAssetPartitionFailed({ assetKey, partitionKey, ...failure });
  }
}

/** Creates {@link RunActivities} bound to definitions and a catalog. */
export function createRunActivities(deps: { definitions: Definitions; catalog: Catalog }): RunActivities {
  return {
    async startRun({ plan, workflowId, startedAt }) {
      const known = (key: string) => deps.definitions.steps.has(key) || deps.definitions.assetChecks.has(key);
      const unknown = plan.steps.map((s) => s.key).filter((key) => !known(key));
      if (unknown.length > 0) {
        const error = new UnknownStepError(unknown, [...deps.definitions.steps.keys(), ...deps.definitions.assetChecks.keys()]);
        throw ApplicationFailure.nonRetryable(error.message, error.name);
      }
      const mismatch = definitionsMismatch(deps.definitions, plan);
      // The worker's log (the rebuild calls this outside an activity: no log there).
      if (mismatch !== null) asyncLocalStorage.getStore()?.log.warn(mismatch);
      await deps.catalog.recordRunStarted({
        runId: plan.runId,
        workflowId,
        job: plan.job,
        selection: plan.target.kind === 'assets' ? plan.target.selection : plan.target.job,
        assetKeys: plan.assetKeys,
        partitionKey: plan.partitionKey,
        partitionRange: plan.partitionRange,
        backfillId: plan.backfillId,
        startedAt,
        tags: mismatch === null ? plan.tags : { ...plan.tags, [DEFINITIONS_MISMATCH_TAG]: mismatch },
      });
    },
    async finishRun(result, options = {}) {
      if (options.stepsRecorded) {
        const recorded = (await deps.catalog.getRun(result.runId))?.steps ?? [];
        await deps.catalog.recordRunFinished({ runId: result.runId, status: result.status, endedAt: result.endedAt, steps: recorded });
        return;
      }
      await deps.catalog.recordRunFinished({
        runId: result.runId,
        status: result.status,
        endedAt: result.endedAt,
        steps: result.steps.map((s) => ({
          key: s.key,
          status: s.status,
          startedAt: s.startedAt,
          endedAt: s.endedAt,
          attempts: s.attempts,
          error: s.error,
          assetKeys: s.assetKeys,
        })),
      });
      // A failed or skipped step leaves its asset partitions failed, so `--failed-only` redoes them.
      for (const step of result.steps) {
        if (step.status !== 'failed' && step.status !== 'skipped') continue;
        const partitions = deps.definitions.steps.get(step.key)?.partitions ?? null;
        const keys = await runPartitionKeys(deps, partitions, result);
        await recordFailed(deps.catalog, step.assetKeys, keys, { runId: result.runId, failedAt: step.endedAt ?? result.endedAt, error: step.error ?? step.status });
      }
    },
    async recordRunSteps(input) {
      await deps.catalog.recordRunSteps(
        input.runId,
        input.steps.map(({ position, outcome: s }) => ({
          position,
          step: { key: s.key, status: s.status, startedAt: s.startedAt, endedAt: s.endedAt, attempts: s.attempts, error: s.error, assetKeys: s.assetKeys },
        })),
      );
      for (const { outcome: step } of input.steps) {
        if (step.status !== 'failed' && step.status !== 'skipped') continue;
        const partitions = deps.definitions.steps.get(step.key)?.partitions ?? null;
        const keys = await runPartitionKeys(deps, partitions, input);
        await recordFailed(deps.catalog, step.assetKeys, keys, { runId: input.runId, failedAt: step.endedAt ?? input.endedAt, error: step.error ?? step.status });
      }
    },
  };
}
