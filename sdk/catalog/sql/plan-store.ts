import type { Kysely } from 'kysely';
import type { StepRecord } from '../catalog';
import { CatalogInputError } from '../errors';
import type { CatalogDatabase } from './schema';

type Db = Kysely<CatalogDatabase>;

/** Rows per multi-row INSERT (9 parameters each, far below both dialects' limits). */
const ROWS_PER_INSERT = 500;

/**
 * Stores a plan's pages under its content hash: insert or nothing per page, so a retried or
 * repeated store (the same plan started twice) writes nothing new.
 */
export async function storePlanPages(trx: Db, hash: string, pages: readonly string[], now: number): Promise<void> {
  if (!/^[0-9a-f]{16,128}$/.test(hash)) throw new CatalogInputError(`storePlan: "${hash.slice(0, 80)}" is not a hex content hash.`);
  if (pages.length === 0) throw new CatalogInputError('storePlan: a plan has at least one page (its header).');
  for (const [page, body] of pages.entries()) {
    await trx
      .insertInto('stratum_plan_blobs')
      .values({ hash, page, pages: pages.length, body, created_at: now })
      .onConflict((oc) => oc.columns(['hash', 'page']).doNothing())
      .execute();
  }
}

/** One stored page of a plan (its JSON), or null when the catalog has no such plan or page. */
export async function planPage(db: Db, hash: string, page: number): Promise<{ body: string; pages: number } | null> {
  const row = await db.selectFrom('stratum_plan_blobs').select(['body', 'pages']).where('hash', '=', hash).where('page', '=', page).executeTakeFirst();
  return row ? { body: row.body, pages: Number(row.pages) } : null;
}

/**
 * Upserts some steps of a run at their plan positions (a run that continues-as-new records the
 * steps each workflow run settled; its end then records them all with `recordRunFinished`).
 */
export async function recordRunSteps(trx: Db, runId: string, steps: readonly { position: number; step: StepRecord }[]): Promise<void> {
  const rows = steps.map(({ position, step }) => ({
    run_id: runId,
    step_key: step.key,
    position,
    status: step.status,
    started_at: step.startedAt,
    ended_at: step.endedAt,
    attempts: step.attempts,
    error: step.error,
    asset_keys: JSON.stringify(step.assetKeys),
  }));
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    await trx
      .insertInto('stratum_run_steps')
      .values(rows.slice(i, i + ROWS_PER_INSERT))
      .onConflict((oc) =>
        oc.columns(['run_id', 'step_key']).doUpdateSet((eb) => ({
          position: eb.ref('excluded.position'),
          status: eb.ref('excluded.status'),
          started_at: eb.ref('excluded.started_at'),
          ended_at: eb.ref('excluded.ended_at'),
          attempts: eb.ref('excluded.attempts'),
          error: eb.ref('excluded.error'),
          asset_keys: eb.ref('excluded.asset_keys'),
        })),
      )
      .execute();
  }
}
