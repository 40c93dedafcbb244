import type { Kysely } from 'kysely';
import type { SensorWatchRecord } from '../catalog-records';
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
