import type { Kysely, Selectable } from 'kysely';
import type { InputDataVersion } from '../../versions/input-data-version';
import type { AssetVersionRecord, ObservationInput, ObservationRecord } from '../catalog';
import { runCompiled } from './compiled-shapes';
import { NO_PARTITION, type CatalogDatabase, type ObservationsTable } from './schema';
import type { CatalogDialect } from './write-transaction';

/*
 * The SQL of data versions (migration 3): the latest version of every asset partition, kept on
 * `stratum_asset_partitions` next to its status, and observations of source assets. Called by
 * `SqlCatalog`; writes run inside the caller's transaction.
 */

type Db = Kysely<CatalogDatabase>;

/** Keys per `IN (…)` list of a version read. */
const VERSION_CHUNK = 1_000;
/** Above this many keys a version read scans the asset's whole key range and filters in memory. */
const VERSION_SCAN_THRESHOLD = 2_000;

/**
 * Makes a materialization the latest version of its asset partition unless a newer one (by
 * `materialized_at`, then id) is already there. The status row exists: the caller just wrote it.
 */
export async function recordLatestVersion(
  trx: Db,
  m: { assetKey: string; partitionColumn: string; id: number; dataVersion: string; codeVersion: string | null; materializedAt: number },
): Promise<void> {
  await trx
    .updateTable('stratum_asset_partitions')
    .set({ data_version: m.dataVersion, code_version: m.codeVersion, materialization_id: m.id, materialized_at: m.materializedAt })
    .where('asset_key', '=', m.assetKey)
    .where('partition_key', '=', m.partitionColumn)
    .where((eb) =>
      eb.or([
        eb('materialized_at', 'is', null),
        eb('materialized_at', '<', m.materializedAt),
        eb.and([eb('materialized_at', '=', m.materializedAt), eb('materialization_id', '<=', m.id)]),
      ]),
    )
    .execute();
}

/** The latest materialized versions of an asset's partitions (see `Catalog.latestVersions`). */
export async function readLatestVersions(
  db: Db,
  dialect: CatalogDialect,
  assetKey: string,
  partitionKeys: readonly string[] | 'all' | null,
  withInputs: boolean,
): Promise<Map<string | null, AssetVersionRecord>> {
  const result = new Map<string | null, AssetVersionRecord>();
  // Every step reads its upstream versions: compiled once per shape (sql/compiled-shapes.ts).
  const select = (keys: string[] | 'all') =>
    runCompiled(db, `${dialect}:latest-versions:${withInputs}:${keys === 'all' ? 'all' : 'in'}`, [{ assetKey, ...(keys === 'all' ? {} : Object.fromEntries(keys.map((k, i) => [`k${i}`, k]))) }], ([values]) => {
      const base = db
        .selectFrom('stratum_asset_partitions as ap')
        .select(['ap.partition_key', 'ap.data_version', 'ap.code_version', 'ap.materialization_id', 'ap.materialized_at'])
        .where('ap.asset_key', '=', values!.assetKey)
        .where('ap.materialization_id', 'is not', null);
      const selected = withInputs
        ? base.leftJoin('stratum_materializations as m', 'm.id', 'ap.materialization_id').select('m.input_versions')
        : base.select((eb) => eb.val<string | null>(null).as('input_versions'));
      if (keys === 'all') return selected.where('ap.partition_key', '<>', NO_PARTITION);
      const { assetKey: _assetKey, ...keyValues } = values as Record<string, string>;
      return selected.where('ap.partition_key', 'in', Object.values(keyValues));
    });
  const add = (row: { partition_key: string; data_version: string | null; code_version: string | null; materialization_id: number | null; materialized_at: number | null; input_versions: string | null }) => {
    const key = row.partition_key === NO_PARTITION ? null : row.partition_key;
    result.set(key, {
      partitionKey: key,
      dataVersion: row.data_version ?? '',
      codeVersion: row.code_version,
      id: Number(row.materialization_id),
      at: Number(row.materialized_at),
      inputDataVersions: parseInputVersions(row.input_versions),
    });
  };
  for (const rows of await readByKeys(partitionKeys, select)) {
    rows.forEach(add);
  }
  return result;
}

/** Records an observation (idempotent per run, asset and partition) and keeps the latest observed version. */
export async function insertObservation(trx: Db, o: ObservationInput, partitionColumn: string, metadataJson: string): Promise<ObservationRecord> {
  const row = {
    run_id: o.runId,
    step_key: o.stepKey,
    asset_key: o.assetKey,
    partition_key: partitionColumn,
    data_version: o.dataVersion,
    metadata: metadataJson,
    observed_at: o.observedAt,
  };
  const inserted = await trx
    .insertInto('stratum_observations')
    .values(row)
    .onConflict((oc) => oc.columns(['run_id', 'asset_key', 'partition_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    await trx
      .updateTable('stratum_observations')
      .set({ step_key: row.step_key, data_version: row.data_version, metadata: row.metadata, observed_at: row.observed_at })
      .where('run_id', '=', row.run_id)
      .where('asset_key', '=', row.asset_key)
      .where('partition_key', '=', partitionColumn)
      .execute();
  }
  const stored = await trx
    .selectFrom('stratum_observations')
    .selectAll()
    .where('run_id', '=', row.run_id)
    .where('asset_key', '=', row.asset_key)
    .where('partition_key', '=', partitionColumn)
    .executeTakeFirstOrThrow();
  const latest = { data_version: stored.data_version, observation_id: Number(stored.id), observed_at: Number(stored.observed_at) };
  await trx
    .insertInto('stratum_observed_versions')
    .values({ asset_key: o.assetKey, partition_key: partitionColumn, ...latest })
    .onConflict((oc) =>
      oc
        .columns(['asset_key', 'partition_key'])
        .doUpdateSet(latest)
        .where((eb) =>
          eb.or([
            eb('stratum_observed_versions.observed_at', '<', latest.observed_at),
            eb.and([eb('stratum_observed_versions.observed_at', '=', latest.observed_at), eb('stratum_observed_versions.observation_id', '<=', latest.observation_id)]),
          ]),
        ),
    )
    .execute();
  return toObservationRecord(stored);
}

/** The latest observed versions of a source asset's partitions (see `Catalog.observedVersions`). */
export async function readObservedVersions(db: Db, assetKey: string, partitionKeys: readonly string[] | 'all' | null): Promise<Map<string | null, AssetVersionRecord>> {
  const result = new Map<string | null, AssetVersionRecord>();
  const select = () =>
    db
      .selectFrom('stratum_observed_versions as ov')
      .leftJoin('stratum_observations as o', 'o.id', 'ov.observation_id')
      .select(['ov.partition_key', 'ov.data_version', 'ov.observation_id', 'ov.observed_at', 'o.metadata'])
      .where('ov.asset_key', '=', assetKey);
  for (const rows of await readByKeys(partitionKeys, (keys) => (keys === 'all' ? select().where('ov.partition_key', '<>', NO_PARTITION) : select().where('ov.partition_key', 'in', keys)).execute())) {
    for (const row of rows) {
      const key = row.partition_key === NO_PARTITION ? null : row.partition_key;
      result.set(key, {
        partitionKey: key,
        dataVersion: row.data_version,
        codeVersion: null,
        id: Number(row.observation_id),
        at: Number(row.observed_at),
        inputDataVersions: null,
        metadata: parseMetadata(row.metadata ?? '{}'),
      });
    }
  }
  return result;
}

/** Observations of a source asset, newest first. */
export async function readObservationHistory(db: Db, assetKey: string, limit: number): Promise<ObservationRecord[]> {
  const rows = await db.selectFrom('stratum_observations').selectAll().where('asset_key', '=', assetKey).orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toObservationRecord);
}

/** The stored JSON of input versions, or null. */
export function inputVersionsColumn(versions: readonly InputDataVersion[] | null | undefined): string | null {
  return versions ? JSON.stringify(versions) : null;
}

/** Parses an `input_versions` column. */
export function parseInputVersions(text: string | null): InputDataVersion[] | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as InputDataVersion[];
  } catch {
    return null;
  }
}

/**
 * Runs `query` for the keys in chunks (an unpartitioned asset is the key ''); `'all'` and long
 * lists scan the asset's whole key range once (`'all'` is passed through, long lists filtered here).
 */
async function readByKeys<R extends { partition_key: string }>(
  partitionKeys: readonly string[] | 'all' | null,
  query: (keys: string[] | 'all') => Promise<R[]>,
): Promise<R[][]> {
  if (partitionKeys === null) return [await query([NO_PARTITION])];
  if (partitionKeys === 'all') return [await query('all')];
  if (partitionKeys.length > VERSION_SCAN_THRESHOLD) {
    const wanted = new Set(partitionKeys);
    return [(await query('all')).filter((r) => wanted.has(r.partition_key))];
  }
  const keys = [...new Set(partitionKeys.filter((k) => k !== NO_PARTITION))];
  const out: R[][] = [];
  for (let i = 0; i < keys.length; i += VERSION_CHUNK) out.push(await query(keys.slice(i, i + VERSION_CHUNK)));
  return out;
}

function parseMetadata(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function toObservationRecord(r: Selectable<ObservationsTable>): ObservationRecord {
  const metadata = parseMetadata(r.metadata);
  return {
    id: Number(r.id),
    runId: r.run_id,
    stepKey: r.step_key,
    assetKey: r.asset_key,
    partitionKey: r.partition_key === NO_PARTITION ? null : r.partition_key,
    dataVersion: r.data_version,
    metadata,
    observedAt: Number(r.observed_at),
  };
}
