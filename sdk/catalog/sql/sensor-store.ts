import type { Kysely } from 'kysely';
import type { SensorCursorRecord, SensorRunKeyReservation } from '../catalog';
import { CatalogInputError } from '../errors';
import type { CatalogDatabase } from './schema';

type Db = Kysely<CatalogDatabase>;

/** Run keys kept per sensor: older keys are pruned (a key that old may start a run again). */
export const DEFAULT_SENSOR_RUN_KEYS_KEPT = 100_000;
/** Pruning runs when a sensor's reservation lands on a multiple of this id (and when `keep` is small). */
const PRUNE_EVERY = 500;

/**
 * Reserves run keys for one evaluation of a sensor, inside a write transaction: a key not seen
 * before is stored with its run id and the evaluation id; a key stored by this same evaluation
 * (an activity retry) is reserved again with the run id stored the first time; a key stored by
 * another evaluation is refused, naming the run that used it.
 */
export async function reserveSensorRunKeys(
  trx: Db,
  input: { sensor: string; evaluationId: string; keys: readonly { runKey: string; runId: string }[]; now: number; keep?: number },
): Promise<SensorRunKeyReservation[]> {
  requireText(input.sensor, 'sensor name');
  requireText(input.evaluationId, 'evaluation id');
  const keep = input.keep ?? DEFAULT_SENSOR_RUN_KEYS_KEPT;
  if (!Number.isInteger(keep) || keep < 1) throw new CatalogInputError(`reserveSensorRunKeys: keep must be a positive integer, got ${String(keep)}.`);
  const seen = new Set<string>();
  for (const key of input.keys) {
    requireText(key.runKey, `run key of sensor "${input.sensor}"`);
    if (seen.has(key.runKey)) {
      throw new CatalogInputError(`Sensor "${input.sensor}" asked for run key "${key.runKey}" twice in one evaluation. Give each run request of an evaluation its own runKey.`);
    }
    seen.add(key.runKey);
  }
  const out: SensorRunKeyReservation[] = [];
  let prune = keep < PRUNE_EVERY;
  for (const key of input.keys) {
    const inserted = await trx
      .insertInto('stratum_sensor_run_keys')
      .values({ sensor: input.sensor, run_key: key.runKey, run_id: key.runId, evaluation_id: input.evaluationId, created_at: input.now })
      .onConflict((oc) => oc.columns(['sensor', 'run_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) {
      if (Number(inserted.id) % PRUNE_EVERY === 0) prune = true;
      out.push({ runKey: key.runKey, runId: key.runId, reserved: true });
      continue;
    }
    const existing = await trx
      .selectFrom('stratum_sensor_run_keys')
      .select(['run_id', 'evaluation_id', 'created_at'])
      .where('sensor', '=', input.sensor)
      .where('run_key', '=', key.runKey)
      .executeTakeFirstOrThrow();
    out.push(
      existing.evaluation_id === input.evaluationId
        ? { runKey: key.runKey, runId: existing.run_id, reserved: true }
        : { runKey: key.runKey, runId: existing.run_id, reserved: false, usedAt: Number(existing.created_at) },
    );
  }
  if (prune) await pruneSensorRunKeys(trx, input.sensor, keep);
  return out;
}

/**
 * Gives back a run key that `evaluationId` reserved but whose run never started, so a later
 * evaluation may use it. A key reserved by another evaluation is left alone. Returns whether a
 * reservation was removed.
 */
export async function releaseSensorRunKey(trx: Db, sensor: string, runKey: string, evaluationId: string): Promise<boolean> {
  const result = await trx
    .deleteFrom('stratum_sensor_run_keys')
    .where('sensor', '=', sensor)
    .where('run_key', '=', runKey)
    .where('evaluation_id', '=', evaluationId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Deletes a sensor's oldest run keys beyond the newest `keep`. */
export async function pruneSensorRunKeys(trx: Db, sensor: string, keep: number): Promise<number> {
  const boundary = await trx
    .selectFrom('stratum_sensor_run_keys')
    .select('id')
    .where('sensor', '=', sensor)
    .orderBy('id', 'desc')
    .limit(1)
    .offset(keep)
    .executeTakeFirst();
  if (!boundary) return 0;
  const result = await trx.deleteFrom('stratum_sensor_run_keys').where('sensor', '=', sensor).where('id', '<=', boundary.id).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The run id a sensor's run key started, or null if the key is unknown (never used, or pruned). */
export async function sensorRunKey(db: Db, sensor: string, runKey: string): Promise<{ runId: string; usedAt: number } | null> {
  const row = await db
    .selectFrom('stratum_sensor_run_keys')
    .select(['run_id', 'created_at'])
    .where('sensor', '=', sensor)
    .where('run_key', '=', runKey)
    .executeTakeFirst();
  return row ? { runId: row.run_id, usedAt: Number(row.created_at) } : null;
}

/** Number of run keys kept for a sensor. */
export async function countSensorRunKeys(db: Db, sensor: string): Promise<number> {
  const row = await db.selectFrom('stratum_sensor_run_keys').select((eb) => eb.fn.countAll<number>().as('n')).where('sensor', '=', sensor).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** A sensor's stored cursor, or null if it never stored one. */
export async function sensorCursor(db: Db, sensor: string): Promise<SensorCursorRecord | null> {
  const row = await db.selectFrom('stratum_sensor_cursors').select(['cursor', 'updated_at']).where('sensor', '=', sensor).executeTakeFirst();
  return row ? { cursor: row.cursor, updatedAt: Number(row.updated_at) } : null;
}

/** Stores a sensor's cursor (upsert). */
export async function setSensorCursor(trx: Db, sensor: string, cursor: string | null, now: number): Promise<void> {
  requireText(sensor, 'sensor name');
  if (cursor !== null && typeof cursor !== 'string') throw new CatalogInputError(`The cursor of sensor "${sensor}" must be a string or null, got ${typeof cursor}.`);
  await trx
    .insertInto('stratum_sensor_cursors')
    .values({ sensor, cursor, updated_at: now })
    .onConflict((oc) => oc.column('sensor').doUpdateSet({ cursor, updated_at: now }))
    .execute();
}

/** Forgets a sensor's run keys and cursor (`stratum sensor reset`-style clean-up and tests). */
export async function deleteSensorState(trx: Db, sensor: string): Promise<void> {
  await trx.deleteFrom('stratum_sensor_run_keys').where('sensor', '=', sensor).execute();
  await trx.deleteFrom('stratum_sensor_cursors').where('sensor', '=', sensor).execute();
}

function requireText(value: string, what: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new CatalogInputError(`Invalid ${what} ${JSON.stringify(value)}: it must be a non-empty string.`);
  }
}
