import path from 'node:path';

/** Task queue Stratum uses unless told otherwise: `STRATUM_TASK_QUEUE` or `stratum`. */
export function defaultTaskQueue(): string {
  return process.env.STRATUM_TASK_QUEUE ?? 'stratum';
}

/**
 * Catalog location unless told otherwise (`--catalog`, `createWorker({ catalog })`):
 * `STRATUM_CATALOG_URL` (e.g. `postgres://stratum@db/stratum`), else `STRATUM_CATALOG` (a URL or a
 * SQLite path), else `.stratum/catalog.db` in the working directory.
 */
export function defaultCatalogLocation(): string {
  return process.env.STRATUM_CATALOG_URL || process.env.STRATUM_CATALOG || path.resolve('.stratum', 'catalog.db');
}
