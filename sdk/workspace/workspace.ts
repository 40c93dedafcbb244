import { DefinitionError } from '../errors';
import { DEFAULT_LOCATION } from '../protocol/location';

/** One code location of a workspace: a name, a definitions module and, optionally, where it runs. */
export interface WorkspaceLocationOptions {
  /** Unique in the workspace: letters, digits, `_` and `-`. It appears in ids (`stratum@<name>/…`) and the `StratumLocation` search attribute. */
  name: string;
  /** The location's definitions module (default export a `Definitions`), relative to the workspace file. */
  defs: string;
  /** Task queue of its workers. Default `<STRATUM_TASK_QUEUE or stratum>-<name>` (`stratum-etl`). */
  taskQueue?: string;
  /** Environment variables its worker process and the commands that load it run with (its own settings, credentials…). */
  env?: Record<string, string>;
  /**
   * Its catalog (SQLite path relative to the workspace file, or a URL). Default the workspace's
   * `catalog`: locations that share a catalog see each other's materializations (cross-location
   * staleness and lineage need that).
   */
  catalog?: string;
}

/** What `stratum.workspace.ts` exports (or `stratum.workspace.json` holds). */
export interface WorkspaceOptions {
  locations: WorkspaceLocationOptions[];
  /** The catalog every location shares unless it sets its own. Default as without a workspace (`STRATUM_CATALOG_URL`, `STRATUM_CATALOG` or `.stratum/catalog.db`). */
  catalog?: string;
}

/** A workspace file's contents is not a valid workspace (names, modules, duplicates). */
export class InvalidWorkspaceError extends DefinitionError {
  /** Stable error code. */
  readonly code = 'STRATUM_INVALID_WORKSPACE';
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Declares a workspace: several code locations, each its own definitions module, task queue and
 * worker process, deployed independently and visible together (Dagster's workspace of code
 * locations). Checks the names and modules; paths are resolved against the workspace file.
 *
 * @example
 * // stratum.workspace.ts
 * export default defineWorkspace({
 *   locations: [
 *     { name: 'etl', defs: 'examples/etl/defs.ts' },
 *     { name: 'partitioned', defs: 'examples/partitioned/defs.ts', taskQueue: 'events' },
 *   ],
 * });
 */
export function defineWorkspace(options: WorkspaceOptions): WorkspaceOptions {
  return checkWorkspace(options, 'defineWorkspace()');
}

/** Checks a workspace's shape (what a `.json` workspace file holds), naming `source` in errors. */
export function checkWorkspace(value: unknown, source: string): WorkspaceOptions {
  const options = value as WorkspaceOptions;
  if (typeof options !== 'object' || options === null || !Array.isArray(options.locations) || options.locations.length === 0) {
    throw new InvalidWorkspaceError(`${source} is not a workspace: expected { "locations": [{ "name": "etl", "defs": "etl/defs.ts" }, ...] } with at least one location.`);
  }
  const seen = new Set<string>();
  options.locations.forEach((location, i) => {
    const where = `${source} locations[${i}]`;
    if (typeof location !== 'object' || location === null) throw new InvalidWorkspaceError(`${where} is not an object; write { "name": "etl", "defs": "etl/defs.ts" }.`);
    if (typeof location.name !== 'string' || !NAME.test(location.name)) {
      throw new InvalidWorkspaceError(`${where} has an invalid name ${JSON.stringify(location.name)}. Use letters, digits, '_' and '-', starting with a letter or '_'.`);
    }
    if (typeof location.defs !== 'string' || location.defs.trim() === '') throw new InvalidWorkspaceError(`${where} ("${location.name}") needs "defs": the path of its definitions module.`);
    if (seen.has(location.name)) throw new InvalidWorkspaceError(`${source} has two locations named "${location.name}"; location names must be unique.`);
    if (location.name === DEFAULT_LOCATION && options.locations.length > 1) {
      throw new InvalidWorkspaceError(`${where}: "${DEFAULT_LOCATION}" is the implicit location of a project without a workspace; name the locations of a workspace after what they hold (e.g. "etl").`);
    }
    if (location.env !== undefined && (typeof location.env !== 'object' || location.env === null || Object.values(location.env).some((v) => typeof v !== 'string'))) {
      throw new InvalidWorkspaceError(`${where} ("${location.name}"): "env" must map variable names to strings.`);
    }
    seen.add(location.name);
  });
  return options;
}
