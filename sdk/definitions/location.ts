import { DEFAULT_LOCATION } from '../protocol/location';
import type { Definitions } from './definitions';

const locations = new WeakMap<Definitions, string>();

/**
 * The code location a `Definitions` was loaded as (workspace loading and `createWorker` set it):
 * {@link DEFAULT_LOCATION} unless assigned. Ids, deploy scoping and the `StratumLocation`
 * search attribute follow it.
 */
export function locationOf(definitions: Definitions): string {
  return locations.get(definitions) ?? DEFAULT_LOCATION;
}

/** Marks `definitions` as the code of location `name` (returns them). */
export function assignLocation<D extends Definitions>(definitions: D, name: string): D {
  locations.set(definitions, name);
  return definitions;
}
