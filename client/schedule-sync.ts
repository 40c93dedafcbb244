import { ScheduleNotFoundError, type Client, type ScheduleDescription } from '@temporalio/client';
import type { Definitions } from '../sdk/definitions/definitions';
import { scheduleIdOf } from '../sdk/automation/schedules/schedule';
import { locationOf } from '../sdk/definitions/location';
import type { DeployAction } from './deploy-action';
import { ACTION_HASH_MEMO_KEY, describeCadence, temporalScheduleDefinition } from './schedule-options';
import { resolveSchedules } from '../sdk/planning/schedule-resolution';
import { withStartRefusal } from './start-refusal';

/** Options of {@link syncSchedules}. */
export interface SyncSchedulesOptions {
  client: Client;
  definitions: Definitions;
  /** Task queue the schedules' runs go to (the workers' queue). */
  taskQueue: string;
}

/**
 * Brings the cluster's Temporal Schedules in line with the code: creates schedules the code has
 * and the cluster does not (paused when `defaultStatus: 'stopped'`), updates those whose
 * definition changed (keeping a paused schedule paused), and deletes the location's schedules
 * (`stratum/schedule/…`, or `stratum@<location>/schedule/…` in a named workspace location)
 * targeting this task queue that the code no longer has. Unchanged schedules are left
 * alone (a hash of what was sent is kept in the schedule's action memo).
 */
export async function syncSchedules({ client, definitions, taskQueue }: SyncSchedulesOptions): Promise<DeployAction[]> {
  const location = locationOf(definitions);
  const idPrefix = scheduleIdOf('', location);
  const actions: DeployAction[] = [];
  const wanted = new Set<string>();
  for (const resolved of resolveSchedules(definitions).values()) {
    const desired = temporalScheduleDefinition(resolved, taskQueue, location);
    wanted.add(desired.scheduleId);
    const handle = client.schedule.getHandle(desired.scheduleId);
    const existing = await describeOrNull(handle);
    if (existing === null) {
      await withStartRefusal(`schedule ${resolved.name} (${desired.scheduleId})`, () => client.schedule.create(desired.options));
      actions.push({ kind: 'schedule', name: resolved.name, action: 'created', detail: `${describeCadence(resolved)}${resolved.definition.defaultStatus === 'stopped' ? ', paused' : ''}` });
      continue;
    }
    const action = existing.action;
    const previousHash = action.memo?.[ACTION_HASH_MEMO_KEY];
    if (previousHash === desired.hash && action.taskQueue === taskQueue) {
      actions.push({ kind: 'schedule', name: resolved.name, action: 'unchanged', detail: existing.state.paused ? 'paused' : undefined });
      continue;
    }
    await handle.update((current) => ({
      spec: desired.options.spec,
      action: desired.options.action,
      policies: desired.options.policies,
      typedSearchAttributes: desired.options.typedSearchAttributes,
      state: { paused: current.state.paused, note: current.state.note }, // a user's pause survives deploys
    }));
    const takenOver = action.taskQueue !== taskQueue ? ` (was on task queue ${action.taskQueue})` : '';
    actions.push({ kind: 'schedule', name: resolved.name, action: 'updated', detail: `${describeCadence(resolved)}${existing.state.paused ? ', still paused' : ''}${takenOver}` });
  }
  for await (const summary of client.schedule.list()) {
    // Only this location's schedules (their ids carry it) on this task queue: deploying one location never deletes another's.
    if (!summary.scheduleId.startsWith(idPrefix) || wanted.has(summary.scheduleId)) continue;
    const handle = client.schedule.getHandle(summary.scheduleId);
    const existing = await describeOrNull(handle);
    if (existing === null || existing.action.taskQueue !== taskQueue) continue;
    await handle.delete();
    actions.push({ kind: 'schedule', name: summary.scheduleId.slice(idPrefix.length), action: 'deleted', detail: 'no longer in the code' });
  }
  return actions;
}

async function describeOrNull(handle: { describe(): Promise<ScheduleDescription> }): Promise<ScheduleDescription | null> {
  try {
    return await handle.describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return null;
    throw error;
  }
}
