import type { TimeWindowPartitionsDefinition } from '../../partitions';
import type { ScheduleCadence, ScheduleDefinition, ScheduleTarget } from './schedule';

/**
 * A schedule checked against its code location: its cadence settled (a partitioned schedule
 * without cron or every takes its partitions' cron and zone), and the partitions its ticks map to.
 */
export interface ResolvedSchedule {
  readonly definition: ScheduleDefinition;
  readonly name: string;
  readonly target: ScheduleTarget;
  readonly cadence: ScheduleCadence;
  /** The time-window partitions a partitioned schedule's ticks pick from; null when not partitioned. */
  readonly partitions: TimeWindowPartitionsDefinition | null;
  /** Job name, or the selection: the value of the runs' `StratumJob` search attribute. */
  readonly jobLabel: string;
  /** Every asset the schedule's runs materialize. */
  readonly assetKeys: readonly string[];
}
