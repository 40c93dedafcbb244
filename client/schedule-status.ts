import { ScheduleNotFoundError, type Client, type ScheduleDescription } from '@temporalio/client';
import type { Definitions } from '../sdk/definitions/definitions';
import { scheduleIdOf } from '../sdk/automation/schedules/schedule';
import { locationOf } from '../sdk/definitions/location';
import { partitionForTick } from '../sdk/automation/schedules/schedule-ticks';
import { ACTION_HASH_MEMO_KEY, describeCadence, temporalScheduleDefinition } from './schedule-options';
import { resolvedSchedule, resolveSchedules } from '../sdk/planning/schedule-resolution';

/** A schedule as the code and the cluster see it: what `stratum schedule list` prints. */
export interface DeployedSchedule {
  name: string;
  scheduleId: string;
  /** `not-deployed`: in the code, not in the cluster; `not-in-code`: in the cluster (this task queue) only, `stratum deploy` deletes it. */
  state: 'running' | 'paused' | 'not-deployed' | 'not-in-code';
  /** False when the cluster's schedule differs from the code (`stratum deploy` updates it). */
  upToDate: boolean;
  cadence: string | null;
  target: string | null;
  note: string | null;
  /** The next nominal tick times (from Temporal when deployed), with the partitions they run. */
  nextTicks: { at: string; partitionKey: string | null }[];
  /** The latest runs the schedule started, newest first, with their workflow status. */
  recentRuns: { scheduledAt: string; startedAt: string; workflowId: string; status: string }[];
}

/**
 * The status of every schedule of the definitions, and of schedules on this task queue that
 * the code no longer has: state, the next `next` ticks and the last `recent` runs with status.
 */
export async function scheduleStatuses(client: Client, definitions: Definitions, options: { taskQueue: string; next?: number; recent?: number }): Promise<DeployedSchedule[]> {
  const next = options.next ?? 3;
  const recent = options.recent ?? 3;
  const statuses: DeployedSchedule[] = [];
  const location = locationOf(definitions);
  const idPrefix = scheduleIdOf('', location);
  for (const resolved of resolveSchedules(definitions).values()) {
    const scheduleId = scheduleIdOf(resolved.name, location);
    const description = await describeOrNull(client, scheduleId);
    const base = {
      name: resolved.name,
      scheduleId,
      cadence: describeCadence(resolved),
      target: 'job' in resolved.target ? `job ${resolved.target.job}` : `selection ${resolved.target.selection}`,
    };
    if (description === null) {
      statuses.push({ ...base, state: 'not-deployed', upToDate: false, note: null, nextTicks: [], recentRuns: [] });
      continue;
    }
    const desired = temporalScheduleDefinition(resolved, options.taskQueue, location);
    statuses.push({
      ...base,
      state: description.state.paused ? 'paused' : 'running',
      upToDate: description.action.memo?.[ACTION_HASH_MEMO_KEY] === desired.hash && description.action.taskQueue === options.taskQueue,
      note: description.state.note ?? null,
      nextTicks: description.info.nextActionTimes.slice(0, next).map((at) => ({ at: at.toISOString(), partitionKey: partitionForTick(resolved, at) })),
      recentRuns: await recentRuns(client, description, recent),
    });
  }
  for await (const summary of client.schedule.list()) {
    const name = summary.scheduleId.slice(idPrefix.length);
    if (!summary.scheduleId.startsWith(idPrefix) || resolvedSchedule(definitions, name)) continue;
    const description = await describeOrNull(client, summary.scheduleId);
    if (description === null || description.action.taskQueue !== options.taskQueue) continue;
    statuses.push({
      name,
      scheduleId: summary.scheduleId,
      state: 'not-in-code',
      upToDate: false,
      cadence: null,
      target: null,
      note: description.state.note ?? null,
      nextTicks: description.info.nextActionTimes.slice(0, next).map((at) => ({ at: at.toISOString(), partitionKey: null })),
      recentRuns: await recentRuns(client, description, recent),
    });
  }
  return statuses;
}

async function recentRuns(client: Client, description: ScheduleDescription, count: number): Promise<DeployedSchedule['recentRuns']> {
  const actions = [...description.info.recentActions].reverse().slice(0, count);
  return Promise.all(
    actions.map(async (a) => {
      const { workflowId, firstExecutionRunId } = a.action.workflow;
      const status = await client.workflow
        .getHandle(workflowId, firstExecutionRunId)
        .describe()
        .then((d) => d.status.name, () => 'UNKNOWN');
      return { scheduledAt: a.scheduledAt.toISOString(), startedAt: a.takenAt.toISOString(), workflowId, status };
    }),
  );
}

async function describeOrNull(client: Client, scheduleId: string): Promise<ScheduleDescription | null> {
  try {
    return await client.schedule.getHandle(scheduleId).describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return null;
    throw error;
  }
}
