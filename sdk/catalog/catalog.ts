import type { CatalogReader } from './catalog-reader';
import type { CatalogWriter } from './catalog-writer';

export * from './catalog-records';
export type { CatalogReader } from './catalog-reader';
export type { CatalogWriter } from './catalog-writer';

/**
 * A catalog that is opened and closed: its {@link CatalogReader} and its {@link CatalogWriter}.
 * Two implementations share one code path: SQLite (default, a file) and PostgreSQL (a URL).
 * {@link openCatalog} returns one; what user code, sensors and checks get is the reader.
 *
 * @example
 * const catalog = await openCatalog('.stratum/catalog.db');
 * const latest = await catalog.latestMaterialization('sales/orders', '2024-03-01');
 * await catalog.close();
 */
export interface Catalog extends CatalogReader, CatalogWriter {
  /** Closes the connection (pool). Idempotent. */
  close(): Promise<void>;
}
