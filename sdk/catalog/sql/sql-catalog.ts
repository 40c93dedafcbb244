import { sql, type Kysely, type Selectable } from 'kysely';
import type {
  AssetSummary,
  AssetVersionRecord,
  Catalog,
  ListRunsOptions,
  LogLevel,
  LogLine,
  LogLineInput,
  MaterializationHistoryOptions,
  MaterializationInput,
  MaterializationRecord,
  ObservationInput,
  ObservationRecord,
  PartitionFailedEvent,
  PartitionStatus,
  PartitionStatusRecord,
  PartitionSummary,
  RunFinishedEvent,
  RunLogsOptions,
  RunRecord,
  RunStartedEvent,
  RunStatus,
  RunWithSteps,
  SensorCursorRecord,
  SensorWatchRecord,
  RunStatusWatch,
  RunStatusWatchRecord,
  SensorRunKeyReservation,
  StepRecord,
  StepStatus,
} from '../catalog';
import { CatalogInputError, CatalogRunNotFoundError } from '../errors';
import {
  NO_PARTITION,
  type AssetPartitionsTable,
  type CatalogDatabase,
  type LogsTable,
  type MaterializationsTable,
  type RunsTable,
  type RunStepsTable,
} from './schema';
import { pruneHistory, type PruneOptions, type PruneResult } from '../retention';
import * as sensorStore from './sensor-store';
import * as watchStore from './watch-store';
import * as checkStore from './check-store';
import * as planStore from './plan-store';
import type { CheckHistoryOptions, CheckResultInput, CheckResultRecord } from '../check-result';
import {
  inputVersionsColumn,
  insertObservation,
  parseInputVersions,
  readLatestVersions,
  readObservationHistory,
  readObservedVersions,
  recordLatestVersion,
} from './version-store';
import { writeTransaction, type CatalogDialect } from './write-transaction';
import { writeMaterializations, type MaterializationRow } from './bulk-materializations';

/** Keys per `IN (…)` list: far below SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const IN_CHUNK = 500;
/** Above this many keys, `partitionStatuses` reads the asset's whole status range and filters in memory. */
const SCAN_THRESHOLD = 2_000;
/** Parameters per multi-row INSERT. */
const INSERT_PARAMS = 10_000;

const DEFAULT_RUNS_LIMIT = 100;
const DEFAULT_HISTORY_LIMIT = 100;
const DEFAULT_LOGS_LIMIT = 10_000;

type Db = Kysely<CatalogDatabase>;
type PartitionRow = Pick<Selectable<AssetPartitionsTable>, 'status' | 'run_id' | 'updated_at' | 'error'>;

/**
 * The catalog over kysely, shared by the SQLite and PostgreSQL dialects. Use {@link openCatalog}
 * rather than constructing it: that opens the connection and migrates the schema first.
 */
export class SqlCatalog implements Catalog {
  #closed = false;

  /**
   * @param db a Kysely instance whose schema `migrateCatalog` has brought up to date.
   * @param dialect which SQL dialect `db` speaks.
   * @param location where the catalog lives, already redacted (printed in messages).
   * @param fileLockKey SQLite: the file's absolute path, which serializes write transactions with
   *   other catalogs of this process on the same file (see `writeTransaction`); `null` otherwise.
   */
  constructor(
    private readonly db: Db,
    readonly dialect: CatalogDialect,
    readonly location: string,
    private readonly fileLockKey: string | null = null,
  ) {}

  #write<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
    return writeTransaction(this.db, this.dialect, fn, this.fileLockKey);
  }

  // ---- Runs ----

  async recordRunStarted(run: RunStartedEvent): Promise<void> {
    requireText(run.runId, 'runId');
    const assetKeys = unique(run.assetKeys);
    const row = {
      run_id: run.runId,
      workflow_id: run.workflowId,
      job: run.job,
      selection: run.selection,
      asset_keys: JSON.stringify(assetKeys),
      partition_key: run.partitionKey,
      partition_range_from: run.partitionRange?.from ?? null,
      partition_range_to: run.partitionRange?.to ?? null,
      backfill_id: run.backfillId ?? null,
      status: 'started' satisfies RunStatus,
      started_at: run.startedAt,
      ended_at: null,
      tags: JSON.stringify(run.tags ?? {}),
    };
    await this.#write(async (trx) => {
      // A replayed start never resets the status or end of a run that already finished.
      await trx
        .insertInto('stratum_runs')
        .values(row)
        .onConflict((oc) =>
          oc.column('run_id').doUpdateSet((eb) => ({
            workflow_id: eb.ref('excluded.workflow_id'),
            job: eb.ref('excluded.job'),
            selection: eb.ref('excluded.selection'),
            asset_keys: eb.ref('excluded.asset_keys'),
            partition_key: eb.ref('excluded.partition_key'),
            partition_range_from: eb.ref('excluded.partition_range_from'),
            partition_range_to: eb.ref('excluded.partition_range_to'),
            backfill_id: eb.ref('excluded.backfill_id'),
            started_at: eb.ref('excluded.started_at'),
            tags: eb.ref('excluded.tags'),
          })),
        )
        .execute();
      await trx.deleteFrom('stratum_run_assets').where('run_id', '=', run.runId).execute();
      for (const part of chunk(assetKeys, INSERT_PARAMS / 3)) {
        await trx
          .insertInto('stratum_run_assets')
          .values(part.map((assetKey) => ({ run_id: run.runId, asset_key: assetKey, started_at: run.startedAt })))
          .execute();
      }
    });
  }

  async recordRunFinished(run: RunFinishedEvent): Promise<void> {
    requireText(run.runId, 'runId');
    const seen = new Set<string>();
    for (const step of run.steps) {
      if (seen.has(step.key)) {
        throw new CatalogInputError(`recordRunFinished: run "${run.runId}" lists step "${step.key}" twice. Pass each step once.`);
      }
      seen.add(step.key);
    }
    await this.#write(async (trx) => {
      const result = await trx
        .updateTable('stratum_runs')
        .set({ status: run.status, ended_at: run.endedAt })
        .where('run_id', '=', run.runId)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new CatalogRunNotFoundError(run.runId);
      await trx.deleteFrom('stratum_run_steps').where('run_id', '=', run.runId).execute();
      const rows = run.steps.map((s, position) => ({
        run_id: run.runId,
        step_key: s.key,
        position,
        status: s.status,
        started_at: s.startedAt,
        ended_at: s.endedAt,
        attempts: s.attempts,
        error: s.error,
        asset_keys: JSON.stringify(s.assetKeys),
      }));
      for (const part of chunk(rows, INSERT_PARAMS / 9)) {
        await trx.insertInto('stratum_run_steps').values(part).execute();
      }
    });
  }

  async getRun(runId: string): Promise<RunWithSteps | null> {
    const row = await this.db.selectFrom('stratum_runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
    if (!row) return null;
    const steps = await this.db
      .selectFrom('stratum_run_steps')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('position')
      .execute();
    return { ...toRunRecord(row), steps: steps.map(toStepRecord) };
  }

  async listRuns(filter: ListRunsOptions = {}): Promise<RunRecord[]> {
    const limit = checkLimit(filter.limit, DEFAULT_RUNS_LIMIT, 'listRuns');
    let query = this.db.selectFrom('stratum_runs as r').selectAll('r');
    let startedAt = sql.ref('r.started_at');
    let runId = sql.ref('r.run_id');
    if (filter.assetKey !== undefined) {
      // Ordering by the run-assets copy of started_at lets the (asset_key, started_at) index
      // deliver the newest runs of the asset without sorting all of them.
      query = query
        .innerJoin('stratum_run_assets as ra', 'ra.run_id', 'r.run_id')
        .where('ra.asset_key', '=', filter.assetKey) as unknown as typeof query;
      startedAt = sql.ref('ra.started_at');
      runId = sql.ref('ra.run_id');
    }
    if (filter.status !== undefined) query = query.where('r.status', '=', filter.status);
    if (filter.job !== undefined) query = query.where('r.job', '=', filter.job);
    if (filter.backfillId !== undefined) query = query.where('r.backfill_id', '=', filter.backfillId);
    const rows = await query.orderBy(startedAt, 'desc').orderBy(runId, 'desc').limit(limit).execute();
    return rows.map(toRunRecord);
  }

  // ---- Materializations ----

  async recordMaterialization(m: MaterializationInput): Promise<MaterializationRecord> {
    const row = toMaterializationRow(m);
    const partitionKey = row.partition_key;
    return this.#write(async (trx) => {
      await ensureAsset(trx, m.assetKey);
      // Insert, or learn that the row exists. On PostgreSQL a concurrent insert of the same key
      // makes this wait for the other transaction, then do nothing; the update below then sees
      // the committed row. Counting only real inserts keeps materialization_count exact.
      const inserted = await trx
        .insertInto('stratum_materializations')
        .values(row)
        .onConflict((oc) => oc.columns(['run_id', 'asset_key', 'partition_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) {
        // Later (or the same) attempt wins; an earlier attempt replayed late changes nothing.
        await trx
          .updateTable('stratum_materializations')
          .set({
            step_key: row.step_key,
            data_version: row.data_version,
            code_version: row.code_version,
            metadata: row.metadata,
            storage_location: row.storage_location,
            started_at: row.started_at,
            materialized_at: row.materialized_at,
            attempt: row.attempt,
            input_versions: row.input_versions,
          })
          .where('run_id', '=', row.run_id)
          .where('asset_key', '=', row.asset_key)
          .where('partition_key', '=', partitionKey)
          .where('attempt', '<=', row.attempt)
          .execute();
      }
      const stored = await trx
        .selectFrom('stratum_materializations')
        .selectAll()
        .where('run_id', '=', row.run_id)
        .where('asset_key', '=', row.asset_key)
        .where('partition_key', '=', partitionKey)
        .executeTakeFirstOrThrow();
      const delta = await applyPartitionStatus(
        trx,
        this.dialect,
        m.assetKey,
        partitionKey,
        { status: 'materialized', run_id: stored.run_id, updated_at: Number(stored.materialized_at), error: null },
        (current) => Number(current.updated_at) <= Number(stored.materialized_at),
      );
      await recordLatestVersion(trx, {
        assetKey: m.assetKey,
        partitionColumn: partitionKey,
        id: Number(stored.id),
        dataVersion: stored.data_version,
        codeVersion: stored.code_version,
        materializedAt: Number(stored.materialized_at),
      });
      await trx
        .updateTable('stratum_assets')
        .set((eb) => ({
          materialization_count: eb('materialization_count', '+', inserted ? 1 : 0),
          last_materialized_at: eb
            .case()
            .when(eb.or([eb('last_materialized_at', 'is', null), eb('last_materialized_at', '<', row.materialized_at)]))
            .then(row.materialized_at)
            .else(eb.ref('last_materialized_at'))
            .end(),
          partitions_materialized: eb('partitions_materialized', '+', delta.materialized),
          partitions_failed: eb('partitions_failed', '+', delta.failed),
        }))
        .where('asset_key', '=', m.assetKey)
        .execute();
      return toMaterializationRecord(stored);
    });
  }

  async recordMaterializations(batch: readonly MaterializationInput[]): Promise<void> {
    // Every input is validated before anything is written (SQL in bulk-materializations.ts).
    const rows = batch.map((m, index) => {
      try {
        return toMaterializationRow(m);
      } catch (error) {
        if (!(error instanceof CatalogInputError)) throw error;
        throw new CatalogInputError(`recordMaterializations: input ${index} of ${batch.length} is invalid. ${error.message}`, { cause: error });
      }
    });
    if (rows.length === 0) return;
    await this.#write((trx) => writeMaterializations(trx, this.dialect, rows));
  }

  async recordAssetPartitionFailed(e: PartitionFailedEvent): Promise<void> {
    requireText(e.assetKey, 'assetKey');
    const partitionKey = toPartitionColumn(e.partitionKey);
    await this.#write(async (trx) => {
      await ensureAsset(trx, e.assetKey);
      const delta = await applyPartitionStatus(
        trx,
        this.dialect,
        e.assetKey,
        partitionKey,
        { status: 'failed', run_id: e.runId, updated_at: e.failedAt, error: e.error },
        // A materialization at or after the failure keeps the partition materialized.
        (current) => Number(current.updated_at) < e.failedAt,
      );
      if (delta.materialized !== 0 || delta.failed !== 0) {
        await trx
          .updateTable('stratum_assets')
          .set((eb) => ({
            partitions_materialized: eb('partitions_materialized', '+', delta.materialized),
            partitions_failed: eb('partitions_failed', '+', delta.failed),
          }))
          .where('asset_key', '=', e.assetKey)
          .execute();
      }
    });
  }

  async latestMaterialization(assetKey: string, partitionKey?: string | null): Promise<MaterializationRecord | null> {
    let query = this.db.selectFrom('stratum_materializations').selectAll().where('asset_key', '=', assetKey);
    if (partitionKey !== undefined) query = query.where('partition_key', '=', toPartitionColumn(partitionKey));
    const row = await query.orderBy('materialized_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    return row ? toMaterializationRecord(row) : null;
  }

  async materializationHistory(assetKey: string, opts: MaterializationHistoryOptions = {}): Promise<MaterializationRecord[]> {
    const limit = checkLimit(opts.limit, DEFAULT_HISTORY_LIMIT, 'materializationHistory');
    let query = this.db.selectFrom('stratum_materializations').selectAll().where('asset_key', '=', assetKey);
    if (opts.partitionKey !== undefined) query = query.where('partition_key', '=', toPartitionColumn(opts.partitionKey));
    if (opts.beforeId !== undefined) {
      const cursor = await this.db
        .selectFrom('stratum_materializations')
        .select(['materialized_at', 'id'])
        .where('id', '=', opts.beforeId)
        .executeTakeFirst();
      if (!cursor) return [];
      // Keyset paging on the index order (materialized_at, id).
      query = query.where(({ eb, refTuple, tuple }) =>
        eb(refTuple('materialized_at', 'id'), '<', tuple(Number(cursor.materialized_at), Number(cursor.id))),
      );
    }
    const rows = await query.orderBy('materialized_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toMaterializationRecord);
  }

  async runMaterializations(runId: string): Promise<MaterializationRecord[]> {
    const rows = await this.db
      .selectFrom('stratum_materializations')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('asset_key')
      .orderBy('partition_key')
      .execute();
    return rows.map(toMaterializationRecord);
  }

  async listAssets(): Promise<AssetSummary[]> {
    const rows = await this.db.selectFrom('stratum_assets').selectAll().orderBy('asset_key').execute();
    return rows.map((r) => ({
      assetKey: r.asset_key,
      lastMaterializedAt: r.last_materialized_at === null ? null : Number(r.last_materialized_at),
      materializationCount: Number(r.materialization_count),
      partitionsMaterialized: Number(r.partitions_materialized),
      partitionsFailed: Number(r.partitions_failed),
    }));
  }

  // ---- Data versions (staleness) ----

  async latestVersions(assetKey: string, partitionKeys: readonly string[] | 'all' | null, opts: { withInputs?: boolean } = {}): Promise<Map<string | null, AssetVersionRecord>> {
    return readLatestVersions(this.db, this.dialect, assetKey, partitionKeys, opts.withInputs ?? false);
  }

  async recordObservation(o: ObservationInput): Promise<ObservationRecord> {
    requireText(o.runId, 'runId');
    requireText(o.assetKey, 'assetKey');
    requireText(o.dataVersion, 'dataVersion');
    const partitionKey = toPartitionColumn(o.partitionKey);
    const metadata = toJson(o.metadata, 'metadata');
    return this.#write((trx) => insertObservation(trx, o, partitionKey, metadata));
  }

  async observedVersions(assetKey: string, partitionKeys: readonly string[] | 'all' | null): Promise<Map<string | null, AssetVersionRecord>> {
    return readObservedVersions(this.db, assetKey, partitionKeys);
  }

  async observationHistory(assetKey: string, opts: { limit?: number } = {}): Promise<ObservationRecord[]> {
    return readObservationHistory(this.db, assetKey, checkLimit(opts.limit, DEFAULT_HISTORY_LIMIT, 'observationHistory'));
  }

  // ---- Per-partition state ----

  async partitionStatuses(assetKey: string, partitionKeys?: readonly string[]): Promise<Map<string, PartitionStatusRecord>> {
    const result = new Map<string, PartitionStatusRecord>();
    const select = () =>
      this.db
        .selectFrom('stratum_asset_partitions')
        .select(['partition_key', 'status', 'run_id', 'updated_at', 'error'])
        .where('asset_key', '=', assetKey);
    if (partitionKeys === undefined || partitionKeys.length > SCAN_THRESHOLD) {
      // One range scan of the primary key (asset_key, partition_key) beats many IN lists.
      const wanted = partitionKeys === undefined ? null : new Set(partitionKeys);
      const rows = await select().where('partition_key', '<>', NO_PARTITION).execute();
      for (const row of rows) {
        if (wanted === null || wanted.has(row.partition_key)) result.set(row.partition_key, toPartitionStatus(row));
      }
      return result;
    }
    const keys = unique(partitionKeys.filter((k) => k !== NO_PARTITION));
    for (const part of chunk(keys, IN_CHUNK)) {
      const rows = await select().where('partition_key', 'in', part).execute();
      for (const row of rows) result.set(row.partition_key, toPartitionStatus(row));
    }
    return result;
  }

  async partitionStatus(assetKey: string, partitionKey: string | null): Promise<PartitionStatusRecord | null> {
    const row = await this.db
      .selectFrom('stratum_asset_partitions')
      .select(['status', 'run_id', 'updated_at', 'error'])
      .where('asset_key', '=', assetKey)
      .where('partition_key', '=', toPartitionColumn(partitionKey))
      .executeTakeFirst();
    return row ? toPartitionStatus(row) : null;
  }

  async partitionSummary(assetKey: string): Promise<PartitionSummary> {
    const row = await this.db
      .selectFrom('stratum_assets')
      .select(['partitions_materialized', 'partitions_failed'])
      .where('asset_key', '=', assetKey)
      .executeTakeFirst();
    return { materialized: Number(row?.partitions_materialized ?? 0), failed: Number(row?.partitions_failed ?? 0) };
  }

  // ---- Logs ----

  async appendLogs(lines: readonly LogLineInput[]): Promise<void> {
    if (lines.length === 0) return;
    const rows = lines.map((l) => ({
      run_id: l.runId,
      step_key: l.stepKey,
      attempt: l.attempt,
      seq: l.seq ?? null,
      ts: l.ts,
      level: l.level,
      message: l.message,
      fields: l.fields === undefined ? null : toJson(l.fields, 'fields'),
    }));
    await this.#write(async (trx) => {
      for (const part of chunk(rows, INSERT_PARAMS / 8)) {
        await trx
          .insertInto('stratum_logs')
          .values(part)
          .onConflict((oc) => oc.columns(['run_id', 'step_key', 'attempt', 'seq']).doNothing())
          .execute();
      }
    });
  }

  async runLogs(runId: string, opts: RunLogsOptions = {}): Promise<LogLine[]> {
    const limit = checkLimit(opts.limit, DEFAULT_LOGS_LIMIT, 'runLogs');
    let query = this.db.selectFrom('stratum_logs').selectAll().where('run_id', '=', runId);
    if (opts.stepKey !== undefined) query = query.where('step_key', '=', opts.stepKey);
    const rows = await query.orderBy('ts').orderBy('id').limit(limit).execute();
    return rows.map(toLogLine);
  }

  // ---- Dynamic partitions ----

  async addDynamicPartitions(name: string, keys: readonly string[]): Promise<{ added: string[] }> {
    requireText(name, 'dynamic partitions name');
    const wanted = unique(keys);
    for (const key of wanted) requireText(key, `partition key of dynamic partitions "${name}"`);
    if (wanted.length === 0) return { added: [] };
    const added = new Set<string>();
    await this.#write(async (trx) => {
      for (const part of chunk(wanted, INSERT_PARAMS / 2)) {
        // Rows of one multi-row INSERT get ids in VALUES order, which keeps insertion order.
        const rows = await trx
          .insertInto('stratum_dynamic_partitions')
          .values(part.map((key) => ({ name, partition_key: key })))
          .onConflict((oc) => oc.columns(['name', 'partition_key']).doNothing())
          .returning('partition_key')
          .execute();
        for (const r of rows) added.add(r.partition_key);
      }
    });
    return { added: wanted.filter((k) => added.has(k)) };
  }

  async deleteDynamicPartitions(name: string, keys: readonly string[]): Promise<{ deleted: string[] }> {
    const wanted = unique(keys);
    if (wanted.length === 0) return { deleted: [] };
    const deleted = new Set<string>();
    await this.#write(async (trx) => {
      for (const part of chunk(wanted, IN_CHUNK)) {
        const rows = await trx
          .deleteFrom('stratum_dynamic_partitions')
          .where('name', '=', name)
          .where('partition_key', 'in', part)
          .returning('partition_key')
          .execute();
        for (const r of rows) deleted.add(r.partition_key);
      }
    });
    return { deleted: wanted.filter((k) => deleted.has(k)) };
  }

  async dynamicPartitionKeys(name: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('stratum_dynamic_partitions')
      .select('partition_key')
      .where('name', '=', name)
      .orderBy('id')
      .execute();
    return rows.map((r) => r.partition_key);
  }

  // ---- Retention ----

  async prune(options: PruneOptions): Promise<PruneResult> {
    if (!Number.isFinite(options.olderThan)) throw new CatalogInputError(`prune needs olderThan as epoch milliseconds, got ${String(options.olderThan)}.`);
    return this.#write((trx) => pruneHistory(trx, options, this.dialect));
  }

  // ---- Sensor state (SQL in sensor-store.ts) ----

  async reserveSensorRunKeys(input: { sensor: string; evaluationId: string; keys: readonly { runKey: string; runId: string }[]; keep?: number }): Promise<SensorRunKeyReservation[]> {
    if (input.keys.length === 0) return [];
    return this.#write((trx) => sensorStore.reserveSensorRunKeys(trx, { ...input, now: Date.now() }));
  }

  async releaseSensorRunKey(input: { sensor: string; runKey: string; evaluationId: string }): Promise<boolean> {
    return this.#write((trx) => sensorStore.releaseSensorRunKey(trx, input.sensor, input.runKey, input.evaluationId));
  }

  async sensorRunKey(sensor: string, runKey: string): Promise<{ runId: string; usedAt: number } | null> {
    return sensorStore.sensorRunKey(this.db, sensor, runKey);
  }

  async sensorCursor(sensor: string): Promise<SensorCursorRecord | null> {
    return sensorStore.sensorCursor(this.db, sensor);
  }

  async setSensorCursor(sensor: string, cursor: string | null): Promise<void> {
    await this.#write((trx) => sensorStore.setSensorCursor(trx, sensor, cursor, Date.now()));
  }

  async registerSensorWatches(location: string, watches: readonly { sensor: string; assetKey: string }[], runStatusWatches: readonly RunStatusWatch[] = []): Promise<void> {
    await this.#write(async (trx) => {
      const now = Date.now();
      await watchStore.registerSensorWatches(trx, location, watches, now);
      await watchStore.registerRunStatusWatches(trx, location, runStatusWatches, now);
    });
  }

  async runStatusWatchers(runLocation: string, job: string | null): Promise<RunStatusWatchRecord[]> {
    return watchStore.runStatusWatchers(this.db, runLocation, job);
  }

  async sensorWatchers(assetKeys: readonly string[], exceptLocation?: string): Promise<SensorWatchRecord[]> {
    if (assetKeys.length === 0) return [];
    return watchStore.sensorWatchers(this.db, assetKeys, exceptLocation);
  }

  async deleteSensorState(sensor: string): Promise<void> {
    await this.#write((trx) => sensorStore.deleteSensorState(trx, sensor));
  }

  // ---- Stored plans (SQL in plan-store.ts) ----

  async storePlan(hash: string, pages: readonly string[]): Promise<void> {
    await this.#write((trx) => planStore.storePlanPages(trx, hash, pages, Date.now()));
  }

  async planPage(hash: string, page: number): Promise<{ body: string; pages: number } | null> {
    return planStore.planPage(this.db, hash, page);
  }

  async recordRunSteps(runId: string, steps: readonly { position: number; step: StepRecord }[]): Promise<void> {
    requireText(runId, 'runId');
    await this.#write((trx) => planStore.recordRunSteps(trx, runId, steps));
  }

  // ---- Asset checks (SQL in check-store.ts) ----

  async recordCheckResult(result: CheckResultInput): Promise<CheckResultRecord> {
    return this.#write((trx) => checkStore.recordCheckResult(trx, result));
  }

  async latestCheckResults(assetKey: string, partitionKey?: string | null): Promise<CheckResultRecord[]> {
    return checkStore.latestCheckResults(this.db, assetKey, partitionKey);
  }

  async checkHistory(assetKey: string, opts?: CheckHistoryOptions): Promise<CheckResultRecord[]> {
    return checkStore.checkHistory(this.db, assetKey, opts);
  }

  async runCheckResults(runId: string): Promise<CheckResultRecord[]> {
    return checkStore.runCheckResults(this.db, runId);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.db.destroy();
  }
}

// ---- Partition status bookkeeping ----

/** Creates the asset's counters row if missing (takes no lock when it exists). */
async function ensureAsset(trx: Db, assetKey: string): Promise<void> {
  await trx
    .insertInto('stratum_assets')
    .values({ asset_key: assetKey, materialization_count: 0, last_materialized_at: null, partitions_materialized: 0, partitions_failed: 0 })
    .onConflict((oc) => oc.column('asset_key').doNothing())
    .execute();
}

/**
 * Sets the status row of (asset, partition) to `next` if it does not exist or `wins(current)`,
 * and returns how the asset's partition counters change. Exact under concurrency: PostgreSQL
 * locks the existing row (`FOR UPDATE`), SQLite writers are serialized by `BEGIN IMMEDIATE`.
 */
async function applyPartitionStatus(
  trx: Db,
  dialect: CatalogDialect,
  assetKey: string,
  partitionKey: string,
  next: PartitionRow & { status: PartitionStatus },
  wins: (current: PartitionRow) => boolean,
): Promise<{ materialized: number; failed: number }> {
  const delta = { materialized: 0, failed: 0 };
  const count = (status: string, by: number) => {
    if (partitionKey === NO_PARTITION) return; // counters are about partitions only
    if (status === 'materialized') delta.materialized += by;
    else if (status === 'failed') delta.failed += by;
  };
  const inserted = await trx
    .insertInto('stratum_asset_partitions')
    .values({ asset_key: assetKey, partition_key: partitionKey, ...next })
    .onConflict((oc) => oc.columns(['asset_key', 'partition_key']).doNothing())
    .returning('status')
    .executeTakeFirst();
  if (inserted) {
    count(next.status, +1);
    return delta;
  }
  const current = await trx
    .selectFrom('stratum_asset_partitions')
    .select(['status', 'run_id', 'updated_at', 'error'])
    .where('asset_key', '=', assetKey)
    .where('partition_key', '=', partitionKey)
    .$if(dialect === 'postgres', (q) => q.forUpdate())
    .executeTakeFirstOrThrow();
  if (!wins(current)) return delta;
  await trx
    .updateTable('stratum_asset_partitions')
    .set(next)
    .where('asset_key', '=', assetKey)
    .where('partition_key', '=', partitionKey)
    .execute();
  if (current.status !== next.status) {
    count(current.status, -1);
    count(next.status, +1);
  }
  return delta;
}

// ---- Row mapping ----

function toRunRecord(r: Selectable<RunsTable>): RunRecord {
  return {
    runId: r.run_id,
    workflowId: r.workflow_id,
    job: r.job,
    selection: r.selection,
    assetKeys: parseJson<string[]>(r.asset_keys, []),
    partitionKey: r.partition_key,
    partitionRange:
      r.partition_range_from !== null && r.partition_range_to !== null ? { from: r.partition_range_from, to: r.partition_range_to } : null,
    backfillId: r.backfill_id,
    status: r.status as RunStatus,
    startedAt: Number(r.started_at),
    endedAt: r.ended_at === null ? null : Number(r.ended_at),
    tags: parseJson<Record<string, string>>(r.tags, {}),
  };
}

function toStepRecord(r: Selectable<RunStepsTable>): StepRecord {
  return {
    key: r.step_key,
    status: r.status as StepStatus,
    startedAt: r.started_at === null ? null : Number(r.started_at),
    endedAt: r.ended_at === null ? null : Number(r.ended_at),
    attempts: Number(r.attempts),
    error: r.error,
    assetKeys: parseJson<string[]>(r.asset_keys, []),
  };
}

function toMaterializationRecord(r: Selectable<MaterializationsTable>): MaterializationRecord {
  return {
    id: Number(r.id),
    runId: r.run_id,
    stepKey: r.step_key,
    assetKey: r.asset_key,
    partitionKey: r.partition_key === NO_PARTITION ? null : r.partition_key,
    dataVersion: r.data_version,
    codeVersion: r.code_version,
    metadata: parseJson<Record<string, unknown>>(r.metadata, {}),
    storageLocation: r.storage_location,
    startedAt: Number(r.started_at),
    materializedAt: Number(r.materialized_at),
    attempt: Number(r.attempt),
    inputDataVersions: parseInputVersions(r.input_versions),
  };
}

function toPartitionStatus(r: PartitionRow): PartitionStatusRecord {
  return { status: r.status as PartitionStatus, runId: r.run_id, updatedAt: Number(r.updated_at), error: r.error };
}

function toLogLine(r: Selectable<LogsTable>): LogLine {
  return {
    id: Number(r.id),
    runId: r.run_id,
    stepKey: r.step_key,
    attempt: Number(r.attempt),
    seq: r.seq === null ? null : Number(r.seq),
    ts: Number(r.ts),
    level: r.level as LogLevel,
    message: r.message,
    fields: r.fields === null ? {} : parseJson<Record<string, unknown>>(r.fields, {}),
  };
}

// ---- Small helpers ----

/** Validates a materialization and returns the columns stored for it. */
function toMaterializationRow(m: MaterializationInput): MaterializationRow {
  requireText(m.runId, 'runId');
  requireText(m.assetKey, 'assetKey');
  return {
    run_id: m.runId,
    step_key: m.stepKey,
    asset_key: m.assetKey,
    partition_key: toPartitionColumn(m.partitionKey),
    data_version: m.dataVersion,
    code_version: m.codeVersion,
    metadata: toJson(m.metadata, 'metadata'),
    storage_location: m.storageLocation,
    started_at: m.startedAt,
    materialized_at: m.materializedAt,
    attempt: m.attempt,
    input_versions: inputVersionsColumn(m.inputDataVersions),
  };
}

function toPartitionColumn(partitionKey: string | null): string {
  if (partitionKey === null) return NO_PARTITION;
  if (typeof partitionKey !== 'string' || partitionKey.length === 0) {
    throw new CatalogInputError(
      `Invalid partition key ${JSON.stringify(partitionKey)}: a partition key is a non-empty string. Pass null for an unpartitioned asset.`,
    );
  }
  return partitionKey;
}

function requireText(value: string, what: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new CatalogInputError(`Invalid ${what} ${JSON.stringify(value)}: it must be a non-empty string.`);
  }
}

function checkLimit(limit: number | undefined, fallback: number, method: string): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new CatalogInputError(`${method}: limit must be a positive integer, got ${String(limit)}.`);
  }
  return limit;
}

function toJson(value: unknown, what: string): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (error) {
    throw new CatalogInputError(
      `The ${what} could not be stored: it is not JSON-serializable (${error instanceof Error ? error.message : String(error)}). Use plain objects, arrays, strings, numbers and booleans (convert BigInt and Date values to strings).`,
      { cause: error },
    );
  }
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function chunk<T>(values: readonly T[], size: number): T[][] {
  const n = Math.max(1, Math.floor(size));
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += n) out.push(values.slice(i, i + n));
  return out;
}
