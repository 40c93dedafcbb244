import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Definitions } from '../sdk/definitions/definitions';
import { locationOf } from '../sdk/definitions/location';
import { InvalidRunRequestError } from '../sdk/errors';
import type { ResolvedSchedule } from '../sdk/automation/schedules/resolved-schedule';
import { scheduleIdOf } from '../sdk/automation/schedules/schedule';
import { firstTickAtOrAfter, nextTickTimes, partitionForTick } from '../sdk/automation/schedules/schedule-ticks';
import { resolveScheduleName } from './schedule-name';

/** The ticks a schedule backfill covers: the first and last nominal times, the count and the partitions they run. */
export interface ScheduleBackfillRange {
  from: Date;
  to: Date;
  ticks: number;
  /** First and last partition run (partitioned schedules), else null. */
  partitions: { from: string; to: string } | null;
}

/** More ticks than this in one backfill are refused (Temporal buffers at most 1,000 starts per schedule). */
const MAX_BACKFILL_TICKS = 1_000;

/**
 * Works out which ticks `--from A --to B` means: for a partitioned schedule, A and B may be
 * partition keys (the ticks that run those partitions); otherwise, or when they are not keys,
 * ISO dates or instants, both ends inclusive.
 */
export function scheduleBackfillRange(schedule: ResolvedSchedule, from: string, to: string): ScheduleBackfillRange {
  const partitions = schedule.partitions;
  let start: Date;
  let end: Date;
  if (partitions && isKey(partitions, from) && isKey(partitions, to)) {
    start = firstTickAtOrAfter(schedule, partitions.timeWindowForKey(from).end);
    end = firstTickAtOrAfter(schedule, partitions.timeWindowForKey(to).end);
  } else {
    start = parseInstant(from, '--from');
    end = parseInstant(to, '--to');
  }
  if (start.getTime() > end.getTime()) throw new InvalidRunRequestError(`The backfill range runs backwards: ${from} comes after ${to}. Swap --from and --to.`);
  const ticks = ticksBetween(schedule, start, end);
  if (ticks.length === 0) throw new InvalidRunRequestError(`Schedule "${schedule.name}" has no tick between ${start.toISOString()} and ${end.toISOString()}; widen --from/--to (\`stratum schedule preview ${schedule.name}\` shows its cadence).`);
  const first = ticks[0]!;
  const last = ticks[ticks.length - 1]!;
  const firstKey = partitionForTick(schedule, first);
  const lastKey = partitionForTick(schedule, last);
  return { from: first, to: last, ticks: ticks.length, partitions: firstKey !== null && lastKey !== null ? { from: firstKey, to: lastKey } : null };
}

/**
 * Runs every tick of a schedule between `from` and `to` (see {@link scheduleBackfillRange}) through
 * Temporal's schedule backfill, with overlap `ALLOW_ALL` so no tick is dropped. Each tick is a
 * normal scheduled run with its own nominal time, so partitioned schedules run the right partitions.
 *
 * @example
 * await backfillSchedule(client, defs, 'daily_events', { from: '2024-03-01', to: '2024-03-03' }); // three daily partitions
 */
export async function backfillSchedule(client: Client, definitions: Definitions, name: string, range: { from: string; to: string }): Promise<ScheduleBackfillRange> {
  const schedule = resolveScheduleName(definitions, name);
  const resolved = scheduleBackfillRange(schedule, range.from, range.to);
  // One millisecond either side: the range holds exactly these ticks whether Temporal's ends are inclusive or not.
  await client.schedule.getHandle(scheduleIdOf(schedule.name, locationOf(definitions))).backfill({
    start: new Date(resolved.from.getTime() - 1),
    end: new Date(resolved.to.getTime() + 1),
    overlap: ScheduleOverlapPolicy.ALLOW_ALL,
  });
  return resolved;
}

function ticksBetween(schedule: ResolvedSchedule, start: Date, end: Date): Date[] {
  const ticks: Date[] = [];
  let cursor = new Date(start.getTime() - 1);
  for (;;) {
    const batch = nextTickTimes(schedule, cursor, 100);
    for (const tick of batch) {
      if (tick.getTime() > end.getTime()) return ticks;
      ticks.push(tick);
      if (ticks.length > MAX_BACKFILL_TICKS) {
        throw new InvalidRunRequestError(`That range holds more than ${MAX_BACKFILL_TICKS} ticks of schedule "${schedule.name}" (Temporal buffers at most 1,000 starts); backfill it in parts, or use \`stratum backfill start\` for many partitions.`);
      }
    }
    if (batch.length === 0) return ticks;
    cursor = batch[batch.length - 1]!;
  }
}

function isKey(partitions: NonNullable<ResolvedSchedule['partitions']>, key: string): boolean {
  try {
    partitions.timeWindowForKey(key);
    return true;
  } catch {
    return false;
  }
}

function parseInstant(text: string, option: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : new Date(text);
  if (Number.isNaN(date.getTime())) throw new InvalidRunRequestError(`${option} "${text}" is not a date or time; write 2024-03-01 or 2024-03-01T06:00:00Z (or, for a partitioned schedule, a partition key).`);
  return date;
}
