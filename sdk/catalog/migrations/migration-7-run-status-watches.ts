import type { CatalogMigration } from './migrations';

/**
 * Catalog version 7: which runs of other code locations each location's run-status sensors
 * monitor (`stratum_run_status_watches`, beside version 5's asset watches and replaced with them
 * by the location's worker when it starts), so a run in one location signals the run-status
 * sensors of another without loading its code. `watched_location` and `job` hold `*` for "every
 * location" and "every run"; a finished run looks its location and job up by the
 * `(watched_location, job)` index.
 */
export const runStatusWatchesMigration: CatalogMigration = {
  version: 7,
  name: 'run-status watches',
  async up(db) {
    await db.schema
      .createTable('stratum_run_status_watches')
      .addColumn('location', 'text', (c) => c.notNull())
      .addColumn('sensor', 'text', (c) => c.notNull())
      .addColumn('watched_location', 'text', (c) => c.notNull())
      .addColumn('job', 'text', (c) => c.notNull())
      .addColumn('statuses', 'text', (c) => c.notNull())
      .addColumn('registered_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('stratum_run_status_watches_pk', ['location', 'sensor', 'watched_location', 'job'])
      .execute();
    await db.schema
      .createIndex('stratum_run_status_watches_watched')
      .on('stratum_run_status_watches')
      .columns(['watched_location', 'job', 'location', 'sensor'])
      .execute();
  },
};
