import type { Definitions } from '../../definitions/definitions';
import { InvalidDefinitionError } from '../../errors';
import type { AnyJobDefinition } from '../../definitions/job';
import type { RunConfigOf } from '../../definitions/run-config';
import type { RunStatusEvent, SensorTrigger } from '../../protocol/sensor-contract';
import { skip, type AnySensorDefinition, type SensorEvaluationContext, type SensorResult, type SensorStatus } from './sensor-definition';
import { SensorRunTags } from './sensor-run-tags';
import { jobNameOf, sensorTargetOf, validateSensorName, validateSensorReferences, type SensorTarget } from './sensor-target';
import type { MaybePromise } from '../../definitions/step-options';

/** The run outcomes a run-status sensor can watch (Dagster's `DagsterRunStatus` names). */
export type RunStatusSensorStatus = 'success' | 'failure' | 'canceled';

const EVENT_STATUS: Record<RunStatusSensorStatus, RunStatusEvent['status']> = { success: 'succeeded', failure: 'failed', canceled: 'canceled' };

/** Options of {@link runStatusSensor}. */
export interface RunStatusSensorOptions<TJob extends AnyJobDefinition | string = AnyJobDefinition | string> {
  /** Unique sensor name; its workflow id is `stratum/sensor/<name>`. */
  name: string;
  /** The outcome(s) that call `fn`. */
  status: RunStatusSensorStatus | readonly RunStatusSensorStatus[];
  /** Jobs to watch, by reference or name. Default: every run, ad-hoc materializations included. */
  jobs?: readonly (AnyJobDefinition | string)[];
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
 * @example
 * const notify = runFailureSensor({ name: 'notify_on_failure', jobs: [daily], defaultStatus: 'running',
 *   fn: async (ctx, run) => { await slack.post(`${run.label} failed: ${run.failedSteps.map((s) => s.error).join('; ')}`); } });
 */
export class RunStatusSensorDefinition implements AnySensorDefinition {
  readonly kind = 'run-status' as const;
  readonly name: string;
  readonly description: string | null;
  readonly defaultStatus: SensorStatus;
  readonly every = null;
  readonly target: SensorTarget | null;
  readonly watchedAssets: readonly string[] = [];
  readonly watchedRuns: { jobs: readonly string[] | null; statuses: readonly RunStatusEvent['status'][] };

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
    this.watchedRuns = { jobs: options.jobs ? [...new Set(options.jobs.map(jobNameOf))] : null, statuses: [...new Set(statuses.map((s) => EVENT_STATUS[s]))] };
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
    if (!this.watches(run)) return skip(`run ${run.runId} (${run.label}, ${run.status}) is not watched by this sensor`);
    const result = await this.options.fn(ctx, run);
    if (result === undefined || result === null) return [];
    if (!Array.isArray(result)) return result;
    return result.map((request) => ({ ...request, tags: { ...(request.tags ?? {}), [SensorRunTags.sensor]: this.name } }));
  }

  /** Whether a finished run is one this sensor wants to hear about (the planner applies the same rules when it fills `plan.notify`). */
  watches(run: Pick<RunStatusEvent, 'job' | 'status' | 'tags'>): boolean {
    if (!this.watchedRuns.statuses.includes(run.status) || run.tags[SensorRunTags.sensor] === this.name) return false;
    return this.watchedRuns.jobs === null || (run.job !== null && this.watchedRuns.jobs.includes(run.job));
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
