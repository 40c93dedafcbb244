import type { CatalogReader } from '../../catalog';
import type { Definitions } from '../../definitions/definitions';
import type { Duration } from '../../definitions/duration';
import type { AnyJobDefinition } from '../../definitions/job';
import type { RunConfigOf } from '../../definitions/run-config';
import type { StepLogger } from '../../definitions/op-context';
import type { SensorTrigger } from '../../protocol/sensor-contract';
import type { WatchedRuns } from './run-status-monitoring';

/** What every {@link RunRequest} may carry besides its target and config. */
export interface RunRequestOptions {
  /** Deduplication key: a run key already used never starts a second run. `null`: always start. */
  runKey?: string | null;
  partitionKey?: string | null;
  tags?: Record<string, string>;
}

/**
 * A run a sensor asks for. The sensor starts it unless a run with the same `runKey` was started by
 * this sensor before (run keys are kept durably in the catalog). Its target is one of:
 * - none: the sensor's own `job` or `selection`; `config` is then typed `TConfig`, from the ops'
 *   zod schemas when the sensor's job is an op job given by reference;
 * - `job` by reference (a JobDefinition): give config through {@link runRequest}`(job, { config })`,
 *   which types it from the job's ops;
 * - `job` by name or `selection` (escape hatches): config untyped, checked when the run is planned.
 */
export type RunRequest<TConfig = Record<string, unknown>> =
  | (RunRequestOptions & {
      job?: undefined;
      selection?: undefined;
      /** Run config by step, typed from the sensor's own target. */
      config?: TConfig;
    })
  | (RunRequestOptions & {
      /** A job by reference. For config, use `runRequest(job, { config })`, which types it from the job's ops. */
      job: AnyJobDefinition;
      selection?: undefined;
      config?: undefined;
    })
  | (RunRequestOptions & {
      /** A job by name (escape hatch). */
      job: string;
      selection?: undefined;
      /** Run config, as for `stratum materialize --config`. */
      config?: Record<string, unknown>;
    })
  | (RunRequestOptions & {
      job?: undefined;
      /** An asset selection. */
      selection: string;
      /** Run config by asset key, as for `stratum materialize --config`. */
      config?: Record<string, unknown>;
    });

/**
 * A run request of a job given by reference, its config typed from the job's ops' zod schemas
 * (`z.input`, keyed by node name). Sensors return it from their evaluation.
 *
 * @example
 * evaluate: (ctx, trigger) => [runRequest(importJob, { runKey: trigger.payload.path, config: { load: { path: trigger.payload.path } } })]
 */
export function runRequest<TJob extends AnyJobDefinition>(job: TJob, options: RunRequestOptions & { config?: RunConfigOf<TJob> } = {}): Extract<RunRequest, { job: string }> {
  return { ...options, job: job.name } as Extract<RunRequest, { job: string }>;
}

/** Returned by a sensor's evaluation to say why it started nothing (shown in the sensor's state). */
export class SkipReason {
  constructor(readonly reason: string) {}
}

/** `return skip('no new files')` from a sensor's evaluation. */
export function skip(reason: string): SkipReason {
  return new SkipReason(reason);
}

/** What an evaluation returns: the runs to start, or why none. `TConfig` types the config of requests of the sensor's own target. */
export type SensorResult<TConfig = Record<string, unknown>> = RunRequest<TConfig>[] | SkipReason;

/** The context a sensor's evaluation receives. */
export interface SensorEvaluationContext {
  readonly sensorName: string;
  /** The cursor as the last evaluation left it (`null` at first). */
  readonly cursor: string | null;
  /** Advances the cursor; kept when the evaluation succeeds, across continue-as-new, restarts and stop/start. */
  updateCursor(cursor: string | null): void;
  readonly log: StepLogger;
  /** Evaluation time. */
  readonly now: Date;
  /** Read access to the catalog (latest materializations, partition statuses). */
  readonly catalog: CatalogReader;
  readonly definitions: Definitions;
}

/** Whether a sensor runs after `stratum deploy` / `stratum dev` until someone stops it. */
export type SensorStatus = 'running' | 'stopped';

/** The kinds of sensor: triggered by payloads or a timer, by asset materializations, by run outcomes, or Stratum's eager automation. */
export type SensorKind = 'sensor' | 'asset' | 'run-status' | 'automation';

/**
 * What every sensor definition provides to the sensor workflow and its evaluation activity. Made
 * by `sensor()`, `assetSensor()`, `runStatusSensor()`, and by `Definitions` for eager automation.
 */
export interface AnySensorDefinition {
  readonly name: string;
  readonly kind: SensorKind;
  readonly description: string | null;
  readonly defaultStatus: SensorStatus;
  /** Polling interval: the sensor also evaluates on a durable timer this often. `null`: only when triggered. */
  readonly every: Duration | null;
  /** The default target of its run requests (a job or an asset selection), or null if every request names one. */
  readonly target: { job: string } | { selection: string } | null;
  /** Asset keys whose materializations trigger it (asset sensors, eager automation). */
  readonly watchedAssets: readonly string[];
  /**
   * Run outcomes that trigger it (run-status sensors): jobs of its own location (`null`: every
   * run), statuses and, when it monitors runs of other workspace locations, `otherLocations`.
   */
  readonly watchedRuns: WatchedRuns | null;
  /** Checks the definition against the rest of the code location (targets and watched assets exist); throws a DefinitionError. */
  validate(definitions: Definitions): void;
  /** Runs the user's code for one trigger. */
  evaluate(ctx: SensorEvaluationContext, trigger: SensorTrigger): Promise<SensorResult>;
}
