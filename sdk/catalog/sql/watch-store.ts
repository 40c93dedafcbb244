import type { Kysely } from 'kysely';
import type { RunStatusWatch, RunStatusWatchRecord, SensorWatchRecord } from '../catalog-records';
import { CatalogInputError } from '../errors';
import type { CatalogDatabase } from './schema';

type Db = Kysely<CatalogDatabase>;

/** Largest number of asset keys looked up in one statement (well under both dialects' parameter limits). */
const KEYS_PER_QUERY = 500;

/**
 * Replaces a location's sensor watches with `watches`, inside a write transaction: the rows of
 * sensors it no longer has (or that no longer watch a key) go, new ones come.
 */
export async function registerSensorWatches(trx: Db, location: string, watches: readonly { sensor: string; assetKey: string }[], now: number): Promise<void> {
  if (typeof location !== 'string' || location.length === 0) throw new CatalogInputError(`registerSensorWatches needs a location name, got ${JSON.stringify(location)}.`);
  const rows = new Map<string, { location: string; sensor: string; asset_key: string; registered_at: number }>();
  for (const w of watches) {
    if (!w.sensor || !w.assetKey) throw new CatalogInputError(`A sensor watch of location "${location}" needs a sensor name and an asset key, got ${JSON.stringify(w)}.`);
    rows.set(`${w.sensor}\u0000${w.assetKey}`, { location, sensor: w.sensor, asset_key: w.assetKey, registered_at: now });
  }
  await trx.deleteFrom('stratum_sensor_watches').where('location', '=', location).execute();
  const values = [...rows.values()];
  for (let i = 0; i < values.length; i += KEYS_PER_QUERY) await trx.insertInto('stratum_sensor_watches').values(values.slice(i, i + KEYS_PER_QUERY)).execute();
}

/** The sensors watching any of `assetKeys`, except those of `exceptLocation`, ordered by location, sensor and key. */
export async function sensorWatchers(db: Db, assetKeys: readonly string[], exceptLocation?: string): Promise<SensorWatchRecord[]> {
  const keys = [...new Set(assetKeys)];
  const out: SensorWatchRecord[] = [];
  for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
    let query = db.selectFrom('stratum_sensor_watches').select(['location', 'sensor', 'asset_key']).where('asset_key', 'in', keys.slice(i, i + KEYS_PER_QUERY));
    if (exceptLocation !== undefined) query = query.where('location', '<>', exceptLocation);
    for (const r of await query.execute()) out.push({ location: r.location, sensor: r.sensor, assetKey: r.asset_key });
  }
  return out.sort((a, b) => a.location.localeCompare(b.location) || a.sensor.localeCompare(b.sensor) || a.assetKey.localeCompare(b.assetKey));
}

/** What `watched_location` and `job` hold for "every location" and "every run" (no location or job name can be `*`). */
const ANY = '*';
const RUN_STATUSES = new Set(['succeeded', 'failed', 'canceled']);

/**
 * Replaces a location's run-status watches with `watches`, inside a write transaction (the
 * same one as its asset watches): runs of other locations its run-status sensors monitor.
 */
export async function registerRunStatusWatches(trx: Db, location: string, watches: readonly RunStatusWatch[], now: number): Promise<void> {
  const rows = new Map<string, { location: string; sensor: string; watched_location: string; job: string; statuses: string; registered_at: number }>();
  for (const w of watches) {
    const statuses = Array.isArray(w.statuses) ? [...new Set(w.statuses)].sort() : [];
    if (!w.sensor || w.watchedLocation === '' || w.watchedLocation === ANY || w.job === '' || w.job === ANY || statuses.length === 0 || statuses.some((s) => !RUN_STATUSES.has(s))) {
      throw new CatalogInputError(
        `A run-status watch of location "${location}" needs a sensor name, a location name or null (every location), a job name or null (every run) and statuses among succeeded, failed, canceled; got ${JSON.stringify(w)}.`,
      );
    }
    const row = { location, sensor: w.sensor, watched_location: w.watchedLocation ?? ANY, job: w.job ?? ANY, statuses: statuses.join(','), registered_at: now };
    rows.set(`${row.sensor}\u0000${row.watched_location}\u0000${row.job}`, row);
  }
  await trx.deleteFrom('stratum_run_status_watches').where('location', '=', location).execute();
  const values = [...rows.values()];
  for (let i = 0; i < values.length; i += KEYS_PER_QUERY) await trx.insertInto('stratum_run_status_watches').values(values.slice(i, i + KEYS_PER_QUERY)).execute();
}

/**
 * The run-status sensors of other locations monitoring a run of `runLocation` and `job`: rows for
 * every location or that one, and every run or that job. One record per sensor (statuses merged),
 * ordered by location and sensor.
 */
export async function runStatusWatchers(db: Db, runLocation: string, job: string | null): Promise<RunStatusWatchRecord[]> {
  const rows = await db
    .selectFrom('stratum_run_status_watches')
    .select(['location', 'sensor', 'statuses'])
    .where('watched_location', 'in', [ANY, runLocation])
    .where('job', 'in', job === null ? [ANY] : [ANY, job])
    .where('location', '<>', runLocation)
    .execute();
  const bySensor = new Map<string, RunStatusWatchRecord>();
  for (const r of rows) {
    const key = `${r.location}\u0000${r.sensor}`;
    const record = bySensor.get(key) ?? { location: r.location, sensor: r.sensor, statuses: [] };
    for (const s of r.statuses.split(',') as RunStatusWatchRecord['statuses']) if (!record.statuses.includes(s)) record.statuses.push(s);
    bySensor.set(key, record);
  }
  return [...bySensor.values()].sort((a, b) => a.location.localeCompare(b.location) || a.sensor.localeCompare(b.sensor));
}
