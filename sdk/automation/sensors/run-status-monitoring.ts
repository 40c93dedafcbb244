import { DEFAULT_LOCATION } from '../../protocol/location';

/** A run outcome as run events and plans name it. */
type RunOutcome = 'succeeded' | 'failed' | 'canceled';

/** A job of another workspace location, by name (Dagster's `JobSelector`): `{ location: 'etl', job: 'daily_sales' }`. */
export interface RunStatusJobSelector {
  /** The location's name in the workspace. */
  location: string;
  /** The job's name in that location (not checked here: this location does not load its code). */
  job: string;
}

/**
 * The runs of other workspace locations a run-status sensor monitors (from `monitoredLocations`,
 * `monitorAllLocations` and the `{ location, job }` entries of `jobs`). Its own location's runs
 * are given by `watchedRuns.jobs`.
 */
export interface MonitoredLocations {
  /** Every run of every location (`monitorAllLocations: true`). */
  all: boolean;
  /** Every run of these locations. */
  locations: readonly string[];
  /** These jobs of other locations. */
  jobs: readonly RunStatusJobSelector[];
}

/** What a run-status sensor watches: own-location jobs (`null`: every run), statuses, and runs of other locations. */
export interface WatchedRuns {
  jobs: readonly string[] | null;
  statuses: readonly RunOutcome[];
  otherLocations?: MonitoredLocations;
}

function normal(location: string | null | undefined): string {
  return location || DEFAULT_LOCATION;
}

/**
 * Whether a sensor of `ownLocation` watching `watched` wants to hear about a run of `run.location`
 * and `run.job` (status and self-request checks aside; a run without a location counts as one of
 * `ownLocation`'s): an own-location run by its job filter or a
 * `monitoredLocations` / `{ location, job }` entry naming its own location; a run of another
 * location by `monitorAllLocations`, `monitoredLocations` or a `{ location, job }` entry.
 */
export function monitorsRun(watched: WatchedRuns, run: { location?: string | null; job: string | null }, ownLocation: string | null | undefined): boolean {
  const own = normal(ownLocation);
  // A run without a location is one of the sensor's own (events of older runs carry none).
  const where = run.location ? normal(run.location) : own;
  const other = watched.otherLocations;
  const byOther = other !== undefined && (other.all || other.locations.includes(where) || (run.job !== null && other.jobs.some((j) => j.location === where && j.job === run.job)));
  if (where !== own) return byOther;
  return watched.jobs === null || (run.job !== null && watched.jobs.includes(run.job)) || byOther;
}

/**
 * The run-status watches a location registers in the shared catalog: for each of its run-status
 * sensors monitoring runs of other locations, one row per monitored location (`null`: every
 * location) and job (`null`: every run). Entries naming `ownLocation` are left out (its own
 * plans name those sensors already).
 */
export function runStatusWatchesOf(
  sensors: readonly { name: string; watchedRuns: WatchedRuns | null }[],
  ownLocation: string,
): { sensor: string; watchedLocation: string | null; job: string | null; statuses: RunOutcome[] }[] {
  const out: { sensor: string; watchedLocation: string | null; job: string | null; statuses: RunOutcome[] }[] = [];
  for (const sensor of sensors) {
    const other = sensor.watchedRuns?.otherLocations;
    if (!other || sensor.watchedRuns!.statuses.length === 0) continue;
    const statuses = [...sensor.watchedRuns!.statuses];
    if (other.all) {
      out.push({ sensor: sensor.name, watchedLocation: null, job: null, statuses });
      continue;
    }
    for (const location of other.locations) if (location !== ownLocation) out.push({ sensor: sensor.name, watchedLocation: location, job: null, statuses });
    for (const j of other.jobs) {
      if (j.location !== ownLocation && !other.locations.includes(j.location)) out.push({ sensor: sensor.name, watchedLocation: j.location, job: j.job, statuses });
    }
  }
  return out;
}

/** Every location name a sensor's cross-location options name (for the workspace check at load time). */
export function monitoredLocationNames(watched: WatchedRuns | null): string[] {
  const other = watched?.otherLocations;
  if (!other) return [];
  return [...new Set([...other.locations, ...other.jobs.map((j) => j.location)])];
}
