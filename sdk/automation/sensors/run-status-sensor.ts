import type { Definitions } from '../../definitions/definitions';
import { InvalidDefinitionError } from '../../errors';
import type { AnyJobDefinition } from '../../definitions/job';
import type { RunConfigOf } from '../../definitions/run-config';
import type { RunStatusEvent, SensorTrigger } from '../../protocol/sensor-contract';
import { skip, type AnySensorDefinition, type SensorEvaluationContext, type SensorResult, type SensorStatus } from './sensor-definition';
import { SensorRunTags } from './sensor-run-tags';
import { jobNameOf, sensorTargetOf, validateSensorName, validateSensorReferences, type SensorTarget } from './sensor-target';
import type { MaybePromise } from '../../definitions/step-options';
import { locationOf } from '../../definitions/location';
import { monitorsRun, type MonitoredLocations, type RunStatusJobSelector, type WatchedRuns } from './run-status-monitoring';

const LOCATION_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The run outcomes a run-status sensor can watch (Dagster's `DagsterRunStatus` names). */
export type RunStatusSensorStatus = 'success' | 'failure' | 'canceled';

const EVENT_STATUS: Record<RunStatusSensorStatus, RunStatusEvent['status']> = { success: 'succeeded', failure: 'failed', canceled: 'canceled' };

/** Options of {@link runStatusSensor}. */
export interface RunStatusSensorOptions<TJob extends AnyJobDefinition | string = AnyJobDefinition | string> {
  /** Unique sensor name; its workflow id is `stratum/sensor/<name>`. */
  name: string;
  /** The outcome(s) that call `fn`. */
  status: RunStatusSensorStatus | readonly RunStatusSensorStatus[];
  /**
   * Jobs to watch (Dagster's `monitored_jobs`): jobs of this location by reference or name, and
   * jobs of other workspace locations as `{ location: 'etl', job: 'daily_sales' }` (Dagster's
   * `JobSelector`). Default: every run of this location, ad-hoc materializations included
   * (unless `monitoredLocations` is given).
   */
  jobs?: readonly (AnyJobDefinition | string | RunStatusJobSelector)[];
  /**
   * Workspace locations whose runs (every one, ad-hoc materializations included) this sensor
   * monitors, by name (Dagster's `CodeLocationSelector` in `monitored_jobs`): `['etl']`. With it,
   * this sensor's own location's runs are monitored only when `jobs` lists some or the list
   * names this location too. A name the workspace does not have is refused when it is loaded.
   */
  monitoredLocations?: readonly string[];
  /**
   * Monitor every run of every location of the workspace, this one included (Dagster's
   * `monitor_all_code_locations`). Not combined with `jobs` or `monitoredLocations`.
   */
  monitorAllLocations?: boolean;
  /**
   * Called with the run's summary when a watched run finishes with a watched status, e.g. to post
   * to a chat channel. Return nothing, or run requests (of `job` / `selection`), or `skip(reason)`.
   * Throwing fails the evaluation, which is retried.
   */
  fn: (ctx: SensorEvaluationContext, run: RunStatusEvent) => MaybePromise<void | SensorResult<RunConfigOf<TJob>>>;
  /** Default target of the run requests `fn` returns; by reference, it types their `config`. */
  job?: TJob;
  selection?: string;
  /** `'running'`: started by `stratum deploy` / `stratum dev`. Default `'stopped'`. */
  defaultStatus?: SensorStatus;
  description?: string;
}

/**
 * A sensor called when runs finish with given statuses (Dagster's `run_status_sensor`). Each run
 * signals the run-status sensors that watch it when it ends: succeeded, failed (`failedSteps`
 * carries each failed step's error) or canceled. A run-status sensor is never told about runs it
 * requested itself (runs tagged `stratum/sensor: <its name>`), so a failure sensor that retries a
 * failed job cannot loop on its own retries. A stopped sensor misses the runs that end meanwhile.
 *
 * In a workspace, a run-status sensor can monitor runs of other locations (`monitoredLocations`,
 * `monitorAllLocations`, `jobs: [{ location, job }]`): its location's worker registers that in the
 * shared catalog when it starts, and the runs of those locations signal it when they end (their
 * event's `location` names theirs); the run requests it returns run in its own location.
 *
 * @example
 * const notify = runFailureSensor({ name: 'notify_on_failure', jobs: [daily], defaultStatus: 'running',
 *   fn: async (ctx, run) => { await slack.post(`${run.label} failed: ${run.failedSteps.map((s) => s.error).join('; ')}`); } });
 * // In location `finance` of a workspace: every failed run of location `etl`.
 * const etlFailures = runFailureSensor({ name: 'etl_failures', monitoredLocations: ['etl'], job: recover,
 *   fn: (ctx, run) => [{ runKey: run.runId, tags: { failed_run: run.runId } }] });
 */
export class RunStatusSensorDefinition implements AnySensorDefinition {
  readonly kind = 'run-status' as const;
  readonly name: string;
  readonly description: string | null;
  readonly defaultStatus: SensorStatus;
  readonly every = null;
  readonly target: SensorTarget | null;
  readonly watchedAssets: readonly string[] = [];
  readonly watchedRuns: WatchedRuns;

  constructor(readonly options: RunStatusSensorOptions) {
    this.name = validateSensorName(options?.name, 'run-status sensor');
    const owner = `run-status sensor "${this.name}"`;
    const statuses = typeof options.status === 'string' ? [options.status] : [...(options.status ?? [])];
    const bad = statuses.filter((s) => !(s in EVENT_STATUS));
    if (statuses.length === 0 || bad.length > 0) {
      throw new InvalidDefinitionError(`${owner}: status must be 'success', 'failure' or 'canceled' (or several of them)${bad.length ? `, got ${bad.map((b) => JSON.stringify(b)).join(', ')}` : ''}.`);
    }
    if (typeof options.fn !== 'function') throw new InvalidDefinitionError(`${owner} needs fn: (ctx, run) => void, called with the finished run's summary.`);
    if (options.jobs !== undefined && (!Array.isArray(options.jobs) || options.jobs.length === 0)) {
      throw new InvalidDefinitionError(`${owner}: jobs must list at least one job; leave it out to watch every run.`);
    }
    const otherLocations = monitoredLocationsOf(owner, options);
    const local = (options.jobs ?? []).filter((j): j is AnyJobDefinition | string => !isJobSelector(j));
    const jobs = options.monitorAllLocations || (options.jobs === undefined && options.monitoredLocations === undefined) ? null : [...new Set(local.map(jobNameOf))];
    const eventStatuses = [...new Set(statuses.map((s) => EVENT_STATUS[s]))];
    this.watchedRuns = otherLocations ? { jobs, statuses: eventStatuses, otherLocations } : { jobs, statuses: eventStatuses };
    this.target = sensorTargetOf(owner, options);
    this.description = options.description ?? null;
    if (options.defaultStatus !== undefined && options.defaultStatus !== 'running' && options.defaultStatus !== 'stopped') {
      throw new InvalidDefinitionError(`${owner}: defaultStatus must be 'running' or 'stopped', got ${JSON.stringify(options.defaultStatus)}.`);
    }
    this.defaultStatus = options.defaultStatus ?? 'stopped';
  }

  validate(definitions: Definitions): void {
    validateSensorReferences(`run-status sensor "${this.name}"`, definitions, this.target, [], this.watchedRuns.jobs ?? []);
  }

  async evaluate(ctx: SensorEvaluationContext, trigger: SensorTrigger): Promise<SensorResult> {
    if (trigger.kind !== 'run-status') return skip(`run-status sensor "${this.name}" only reacts to finished runs (got a ${trigger.kind} trigger)`);
    const run = trigger.event;
    if (!this.watches(run, locationOf(ctx.definitions))) return skip(`run ${run.runId} (${run.label}, ${run.status}) is not watched by this sensor`);
    const result = await this.options.fn(ctx, run);
    if (result === undefined || result === null) return [];
    if (!Array.isArray(result)) return result;
    return result.map((request) => ({ ...request, tags: { ...(request.tags ?? {}), [SensorRunTags.sensor]: this.name } }));
  }

  /**
   * Whether a finished run is one this sensor (of `ownLocation`, default the default location)
   * wants to hear about (the planner applies the same rules when it fills `plan.notify`, and the
   * registered watches when a run of another location looks its watchers up).
   */
  watches(run: Pick<RunStatusEvent, 'job' | 'status' | 'tags' | 'location'>, ownLocation?: string): boolean {
    if (!this.watchedRuns.statuses.includes(run.status) || run.tags[SensorRunTags.sensor] === this.name) return false;
    return monitorsRun(this.watchedRuns, run, ownLocation);
  }
}

/** Defines a {@link RunStatusSensorDefinition}: user code called when watched runs finish with given statuses. */
export function runStatusSensor<TJob extends AnyJobDefinition | string = AnyJobDefinition | string>(options: RunStatusSensorOptions<TJob>): RunStatusSensorDefinition {
  return new RunStatusSensorDefinition(options as RunStatusSensorOptions);
}

/** A run-status sensor for failed runs (Dagster's `run_failure_sensor`). */
export function runFailureSensor<TJob extends AnyJobDefinition | string = AnyJobDefinition | string>(options: Omit<RunStatusSensorOptions<TJob>, 'status'>): RunStatusSensorDefinition {
  return new RunStatusSensorDefinition({ ...options, status: 'failure' } as RunStatusSensorOptions);
}

function isJobSelector(job: unknown): job is RunStatusJobSelector {
  // Job definitions carry a `kind`; a selector is a plain `{ location, job }`.
  return typeof job === 'object' && job !== null && !('kind' in job) && ('location' in job || 'job' in job);
}

/** Checks and gathers the cross-location options of a run-status sensor (`undefined`: it monitors its own location only). */
function monitoredLocationsOf(owner: string, options: RunStatusSensorOptions): MonitoredLocations | undefined {
  const { monitoredLocations, monitorAllLocations } = options;
  if (monitorAllLocations !== undefined && typeof monitorAllLocations !== 'boolean') {
    throw new InvalidDefinitionError(`${owner}: monitorAllLocations must be true or false, got ${JSON.stringify(monitorAllLocations)}.`);
  }
  if (monitorAllLocations && (options.jobs !== undefined || monitoredLocations !== undefined)) {
    throw new InvalidDefinitionError(`${owner}: monitorAllLocations watches every run of every location; leave out jobs and monitoredLocations (or drop monitorAllLocations and list what to watch).`);
  }
  if (monitoredLocations !== undefined) {
    if (!Array.isArray(monitoredLocations) || monitoredLocations.length === 0) {
      throw new InvalidDefinitionError(`${owner}: monitoredLocations must list at least one workspace location name, e.g. ['etl']; leave it out to watch this location's runs.`);
    }
    const bad = monitoredLocations.filter((l) => typeof l !== 'string' || !LOCATION_NAME.test(l));
    if (bad.length > 0) throw new InvalidDefinitionError(`${owner}: monitoredLocations holds invalid location names ${bad.map((b) => JSON.stringify(b)).join(', ')}; use the names of the workspace's locations.`);
  }
  const selectors: RunStatusJobSelector[] = [];
  for (const entry of options.jobs ?? []) {
    if (typeof entry === 'string' || !isJobSelector(entry)) continue;
    if (typeof entry.location !== 'string' || !LOCATION_NAME.test(entry.location) || typeof entry.job !== 'string' || entry.job.length === 0) {
      throw new InvalidDefinitionError(`${owner}: a job of another location is written { location: 'etl', job: 'daily_sales' }, got ${JSON.stringify(entry)}.`);
    }
    if (!selectors.some((s) => s.location === entry.location && s.job === entry.job)) selectors.push({ location: entry.location, job: entry.job });
  }
  if (!monitorAllLocations && monitoredLocations === undefined && selectors.length === 0) return undefined;
  return { all: monitorAllLocations === true, locations: [...new Set(monitoredLocations ?? [])], jobs: selectors };
}
