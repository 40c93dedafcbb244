import type { CatalogMigration } from './migrations';

/**
 * Catalog version 6: stored plans (`stratum_plan_blobs`), for runs whose plan is too large to be
 * a Temporal workflow input. A plan is stored in pages of JSON under its content hash (page 0 the
 * plan without steps, then runs of steps), written idempotently (insert or nothing: the same
 * hash always holds the same pages), and read a page at a time by the run's workflow.
 */
export const planBlobsMigration: CatalogMigration = {
  version: 6,
  name: 'plan blobs',
  async up(db) {
    await db.schema
      .createTable('stratum_plan_blobs')
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('page', 'integer', (c) => c.notNull())
      .addColumn('pages', 'integer', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('stratum_plan_blobs_pk', ['hash', 'page'])
      .execute();
    // Retention by age (plans of pruned runs).
    await db.schema.createIndex('stratum_plan_blobs_created').on('stratum_plan_blobs').columns(['created_at']).execute();
  },
};
