import { ApplicationFailure } from '@temporalio/activity';
import type { Catalog } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions';
import { UnknownStepError } from '../sdk/errors';
import type { Plan, RunResult } from '../sdk/plan';

/** The run-bookkeeping activities the `materialize` workflow calls around its steps. */
export interface RunActivities {
  /** Checks that this worker knows every step of the plan, and records the run as started. */
  startRun(input: { plan: Plan; workflowId: string; startedAt: number }): Promise<void>;
  /** Records the run's outcome, its steps, and the asset partitions that failed. */
  finishRun(result: RunResult): Promise<void>;
}

/** Creates {@link RunActivities} bound to definitions and a catalog. */
export function createRunActivities(deps: { definitions: Definitions; catalog: Catalog }): RunActivities {
  return {
    async startRun({ plan, workflowId, startedAt }) {
      const unknown = plan.steps.map((s) => s.key).filter((key) => !deps.definitions.steps.has(key));
      if (unknown.length > 0) {
        const error = new UnknownStepError(unknown, [...deps.definitions.steps.keys()]);
        throw ApplicationFailure.nonRetryable(error.message, error.name);
      }
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
        tags: plan.tags,
      });
    },
    async finishRun(result) {
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
      const ctx = { now: new Date() };
      for (const step of result.steps) {
        if (step.status !== 'failed' && step.status !== 'skipped') continue;
        const partitions = deps.definitions.steps.get(step.key)?.partitions ?? null;
        const keys: (string | null)[] =
          partitions === null ? [null] : result.partitionRange ? partitions.keysInRange(result.partitionRange.from, result.partitionRange.to, ctx) : [result.partitionKey];
        for (const assetKey of step.assetKeys) {
          for (const partitionKey of keys) {
            await deps.catalog.recordAssetPartitionFailed({ assetKey, partitionKey, runId: result.runId, failedAt: step.endedAt ?? result.endedAt, error: step.error ?? step.status });
          }
        }
      }
    },
  };
}
