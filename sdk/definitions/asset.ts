import { z } from 'zod';
import { normalizeAssetKey } from './asset-key';
import { resolveSelfInputs, type AssetInputSpec, type AssetInputValues, type AssetRef } from './asset-ref';
import type { BackfillPolicy } from './backfill-policy';
import { InvalidConfigSchemaError, InvalidDefinitionError } from '../errors';
import type { OpContext, PartitionKeyOf } from './op-context';
import type { PartitionMapping, PartitionsDefinition } from '../partitions';
import type { ResourceRequirements, ResourceValueRequirements, ResourceValues } from './resource';
import type { ConfigOf, MaybePromise, StepOptions } from './step-options';
import { DEFAULT_IO_MANAGER_KEY } from './io/io-manager';
import { nodeDescriptionOf, stepOfAssetOptions, upstreamOf, type AssetsDefinition } from './step-building';
import type { AssetNode, StepSpec } from './step-spec';

/** Options of {@link asset}. */
export interface AssetOptions<
  TIns extends Record<string, AssetInputSpec>,
  TConfig extends z.ZodType | undefined,
  TResources extends ResourceRequirements | undefined,
  TOut,
  TPartitions extends PartitionsDefinition | undefined = PartitionsDefinition | undefined,
  TBackfillPolicy extends BackfillPolicy | undefined = BackfillPolicy | undefined,
> extends StepOptions<TConfig, TResources> {
  /** The asset key: `'orders'`, or a path `'sales/orders'`. */
  key: string | readonly string[];
  /** Prepended to the key: `keyPrefix: 'sales'` and `key: 'orders'` give `sales/orders`. */
  keyPrefix?: string | readonly string[];
  /** Upstream assets whose values this asset reads, by reference; the function's inputs are typed from them. */
  ins?: TIns;
  /** Upstream assets this asset runs after without reading their values. */
  deps?: readonly (AssetRef<any> | string | { asset: AssetRef<any> | string; mapping: PartitionMapping })[];
  /** Group name, selectable with `group:NAME`. Default `default`. */
  group?: string;
  /** Owners (emails or team names), selectable with `owner:NAME`. */
  owners?: readonly string[];
  /** Static metadata about the asset (not per materialization). */
  metadata?: Record<string, unknown>;
  /** Version of the code; recorded with every materialization. */
  codeVersion?: string;
  /** Zod schema the returned value must satisfy; it is checked after the function runs. */
  output?: z.ZodType<TOut, any>;
  /** Key of the IO manager that stores this asset (see `Definitions({ ioManagers })`). Default `default`. */
  ioManager?: string;
  /** How the asset is partitioned; omit for an unpartitioned asset. Given, `ctx.partitionKey` is typed `string`. */
  partitions?: TPartitions;
  /** How backfills group this asset's partitions into runs. Given, `ctx.partitionKey` is `string | null` (a range run has none). */
  backfillPolicy?: TBackfillPolicy;
  /**
   * `'eager'`: materialize this asset automatically once all its upstream assets have new
   * materializations (for the same partition when partitioned alike), through the built-in
   * sensor `stratum_eager_automation`.
   */
  automation?: 'eager';
}

/** The function of an asset: typed inputs first, the op context second. */
export type AssetFunction<
  TIns,
  TConfig,
  TResources extends ResourceRequirements | undefined,
  TOut,
  TPartitionKey extends string | null = string | null,
  TInputs = AssetInputValues<TIns>,
> = (
  inputs: TInputs,
  ctx: OpContext<ConfigOf<TConfig>, ResourceValues<TResources>, TPartitionKey>,
) => MaybePromise<TOut>;

/**
 * A software-defined asset: a key, how to compute it, and what it reads. Create it with {@link asset}.
 * `TRequired` is the resources it declares, by key and value type (`{ warehouse: Warehouse }`),
 * which `Definitions({ resources })` must bind.
 */
export class AssetDefinition<TOut = unknown, TRequired = Record<never, never>, TPartitions extends PartitionsDefinition | null = PartitionsDefinition | null>
  implements AssetRef<TOut, TPartitions>, AssetsDefinition
{
  readonly kind = 'asset' as const;
  declare readonly _value?: TOut;
  /** Type-only: the resources it requires, by key and value type. */
  declare readonly _requiredResources?: TRequired;
  readonly assetKey: string;
  readonly partitions: TPartitions;
  readonly options: AssetOptions<Record<string, AssetInputSpec>, z.ZodType | undefined, ResourceRequirements | undefined, TOut>;

  constructor(
    options: AssetOptions<Record<string, AssetInputSpec>, z.ZodType | undefined, ResourceRequirements | undefined, TOut>,
    readonly fn: AssetFunction<any, any, any, TOut, any, any>,
  ) {
    this.assetKey = normalizeAssetKey(options.key, options.keyPrefix);
    this.partitions = (options.partitions ?? null) as TPartitions;
    // previousPartition() / self(...) in `ins` read this asset itself.
    const ins = resolveSelfInputs(options.ins, this);
    this.options = ins === options.ins ? options : { ...options, ins };
    validateStepOptions(`asset "${this.assetKey}"`, options);
    if (typeof fn !== 'function') {
      throw new InvalidDefinitionError(`asset "${this.assetKey}" needs a function: asset({ key }, (inputs, ctx) => value).`);
    }
    if (options.output !== undefined && !(options.output instanceof z.ZodType)) {
      throw new InvalidConfigSchemaError(`asset "${this.assetKey}" (output)`, 'output must be a zod schema');
    }
    if (options.automation !== undefined && options.automation !== 'eager') {
      throw new InvalidDefinitionError(`asset "${this.assetKey}": automation must be 'eager' (or left out), got ${JSON.stringify(options.automation)}.`);
    }
  }

  /** The step key, which is also the Temporal activity type: the asset key. */
  get stepKey(): string {
    return this.assetKey;
  }

  get group(): string {
    return this.options.group ?? 'default';
  }

  /** Its one node in the asset graph. */
  buildNodes(): AssetNode[] {
    const o = this.options;
    return [
      {
        key: this.assetKey,
        stepKey: this.assetKey,
        stepKeys: [this.assetKey],
        ...nodeDescriptionOf(o),
        partitions: this.partitions,
        backfillPolicy: o.backfillPolicy ?? null,
        upstream: upstreamOf(o.ins, o.deps),
        ioManager: o.ioManager ?? DEFAULT_IO_MANAGER_KEY,
        definedBy: `asset "${this.assetKey}"`,
      },
    ];
  }

  /** Its one step, keyed by the asset key: runs the function and stores the value. */
  buildSteps(): StepSpec[] {
    const o = this.options;
    const owner = `asset "${this.assetKey}"`;
    return [
      stepOfAssetOptions(
        {
          key: this.stepKey,
          kind: 'asset',
          owner,
          assetKeys: [this.assetKey],
          outputs: [{ name: this.assetKey, assetKey: this.assetKey, schema: o.output as z.ZodType | undefined, ioManager: o.ioManager ?? DEFAULT_IO_MANAGER_KEY }],
          partitions: this.partitions,
          fn: this.fn as StepSpec['fn'],
        },
        o,
      ),
    ];
  }
}

/**
 * Defines a software-defined asset.
 *
 * @example
 * const orders = asset({ key: 'sales/orders', output: z.array(Order) }, async (_, ctx) => loadOrders(ctx.resources.db));
 * const revenue = asset({ key: 'sales/revenue', ins: { orders } }, ({ orders }) => sum(orders.map((o) => o.amount)));
 * // Declared resources are bound by reference: Definitions must bind `db` to a resource whose value fits.
 * // Partitioned (without a backfill policy): ctx.partitionKey is a string, never null.
 * const daily = asset({ key: 'daily', partitions: dailyPartitions({ start: '2024-01-01' }) }, (_, ctx) => load(ctx.partitionKey));
 * // Inputs are typed by the mapping: a weekly asset reading a daily one gets Record<day, value>.
 * const weekly = asset({ key: 'weekly', partitions: weeklyPartitions({ start: '2024-01-07' }), ins: { daily } }, ({ daily }) => Object.values(daily));
 */
export function asset<
  TOut,
  const TIns extends Record<string, AssetInputSpec> = Record<never, never>,
  TConfig extends z.ZodType | undefined = undefined,
  TResources extends ResourceRequirements | undefined = undefined,
  TPartitions extends PartitionsDefinition | undefined = undefined,
  TBackfillPolicy extends BackfillPolicy | undefined = undefined,
  TOutputSchema extends z.ZodType | undefined = undefined,
>(
  options: AssetOptions<TIns, TConfig, TResources, TOut, TPartitions, TBackfillPolicy> & { output?: TOutputSchema },
  fn: AssetFunction<
    TIns,
    TConfig,
    TResources,
    TOut,
    PartitionKeyOf<TPartitions, TBackfillPolicy>,
    // An input that reads the asset's own output (previousPartition()) is typed by the output
    // schema: naming TOut here would fix it before the function's return is seen.
    AssetInputValues<TIns, TPartitions, TBackfillPolicy, TOutputSchema extends z.ZodType ? z.output<TOutputSchema> : unknown>
  >,
): AssetDefinition<Awaited<TOut>, ResourceValueRequirements<TResources>, TPartitions extends PartitionsDefinition ? TPartitions : null> {
  return new AssetDefinition(options as any, fn as any);
}

/** Checks options every step kind shares: a zod config schema whose defaults parse, and resources. */
export function validateStepOptions(owner: string, options: StepOptions<any, any>): void {
  if (options.config !== undefined) {
    if (!(options.config instanceof z.ZodType)) {
      throw new InvalidConfigSchemaError(owner, `config is ${describeValue(options.config)}, not a zod schema`);
    }
  }
  if (options.resources !== undefined) {
    for (const [key, value] of Object.entries(options.resources as Record<string, unknown>)) {
      if (!value || (value as { kind?: string }).kind !== 'resource') {
        throw new InvalidDefinitionError(
          `${owner}: resources.${key} is ${describeValue(value)}, not a resource definition. Declare it with resource({ build }) and pass it by reference: resources: { ${key} }.`,
        );
      }
    }
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'a plain object' : `a ${typeof value}`;
}
