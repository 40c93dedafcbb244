import type { Catalog } from '../sdk/catalog';
import type { Definitions } from '../sdk/definitions/definitions';
import { BACKFILL } from '../sdk/protocol/backfill';
import { RUN_ACTIVITY, type StepActivityInput } from '../sdk/protocol/plan';
import { readStepActivityInput } from '../sdk/protocol/step-activity-input';
import { createBackfillActivities } from './backfill-activities';
import { executeCheck } from './execute-check';
import { executeStep } from './execute-step';
import type { ResourcePool } from './resource-pool';
import { createRunActivities } from './run-activities';
import { createPlanActivities } from './plan-activities';
import { PLAN_PAGE_ACTIVITY, RECORD_RUN_STEPS_ACTIVITY } from '../sdk/protocol/plan-reference';
import { SENSOR_EVALUATE_ACTIVITY } from '../sdk/protocol/sensor-state';
import { createSensorActivities } from './sensor-activities';
import { createSensorWatchActivities } from './sensor-watch-activities';
import { SENSOR } from '../sdk/protocol/sensor-contract';
import { SCHEDULE } from '../sdk/protocol/schedule-contract';
import { createScheduleActivities } from './schedule-activities';

/** What the activities need: the definitions, the catalog and the worker's resources. */
export interface ActivityDependencies {
  definitions: Definitions;
  catalog: Catalog;
  resources: ResourcePool;
}

/**
 * Every activity a Stratum worker registers: one per step, under the step's key (so the
 * Temporal UI shows each op by name), plus the run-bookkeeping activities.
 */
export function createActivities(deps: ActivityDependencies): Record<string, (...args: any[]) => Promise<unknown>> {
  const activities: Record<string, (...args: any[]) => Promise<unknown>> = {};
  for (const stepKey of deps.definitions.steps.keys()) {
    activities[stepKey] = (input: StepActivityInput) => executeStep(deps, readStepActivityInput(input));
  }
  for (const checkKey of deps.definitions.assetChecks.keys()) {
    activities[checkKey] = (input: StepActivityInput) => executeCheck(deps, readStepActivityInput(input));
  }
  const run = createRunActivities(deps);
  activities[RUN_ACTIVITY.startRun] = run.startRun;
  activities[RUN_ACTIVITY.finishRun] = run.finishRun;
  activities[RECORD_RUN_STEPS_ACTIVITY] = run.recordRunSteps;
  activities[PLAN_PAGE_ACTIVITY] = createPlanActivities(deps).planPage;
  const backfill = createBackfillActivities(deps);
  activities[BACKFILL.itemsActivity] = backfill.backfillItems;
  activities[BACKFILL.itemsFailedActivity] = backfill.backfillItemsFailed;
  activities[BACKFILL.unitsActivity] = backfill.backfillUnits;
  activities[BACKFILL.unitsBlockedActivity] = backfill.backfillUnitsBlocked;
  activities[SCHEDULE.planActivity] = createScheduleActivities(deps).planScheduledRun;
  activities[SENSOR_EVALUATE_ACTIVITY] = createSensorActivities(deps).evaluateSensor;
  activities[SENSOR.watchersActivity] = createSensorWatchActivities(deps).sensorWatchers;
  return activities;
}
