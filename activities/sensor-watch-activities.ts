import type { Catalog } from '../sdk/catalog';
import type { SensorWatcher, SensorWatchersInput } from '../sdk/protocol/sensor-contract';

/**
 * The activity behind `SENSOR.watchersActivity`: which sensors of other workspace locations watch
 * the assets of a run (`plan.notify.otherLocations`) and, when `input.run` is given
 * (`plan.notify.otherLocationRuns`), which run-status sensors of other locations monitor the run
 * itself, read from the watches their workers registered in the shared catalog. One or two
 * indexed reads per run, as a local activity.
 */
export function createSensorWatchActivities(deps: { catalog: Catalog }) {
  return {
    async sensorWatchers(input: SensorWatchersInput): Promise<SensorWatcher[]> {
      const assets: SensorWatcher[] = await deps.catalog.sensorWatchers(input.assetKeys, input.location);
      if (input.run === undefined) return assets;
      const runs = await deps.catalog.runStatusWatchers(input.location, input.run.job);
      return [...assets, ...runs.map((w) => ({ location: w.location, sensor: w.sensor, runStatuses: w.statuses }))];
    },
  };
}
