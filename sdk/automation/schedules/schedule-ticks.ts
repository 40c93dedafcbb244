import { CronExpressionParser } from 'cron-parser';
import type { PartitionContext } from '../../partitions';
import type { ResolvedSchedule } from './resolved-schedule';

/** One tick of a schedule: its nominal time, and the partition it runs (partitioned schedules). */
export interface ScheduleTick {
  at: Date;
  partitionKey: string | null;
}

/**
 * The next `count` nominal tick times strictly after `after`, computed offline from the
 * definition (cron-parser for crons; multiples of the interval since the Unix epoch, as Temporal
 * does, for `every`).
 */
export function nextTickTimes(schedule: ResolvedSchedule, after: Date, count: number): Date[] {
  const cadence = schedule.cadence;
  if (cadence.kind === 'interval') {
    const first = Math.floor(after.getTime() / cadence.everyMs) * cadence.everyMs + cadence.everyMs;
    return Array.from({ length: count }, (_, i) => new Date(first + i * cadence.everyMs));
  }
  const expression = CronExpressionParser.parse(cadence.cron, { tz: cadence.timezone, currentDate: after });
  const times: Date[] = [];
  while (times.length < count && expression.hasNext()) times.push(expression.next().toDate());
  return times;
}

/**
 * The partition a tick at `scheduledAt` runs: the last partition whose window has ended by then
 * (the window the tick closes, or the one in progress with `endOffset: 1`). Worked out from the
 * nominal time, so a late or backfilled tick runs the same partition as an on-time one. Null for
 * unpartitioned schedules, for ticks before the first window has ended, and for ticks after the
 * definition's `end` has passed by a whole window.
 */
export function partitionForTick(schedule: ResolvedSchedule, scheduledAt: Date, ctx?: Omit<PartitionContext, 'now'>): string | null {
  if (!schedule.partitions) return null;
  const key = schedule.partitions.lastKey({ ...ctx, now: scheduledAt });
  if (key === null) return null;
  // Past a definition's `end`, lastKey stays on the final partition; a tick one whole window after
  // that partition's end closes a window the definition does not have: nothing to run.
  const window = schedule.partitions.timeWindowForKey(key);
  const length = window.end.getTime() - window.start.getTime();
  return scheduledAt.getTime() >= window.end.getTime() + length ? null : key;
}

/** The next `count` ticks after `after`, each with its partition. */
export function previewTicks(schedule: ResolvedSchedule, after: Date, count: number): ScheduleTick[] {
  return nextTickTimes(schedule, after, count).map((at) => ({ at, partitionKey: partitionForTick(schedule, at) }));
}

/**
 * The first tick at or after `at` (for backfills given as partitions: the tick that closes a
 * window is the first one at or after its end).
 */
export function firstTickAtOrAfter(schedule: ResolvedSchedule, at: Date): Date {
  return nextTickTimes(schedule, new Date(at.getTime() - 1), 1)[0]!;
}
