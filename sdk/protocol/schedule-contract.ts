/**
 * Schedule contract shared by the `scheduledRun` workflow, its planning activity, the deploy
 * code and the CLI. Pure types and constants: workflow code imports this file, so it must never
 * import anything with I/O.
 */
import type { Plan } from './plan';

/** Workflow type, activity name and memo key of schedules. */
export const SCHEDULE = {
  /** Workflow type every schedule's action starts. */
  workflowType: 'scheduledRun',
  /** Activity that plans a scheduled run from the worker's definitions. */
  planActivity: 'stratum.planScheduledRun',
  /** Prefix of every Stratum Schedule id. */
  idPrefix: 'stratum/schedule/',
  /** Memo key on the Temporal Schedule holding {@link ScheduleMemo}. */
  memoKey: 'stratum',
  /** Error type of a tick whose schedule the worker's definitions no longer have. */
  unknownScheduleErrorType: 'UnknownScheduleError',
  /** Error type of a tick that could not be planned (config, partitions…). */
  invalidScheduledRunErrorType: 'InvalidScheduledRunError',
} as const;

/** What Stratum keeps in a Temporal Schedule's memo: a hash of what it sent, and the task queue it targets. */
export interface ScheduleMemo {
  hash: string;
  taskQueue: string;
}

/** The `scheduledRun` workflow's argument: which schedule ticked (everything else comes from the worker's definitions). */
export interface ScheduledRunInput {
  schedule: string;
}

/** Input of the `stratum.planScheduledRun` activity. */
export interface PlanScheduledRunInput {
  schedule: string;
  /** Nominal time of the tick (ISO 8601): `TemporalScheduledStartTime`. */
  scheduledAt: string;
  runId: string;
}

/** What planning a tick gives: the plan, or why the tick runs nothing (e.g. no partition has ended yet). */
export type PlanScheduledRunResult = { plan: Plan; skipped: null } | { plan: null; skipped: string };

/** What a `scheduledRun` workflow returns when its tick ran nothing. */
export interface SkippedScheduledRun {
  status: 'skipped';
  schedule: string;
  scheduledAt: string;
  reason: string;
}
