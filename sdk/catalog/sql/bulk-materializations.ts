import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import { StratumInvariantError } from '../../errors';
import { NO_PARTITION, type AssetPartitionsTable, type AssetsTable, type CatalogDatabase, type MaterializationsTable } from './schema';
import { runCompiled } from './compiled-shapes';
import type { CatalogDialect } from './write-transaction';

/*
 * The SQL of `Catalog.recordMaterializations`: a batch of materializations written set-based in
 * the caller's transaction, with exactly the effect of `recordMaterialization` called for each
 * input in order. How:
 *
 * 1. Per (run, asset, partition) the batch keeps the row a sequence of calls would leave: the last
 *    input of the highest attempt. The rows are inserted in first-seen order (so new ids grow in
 *    the order the calls would have assigned them), `ON CONFLICT DO NOTHING`; the rows that
 *    already existed are read back (locked on PostgreSQL) and overwritten when the batch's attempt
 *    is the same or later.
 * 2. The partition status and latest version of every touched asset partition are replayed in
 *    memory, input by input, with the rules of `applyPartitionStatus` and `recordLatestVersion`,
 *    first as if no status row existed: those rows are inserted (`ON CONFLICT DO NOTHING`). Rows
 *    that existed are read back (locked on PostgreSQL), replayed again from their stored state and
 *    upserted.
 * 3. The per-asset counters get one upsert per asset, with the batch's deltas.
 *
 * Concurrency is as exact as the per-row path: PostgreSQL's `INSERT … ON CONFLICT DO NOTHING`
 * waits for a concurrent inserter of the same key, and the rows read back are locked `FOR UPDATE`;
 * SQLite write transactions are serialized by `BEGIN IMMEDIATE`. Counters are added, not set.
 */

type Db = Kysely<CatalogDatabase>;

/** One validated materialization, in the columns `recordMaterialization` stores. */
export type MaterializationRow = Omit<Selectable<MaterializationsTable>, 'id'>;

/**
 * Parameters per statement, as `INSERT_PARAMS` in sql-catalog.ts: far below SQLite's 32,766 and
 * PostgreSQL's 65,535 bound parameters.
 */
const STATEMENT_PARAMS = 10_000;
const MATERIALIZATION_COLUMNS = 12;
const PARTITION_COLUMNS = 10;
const ASSET_COLUMNS = 5;

/** What the replay needs of a stored materialization. */
interface StoredMaterialization {
  id: number;
  run_id: string;
  data_version: string;
  code_version: string | null;
  materialized_at: number;
  attempt: number;
}

type PartitionState = Omit<Selectable<AssetPartitionsTable>, 'asset_key' | 'partition_key'>;
type PartitionRow = Selectable<AssetPartitionsTable>;

/**
 * Writes `rows` (validated, in call order) as `recordMaterialization` would one by one, inside the
 * caller's write transaction `trx`.
 */
export async function writeMaterializations(trx: Db, dialect: CatalogDialect, rows: readonly MaterializationRow[]): Promise<void> {
  if (rows.length === 0) return;

  const counters = new Map<string, Omit<AssetsTable, 'asset_key'>>();
  for (const row of rows) {
    const c = counters.get(row.asset_key) ?? { materialization_count: 0, last_materialized_at: null, partitions_materialized: 0, partitions_failed: 0 };
    // Like recordMaterialization, the input's time counts even when an earlier attempt is ignored.
    if (c.last_materialized_at === null || c.last_materialized_at < row.materialized_at) c.last_materialized_at = row.materialized_at;
    counters.set(row.asset_key, c);
  }

  // 1. Materialization rows.
  const winners = new Map<string, MaterializationRow>(); // first-seen order (Map.set keeps a key's position)
  for (const row of rows) {
    const key = materializationKey(row);
    const seen = winners.get(key);
    if (!seen || row.attempt >= seen.attempt) winners.set(key, row);
  }
  const newIds = new Map<string, number>();
  for (const part of chunk([...winners.values()], STATEMENT_PARAMS / MATERIALIZATION_COLUMNS)) {
    const inserted = await runCompiled(trx, `${dialect}:materializations-insert`, part, (r) =>
      trx
        .insertInto('stratum_materializations')
        .values(r)
        .onConflict((oc) => oc.columns(['run_id', 'asset_key', 'partition_key']).doNothing())
        .returning(['id', 'run_id', 'asset_key', 'partition_key']),
    );
    for (const r of inserted) {
      newIds.set(materializationKey(r), Number(r.id));
      counters.get(r.asset_key)!.materialization_count++;
    }
  }
  const existing = [...winners.entries()].filter(([key]) => !newIds.has(key)).map(([, row]) => row);
  const before = await readMaterializations(trx, dialect, existing);
  const overwritten = existing.filter((row) => row.attempt >= before.get(materializationKey(row))!.attempt);
  for (const part of chunk(overwritten, STATEMENT_PARAMS / MATERIALIZATION_COLUMNS)) {
    await runCompiled(trx, `${dialect}:materializations-overwrite`, part, (r) =>
      trx
        .insertInto('stratum_materializations')
        .values(r)
        .onConflict((oc) =>
          oc.columns(['run_id', 'asset_key', 'partition_key']).doUpdateSet((eb) => ({
            step_key: eb.ref('excluded.step_key'),
            data_version: eb.ref('excluded.data_version'),
            code_version: eb.ref('excluded.code_version'),
            metadata: eb.ref('excluded.metadata'),
            storage_location: eb.ref('excluded.storage_location'),
            started_at: eb.ref('excluded.started_at'),
            materialized_at: eb.ref('excluded.materialized_at'),
            attempt: eb.ref('excluded.attempt'),
            input_versions: eb.ref('excluded.input_versions'),
          })),
        ),
    );
  }

  // 2. Partition status and latest version.
  const count = (assetKey: string, partitionKey: string, status: string, by: number) => {
    if (partitionKey === NO_PARTITION) return; // counters are about partitions only
    const c = counters.get(assetKey)!;
    if (status === 'materialized') c.partitions_materialized += by;
    else if (status === 'failed') c.partitions_failed += by;
  };

  const asNew = replay(rows, before, newIds, new Map(), null);
  const insertedPartitions = new Set<string>();
  for (const part of chunk([...asNew.values()], STATEMENT_PARAMS / PARTITION_COLUMNS)) {
    const inserted = await runCompiled(trx, `${dialect}:partitions-insert`, part, (r) =>
      trx
        .insertInto('stratum_asset_partitions')
        .values(r)
        .onConflict((oc) => oc.columns(['asset_key', 'partition_key']).doNothing())
        .returning(['asset_key', 'partition_key']),
    );
    for (const r of inserted) {
      insertedPartitions.add(partitionKeyOf(r));
      count(r.asset_key, r.partition_key, asNew.get(partitionKeyOf(r))!.status, +1);
    }
  }
  const existingPartitions = [...asNew.values()].filter((p) => !insertedPartitions.has(partitionKeyOf(p)));
  if (existingPartitions.length > 0) {
    const current = await readPartitions(trx, dialect, existingPartitions);
    const replayed = replay(rows, before, newIds, current, new Set(current.keys()));
    const changed: PartitionRow[] = [];
    for (const [key, next] of replayed) {
      const was = current.get(key)!;
      if (samePartition(was, next)) continue;
      changed.push(next);
      if (was.status !== next.status) {
        count(next.asset_key, next.partition_key, was.status, -1);
        count(next.asset_key, next.partition_key, next.status, +1);
      }
    }
    for (const part of chunk(changed, STATEMENT_PARAMS / PARTITION_COLUMNS)) {
      await runCompiled(trx, `${dialect}:partitions-upsert`, part, (r) =>
        trx
          .insertInto('stratum_asset_partitions')
          .values(r)
          .onConflict((oc) =>
            oc.columns(['asset_key', 'partition_key']).doUpdateSet((eb) => ({
              status: eb.ref('excluded.status'),
              run_id: eb.ref('excluded.run_id'),
              updated_at: eb.ref('excluded.updated_at'),
              error: eb.ref('excluded.error'),
              data_version: eb.ref('excluded.data_version'),
              code_version: eb.ref('excluded.code_version'),
              materialization_id: eb.ref('excluded.materialization_id'),
              materialized_at: eb.ref('excluded.materialized_at'),
            })),
          ),
      );
    }
  }

  // 3. Per-asset counters: one upsert per asset, in key order (a stable lock order).
  const assetRows = [...counters.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([asset_key, c]) => ({ asset_key, ...c }));
  for (const part of chunk(assetRows, STATEMENT_PARAMS / ASSET_COLUMNS)) {
    await runCompiled(trx, `${dialect}:assets-upsert`, part, (r) =>
      trx
        .insertInto('stratum_assets')
        .values(r)
        .onConflict((oc) =>
          oc.column('asset_key').doUpdateSet((eb) => ({
            materialization_count: eb('stratum_assets.materialization_count', '+', eb.ref('excluded.materialization_count')),
            last_materialized_at: eb
              .case()
              .when(eb.or([eb('stratum_assets.last_materialized_at', 'is', null), eb('stratum_assets.last_materialized_at', '<', eb.ref('excluded.last_materialized_at'))]))
              .then(eb.ref('excluded.last_materialized_at'))
              .else(eb.ref('stratum_assets.last_materialized_at'))
              .end(),
            partitions_materialized: eb('stratum_assets.partitions_materialized', '+', eb.ref('excluded.partitions_materialized')),
            partitions_failed: eb('stratum_assets.partitions_failed', '+', eb.ref('excluded.partitions_failed')),
          })),
        ),
    );
  }
}

/**
 * Replays the inputs in order on the partitions they touch (all of them, or those in `only`),
 * starting from the stored materializations `before` (new keys get `newIds`) and the stored
 * status rows `partitions` (a partition missing there has no row yet). Returns each touched
 * partition's final row. The rules are those of `applyPartitionStatus` (a materialization wins
 * when the row's `updated_at` is not after it) and of `recordLatestVersion` (newest by
 * `materialized_at`, then id).
 */
function replay(
  rows: readonly MaterializationRow[],
  before: ReadonlyMap<string, StoredMaterialization>,
  newIds: ReadonlyMap<string, number>,
  partitions: ReadonlyMap<string, PartitionRow>,
  only: ReadonlySet<string> | null,
): Map<string, PartitionRow> {
  const stored = new Map<string, StoredMaterialization>();
  const result = new Map<string, PartitionRow>();
  for (const row of rows) {
    const partitionKey = partitionKeyOf(row);
    if (only !== null && !only.has(partitionKey)) continue;
    const key = materializationKey(row);
    const current = stored.get(key) ?? before.get(key);
    let m: StoredMaterialization;
    if (!current) {
      const id = newIds.get(key);
      if (id === undefined) throw new StratumInvariantError(`recordMaterializations: no id for the materialization of ${describeKey(row)}.`);
      m = { id, ...row };
    } else {
      m = row.attempt >= current.attempt ? { id: current.id, ...row } : current;
    }
    stored.set(key, m);

    let p = result.get(partitionKey) ?? partitions.get(partitionKey);
    if (!p) {
      p = { asset_key: row.asset_key, partition_key: row.partition_key, status: 'materialized', run_id: m.run_id, updated_at: m.materialized_at, error: null, data_version: null, code_version: null, materialization_id: null, materialized_at: null };
    } else if (Number(p.updated_at) <= m.materialized_at) {
      p = { ...p, status: 'materialized', run_id: m.run_id, updated_at: m.materialized_at, error: null };
    }
    const at = p.materialized_at === null ? null : Number(p.materialized_at);
    if (at === null || at < m.materialized_at || (at === m.materialized_at && Number(p.materialization_id) <= m.id)) {
      p = { ...p, data_version: m.data_version, code_version: m.code_version, materialization_id: m.id, materialized_at: m.materialized_at };
    }
    result.set(partitionKey, p);
  }
  return result;
}

/** The stored materializations of `rows`' keys (which exist), locked on PostgreSQL, by key. */
async function readMaterializations(trx: Db, dialect: CatalogDialect, rows: readonly MaterializationRow[]): Promise<Map<string, StoredMaterialization>> {
  const found = new Map<string, StoredMaterialization>();
  for (const part of chunk(rows, STATEMENT_PARAMS / 3)) {
    const { rows: stored } = await sql<StoredMaterialization & { asset_key: string; partition_key: string }>`
      with k (run_id, asset_key, partition_key) as (values ${valuesList(part.map((r) => [r.run_id, r.asset_key, r.partition_key]))})
      select m.id, m.run_id, m.asset_key, m.partition_key, m.data_version, m.code_version, m.materialized_at, m.attempt
      from k join stratum_materializations m on m.run_id = k.run_id and m.asset_key = k.asset_key and m.partition_key = k.partition_key
      ${forUpdate(dialect, 'm')}`.execute(trx);
    for (const r of stored) {
      found.set(materializationKey(r), { id: Number(r.id), run_id: r.run_id, data_version: r.data_version, code_version: r.code_version, materialized_at: Number(r.materialized_at), attempt: Number(r.attempt) });
    }
  }
  const missing = rows.filter((r) => !found.has(materializationKey(r)));
  if (missing.length > 0) {
    throw new StratumInvariantError(`recordMaterializations: the materialization of ${describeKey(missing[0]!)} conflicted on insert but could not be read back (deleted meanwhile?). Record the batch again.`);
  }
  return found;
}

/** The stored status rows of the given partitions, locked on PostgreSQL, by partition key. */
async function readPartitions(trx: Db, dialect: CatalogDialect, partitions: readonly { asset_key: string; partition_key: string }[]): Promise<Map<string, PartitionRow>> {
  const found = new Map<string, PartitionRow>();
  for (const part of chunk(partitions, STATEMENT_PARAMS / 2)) {
    const { rows } = await sql<PartitionRow>`
      with k (asset_key, partition_key) as (values ${valuesList(part.map((p) => [p.asset_key, p.partition_key]))})
      select ap.asset_key, ap.partition_key, ap.status, ap.run_id, ap.updated_at, ap.error, ap.data_version, ap.code_version, ap.materialization_id, ap.materialized_at
      from k join stratum_asset_partitions ap on ap.asset_key = k.asset_key and ap.partition_key = k.partition_key
      ${forUpdate(dialect, 'ap')}`.execute(trx);
    for (const r of rows) {
      found.set(partitionKeyOf(r), {
        ...r,
        updated_at: Number(r.updated_at),
        materialization_id: r.materialization_id === null ? null : Number(r.materialization_id),
        materialized_at: r.materialized_at === null ? null : Number(r.materialized_at),
      });
    }
  }
  const missing = partitions.filter((p) => !found.has(partitionKeyOf(p)));
  if (missing.length > 0) {
    throw new StratumInvariantError(`recordMaterializations: the status row of ${describeKey({ ...missing[0]!, run_id: '' })} conflicted on insert but could not be read back (deleted meanwhile?). Record the batch again.`);
  }
  return found;
}

function samePartition(a: PartitionState, b: PartitionState): boolean {
  return (
    a.status === b.status &&
    a.run_id === b.run_id &&
    Number(a.updated_at) === Number(b.updated_at) &&
    a.error === b.error &&
    a.data_version === b.data_version &&
    a.code_version === b.code_version &&
    a.materialization_id === b.materialization_id &&
    a.materialized_at === b.materialized_at
  );
}

function valuesList(tuples: readonly (readonly string[])[]): RawBuilder<unknown> {
  return sql.join(tuples.map((t) => sql`(${sql.join(t)})`));
}

function forUpdate(dialect: CatalogDialect, alias: string): RawBuilder<unknown> {
  return dialect === 'postgres' ? sql`for update of ${sql.ref(alias)}` : sql``;
}

function materializationKey(r: { run_id: string; asset_key: string; partition_key: string }): string {
  return `${r.run_id}\u0000${r.asset_key}\u0000${r.partition_key}`;
}

function partitionKeyOf(r: { asset_key: string; partition_key: string }): string {
  return `${r.asset_key}\u0000${r.partition_key}`;
}

function describeKey(r: { run_id: string; asset_key: string; partition_key: string }): string {
  return `asset "${r.asset_key}"${r.partition_key === NO_PARTITION ? '' : ` partition "${r.partition_key}"`}${r.run_id ? ` in run "${r.run_id}"` : ''}`;
}

function chunk<T>(values: readonly T[], size: number): T[][] {
  const n = Math.max(1, Math.floor(size));
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += n) out.push(values.slice(i, i + n));
  return out;
}
