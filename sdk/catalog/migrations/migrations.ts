import { sql, type Kysely } from 'kysely';
import { CatalogSchemaError } from '../errors';
import { assetChecksMigration } from './migration-4-asset-checks';
import { planBlobsMigration } from './migration-6-plan-blobs';
import { sensorWatchesMigration } from './migration-5-sensor-watches';
import { runStatusWatchesMigration } from './migration-7-run-status-watches';
import { dataVersionsMigration } from './migration-3-data-versions';
import { sensorStateMigration } from './migration-2-sensor-state';
import { writeTransaction, type CatalogDialect } from '../sql/write-transaction';

/**
 * One versioned change to the catalog schema. Versions are applied in order, each exactly once,
 * inside one transaction with the version row, so a crash never leaves a half-applied version.
 * Never edit a released migration: add a new one (e.g. `addColumn`) with the next version.
 */
export interface CatalogMigration {
  version: number;
  name: string;
  up(db: Kysely<any>, dialect: CatalogDialect): Promise<void>;
}

/** Arbitrary constant key of the PostgreSQL advisory lock that serializes catalog migrations. */
const PG_MIGRATION_LOCK = 0x5374_7261; // "Stra"

/** Column type of an auto-incrementing id on each dialect. */
export const idColumn = (dialect: CatalogDialect) => (dialect === 'postgres' ? 'bigserial' : 'integer');

/** Every migration of the catalog, in version order. */
export const catalogMigrations: readonly CatalogMigration[] = [
  {
    version: 1,
    name: 'initial',
    async up(db, dialect) {
      await db.schema
        .createTable('stratum_runs')
        .addColumn('run_id', 'text', (c) => c.primaryKey())
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        .addColumn('job', 'text')
        .addColumn('selection', 'text', (c) => c.notNull())
        .addColumn('asset_keys', 'text', (c) => c.notNull())
        .addColumn('partition_key', 'text')
        .addColumn('partition_range_from', 'text')
        .addColumn('partition_range_to', 'text')
        .addColumn('backfill_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addColumn('tags', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('stratum_runs_started').on('stratum_runs').columns(['started_at', 'run_id']).execute();
      await db.schema.createIndex('stratum_runs_status').on('stratum_runs').columns(['status', 'started_at', 'run_id']).execute();
      await db.schema.createIndex('stratum_runs_job').on('stratum_runs').columns(['job', 'started_at', 'run_id']).execute();
      await db.schema.createIndex('stratum_runs_backfill').on('stratum_runs').columns(['backfill_id', 'started_at', 'run_id']).execute();

      await db.schema
        .createTable('stratum_run_assets')
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('asset_key', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('stratum_run_assets_pk', ['run_id', 'asset_key'])
        .execute();
      await db.schema
        .createIndex('stratum_run_assets_asset')
        .on('stratum_run_assets')
        .columns(['asset_key', 'started_at', 'run_id'])
        .execute();

      await db.schema
        .createTable('stratum_run_steps')
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('step_key', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint')
        .addColumn('ended_at', 'bigint')
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('asset_keys', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('stratum_run_steps_pk', ['run_id', 'step_key'])
        .execute();

      await db.schema
        .createTable('stratum_materializations')
        .addColumn('id', idColumn(dialect), (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('step_key', 'text', (c) => c.notNull())
        .addColumn('asset_key', 'text', (c) => c.notNull())
        .addColumn('partition_key', 'text', (c) => c.notNull())
        .addColumn('data_version', 'text', (c) => c.notNull())
        .addColumn('code_version', 'text')
        .addColumn('metadata', 'text', (c) => c.notNull())
        .addColumn('storage_location', 'text')
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('materialized_at', 'bigint', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .execute();
      // Idempotency key of recordMaterialization; also serves runMaterializations(runId).
      await db.schema
        .createIndex('stratum_materializations_run_asset_partition')
        .on('stratum_materializations')
        .columns(['run_id', 'asset_key', 'partition_key'])
        .unique()
        .execute();
      // latestMaterialization(asset, partition) and history of one partition.
      await db.schema
        .createIndex('stratum_materializations_asset_partition_time')
        .on('stratum_materializations')
        .columns(['asset_key', 'partition_key', 'materialized_at', 'id'])
        .execute();
      // latestMaterialization(asset) and history over all partitions.
      await db.schema
        .createIndex('stratum_materializations_asset_time')
        .on('stratum_materializations')
        .columns(['asset_key', 'materialized_at', 'id'])
        .execute();

      await db.schema
        .createTable('stratum_asset_partitions')
        .addColumn('asset_key', 'text', (c) => c.notNull())
        .addColumn('partition_key', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('error', 'text')
        .addPrimaryKeyConstraint('stratum_asset_partitions_pk', ['asset_key', 'partition_key'])
        .execute();

      await db.schema
        .createTable('stratum_assets')
        .addColumn('asset_key', 'text', (c) => c.primaryKey())
        .addColumn('materialization_count', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('last_materialized_at', 'bigint')
        .addColumn('partitions_materialized', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('partitions_failed', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();

      await db.schema
        .createTable('stratum_logs')
        .addColumn('id', idColumn(dialect), (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('step_key', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('seq', 'bigint')
        .addColumn('ts', 'bigint', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('fields', 'text')
        .execute();
      await db.schema.createIndex('stratum_logs_run_ts').on('stratum_logs').columns(['run_id', 'ts', 'id']).execute();
      // Dedupe of lines carrying a seq (NULL seqs never conflict); also serves the step filter.
      await db.schema
        .createIndex('stratum_logs_run_step_seq')
        .on('stratum_logs')
        .columns(['run_id', 'step_key', 'attempt', 'seq'])
        .unique()
        .execute();

      await db.schema
        .createTable('stratum_dynamic_partitions')
        .addColumn('id', idColumn(dialect), (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('partition_key', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('stratum_dynamic_partitions_name_key')
        .on('stratum_dynamic_partitions')
        .columns(['name', 'partition_key'])
        .unique()
        .execute();
      await db.schema.createIndex('stratum_dynamic_partitions_name_id').on('stratum_dynamic_partitions').columns(['name', 'id']).execute();
    },
  },
  sensorStateMigration,
  dataVersionsMigration,
  assetChecksMigration,
  sensorWatchesMigration,
  planBlobsMigration,
  runStatusWatchesMigration,
];

/**
 * Brings the catalog schema up to date: applies, in one transaction each, every migration whose
 * version is not yet recorded in `stratum_schema_migrations`. Safe to run from several processes
 * at once (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: a transaction-scoped advisory lock). Running it
 * on an up-to-date catalog changes nothing.
 *
 * @returns the versions applied by this call (empty when the schema was current).
 * @throws CatalogSchemaError if the catalog has a version newer than this code knows.
 */
export async function migrateCatalog(
  db: Kysely<any>,
  dialect: CatalogDialect,
  options: MigrateCatalogOptions = {},
): Promise<{ applied: number[] }> {
  const migrations = options.migrations ?? catalogMigrations;
  const known = Math.max(0, ...migrations.map((m) => m.version));
  return writeTransaction(db, dialect, async (trx) => {
    if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${PG_MIGRATION_LOCK})`.execute(trx);
    await trx.schema
      .createTable('stratum_schema_migrations')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'bigint', (c) => c.notNull())
      .execute();
    const rows = await trx.selectFrom('stratum_schema_migrations').select('version').execute();
    const done = new Set(rows.map((r) => Number(r.version)));
    const newest = Math.max(0, ...done);
    if (newest > known) {
      throw new CatalogSchemaError(
        `This catalog has schema version ${newest}, but this Stratum knows versions up to ${known}: it was written by a newer Stratum. Upgrade Stratum in this project (every worker and CLI sharing a catalog must run the same or a newer version).`,
      );
    }
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      try {
        await migration.up(trx, dialect);
      } catch (error) {
        throw new CatalogSchemaError(
          `Catalog migration ${migration.version} ("${migration.name}") failed: ${error instanceof Error ? error.message : String(error)}. Nothing of it was applied; fix the cause (permissions to create tables, disk space) and open the catalog again.`,
          { cause: error },
        );
      }
      await trx
        .insertInto('stratum_schema_migrations')
        .values({ version: migration.version, name: migration.name, applied_at: Date.now() })
        .execute();
      applied.push(migration.version);
    }
    return { applied };
  }, options.fileLockKey);
}

/** Options of {@link migrateCatalog}. */
export interface MigrateCatalogOptions {
  /** The migrations to apply (default: {@link catalogMigrations}). */
  migrations?: readonly CatalogMigration[];
  /** SQLite: the file's absolute path, to serialize with this process's other catalogs on it. */
  fileLockKey?: string | null;
}
