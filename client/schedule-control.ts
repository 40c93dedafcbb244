import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleHandle } from '@temporalio/client';
import { scheduleIdOf } from '../sdk/automation/schedules/schedule';
import type { Definitions } from '../sdk/definitions/definitions';
import { locationOf } from '../sdk/definitions/location';
import { ScheduleNotDeployedError } from './client-errors';
import { resolveScheduleName } from './schedule-name';

/**
 * The Temporal handle of the deployed schedule `name`. Refuses a name the definitions do not have
 * (`UnknownScheduleError`, with near matches) and a schedule not in the cluster
 * ({@link ScheduleNotDeployedError}).
 */
export async function deployedScheduleHandle(client: Client, definitions: Definitions, name: string): Promise<ScheduleHandle> {
  const schedule = resolveScheduleName(definitions, name);
  const handle = client.schedule.getHandle(scheduleIdOf(schedule.name, locationOf(definitions)));
  try {
    await handle.describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) throw new ScheduleNotDeployedError(schedule.name);
    throw error;
  }
  return handle;
}

/** Pauses a deployed schedule; `stratum deploy` keeps it paused. `note` shows in the Temporal UI. */
export async function pauseSchedule(client: Client, definitions: Definitions, name: string, note?: string): Promise<void> {
  await (await deployedScheduleHandle(client, definitions, name)).pause(note ?? 'paused through stratum');
}

/** Unpauses a paused schedule. */
export async function unpauseSchedule(client: Client, definitions: Definitions, name: string, note?: string): Promise<void> {
  await (await deployedScheduleHandle(client, definitions, name)).unpause(note ?? 'unpaused through stratum');
}

/** Starts one run of a schedule now, whatever its overlap policy (Temporal's `ALLOW_ALL`). */
export async function triggerSchedule(client: Client, definitions: Definitions, name: string): Promise<void> {
  await (await deployedScheduleHandle(client, definitions, name)).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
}
