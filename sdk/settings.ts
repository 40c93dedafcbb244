import path from 'node:path';

/** Task queue Stratum uses unless told otherwise: `STRATUM_TASK_QUEUE` or `stratum`. */
export function defaultTaskQueue(): string {
  return process.env.STRATUM_TASK_QUEUE ?? 'stratum';
}

/** Catalog location unless told otherwise: `STRATUM_CATALOG`, else `.stratum/catalog.db` in the working directory. */
export function defaultCatalogLocation(): string {
  return process.env.STRATUM_CATALOG ?? path.resolve('.stratum', 'catalog.db');
}
