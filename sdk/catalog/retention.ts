import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { CatalogDatabase } from './sql/schema';
import type { CatalogDialect } from './sql/write-transaction';

/** Options of `Catalog.prune`. */
export interface PruneOptions {
  /** Epoch ms: rows older than this go, except what is kept (see `Catalog.prune`). */
  olderThan: number;
  /** Count what would go without deleting anything. */
  dryRun?: boolean;
}

/** What `Catalog.prune` removed (or would remove, in a dry run). */
export interface PruneResult {
  /** Materializations deleted: older than the cut-off and not the latest of their asset partition. */
  materializations: number;
  /** Observations of source assets deleted (the latest of every asset partition is kept). */
  observations: number;
  /** Asset check results deleted (the latest of every check and partition is kept). */
  checkResults: number;
  /** Finished runs deleted (with their steps, asset index rows and log lines). */
  runs: number;
  /** Log lines deleted with those runs. */
  logLines: number;
  /**
   * Stored plans deleted (`stratum_plan_blobs`, all pages of a content hash): stored before the
   * cut-off and not the plan of a run the catalog has as unfinished.
   */
  plans: number;
}

type Db = Kysely<CatalogDatabase>;

/**
 * Deletes history older than `olderThan`, inside the caller's write transaction:
 * - every materialization older than the cut-off **except the latest of its (asset, partition)**,
 *   so "when was X last materialized, by which run, with which data version" stays answerable;
 *   likewise observations of source assets and asset check results (the latest per check is kept);
 * - every run that finished before the cut-off and that nothing kept still points at (no kept
 *   materialization and no current partition status names it), with its steps and log lines.
 * - every stored plan (migration 6) stored before the cut-off, unless its run is unfinished in
 *   the catalog (see {@link prunablePlanHashes}).
 * Per-asset counters follow the deleted materializations.
 */
export async function pruneHistory(trx: Db, options: PruneOptions, dialect: CatalogDialect): Promise<PruneResult> {
  const cutoff = options.olderThan;
  const materializationGone = superseded('stratum_materializations', 'materialized_at', ['asset_key', 'partition_key'], cutoff);
  const observationGone = superseded('stratum_observations', 'observed_at', ['asset_key', 'partition_key'], cutoff);
  const checkResultGone = superseded('stratum_asset_check_results', 'evaluated_at', ['asset_key', 'partition_key', 'check_name'], cutoff);
  const perAsset = await sql<{ asset_key: string; n: number | string }>`
    select m.asset_key, count(*) as n from stratum_materializations m where ${materializationGone} group by m.asset_key`.execute(trx);
  const materializations = perAsset.rows.reduce((sum, r) => sum + Number(r.n), 0);
  const observations = await countWhere(trx, 'stratum_observations', observationGone);
  const checkResults = await countWhere(trx, 'stratum_asset_check_results', checkResultGone);

  // Runs that finished before the cut-off and that nothing kept still names.
  const keptBy = (table: string, gone: RawBuilder<unknown>) =>
    sql`not exists (select 1 from ${sql.table(table)} m where m.run_id = r.run_id and not (${gone}))`;
  const runIds = (
    await sql<{ run_id: string }>`select r.run_id from stratum_runs r
      where r.ended_at is not null and r.ended_at < ${cutoff}
        and ${keptBy('stratum_materializations', materializationGone)}
        and ${keptBy('stratum_observations', observationGone)}
        and ${keptBy('stratum_asset_check_results', checkResultGone)}
        and not exists (select 1 from stratum_asset_partitions p where p.run_id = r.run_id)`.execute(trx)
  ).rows.map((r) => r.run_id);
  let logLines = 0;
  for (const chunk of chunks(runIds, 500)) {
    const counted = await trx.selectFrom('stratum_logs').select((eb) => eb.fn.countAll<number | string>().as('n')).where('run_id', 'in', chunk).executeTakeFirst();
    logLines += Number(counted?.n ?? 0);
  }
  const planHashes = await prunablePlanHashes(trx, cutoff, dialect);
  const result: PruneResult = { materializations, observations, checkResults, runs: runIds.length, logLines, plans: planHashes.length };
  if (options.dryRun) return result;

  await deleteWhere(trx, 'stratum_materializations', materializationGone);
  await deleteWhere(trx, 'stratum_observations', observationGone);
  await deleteWhere(trx, 'stratum_asset_check_results', checkResultGone);
  for (const { asset_key, n } of perAsset.rows) {
    await trx
      .updateTable('stratum_assets')
      .set((eb) => ({ materialization_count: eb('materialization_count', '-', Number(n)) }))
      .where('asset_key', '=', asset_key)
      .execute();
  }
  for (const chunk of chunks(runIds, 500)) {
    await trx.deleteFrom('stratum_logs').where('run_id', 'in', chunk).execute();
    await trx.deleteFrom('stratum_run_steps').where('run_id', 'in', chunk).execute();
    await trx.deleteFrom('stratum_run_assets').where('run_id', 'in', chunk).execute();
    await trx.deleteFrom('stratum_runs').where('run_id', 'in', chunk).execute();
  }
  for (const chunk of chunks(planHashes, 500)) await trx.deleteFrom('stratum_plan_blobs').where('hash', 'in', chunk).execute();
  return result;
}

/**
 * Content hashes of the stored plans to prune: stored (page 0 written) before the cut-off, and
 * whose run is not unfinished in the catalog. A plan's hash covers its run id (page 0, the plan
 * without steps, holds `runId`), so each stored plan belongs to one run; the run needs it while
 * any of its workflow runs may still read it (a continued-as-new run reads its plan again), i.e.
 * until its end is recorded: a `stratum_runs` row with `ended_at` null (running, or terminated
 * without recording an end) keeps its plan. A finished or pruned run, or one never recorded (its
 * start failed), does not. Pages without a page 0 older than the cut-off go too.
 */
async function prunablePlanHashes(trx: Db, cutoff: number, dialect: CatalogDialect): Promise<string[]> {
  const runIdOf = dialect === 'postgres' ? sql`(b.body::jsonb ->> 'runId')` : sql`json_extract(b.body, '$.runId')`;
  const rows = await sql<{ hash: string }>`
    select b.hash from stratum_plan_blobs b
    where b.page = 0 and b.created_at < ${cutoff}
      and not exists (select 1 from stratum_runs r where r.ended_at is null and r.run_id = ${runIdOf})
    union
    select o.hash from stratum_plan_blobs o
    where o.created_at < ${cutoff}
      and not exists (select 1 from stratum_plan_blobs h where h.hash = o.hash and h.page = 0)`.execute(trx);
  return [...new Set(rows.rows.map((r) => r.hash))].sort();
}

/**
 * Condition on rows `m` of `table`: older than the cut-off and superseded, i.e. a newer row (by
 * `timeColumn`, then id) exists for the same `groupColumns` (asset, partition, check…).
 */
function superseded(table: string, timeColumn: string, groupColumns: readonly string[], cutoff: number): RawBuilder<unknown> {
  const time = (alias: string) => sql.ref(`${alias}.${timeColumn}`);
  const sameGroup = sql.join(groupColumns.map((c) => sql`${sql.ref(`n.${c}`)} = ${sql.ref(`m.${c}`)}`), sql` and `);
  return sql`${time('m')} < ${cutoff} and exists (
    select 1 from ${sql.table(table)} n
    where ${sameGroup} and (${time('n')} > ${time('m')} or (${time('n')} = ${time('m')} and n.id > m.id)))`;
}

async function countWhere(trx: Db, table: string, where: RawBuilder<unknown>): Promise<number> {
  const row = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)} m where ${where}`.execute(trx);
  return Number(row.rows[0]?.n ?? 0);
}

async function deleteWhere(trx: Db, table: string, where: RawBuilder<unknown>): Promise<void> {
  await sql`delete from ${sql.table(table)} where id in (select m.id from ${sql.table(table)} m where ${where})`.execute(trx);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
