import type { CatalogReader } from '../../catalog';
import type { Definitions } from '../../definitions/definitions';
import type { Duration } from '../../definitions/duration';
import type { StepLogger } from '../../definitions/op-context';
import type { SensorTrigger } from '../../protocol/sensor-contract';

/**
 * A run a sensor asks for. The sensor starts it unless a run with the same `runKey` was started by
 * this sensor before (run keys are kept durably in the catalog).
 */
export interface RunRequest {
  /** Deduplication key: a run key already used never starts a second run. `null`: always start. */
  runKey?: string | null;
  /** Job to run; default: the sensor's own target. */
  job?: string;
  /** Asset selection to run; default: the sensor's own target. */
  selection?: string;
  partitionKey?: string | null;
  /** Run config, as for `stratum materialize --config`. */
  config?: Record<string, unknown>;
  tags?: Record<string, string>;
}

/** Returned by a sensor's evaluation to say why it started nothing (shown in the sensor's state). */
export class SkipReason {
  constructor(readonly reason: string) {}
}

/** `return skip('no new files')` from a sensor's evaluation. */
export function skip(reason: string): SkipReason {
  return new SkipReason(reason);
}

/** What an evaluation returns: the runs to start, or why none. */
export type SensorResult = RunRequest[] | SkipReason;

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
  /** Run outcomes that trigger it (run-status sensors): jobs (`null`: every run) and statuses. */
  readonly watchedRuns: { jobs: readonly string[] | null; statuses: readonly ('succeeded' | 'failed' | 'canceled')[] } | null;
  /** Checks the definition against the rest of the code location (targets and watched assets exist); throws a DefinitionError. */
  validate(definitions: Definitions): void;
  /** Runs the user's code for one trigger. */
  evaluate(ctx: SensorEvaluationContext, trigger: SensorTrigger): Promise<SensorResult>;
}
