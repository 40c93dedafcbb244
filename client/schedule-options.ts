import { createHash } from 'node:crypto';
import { ScheduleOverlapPolicy, type ScheduleOptions } from '@temporalio/client';
import type { ResolvedSchedule } from '../sdk/automation/schedules/resolved-schedule';
import type { ScheduleOverlap } from '../sdk/automation/schedules/schedule';
import { SCHEDULE, type ScheduledRunInput } from '../sdk/protocol/schedule-contract';
import { scheduleIdOf } from '../sdk/automation/schedules/schedule';
import { fitKeywordList, locationSearchAttributes, StratumSearchAttributes } from '../sdk/protocol/search-attributes';

/** Stratum's overlap names as Temporal's. */
export const TEMPORAL_OVERLAP: Record<ScheduleOverlap, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  buffer_one: ScheduleOverlapPolicy.BUFFER_ONE,
  buffer_all: ScheduleOverlapPolicy.BUFFER_ALL,
  cancel_other: ScheduleOverlapPolicy.CANCEL_OTHER,
  terminate_other: ScheduleOverlapPolicy.TERMINATE_OTHER,
  allow_all: ScheduleOverlapPolicy.ALLOW_ALL,
};

/** Key of the hash in the action's memo: Temporal cannot update a Schedule's own memo, but it can update its action. */
export const ACTION_HASH_MEMO_KEY = 'stratumScheduleHash';

/** What `stratum deploy` sends to Temporal for a schedule, and a hash of it (unchanged hash: nothing to update). */
export interface TemporalScheduleDefinition {
  scheduleId: string;
  hash: string;
  options: ScheduleOptions;
}

/** One line for the Temporal UI: what a schedule runs and when. */
export function describeCadence(schedule: ResolvedSchedule): string {
  const c = schedule.cadence;
  if (c.kind === 'interval') {
    const [unit, ms] = c.everyMs % 3_600_000 === 0 ? ['h', 3_600_000] : c.everyMs % 60_000 === 0 ? ['m', 60_000] : ['s', 1_000];
    return `every ${c.everyMs / (ms as number)}${unit}`;
  }
  return `cron "${c.cron}" (${c.timezone})`;
}

/**
 * The Temporal Schedule for a schedule definition: id `stratum/schedule/<name>`, an action
 * starting `scheduledRun` with `{ schedule: name }` on `taskQueue` (workflow id
 * `stratum/schedule/<name>`, to which Temporal appends the nominal time), search attributes
 * `StratumKind=run`, `StratumSchedule`, `StratumJob`, and the overlap and catch-up policies.
 */
export function temporalScheduleDefinition(schedule: ResolvedSchedule, taskQueue: string, location?: string): TemporalScheduleDefinition {
  const definition = schedule.definition;
  const scheduleId = scheduleIdOf(schedule.name, location);
  const cadence = schedule.cadence;
  const spec: ScheduleOptions['spec'] =
    cadence.kind === 'interval' ? { intervals: [{ every: cadence.everyMs }] } : { cronExpressions: [cadence.cron], timezone: cadence.timezone };
  const args: [ScheduledRunInput] = [{ schedule: schedule.name }];
  const what = 'job' in schedule.target ? `job ${schedule.target.job}` : `selection ${schedule.target.selection}`;
  const summary = `Schedule ${schedule.name}: ${what}${schedule.partitions ? ' (partitioned)' : ''}`;
  const essentials = {
    spec,
    taskQueue,
    args,
    jobLabel: schedule.jobLabel,
    summary,
    overlap: definition.overlap,
    catchupWindowMs: definition.catchupWindowMs,
    description: definition.description,
  };
  const hash = createHash('sha256').update(JSON.stringify(essentials)).digest('hex').slice(0, 16);
  const options: ScheduleOptions = {
    scheduleId,
    spec,
    action: {
      type: 'startWorkflow',
      workflowType: SCHEDULE.workflowType,
      workflowId: scheduleId,
      taskQueue,
      args,
      memo: { [ACTION_HASH_MEMO_KEY]: hash },
      staticSummary: summary,
      typedSearchAttributes: [
        { key: StratumSearchAttributes.kind, value: 'run' },
        { key: StratumSearchAttributes.schedule, value: schedule.name },
        { key: StratumSearchAttributes.job, value: schedule.jobLabel },
        { key: StratumSearchAttributes.assetKeys, value: fitKeywordList(schedule.assetKeys) },
        ...locationSearchAttributes(location),
      ] as any,
    },
    policies: {
      overlap: TEMPORAL_OVERLAP[definition.overlap],
      ...(definition.catchupWindowMs !== null ? { catchupWindow: definition.catchupWindowMs } : {}),
    },
    memo: { [SCHEDULE.memoKey]: { hash, taskQueue } },
    typedSearchAttributes: [
      { key: StratumSearchAttributes.kind, value: 'schedule' },
      { key: StratumSearchAttributes.schedule, value: schedule.name },
      ...locationSearchAttributes(location),
    ] as any,
    state: {
      paused: definition.defaultStatus === 'stopped',
      note: `${describeCadence(schedule)}; managed by stratum deploy${definition.description ? `: ${definition.description}` : ''}`,
    },
  };
  return { scheduleId, hash, options };
}
