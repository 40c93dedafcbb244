import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { locationTaskQueue } from '../../sdk/definitions/settings';
import { StratumError } from '../../sdk/errors';
import { DEFAULT_LOCATION } from '../../sdk/protocol/location';
import { checkWorkspace, InvalidWorkspaceError } from '../../sdk/workspace/workspace';
import { registerTypeScript } from '../load-definitions';

/** File names a workspace is found under in the working directory, in this order. */
export const WORKSPACE_FILES = ['stratum.workspace.ts', 'stratum.workspace.json'] as const;

/** A workspace location with its paths resolved: what commands and workers run with. */
export interface ResolvedLocation {
  name: string;
  /** Absolute path of its definitions module. */
  defs: string;
  taskQueue: string;
  /** Its catalog (absolute SQLite path or URL), or undefined for the default one. */
  catalog?: string;
  env: Record<string, string>;
}

/** The locations a command works with: a workspace file's, or the one implicit location. */
export interface ResolvedWorkspace {
  /** The workspace file, or null for the implicit workspace of a single definitions module. */
  file: string | null;
  locations: ResolvedLocation[];
}

/** `--location NAME` names no location of the workspace. */
export class UnknownLocationError extends StratumError {
  /** Stable error code. */
  readonly code = 'STRATUM_UNKNOWN_LOCATION';
}

/** The workspace has several locations and the command needs one. */
export class LocationRequiredError extends StratumError {
  /** Stable error code. */
  readonly code = 'STRATUM_LOCATION_REQUIRED';
}

/** The workspace file to use: `explicit` (`--workspace`, `STRATUM_WORKSPACE`), else one of {@link WORKSPACE_FILES} in `dir`, else null. */
export function findWorkspaceFile(explicit: string | undefined, dir: string = process.cwd()): string | null {
  if (explicit) {
    const file = path.resolve(explicit);
    if (!existsSync(file)) throw new InvalidWorkspaceError(`No workspace file at ${file}. Pass --workspace PATH to a stratum.workspace.ts or .json file.`);
    return file;
  }
  for (const name of WORKSPACE_FILES) {
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  return null;
}

/** Reads a workspace file (`.json`, or `.ts`/`.js` whose default export is `defineWorkspace({...})`) and resolves its paths against the file's folder. */
export function loadWorkspaceFile(file: string): ResolvedWorkspace {
  const shown = path.relative(process.cwd(), file) || file;
  let raw: unknown;
  try {
    if (file.endsWith('.json')) raw = JSON.parse(readFileSync(file, 'utf8'));
    else {
      if (/\.[cm]?ts$/.test(file)) registerTypeScript();
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const loaded = require(file) as Record<string, unknown>;
      raw = loaded.default ?? loaded.workspace;
    }
  } catch (error) {
    if (error instanceof StratumError) throw error;
    throw new InvalidWorkspaceError(`Reading the workspace file ${shown} failed: ${(error as Error).message}. Fix it, or pass --defs PATH to run one definitions module without it.`, { cause: error });
  }
  const options = checkWorkspace(raw, shown);
  const dir = path.dirname(file);
  const resolveCatalog = (catalog: string | undefined) => (catalog === undefined ? undefined : catalog.includes('://') ? catalog : path.resolve(dir, catalog));
  return {
    file,
    locations: options.locations.map((l) => {
      const catalog = resolveCatalog(l.catalog ?? options.catalog);
      return { name: l.name, defs: path.resolve(dir, l.defs), taskQueue: l.taskQueue ?? locationTaskQueue(l.name), ...(catalog !== undefined ? { catalog } : {}), env: { ...(l.env ?? {}) } };
    }),
  };
}

/** The implicit workspace of one definitions module: a single location named `default` on the default task queue (today's ids). */
export function implicitWorkspace(defs: string): ResolvedWorkspace {
  return { file: null, locations: [{ name: DEFAULT_LOCATION, defs: path.resolve(defs), taskQueue: locationTaskQueue(DEFAULT_LOCATION), env: {} }] };
}

/**
 * The workspace of a command: an explicit `--defs` (or `STRATUM_DEFS`) is one implicit location;
 * else `--workspace` / `STRATUM_WORKSPACE` / a workspace file in the working directory; else
 * `./defs.ts` as one implicit location.
 */
export function resolveWorkspace(options: { defs?: string; workspace?: string }): ResolvedWorkspace {
  const defs = options.defs ?? process.env.STRATUM_DEFS;
  if (defs && !options.workspace) return implicitWorkspace(defs);
  const file = findWorkspaceFile(options.workspace ?? process.env.STRATUM_WORKSPACE);
  return file ? loadWorkspaceFile(file) : implicitWorkspace('./defs.ts');
}

/** The location `name` of the workspace; without a name, its only location ({@link LocationRequiredError} when it has several). */
export function selectLocation(workspace: ResolvedWorkspace, name: string | undefined): ResolvedLocation {
  const names = workspace.locations.map((l) => l.name);
  if (name === undefined) {
    if (workspace.locations.length === 1) return workspace.locations[0]!;
    throw new LocationRequiredError(`The workspace ${shownFile(workspace)} has ${names.length} locations (${names.join(', ')}); pass --location NAME to choose one (\`stratum locations list\` shows them).`);
  }
  const found = workspace.locations.find((l) => l.name === name);
  if (found) return found;
  throw new UnknownLocationError(
    workspace.file === null
      ? `No location "${name}": without a workspace file the only location is "${DEFAULT_LOCATION}". Add a stratum.workspace.ts (or pass --workspace PATH) listing your locations.`
      : `No location "${name}" in the workspace ${shownFile(workspace)}; its locations are ${names.join(', ')}.`,
  );
}

/** Applies a location's `env` to this process (variables already set by the user win). */
export function applyLocationEnv(location: ResolvedLocation): void {
  for (const [key, value] of Object.entries(location.env)) if (process.env[key] === undefined) process.env[key] = value;
}

function shownFile(workspace: ResolvedWorkspace): string {
  return workspace.file ? path.relative(process.cwd(), workspace.file) || workspace.file : '(implicit)';
}
