import { sql } from 'kysely';
import type { CatalogMigration } from './migrations';
import { idColumn } from './migrations';

/**
 * Catalog version 3: data versions for staleness, and observations of source assets.
 * - `stratum_materializations.input_versions`: JSON array of the `InputDataVersion`s a
 *   materialization read (NULL for rows written before this version: staleness then knows
 *   only the code version).
 * - `stratum_asset_partitions.data_version`, `code_version`, `materialization_id`,
 *   `materialized_at`: the latest materialization of each asset partition, kept in the same
 *   transaction as the materialization, so the current versions of 1,000 upstream partitions
 *   are one indexed read. Filled from existing materializations here.
 * - `stratum_observations`: every observation of an observable source asset;
 *   `stratum_observed_versions`: the latest one per (asset, partition).
 */
export const dataVersionsMigration: CatalogMigration = {
  version: 3,
  name: 'data versions and observations',
  async up(db, dialect) {
    await db.schema.alterTable('stratum_materializations').addColumn('input_versions', 'text').execute();
    await db.schema.alterTable('stratum_asset_partitions').addColumn('data_version', 'text').execute();
    await db.schema.alterTable('stratum_asset_partitions').addColumn('code_version', 'text').execute();
    await db.schema.alterTable('stratum_asset_partitions').addColumn('materialization_id', 'bigint').execute();
    await db.schema.alterTable('stratum_asset_partitions').addColumn('materialized_at', 'bigint').execute();
    await sql`
      update stratum_asset_partitions set materialization_id = (
        select m.id from stratum_materializations m
        where m.asset_key = stratum_asset_partitions.asset_key and m.partition_key = stratum_asset_partitions.partition_key
        order by m.materialized_at desc, m.id desc limit 1)`.execute(db);
    await sql`
      update stratum_asset_partitions set
        data_version = (select m.data_version from stratum_materializations m where m.id = stratum_asset_partitions.materialization_id),
        code_version = (select m.code_version from stratum_materializations m where m.id = stratum_asset_partitions.materialization_id),
        materialized_at = (select m.materialized_at from stratum_materializations m where m.id = stratum_asset_partitions.materialization_id)
      where materialization_id is not null`.execute(db);

    await db.schema
      .createTable('stratum_observations')
      .addColumn('id', idColumn(dialect), (c) => c.primaryKey())
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('step_key', 'text', (c) => c.notNull())
      .addColumn('asset_key', 'text', (c) => c.notNull())
      .addColumn('partition_key', 'text', (c) => c.notNull())
      .addColumn('data_version', 'text', (c) => c.notNull())
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('observed_at', 'bigint', (c) => c.notNull())
      .execute();
    // Idempotency key of recordObservation (a retried step records once).
    await db.schema
      .createIndex('stratum_observations_run_asset_partition')
      .on('stratum_observations')
      .columns(['run_id', 'asset_key', 'partition_key'])
      .unique()
      .execute();
    // History of an asset's observations, newest first.
    await db.schema.createIndex('stratum_observations_asset_id').on('stratum_observations').columns(['asset_key', 'id']).execute();

    await db.schema
      .createTable('stratum_observed_versions')
      .addColumn('asset_key', 'text', (c) => c.notNull())
      .addColumn('partition_key', 'text', (c) => c.notNull())
      .addColumn('data_version', 'text', (c) => c.notNull())
      .addColumn('observation_id', 'bigint', (c) => c.notNull())
      .addColumn('observed_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('stratum_observed_versions_pk', ['asset_key', 'partition_key'])
      .execute();
  },
};
