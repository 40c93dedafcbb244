import type { z } from 'zod';
import { normalizeAssetKey, validateName } from './asset-key';
import { validateStepOptions } from './asset';
import type { AssetInputSpec, AssetInputValues, AssetRef } from './asset-ref';
import type { BackfillPolicy } from './backfill-policy';
import type { PartitionsDefinition } from '../partitions';
import type { OpContext, PartitionKeyOf } from './op-context';
import type { ResourceRequirements, ResourceValueRequirements, ResourceValues } from './resource';
import type { ConfigOf, MaybePromise, StepOptions } from './step-options';
import { DEFAULT_IO_MANAGER_KEY } from './io/io-manager';
import { nodeDescriptionOf, stepOfAssetOptions, upstreamOf, type AssetsDefinition } from './step-building';
import type { AssetNode, StepSpec } from './step-spec';

/** One asset a multi-asset produces. */
export interface AssetOutSpec {
  /** The asset key (path form allowed). */
  key: string | readonly string[];
  description?: string;
  group?: string;
  owners?: readonly string[];
  tags?: Record<string, string>;
  metadata?: Record<string, unknown>;
  codeVersion?: string;
  /** Zod schema this output must satisfy. */
  output?: z.ZodType;
  ioManager?: string;
}

/** Options of {@link multiAsset}. */
export interface MultiAssetOptions<
  TOuts extends Record<string, AssetOutSpec>,
  TIns extends Record<string, AssetInputSpec>,
  TConfig extends z.ZodType | undefined,
  TResources extends ResourceRequirements | undefined,
  TPartitions extends PartitionsDefinition | undefined = PartitionsDefinition | undefined,
  TBackfillPolicy extends BackfillPolicy | undefined = BackfillPolicy | undefined,
> extends StepOptions<TConfig, TResources> {
  /** Name of the computation; it is the step key and Temporal activity type. */
  name: string;
  /** The assets produced, by output name; the function returns one value per output name. */
  outs: TOuts;
  ins?: TIns;
  deps?: readonly (AssetRef<any> | string)[];
  /** Group of every output that names none. */
  group?: string;
  /** How every output is partitioned. Given (without `backfillPolicy`), `ctx.partitionKey` is typed `string`. */
  partitions?: TPartitions;
  backfillPolicy?: TBackfillPolicy;
  codeVersion?: string;
}

/**
 * A single computation that materializes several assets. Create it with {@link multiAsset}.
 * `TRequired` is the resources it declares, by key and value type, which `Definitions` must bind.
 */
export class MultiAssetDefinition<
  TResult extends Record<string, unknown> = Record<string, unknown>,
  TRequired = Record<never, never>,
  TPartitions extends PartitionsDefinition | null = PartitionsDefinition | null,
> implements AssetsDefinition
{
  readonly kind = 'multi-asset' as const;
  /** Type-only: the resources it requires, by key and value type. */
  declare readonly _requiredResources?: TRequired;
  /** One ref per output, typed by what the function returns: pass them to downstream `ins`. */
  readonly assets: { readonly [K in keyof TResult]: AssetRef<TResult[K], TPartitions> };
  /** Asset key of each output name. */
  readonly outputKeys: Readonly<Record<string, string>>;
  readonly partitions: PartitionsDefinition | null;

  constructor(
    readonly options: MultiAssetOptions<Record<string, AssetOutSpec>, Record<string, AssetInputSpec>, any, any>,
    readonly fn: (inputs: any, ctx: OpContext<any, any>) => MaybePromise<Record<string, unknown>>,
  ) {
    validateName(options.name, 'multi-asset');
    validateStepOptions(`multi-asset "${options.name}"`, options);
    this.partitions = options.partitions ?? null;
    const outputKeys: Record<string, string> = {};
    const assets: Record<string, AssetRef> = {};
    for (const [name, out] of Object.entries(options.outs)) {
      outputKeys[name] = normalizeAssetKey(out.key);
      assets[name] = { assetKey: outputKeys[name], partitions: this.partitions };
    }
    this.outputKeys = outputKeys;
    this.assets = assets as any;
  }

  get stepKey(): string {
    return this.options.name;
  }

  /** One node per output, all materialized by the one step. */
  buildNodes(): AssetNode[] {
    const o = this.options;
    const upstream = upstreamOf(o.ins, o.deps);
    return Object.entries(o.outs).map(([name, out]) => ({
      key: this.outputKeys[name]!,
      stepKey: this.stepKey,
      stepKeys: [this.stepKey],
      ...nodeDescriptionOf({
        ...out,
        group: out.group ?? o.group,
        tags: { ...(o.tags ?? {}), ...(out.tags ?? {}) },
        description: out.description ?? o.description,
        codeVersion: out.codeVersion ?? o.codeVersion,
      }),
      partitions: this.partitions,
      backfillPolicy: o.backfillPolicy ?? null,
      upstream,
      ioManager: out.ioManager ?? DEFAULT_IO_MANAGER_KEY,
      definedBy: `multi-asset "${this.stepKey}" (output "${name}")`,
    }));
  }

  /** Its one step, keyed by its name, storing one value per output. */
  buildSteps(): StepSpec[] {
    const o = this.options;
    const owner = `multi-asset "${this.stepKey}"`;
    return [
      stepOfAssetOptions(
        {
          key: this.stepKey,
          kind: 'multi-asset',
          owner,
          assetKeys: Object.values(this.outputKeys),
          outputs: Object.entries(o.outs).map(([name, out]) => ({
            name,
            assetKey: this.outputKeys[name]!,
            schema: out.output,
            ioManager: out.ioManager ?? DEFAULT_IO_MANAGER_KEY,
          })),
          partitions: this.partitions,
          fn: this.fn as StepSpec['fn'],
        },
        o,
      ),
    ];
  }
}

/**
 * Defines one computation that materializes several assets at once (Dagster's `@multi_asset`).
 *
 * @example
 * const split = multiAsset(
 *   { name: 'split_orders', outs: { domestic: { key: 'domestic_orders' }, foreign: { key: 'foreign_orders' } }, ins: { orders } },
 *   ({ orders }) => ({ domestic: orders.filter(isDomestic), foreign: orders.filter((o) => !isDomestic(o)) }),
 * );
 * const report = asset({ key: 'report', ins: { domestic: split.assets.domestic } }, ...);
 */
export function multiAsset<
  const TOuts extends Record<string, AssetOutSpec>,
  TResult extends { [K in keyof TOuts]: unknown },
  const TIns extends Record<string, AssetInputSpec> = Record<never, never>,
  TConfig extends z.ZodType | undefined = undefined,
  TResources extends ResourceRequirements | undefined = undefined,
  TPartitions extends PartitionsDefinition | undefined = undefined,
  TBackfillPolicy extends BackfillPolicy | undefined = undefined,
>(
  options: MultiAssetOptions<TOuts, TIns, TConfig, TResources, TPartitions, TBackfillPolicy>,
  fn: (
    inputs: AssetInputValues<TIns, TPartitions, TBackfillPolicy>,
    ctx: OpContext<ConfigOf<TConfig>, ResourceValues<TResources>, PartitionKeyOf<TPartitions, TBackfillPolicy>>,
  ) => MaybePromise<TResult>,
): MultiAssetDefinition<{ [K in keyof TOuts & string]: TResult[K] }, ResourceValueRequirements<TResources>, TPartitions extends PartitionsDefinition ? TPartitions : null> {
  return new MultiAssetDefinition(options as any, fn as any) as any;
}
