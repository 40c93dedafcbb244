import type { Definitions } from '../definitions/definitions';
import { sensorsOf } from '../automation/sensors/code-location-sensors';
import { monitoredLocationNames, runStatusWatchesOf } from '../automation/sensors/run-status-monitoring';
import { locationOf } from '../definitions/location';
import { DefinitionError } from '../errors';
import type { RunStatusWatch } from '../catalog/catalog-records';

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

/**
 * The runs of other locations this location's run-status sensors monitor (`monitoredLocations`,
 * `monitorAllLocations`, `jobs: [{ location, job }]`), as its worker registers them in the shared
 * catalog beside {@link foreignSensorWatches}: the runs of those locations look them up when they
 * start and signal these sensors when they end.
 *
 * @example
 * await catalog.registerSensorWatches('finance', foreignSensorWatches(defs), foreignRunStatusWatches(defs));
 */
export function foreignRunStatusWatches(definitions: Definitions): RunStatusWatch[] {
  return runStatusWatchesOf(sensorsOf(definitions), locationOf(definitions));
}

/** A run-status sensor monitors a location the workspace does not have. */
export class UnknownMonitoredLocationError extends DefinitionError {
  /** Stable error code. */
  readonly code = 'STRATUM_UNKNOWN_MONITORED_LOCATION';
}

/**
 * Refuses run-status sensors of `definitions` (loaded as a location of a workspace whose locations
 * are `locationNames`) that monitor a location the workspace does not have, by `monitoredLocations`
 * or a `{ location, job }` entry of `jobs`: such a sensor would never hear from it. The CLI calls
 * it when it loads a location of a workspace file.
 *
 * @throws UnknownMonitoredLocationError naming the sensor, the unknown location and the known ones.
 */
export function checkMonitoredLocations(definitions: Definitions, locationNames: readonly string[], source = 'the workspace'): void {
  const known = new Set(locationNames);
  const problems: string[] = [];
  for (const sensor of sensorsOf(definitions)) {
    const unknown = monitoredLocationNames(sensor.watchedRuns).filter((l) => !known.has(l));
    if (unknown.length > 0) problems.push(`run-status sensor "${sensor.name}" monitors ${unknown.map((l) => `"${l}"`).join(', ')}`);
  }
  if (problems.length === 0) return;
  throw new UnknownMonitoredLocationError(
    `Location "${locationOf(definitions)}": ${problems.join('; ')}, which ${source} does not have (its locations: ${[...known].join(', ')}). Fix the name in monitoredLocations or jobs: [{ location, job }], or add that location to the workspace.`,
  );
}
