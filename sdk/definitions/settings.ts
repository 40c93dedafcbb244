import os from 'node:os';
import path from 'node:path';
import { DEFAULT_LOCATION } from '../protocol/location';

/** Task queue Stratum uses unless told otherwise: `STRATUM_TASK_QUEUE` or `stratum`. */
export function defaultTaskQueue(): string {
  return process.env.STRATUM_TASK_QUEUE ?? 'stratum';
}

/**
 * Task queue of a workspace location unless its entry sets one: {@link defaultTaskQueue} for the
 * default location (so a project without a workspace file keeps `stratum`), else
 * `<defaultTaskQueue>-<location>` (`stratum-etl`).
 */
export function locationTaskQueue(location: string): string {
  return location === DEFAULT_LOCATION ? defaultTaskQueue() : `${defaultTaskQueue()}-${location}`;
}

/**
 * Stratum's home: the folder that holds a project's local state, as an absolute path.
 * `STRATUM_HOME` when set (resolved against the working directory), else `.stratum` under the
 * working directory. Never inside the installed package: two projects on one install keep
 * separate state.
 *
 * What lives there: `catalog.db` (the SQLite catalog, {@link defaultCatalogLocation}),
 * `storage/` (the filesystem IO manager, {@link defaultStorageDir}), `data/` (the local dev
 * server's database, log and state file, {@link stratumDataDir}) and `cache/` (the workflow
 * bundle, {@link workflowBundleCacheDir}). The Temporal CLI Stratum builds is per user instead
 * ({@link userCacheDir}).
 *
 * @example
 * ```ts
 * stratumHome(); // '/home/me/my-project/.stratum'
 * stratumHome({ STRATUM_HOME: '/var/lib/stratum' }); // '/var/lib/stratum'
 * ```
 */
export function stratumHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = env['STRATUM_HOME']?.trim();
  return path.resolve(home ? home : '.stratum');
}

/** The local dev server's folder (database `temporal.db`, log, state file): `<stratumHome>/data`. */
export function stratumDataDir(home: string = stratumHome()): string {
  return path.join(path.resolve(home), 'data');
}

/** Where workers cache the bundled workflow code: `<stratumHome>/cache`. */
export function workflowBundleCacheDir(home: string = stratumHome()): string {
  return path.join(path.resolve(home), 'cache');
}

/**
 * Catalog location unless told otherwise (`--catalog`, `createWorker({ catalog })`):
 * `STRATUM_CATALOG_URL` (e.g. `postgres://stratum@db/stratum`), else `STRATUM_CATALOG` (a URL or a
 * SQLite path), else `<stratumHome>/catalog.db` ({@link stratumHome}).
 */
export function defaultCatalogLocation(): string {
  return process.env.STRATUM_CATALOG_URL || process.env.STRATUM_CATALOG || path.join(stratumHome(), 'catalog.db');
}

/**
 * Folder of the default filesystem IO manager: `STRATUM_STORAGE_DIR` (resolved against the
 * working directory), else `<stratumHome>/storage` ({@link stratumHome}).
 */
export function defaultStorageDir(): string {
  const dir = process.env.STRATUM_STORAGE_DIR?.trim();
  return dir ? path.resolve(dir) : path.join(stratumHome(), 'storage');
}

/**
 * The per-user cache shared by every project of this user (the Temporal CLI Stratum builds
 * lives there, so it is built once per machine and user, not once per project):
 * `STRATUM_CACHE_DIR` when set, else `$XDG_CACHE_HOME/stratum`, else `~/.cache/stratum`.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['STRATUM_CACHE_DIR']?.trim();
  if (explicit) return path.resolve(explicit);
  const xdg = env['XDG_CACHE_HOME']?.trim();
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'stratum');
  return path.join(env['HOME']?.trim() || os.homedir(), '.cache', 'stratum');
}
