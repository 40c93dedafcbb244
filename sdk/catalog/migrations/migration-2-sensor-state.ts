import type { CatalogMigration } from './migrations';
import { idColumn } from './migrations';

/**
 * Catalog version 2: sensor state that must outlive a sensor's workflow runs (continue-as-new,
 * worker restarts, `stratum sensor stop` then `start`):
 * - `stratum_sensor_run_keys`: run keys a sensor has used, one row per (sensor, run key), with the
 *   run started for it and the evaluation that reserved it (an activity retry of that evaluation
 *   gets the same answer). Bounded per sensor by pruning the oldest rows.
 * - `stratum_sensor_cursors`: the cursor each sensor's evaluation last left.
 */
export const sensorStateMigration: CatalogMigration = {
  version: 2,
  name: 'sensor state',
  async up(db, dialect) {
    await db.schema
      .createTable('stratum_sensor_run_keys')
      .addColumn('id', idColumn(dialect), (c) => c.primaryKey())
      .addColumn('sensor', 'text', (c) => c.notNull())
      .addColumn('run_key', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('evaluation_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('stratum_sensor_run_keys_sensor_key').on('stratum_sensor_run_keys').columns(['sensor', 'run_key']).unique().execute();
    // Pruning the oldest keys of a sensor.
    await db.schema.createIndex('stratum_sensor_run_keys_sensor_id').on('stratum_sensor_run_keys').columns(['sensor', 'id']).execute();

    await db.schema
      .createTable('stratum_sensor_cursors')
      .addColumn('sensor', 'text', (c) => c.primaryKey())
      .addColumn('cursor', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
