import type { Definitions } from '../../sdk/definitions/definitions';
import { assignLocation } from '../../sdk/definitions/location';
import { StratumError } from '../../sdk/errors';
import { loadDefinitions } from '../load-definitions';
import { checkMonitoredLocations } from '../../sdk/workspace/sensor-watches';
import { applyLocationEnv, resolveWorkspace, selectLocation, type ResolvedLocation, type ResolvedWorkspace } from './load-workspace';

/** The options by which a command names its location. */
export interface LocationOptions {
  defs?: string;
  workspace?: string;
  location?: string;
}

/** The location a command works with, its definitions loaded and marked as that location's (its `env` applied first). */
export function loadLocation(options: LocationOptions): { workspace: ResolvedWorkspace; location: ResolvedLocation; definitions: Definitions } {
  const workspace = resolveWorkspace(options);
  const location = selectLocation(workspace, options.location);
  applyLocationEnv(location);
  const definitions = assignLocation(loadDefinitions(location.defs), location.name);
  if (workspace.file !== null) checkMonitoredLocations(definitions, workspace.locations.map((l) => l.name), workspace.file);
  return { workspace, location, definitions };
}

/** One location of a workspace, loaded or with the error its module failed with. */
export type LoadedLocation = { location: ResolvedLocation; definitions: Definitions; error: null } | { location: ResolvedLocation; definitions: null; error: Error };

/**
 * Loads every location of the workspace in this process; a module that fails to load is reported
 * with its error and the others still load. (Location `env` is not applied: commands that load
 * one location at a time, and worker processes, run with it.)
 */
export function loadAllLocations(workspace: ResolvedWorkspace): LoadedLocation[] {
  return workspace.locations.map((location) => {
    try {
      const definitions = assignLocation(loadDefinitions(location.defs), location.name);
      if (workspace.file !== null) checkMonitoredLocations(definitions, workspace.locations.map((l) => l.name), workspace.file);
      return { location, definitions, error: null };
    } catch (error) {
      return { location, definitions: null, error: error instanceof Error ? error : new Error(String(error)) };
    }
  });
}

/** Two locations of a workspace define the same asset key. */
export class WorkspaceAssetConflictError extends StratumError {
  /** Stable error code. */
  readonly code = 'STRATUM_WORKSPACE_ASSET_CONFLICT';
}

/**
 * Refuses an asset key defined by two locations: keys are global in a workspace (one catalog,
 * one storage), so two definitions of `sales/orders` would overwrite each other's data. A
 * location that only reads another's asset declares it with `sourceAsset(key)`, which is no
 * conflict. Sensor names are checked too (their state is kept in the catalog by name).
 */
export function checkWorkspaceAssetKeys(loaded: readonly LoadedLocation[]): void {
  const owners = new Map<string, { location: string; group: string }[]>();
  for (const l of loaded) {
    if (!l.definitions) continue;
    for (const node of l.definitions.assetNodes.values()) {
      if (node.external) continue;
      owners.set(node.key, [...(owners.get(node.key) ?? []), { location: l.location.name, group: node.group }]);
    }
  }
  const conflicts = [...owners].filter(([, by]) => by.length > 1);
  // Sensor cursors and run keys live in the shared catalog by sensor name.
  const sensors = new Map<string, string[]>();
  for (const l of loaded) for (const s of l.definitions?.declaredSensors ?? []) sensors.set(s.name, [...(sensors.get(s.name) ?? []), l.location.name]);
  const sensorConflicts = [...sensors].filter(([, by]) => by.length > 1);
  if (conflicts.length === 0 && sensorConflicts.length > 0) {
    throw new WorkspaceAssetConflictError(
      `Sensor names must be unique across a workspace's locations (their cursors and run keys live in the shared catalog by name): ${sensorConflicts.map(([name, by]) => `"${name}" in locations ${by.join(' and ')}`).join('; ')}. Rename one.`,
    );
  }
  if (conflicts.length === 0) return;
  const lines = conflicts.map(([key, by]) => `"${key}" in ${by.map((o) => `location ${o.location} (group ${o.group})`).join(' and ')}`);
  throw new WorkspaceAssetConflictError(
    `Asset keys must be unique across a workspace's locations (they share the catalog and storage): ${lines.join('; ')}. Rename one (or give it a keyPrefix), or, if one location only reads the other's asset, declare it there with sourceAsset('${conflicts[0]![0]}').`,
  );
}
