import type { Kysely, Selectable } from 'kysely';
import { CheckOutcome, type CheckHistoryOptions, type CheckResultInput, type CheckResultRecord } from '../check-result';
import { CatalogInputError } from '../errors';
import { NO_PARTITION, type AssetCheckResultsTable, type CatalogDatabase } from './schema';

/*
 * The SQL of asset check results (migration 4), called from thin `SqlCatalog` methods. Writes run
 * inside the catalog's write transaction (`trx`); reads take the plain connection.
 */

type Db = Kysely<CatalogDatabase>;

const DEFAULT_HISTORY_LIMIT = 100;
const OUTCOMES = new Set<string>(Object.values(CheckOutcome));

/**
 * Records a check result. Idempotent: one row per (run, asset, partition, check); recording it
 * again updates the row when the new attempt is the same or later.
 */
export async function recordCheckResult(trx: Db, r: CheckResultInput): Promise<CheckResultRecord> {
  requireText(r.runId, 'runId');
  requireText(r.assetKey, 'assetKey');
  requireText(r.checkName, 'checkName');
  if (!OUTCOMES.has(r.outcome)) throw new CatalogInputError(`Invalid check outcome ${JSON.stringify(r.outcome)}: use 'passed', 'failed' or 'errored'.`);
  if (r.severity !== 'error' && r.severity !== 'warn') throw new CatalogInputError(`Invalid check severity ${JSON.stringify(r.severity)}: use 'error' or 'warn'.`);
  const partitionKey = toPartitionColumn(r.partitionKey);
  const row = {
    run_id: r.runId,
    step_key: r.stepKey,
    asset_key: r.assetKey,
    partition_key: partitionKey,
    check_name: r.checkName,
    outcome: r.outcome,
    severity: r.severity,
    blocking: r.blocking ? 1 : 0,
    description: r.description,
    metadata: toJson(r.metadata),
    evaluated_at: r.evaluatedAt,
    attempt: r.attempt,
  };
  const key = (q: any) =>
    q.where('run_id', '=', r.runId).where('asset_key', '=', r.assetKey).where('partition_key', '=', partitionKey).where('check_name', '=', r.checkName);
  const inserted = await trx
    .insertInto('stratum_asset_check_results')
    .values(row)
    .onConflict((oc) => oc.columns(['run_id', 'asset_key', 'partition_key', 'check_name']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    const { run_id: _r, asset_key: _a, partition_key: _p, check_name: _c, ...changes } = row;
    await key(trx.updateTable('stratum_asset_check_results').set(changes)).where('attempt', '<=', r.attempt).execute();
  }
  const stored = await key(trx.selectFrom('stratum_asset_check_results').selectAll()).executeTakeFirstOrThrow();
  return toRecord(stored);
}

/**
 * The newest result (by evaluation time, then id) of each check of an asset, by check name: of
 * one partition when `partitionKey` is a string, of the unpartitioned asset when null, of any
 * partition when omitted. One indexed read per check.
 */
export async function latestCheckResults(db: Db, assetKey: string, partitionKey?: string | null): Promise<CheckResultRecord[]> {
  const names = await db
    .selectFrom('stratum_asset_check_results')
    .select('check_name')
    .distinct()
    .where('asset_key', '=', assetKey)
    .orderBy('check_name')
    .execute();
  const latest: CheckResultRecord[] = [];
  for (const { check_name } of names) {
    let query = db.selectFrom('stratum_asset_check_results').selectAll().where('asset_key', '=', assetKey).where('check_name', '=', check_name);
    if (partitionKey !== undefined) query = query.where('partition_key', '=', toPartitionColumn(partitionKey));
    const row = await query.orderBy('evaluated_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    if (row) latest.push(toRecord(row));
  }
  return latest;
}

/** Results of an asset's checks, newest first, a page at a time (cursor: `beforeId`). */
export async function checkHistory(db: Db, assetKey: string, opts: CheckHistoryOptions = {}): Promise<CheckResultRecord[]> {
  const limit = opts.limit ?? DEFAULT_HISTORY_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new CatalogInputError(`checkHistory: limit must be a positive integer, got ${String(opts.limit)}.`);
  let query = db.selectFrom('stratum_asset_check_results').selectAll().where('asset_key', '=', assetKey);
  if (opts.checkName !== undefined) query = query.where('check_name', '=', opts.checkName);
  if (opts.partitionKey !== undefined) query = query.where('partition_key', '=', toPartitionColumn(opts.partitionKey));
  if (opts.beforeId !== undefined) {
    const cursor = await db.selectFrom('stratum_asset_check_results').select(['evaluated_at', 'id']).where('id', '=', opts.beforeId).executeTakeFirst();
    if (!cursor) return [];
    query = query.where(({ eb, refTuple, tuple }) => eb(refTuple('evaluated_at', 'id'), '<', tuple(Number(cursor.evaluated_at), Number(cursor.id))));
  }
  const rows = await query.orderBy('evaluated_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toRecord);
}

/** The check results a run recorded, by asset key, check name, then partition. */
export async function runCheckResults(db: Db, runId: string): Promise<CheckResultRecord[]> {
  const rows = await db
    .selectFrom('stratum_asset_check_results')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('asset_key')
    .orderBy('check_name')
    .orderBy('partition_key')
    .execute();
  return rows.map(toRecord);
}

function toRecord(r: Selectable<AssetCheckResultsTable>): CheckResultRecord {
  let metadata: Record<string, unknown> = {};
  try {
    metadata = JSON.parse(r.metadata) as Record<string, unknown>;
  } catch {
    // Unreadable metadata is shown as empty rather than failing the read.
  }
  return {
    id: Number(r.id),
    runId: r.run_id,
    stepKey: r.step_key,
    assetKey: r.asset_key,
    partitionKey: r.partition_key === NO_PARTITION ? null : r.partition_key,
    checkName: r.check_name,
    outcome: r.outcome as CheckOutcome,
    severity: r.severity as 'error' | 'warn',
    blocking: Number(r.blocking) === 1,
    description: r.description,
    metadata,
    evaluatedAt: Number(r.evaluated_at),
    attempt: Number(r.attempt),
  };
}

function toPartitionColumn(partitionKey: string | null): string {
  if (partitionKey === null) return NO_PARTITION;
  if (typeof partitionKey !== 'string' || partitionKey.length === 0) {
    throw new CatalogInputError(`Invalid partition key ${JSON.stringify(partitionKey)}: a partition key is a non-empty string. Pass null for an unpartitioned asset.`);
  }
  return partitionKey;
}

function requireText(value: string, what: string): void {
  if (typeof value !== 'string' || value.length === 0) throw new CatalogInputError(`Invalid ${what} ${JSON.stringify(value)}: it must be a non-empty string.`);
}

function toJson(value: unknown): string {
  try {
    return JSON.stringify(value ?? {}) ?? '{}';
  } catch (error) {
    throw new CatalogInputError(
      `The check metadata could not be stored: it is not JSON-serializable (${error instanceof Error ? error.message : String(error)}). Use plain objects, arrays, strings, numbers and booleans.`,
      { cause: error },
    );
  }
}
