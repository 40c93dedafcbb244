import type { CatalogMigration } from './migrations';

/**
 * Catalog version 5: which sensors of each code location watch assets of other locations
 * (`stratum_sensor_watches`), so a run in one location can signal the asset sensors and eager
 * automation of another without loading its code. A location's worker replaces its location's
 * rows when it starts; a run looks its materialized asset keys up by the `asset_key` index.
 */
export const sensorWatchesMigration: CatalogMigration = {
  version: 5,
  name: 'sensor watches',
  async up(db) {
    await db.schema
      .createTable('stratum_sensor_watches')
      .addColumn('location', 'text', (c) => c.notNull())
      .addColumn('sensor', 'text', (c) => c.notNull())
      .addColumn('asset_key', 'text', (c) => c.notNull())
      .addColumn('registered_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('stratum_sensor_watches_pk', ['location', 'sensor', 'asset_key'])
      .execute();
    await db.schema.createIndex('stratum_sensor_watches_asset').on('stratum_sensor_watches').columns(['asset_key', 'location', 'sensor']).execute();
  },
};
