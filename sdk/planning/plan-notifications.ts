import type { Definitions } from '../definitions/definitions';
import type { Plan } from '../protocol/plan';
import type { PlanNotifications } from '../protocol/sensor-contract';
import type { AnySensorDefinition } from '../automation/sensors/sensor-definition';
import { SensorRunTags } from '../automation/sensors/sensor-run-tags';
import { sensorsOf } from '../automation/sensors/code-location-sensors';
import { isNamedLocation } from '../protocol/location';
import { monitorsRun } from '../automation/sensors/run-status-monitoring';

/**
 * Who a run notifies, worked out by the planner from the sensors of the definitions:
 * - per asset the run materializes, the sensors watching it (asset sensors, eager automation);
 * - the run-status sensors whose job filter matches the run (`jobs: null` matches every run;
 *   `monitoredLocations` / `{ location, job }` entries naming this location match too), except a
 *   sensor that requested this run itself (tag `stratum/sensor`), so it cannot loop.
 *
 * Returns `undefined` when nobody is notified: the plan then has no `notify` field and the run's
 * workflow sends no signals, exactly as before sensors existed.
 */
export function planNotifications(sensors: readonly AnySensorDefinition[], plan: Pick<Plan, 'assetKeys' | 'job' | 'tags'> & { location?: string }): PlanNotifications | undefined {
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
    if (!monitorsRun(runs, { location: plan.location, job: plan.job }, plan.location)) continue;
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
 * Every plan of a named location also gets `notify.otherLocationRuns`: run-status sensors of other
 * locations may monitor its runs (`monitoredLocations`, `monitorAllLocations`), looked up by the
 * same lookup and signalled when the run ends.
 */
export function withPlanNotifications(defs: Definitions, plan: Plan): Plan {
  const own = planNotifications(sensorsOf(defs), plan);
  if (!isNamedLocation(plan.location)) return own === undefined ? plan : { ...plan, notify: own };
  const notify = { ...(own ?? { assetMaterialized: {}, runStatus: [] }) };
  if (plan.assetKeys.length > 0) notify.otherLocations = true;
  notify.otherLocationRuns = true;
  return { ...plan, notify };
}
