import { ApplicationFailure } from '@temporalio/activity';
import type { Catalog } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions/definitions';
import { StratumError } from '../sdk/errors';
import { loadPartitionContext } from '../sdk/definitions/partition-context';
import { createPlan } from '../sdk/planning/planner';
import { SCHEDULE, type PlanScheduledRunInput, type PlanScheduledRunResult } from '../sdk/protocol/schedule-contract';
import { partitionForTick } from '../sdk/automation/schedules/schedule-ticks';
import { resolvedSchedule } from '../sdk/planning/schedule-resolution';

/** Tags every scheduled run carries, so runs can be traced back to their schedule and tick. */
export const SCHEDULE_TAGS = { schedule: 'stratum/schedule', scheduledAt: 'stratum/scheduled_at' } as const;

/** The activity the `scheduledRun` workflow plans its run with (the definitions and catalog live here). */
export function createScheduleActivities(deps: { definitions: Definitions; catalog: Catalog }) {
  return {
    async planScheduledRun(input: PlanScheduledRunInput): Promise<PlanScheduledRunResult> {
      const resolved = resolvedSchedule(deps.definitions, input.schedule);
      if (!resolved) {
        const known = deps.definitions.schedules.map((s) => s.name);
        throw ApplicationFailure.nonRetryable(
          `Schedule "${input.schedule}" ticked, but this worker's definitions have no such schedule${known.length ? ` (they have ${known.join(', ')})` : ''}. Run \`stratum deploy\` to delete schedules the code no longer has, or deploy a worker whose definitions include it.`,
          SCHEDULE.unknownScheduleErrorType,
        );
      }
      const scheduledAt = new Date(input.scheduledAt);
      const ctx = await loadPartitionContext(deps.catalog, deps.definitions, resolved.partitions ? [resolved.partitions] : []);
      const partitionKey = partitionForTick(resolved, scheduledAt, ctx);
      if (resolved.partitions && partitionKey === null) {
        return { plan: null, skipped: `no partition of ${resolved.partitions.describe()} closes at ${input.scheduledAt} (none has ended yet, or the partitions ended before)` };
      }
      try {
        const plan = createPlan(deps.definitions, {
          ...resolved.target,
          config: resolved.definition.config,
          tags: { ...resolved.definition.tags, [SCHEDULE_TAGS.schedule]: resolved.name, [SCHEDULE_TAGS.scheduledAt]: input.scheduledAt },
          partitionKey,
          runId: input.runId,
          partitionContext: { ...ctx, now: new Date(Math.max(Date.now(), scheduledAt.getTime())) },
        });
        return { plan, skipped: null };
      } catch (error) {
        if (error instanceof StratumError) {
          throw ApplicationFailure.nonRetryable(`Schedule "${input.schedule}" could not plan its run for ${input.scheduledAt}: ${error.message}`, SCHEDULE.invalidScheduledRunErrorType);
        }
        throw error;
      }
    },
  };
}
