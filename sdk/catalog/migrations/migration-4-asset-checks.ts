import type { CatalogMigration } from './migrations';
import { idColumn } from './migrations';

/**
 * Catalog version 4: asset check results. `stratum_asset_check_results` holds one row per
 * (run, asset, partition, check): a retried check step updates its row (a later attempt wins),
 * like materializations. Indexes serve the latest result of each check of an asset (per partition
 * or over all of them), a check's history, and a run's results.
 */
export const assetChecksMigration: CatalogMigration = {
  version: 4,
  name: 'asset checks',
  async up(db, dialect) {
    await db.schema
      .createTable('stratum_asset_check_results')
      .addColumn('id', idColumn(dialect), (c) => c.primaryKey())
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('step_key', 'text', (c) => c.notNull())
      .addColumn('asset_key', 'text', (c) => c.notNull())
      .addColumn('partition_key', 'text', (c) => c.notNull())
      .addColumn('check_name', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('blocking', 'integer', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('evaluated_at', 'bigint', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .execute();
    // Idempotency key of recordCheckResult; also serves runCheckResults(runId).
    await db.schema
      .createIndex('stratum_check_results_run_asset_partition_check')
      .on('stratum_asset_check_results')
      .columns(['run_id', 'asset_key', 'partition_key', 'check_name'])
      .unique()
      .execute();
    // Latest result of a check for one partition, and its history.
    await db.schema
      .createIndex('stratum_check_results_check_partition_time')
      .on('stratum_asset_check_results')
      .columns(['asset_key', 'check_name', 'partition_key', 'evaluated_at', 'id'])
      .execute();
    // Latest result of a check over all partitions, and the history of an asset's checks.
    await db.schema
      .createIndex('stratum_check_results_check_time')
      .on('stratum_asset_check_results')
      .columns(['asset_key', 'check_name', 'evaluated_at', 'id'])
      .execute();
    await db.schema
      .createIndex('stratum_check_results_asset_time')
      .on('stratum_asset_check_results')
      .columns(['asset_key', 'evaluated_at', 'id'])
      .execute();
  },
};
