import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { proxyLocalActivities, upsertSearchAttributes, workflowInfo, type WorkflowInfo } from '@temporalio/workflow';
import type { RunResult } from '../sdk/protocol/plan';
import { SCHEDULE, type PlanScheduledRunInput, type PlanScheduledRunResult, type ScheduledRunInput, type SkippedScheduledRun } from '../sdk/protocol/schedule-contract';
import { fitKeywordList, StratumSearchAttributes } from '../sdk/protocol/search-attributes';
import { materialize } from './materialize';

/** Set by Temporal on every run a Schedule starts: the tick's nominal time (before jitter). */
const scheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** Planning reads the worker's definitions and catalog: a local activity, no task-queue round trip. */
const planScheduledRun = proxyLocalActivities<Record<string, (input: PlanScheduledRunInput) => Promise<PlanScheduledRunResult>>>({
  startToCloseTimeout: '1m',
  retry: { maximumAttempts: 10, initialInterval: '500ms', nonRetryableErrorTypes: [SCHEDULE.unknownScheduleErrorType, SCHEDULE.invalidScheduledRunErrorType] },
})[SCHEDULE.planActivity] as (input: PlanScheduledRunInput) => Promise<PlanScheduledRunResult>;

/**
 * One tick of a schedule: plans the run from the worker's definitions for the tick's nominal
 * time (a partitioned schedule runs the partition that time closes, so late and backfilled ticks
 * get the right one), tags the workflow with the run's assets and partition, and runs the plan
 * exactly as the `materialize` workflow does. A schedule the definitions no longer have fails the
 * tick without retries, telling the user to run `stratum deploy`.
 */
export async function scheduledRun(input: ScheduledRunInput): Promise<RunResult | SkippedScheduledRun> {
  const info = workflowInfo();
  const scheduledAt = nominalTime(info).toISOString();
  const planned = await planScheduledRun({ schedule: input.schedule, scheduledAt, runId: info.runId });
  if (planned.plan === null) return { status: 'skipped', schedule: input.schedule, scheduledAt, reason: planned.skipped };
  const plan = planned.plan;
  upsertSearchAttributes([
    { key: StratumSearchAttributes.assetKeys, value: fitKeywordList(plan.assetKeys) },
    ...(plan.partitionKey !== null ? [{ key: StratumSearchAttributes.partition, value: plan.partitionKey }] : []),
  ]);
  return materialize(plan);
}

/**
 * The tick's nominal time: `TemporalScheduledStartTime`, else the time Temporal appends to the
 * workflow id (`…-2024-03-01T00:00:00Z`), else the workflow's start (a manual start).
 */
function nominalTime(info: WorkflowInfo): Date {
  const typed = info.typedSearchAttributes.get(scheduledStartTime);
  if (typed instanceof Date && !Number.isNaN(typed.getTime())) return typed;
  const untyped = info.searchAttributes?.TemporalScheduledStartTime?.[0];
  if (untyped !== undefined) {
    const date = new Date(untyped as string | Date);
    if (!Number.isNaN(date.getTime())) return date;
  }
  const suffix = /-(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)$/.exec(info.workflowId);
  if (suffix) return new Date(suffix[1]!);
  return info.runStartTime;
}
