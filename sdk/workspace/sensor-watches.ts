import type { Definitions } from '../definitions/definitions';
import { sensorsOf } from '../automation/sensors/code-location-sensors';

/**
 * The assets of other locations this location's sensors watch: for each asset sensor or eager
 * automation sensor, every watched key that is a source asset here (`sourceAsset()`, declared in
 * this location, materialized elsewhere). A location's worker registers them in the shared
 * catalog when it starts (`Catalog.registerSensorWatches`), so the runs of the location owning
 * the asset signal these sensors as they signal their own; its own assets need no registration,
 * their runs' plans name the sensors already.
 *
 * @example
 * await catalog.registerSensorWatches('finance', foreignSensorWatches(defs));
 */
export function foreignSensorWatches(definitions: Definitions): { sensor: string; assetKey: string }[] {
  const watches: { sensor: string; assetKey: string }[] = [];
  for (const sensor of sensorsOf(definitions)) {
    for (const assetKey of sensor.watchedAssets) {
      if (definitions.assetNodes.get(assetKey)?.external) watches.push({ sensor: sensor.name, assetKey });
    }
  }
  return watches;
}
