import type { Definitions } from '../../definitions/definitions';
import { InvalidDefinitionError } from '../../errors';
import type { AnyJobDefinition } from '../../definitions/job';
import type { RunConfigOf } from '../../definitions/run-config';
import type { AssetMaterializedEvent, SensorTrigger } from '../../protocol/sensor-contract';
import { skip, type AnySensorDefinition, type SensorEvaluationContext, type SensorResult, type SensorStatus } from './sensor-definition';
import { SensorRunTags } from './sensor-run-tags';
import { assetKeyOf, sensorTargetOf, targetIsPartitioned, validateSensorName, validateSensorReferences, type AssetRefOrKey, type SensorTarget } from './sensor-target';
import type { MaybePromise } from '../../definitions/step-options';

/** Options of {@link assetSensor}. */
export interface AssetSensorOptions<TJob extends AnyJobDefinition | string = AnyJobDefinition | string> {
  /** Unique sensor name; its workflow id is `stratum/sensor/<name>`. */
  name: string;
  /** Assets whose materializations trigger the sensor, by reference or key. */
  assets: readonly AssetRefOrKey[];
  /** Job the requested runs start (give this or `selection`, or name one per request in `evaluate`); by reference, it types the requests' `config`. */
  job?: TJob;
  /** Asset selection the requested runs materialize. */
  selection?: string;
  /**
   * Called once per materialization of a watched asset partition. Default: one run of the target
   * per event, for the same partition when the target is partitioned, with run key
   * `<assetKey>:<partitionKey>:<runId>`.
   */
  evaluate?: (ctx: SensorEvaluationContext, event: AssetMaterializedEvent) => MaybePromise<SensorResult<RunConfigOf<TJob>>>;
  /** `'running'`: started by `stratum deploy` / `stratum dev`. Default `'stopped'`, as in Dagster. */
  defaultStatus?: SensorStatus;
  description?: string;
}

/**
 * A sensor that fires when given assets materialize (Dagster's `asset_sensor` /
 * `multi_asset_sensor`): each run that materializes a watched asset signals the sensor after the
 * step succeeds, once per asset partition. Runs the sensor requests are tagged `stratum/sensor`.
 * A stopped sensor misses the materializations that happen while it is stopped.
 *
 * @example
 * const onOrders = assetSensor({ name: 'orders_changed', assets: [orders], job: reportJob, defaultStatus: 'running' });
 * const custom = assetSensor({ name: 'big_orders', assets: [orders], selection: 'audit', evaluate: async (ctx, event) =>
 *   event.partitionKey === null ? skip('unpartitioned') : [{ runKey: event.runId, partitionKey: event.partitionKey }] });
 */
export class AssetSensorDefinition implements AnySensorDefinition {
  readonly kind = 'asset' as const;
  readonly name: string;
  readonly description: string | null;
  readonly defaultStatus: SensorStatus;
  readonly every = null;
  readonly target: SensorTarget | null;
  readonly watchedAssets: readonly string[];
  readonly watchedRuns = null;

  constructor(readonly options: AssetSensorOptions) {
    this.name = validateSensorName(options?.name, 'asset sensor');
    const owner = `asset sensor "${this.name}"`;
    if (!Array.isArray(options.assets) || options.assets.length === 0) {
      throw new InvalidDefinitionError(`${owner} needs the assets it watches: assetSensor({ name, assets: [orders], job }).`);
    }
    this.watchedAssets = [...new Set(options.assets.map(assetKeyOf))];
    this.target = sensorTargetOf(owner, options);
    if (this.target === null && options.evaluate === undefined) {
      throw new InvalidDefinitionError(`${owner} has nothing to run: give a job or a selection, or an evaluate function whose run requests name one.`);
    }
    if (options.evaluate !== undefined && typeof options.evaluate !== 'function') throw new InvalidDefinitionError(`${owner}: evaluate must be a function (ctx, event) => RunRequest[] | skip(reason).`);
    this.description = options.description ?? null;
    if (options.defaultStatus !== undefined && options.defaultStatus !== 'running' && options.defaultStatus !== 'stopped') {
      throw new InvalidDefinitionError(`${owner}: defaultStatus must be 'running' or 'stopped', got ${JSON.stringify(options.defaultStatus)}.`);
    }
    this.defaultStatus = options.defaultStatus ?? 'stopped';
  }

  validate(definitions: Definitions): void {
    validateSensorReferences(`asset sensor "${this.name}"`, definitions, this.target, this.watchedAssets);
  }

  async evaluate(ctx: SensorEvaluationContext, trigger: SensorTrigger): Promise<SensorResult> {
    if (trigger.kind !== 'asset-materialized') return skip(`asset sensor "${this.name}" only reacts to materializations of ${this.watchedAssets.join(', ')} (got a ${trigger.kind} trigger)`);
    const event = trigger.event;
    if (!this.watchedAssets.includes(event.assetKey)) return skip(`"${event.assetKey}" is not watched by this sensor`);
    const result = this.options.evaluate ? await this.options.evaluate(ctx, event) : this.defaultRequests(ctx.definitions, event);
    if (!Array.isArray(result)) return result;
    return result.map((request) => ({ ...request, tags: { [SensorRunTags.sensor]: this.name, ...(request.tags ?? {}) } }));
  }

  private defaultRequests(definitions: Definitions, event: AssetMaterializedEvent): SensorResult {
    const partitioned = targetIsPartitioned(definitions, this.target!);
    if (partitioned && event.partitionKey === null) {
      return skip(`the target is partitioned but "${event.assetKey}" is not, so there is no partition to run; give the sensor an evaluate function that returns run requests with a partitionKey`);
    }
    return [{ runKey: `${event.assetKey}:${event.partitionKey ?? ''}:${event.runId}`, partitionKey: partitioned ? event.partitionKey : null }];
  }
}

/** Defines an {@link AssetSensorDefinition}: runs triggered by materializations of given assets. */
export function assetSensor<TJob extends AnyJobDefinition | string = AnyJobDefinition | string>(options: AssetSensorOptions<TJob>): AssetSensorDefinition {
  return new AssetSensorDefinition(options as AssetSensorOptions);
}
