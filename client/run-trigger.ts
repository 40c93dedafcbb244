import { SensorRunTags } from '../sdk/automation/sensors/sensor-run-tags';
import type { RunRecord } from '../sdk/catalog';
import { ReexecutionTags } from './reexecute';

/** Tags a schedule's tick puts on its run (the same names as the worker's schedule activities use). */
const SCHEDULE_TAG = 'stratum/schedule';
const SCHEDULED_AT_TAG = 'stratum/scheduled_at';

/** What started a run. */
export interface RunTrigger {
  kind: 'schedule' | 'sensor' | 'automation' | 'backfill' | 'reexecution' | 'manual';
  /** The schedule, sensor or backfill, or the run re-executed; null for manual runs and automation. */
  name: string | null;
  /** One line: `schedule daily_sales (tick 2024-03-01T00:00:00Z)`, `sensor new_files`, `backfill 1a2b…`, `manual`. */
  text: string;
}

/**
 * What started a run, from its tags, backfill id and workflow id: a schedule, a sensor (or eager
 * automation), a backfill, a re-execution of another run, or a person (`manual`: the CLI, the
 * client or the UI). Pure.
 */
export function runTrigger(run: Pick<RunRecord, 'tags' | 'backfillId' | 'workflowId'>): RunTrigger {
  const tags = run.tags ?? {};
  const schedule = tags[SCHEDULE_TAG] ?? /^stratum\/schedule\/(.+)-\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.exec(run.workflowId)?.[1];
  if (schedule) return { kind: 'schedule', name: schedule, text: `schedule ${schedule}${tags[SCHEDULED_AT_TAG] ? ` (tick ${tags[SCHEDULED_AT_TAG]})` : ''}` };
  if (tags[SensorRunTags.sensor]) return { kind: 'sensor', name: tags[SensorRunTags.sensor]!, text: `sensor ${tags[SensorRunTags.sensor]}` };
  if (tags[SensorRunTags.automation]) return { kind: 'automation', name: null, text: `${tags[SensorRunTags.automation]} automation` };
  if (run.backfillId) return { kind: 'backfill', name: run.backfillId, text: `backfill ${run.backfillId}` };
  const parent = tags[ReexecutionTags.parentRun];
  if (parent) {
    const strategy = tags[ReexecutionTags.strategy] === 'from-failure' ? ' from failure' : '';
    return { kind: 'reexecution', name: parent, text: `re-execution${strategy} of ${parent}` };
  }
  return { kind: 'manual', name: null, text: 'manual' };
}
