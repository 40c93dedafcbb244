import type { Catalog } from '../sdk/catalog';
import type { SensorWatcher, SensorWatchersInput } from '../sdk/protocol/sensor-contract';

/**
 * The activity behind `SENSOR.watchersActivity`: which sensors of other workspace locations watch
 * the assets of a run (`plan.notify.otherLocations`), read from the watches their workers
 * registered in the shared catalog. One indexed read per run, as a local activity.
 */
export function createSensorWatchActivities(deps: { catalog: Catalog }) {
  return {
    async sensorWatchers(input: SensorWatchersInput): Promise<SensorWatcher[]> {
      return deps.catalog.sensorWatchers(input.assetKeys, input.location);
    },
  };
}
