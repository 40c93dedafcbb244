import type { z } from 'zod';
import { normalizeAssetKey } from './asset-key';
import type { AssetRef } from './asset-ref';
import { validateStepOptions } from './asset';
import { InvalidDefinitionError, OutputValidationError } from '../errors';
import type { OpContext } from './op-context';
import type { PartitionsDefinition } from '../partitions';
import type { ResourceRequirements, ResourceValues } from './resource';
import type { ConfigOf, MaybePromise, StepOptions } from './step-options';
import type { AssetNode, StepSpec } from './step-spec';
import { DEFAULT_IO_MANAGER_KEY } from './io/io-manager';
import { executionOf, type AssetsDefinition, nodeDescriptionOf } from './step-building';

/** What an observe function returns: the source's current data version, and optional metadata. */
export interface DataVersionObservation {
  /** Any string that changes when the data changes: a file's mtime, an ETag, a max(updated_at). */
  dataVersion: string;
  /** JSON metadata kept with the observation (a path, a row count…). */
  metadata?: Record<string, unknown>;
}

/**
 * The value an asset reading an observable source asset through `ins` receives: its latest
 * observation, or null when it was never observed.
 */
export interface SourceObservation {
  dataVersion: string;
  metadata: Record<string, unknown>;
  /** Epoch ms. */
  observedAt: number;
}

/** Options of {@link observableSourceAsset}. */
export interface ObservableSourceAssetOptions<TConfig extends z.ZodType | undefined, TResources extends ResourceRequirements | undefined>
  extends StepOptions<TConfig, TResources> {
  /** The asset key: `'raw/orders_file'`, or a path. */
  key: string | readonly string[];
  keyPrefix?: string | readonly string[];
  group?: string;
  owners?: readonly string[];
  /** Static metadata about the asset. */
  metadata?: Record<string, unknown>;
  /** How the source is partitioned; `ctx.partitionKey` says which partition to observe. */
  partitions?: PartitionsDefinition;
}

/** The observe function: reads the source's version (never its data) and returns it. */
export type ObserveFunction<TConfig, TResources extends ResourceRequirements | undefined> = (
  ctx: OpContext<ConfigOf<TConfig>, ResourceValues<TResources>>,
) => MaybePromise<DataVersionObservation>;

/** An external asset whose data version user code observes. Create it with {@link observableSourceAsset}. */
export class ObservableSourceAssetDefinition implements AssetRef<SourceObservation | null>, AssetsDefinition {
  readonly kind = 'observable-source-asset' as const;
  declare readonly _value?: SourceObservation | null;
  readonly assetKey: string;
  readonly partitions: PartitionsDefinition | null;

  constructor(
    readonly options: ObservableSourceAssetOptions<z.ZodType | undefined, ResourceRequirements | undefined>,
    readonly observe: ObserveFunction<any, any>,
  ) {
    this.assetKey = normalizeAssetKey(options.key, options.keyPrefix);
    this.partitions = options.partitions ?? null;
    validateStepOptions(`observable source asset "${this.assetKey}"`, options);
    if (typeof observe !== 'function') {
      throw new InvalidDefinitionError(
        `observable source asset "${this.assetKey}" needs an observe function: observableSourceAsset({ key }, (ctx) => ({ dataVersion })).`,
      );
    }
  }

  /** The step key (and Temporal activity type) of its observation: the asset key. */
  get stepKey(): string {
    return this.assetKey;
  }

  get group(): string {
    return this.options.group ?? 'default';
  }

  /** Its node: no upstream, never stored by an IO manager. */
  buildNodes(): AssetNode[] {
    const o = this.options;
    return [
      {
        key: this.assetKey,
        stepKey: this.assetKey,
        stepKeys: [this.assetKey],
        ...nodeDescriptionOf({ ...o, codeVersion: undefined }),
        partitions: this.partitions,
        backfillPolicy: null,
        upstream: [],
        ioManager: DEFAULT_IO_MANAGER_KEY,
        definedBy: `observable source asset "${this.assetKey}"`,
        observable: true,
      },
    ];
  }

  /** Its `observe` step: runs `observe(ctx)`, stores nothing. */
  buildSteps(): StepSpec[] {
    const owner = `observable source asset "${this.assetKey}"`;
    return [
      {
        key: this.stepKey,
        kind: 'observe',
        owner,
        assetKeys: [this.assetKey],
        job: null,
        inputs: {},
        deps: [],
        outputs: [],
        ...executionOf(owner, this.options),
        defaultConfig: undefined,
        resourceOverrides: {},
        partitions: this.partitions,
        backfillPolicy: null,
        codeVersion: null,
        fn: (_inputs, ctx) => this.observe(ctx),
      },
    ];
  }
}

/**
 * Defines an observable source asset (Dagster's `observable_source_asset`): data Stratum does not
 * produce, whose data version `observe` reads, so staleness reaches back to it. Selecting it in a
 * run (`stratum materialize raw/orders_file+` or `stratum observe raw/orders_file`) records an
 * observation; downstream assets that read an older version become stale. Assets may list it in
 * `deps`, or in `ins` to receive its latest {@link SourceObservation}.
 *
 * @example
 * const ordersFile = observableSourceAsset({ key: 'raw/orders_file' }, async () => ({
 *   dataVersion: String((await fs.promises.stat('/data/orders.csv')).mtimeMs),
 * }));
 * const orders = asset({ key: 'orders', deps: [ordersFile] }, () => parseCsv('/data/orders.csv'));
 */
export function observableSourceAsset<TConfig extends z.ZodType | undefined = undefined, TResources extends ResourceRequirements | undefined = undefined>(
  options: ObservableSourceAssetOptions<TConfig, TResources>,
  observe: ObserveFunction<TConfig, TResources>,
): ObservableSourceAssetDefinition {
  return new ObservableSourceAssetDefinition(options as any, observe as any);
}

/** Checks what an observe function returned; a wrong shape fails the step (not retried). */
export function checkObservation(assetKey: string, value: unknown): DataVersionObservation {
  const v = value as DataVersionObservation | null | undefined;
  if (!v || typeof v !== 'object' || typeof v.dataVersion !== 'string' || v.dataVersion.length === 0) {
    throw new OutputValidationError(assetKey, 'observation', [
      { path: 'dataVersion', message: `the observe function returned ${JSON.stringify(value) ?? String(value)}; return { dataVersion: string (non-empty), metadata?: object }` },
    ]);
  }
  if (v.metadata !== undefined && (typeof v.metadata !== 'object' || v.metadata === null || Array.isArray(v.metadata))) {
    throw new OutputValidationError(assetKey, 'observation', [{ path: 'metadata', message: 'must be a plain object' }]);
  }
  return { dataVersion: v.dataVersion, metadata: v.metadata ?? {} };
}
