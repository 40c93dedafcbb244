import { z } from 'zod';
import type { Definitions } from '../../definitions/definitions';
import { durationToMs, type Duration } from '../../definitions/duration';
import { InvalidDefinitionError } from '../../errors';
import type { AnyJobDefinition } from '../../definitions/job';
import type { RunConfigOf } from '../../definitions/run-config';
import type { SensorTrigger } from '../../protocol/sensor-contract';
import { skip, type AnySensorDefinition, type SensorEvaluationContext, type SensorResult, type SensorStatus } from './sensor-definition';
import { InvalidTriggerPayloadError } from './sensor-errors';
import { sensorTargetOf, validateSensorName, validateSensorReferences, type SensorTarget } from './sensor-target';
import type { MaybePromise } from '../../definitions/step-options';
import { zodProblems } from '../../errors/zod-problems';

/** Why a {@link sensor}'s `evaluate` was called: a payload someone sent, or a polling tick. */
export type SensorInvocation<TPayload> =
  | {
      kind: 'payload';
      /** The payload, parsed by the sensor's `triggerSchema` (`z.output`). */
      payload: TPayload;
      /** The sender's trigger id, or one the sensor assigned. */
      triggerId: string;
      receivedAt: Date;
    }
  | { kind: 'tick'; at: Date };

/** Options of {@link sensor}. */
export interface SensorOptions<TSchema extends z.ZodType = z.ZodUnknown, TJob extends AnyJobDefinition | string = AnyJobDefinition | string> {
  /** Unique sensor name; its workflow id is `stratum/sensor/<name>`. */
  name: string;
  /** Job the requested runs start by default (give this or `selection`, or name one in each run request). */
  job?: TJob;
  /** Asset selection the requested runs materialize by default. */
  selection?: string;
  /** Schema of trigger payloads: senders are refused when a payload fails it; `evaluate` gets `z.output`. Default: any JSON. */
  triggerSchema?: TSchema;
  /** User code: the runs to start for a payload or tick (each with a `runKey` to start it once), or `skip(reason)`. */
  /**
   * Requests that name no target run the sensor's `job` or `selection`; their `config` is typed
   * from the job's ops when `job` is an op job given by reference. Name another job with
   * `runRequest(job, { config })` (typed) or `{ job: 'name' }`.
   */
  evaluate: (ctx: SensorEvaluationContext, trigger: SensorInvocation<z.output<TSchema>>) => MaybePromise<SensorResult<RunConfigOf<TJob>>>;
  /** Also evaluate on a durable timer this often (`'30s'`, `'5m'`); `trigger.kind` is then `'tick'`. Default: only when triggered. */
  every?: Duration;
  /** `'running'`: started by `stratum deploy` / `stratum dev`. Default `'stopped'` (start it with `stratum sensor start`), as in Dagster. */
  defaultStatus?: SensorStatus;
  /** Time one evaluation may take before it is retried (3 attempts). Default `'1m'`. */
  timeout?: Duration;
  description?: string;
}

/**
 * A sensor triggered by payloads (from app code, `stratum sensor trigger`, another workflow) and
 * optionally by a polling timer. Made by {@link sensor}.
 */
export class SensorDefinition<TSchema extends z.ZodType = z.ZodUnknown> implements AnySensorDefinition {
  readonly kind = 'sensor' as const;
  readonly name: string;
  readonly description: string | null;
  readonly defaultStatus: SensorStatus;
  readonly every: Duration | null;
  /** Polling interval in ms, or null. */
  readonly everyMs: number | null;
  /** Start-to-close timeout of one evaluation, in ms. */
  readonly timeoutMs: number;
  readonly target: SensorTarget | null;
  readonly watchedAssets: readonly string[] = [];
  readonly watchedRuns = null;
  readonly triggerSchema: TSchema;
  /** Type-only: the payload a sender passes (`z.input` of the schema). */
  declare readonly $payload: z.input<TSchema>;

  constructor(readonly options: SensorOptions<TSchema>) {
    this.name = validateSensorName(options?.name, 'sensor');
    const owner = `sensor "${this.name}"`;
    if (typeof options.evaluate !== 'function') {
      throw new InvalidDefinitionError(`${owner} needs evaluate: (ctx, trigger) => RunRequest[] | skip(reason).`);
    }
    if (options.triggerSchema !== undefined && !(options.triggerSchema instanceof z.ZodType)) {
      throw new InvalidDefinitionError(`${owner}: triggerSchema must be a zod schema, e.g. z.object({ path: z.string() }).`);
    }
    if (options.defaultStatus !== undefined && options.defaultStatus !== 'running' && options.defaultStatus !== 'stopped') {
      throw new InvalidDefinitionError(`${owner}: defaultStatus must be 'running' or 'stopped', got ${JSON.stringify(options.defaultStatus)}.`);
    }
    this.target = sensorTargetOf(owner, options);
    this.triggerSchema = (options.triggerSchema ?? z.unknown()) as TSchema;
    this.every = options.every ?? null;
    this.everyMs = options.every === undefined ? null : durationToMs(options.every, `${owner}: every`);
    if (this.everyMs !== null && this.everyMs < 1_000) throw new InvalidDefinitionError(`${owner}: every must be at least 1s, got ${String(options.every)}.`);
    this.timeoutMs = durationToMs(options.timeout ?? '1m', `${owner}: timeout`);
    if (this.timeoutMs < 1) throw new InvalidDefinitionError(`${owner}: timeout must be positive.`);
    this.defaultStatus = options.defaultStatus ?? 'stopped';
    this.description = options.description ?? null;
  }

  validate(definitions: Definitions): void {
    validateSensorReferences(`sensor "${this.name}"`, definitions, this.target, []);
  }

  /**
   * Checks a payload against `triggerSchema`; returns the parsed value, or throws
   * {@link InvalidTriggerPayloadError} with the zod messages.
   */
  parsePayload(payload: unknown): z.output<TSchema> {
    const result = this.triggerSchema.safeParse(payload);
    if (!result.success) throw new InvalidTriggerPayloadError(this.name, zodProblems(result.error));
    return result.data;
  }

  async evaluate(ctx: SensorEvaluationContext, trigger: SensorTrigger): Promise<SensorResult> {
    if (trigger.kind === 'payload') {
      const payload = this.parsePayload(trigger.payload);
      return this.options.evaluate(ctx, { kind: 'payload', payload, triggerId: trigger.triggerId, receivedAt: new Date(trigger.receivedAt) });
    }
    if (trigger.kind === 'tick') return this.options.evaluate(ctx, { kind: 'tick', at: new Date(trigger.at) });
    return skip(`sensor "${this.name}" reacts to payloads${this.every !== null ? ' and ticks' : ''}, not to ${trigger.kind} events`);
  }
}

/**
 * Defines a sensor: a long-running workflow (`stratum/sensor/<name>`) that evaluates user code
 * for every payload it is sent (and every `every` when it polls) and starts the runs it asks for,
 * once per run key.
 *
 * @example
 * const newFile = sensor({
 *   name: 'new_file',
 *   job: importJob,
 *   triggerSchema: z.object({ path: z.string(), size: z.number().int() }),
 *   evaluate: async (ctx, trigger) =>
 *     trigger.kind === 'payload' ? [{ runKey: trigger.payload.path, config: { import: { path: trigger.payload.path } } }] : skip('no tick work'),
 * });
 * // app code: await triggerSensor(client, newFile, { path: 's3://in/a.csv', size: 10 });
 */
export function sensor<TSchema extends z.ZodType = z.ZodUnknown, TJob extends AnyJobDefinition | string = AnyJobDefinition | string>(
  options: SensorOptions<TSchema, TJob>,
): SensorDefinition<TSchema> {
  return new SensorDefinition<TSchema>(options as SensorOptions<TSchema>);
}
