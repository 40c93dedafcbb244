import type { Definitions } from '../definitions/definitions';
import type { Plan } from '../protocol/plan';
import type { PlanNotifications } from '../protocol/sensor-contract';
import type { AnySensorDefinition } from '../automation/sensors/sensor-definition';
import { SensorRunTags } from '../automation/sensors/sensor-run-tags';
import { sensorsOf } from '../automation/sensors/code-location-sensors';
import { isNamedLocation } from '../protocol/location';

/**
 * Who a run notifies, worked out by the planner from the sensors of the definitions:
 * - per asset the run materializes, the sensors watching it (asset sensors, eager automation);
 * - the run-status sensors whose job filter matches the run (`jobs: null` matches every run),
 *   except a sensor that requested this run itself (tag `stratum/sensor`), so it cannot loop.
 *
 * Returns `undefined` when nobody is notified: the plan then has no `notify` field and the run's
 * workflow sends no signals, exactly as before sensors existed.
 */
export function planNotifications(sensors: readonly AnySensorDefinition[], plan: Pick<Plan, 'assetKeys' | 'job' | 'tags'>): PlanNotifications | undefined {
  const assetMaterialized: Record<string, string[]> = {};
  const runStatus: PlanNotifications['runStatus'] = [];
  const inRun = new Set(plan.assetKeys);
  for (const sensor of sensors) {
    for (const assetKey of sensor.watchedAssets) {
      if (!inRun.has(assetKey)) continue;
      const names = (assetMaterialized[assetKey] ??= []);
      if (!names.includes(sensor.name)) names.push(sensor.name);
    }
    const runs = sensor.watchedRuns;
    if (runs === null || runs.statuses.length === 0) continue;
    if (plan.tags[SensorRunTags.sensor] === sensor.name) continue;
    if (runs.jobs !== null && (plan.job === null || !runs.jobs.includes(plan.job))) continue;
    runStatus.push({ sensor: sensor.name, statuses: [...runs.statuses] });
  }
  if (Object.keys(assetMaterialized).length === 0 && runStatus.length === 0) return undefined;
  return { assetMaterialized, runStatus };
}

/**
 * The plan with its `notify` field set when some sensor must hear from the run (the planner's last
 * step). A plan of a named workspace location that materializes assets also gets
 * `notify.otherLocations`: sensors of other locations may watch its assets (through
 * `sourceAsset()`), which only the shared catalog knows, so the run looks them up when it starts.
 */
export function withPlanNotifications(defs: Definitions, plan: Plan): Plan {
  const own = planNotifications(sensorsOf(defs), plan);
  const abroad = isNamedLocation(plan.location) && plan.assetKeys.length > 0;
  if (!abroad) return own === undefined ? plan : { ...plan, notify: own };
  return { ...plan, notify: { ...(own ?? { assetMaterialized: {}, runStatus: [] }), otherLocations: true } };
}
