import { normalizeAssetKey, validateName } from './asset-key';
import type { AssetRef } from './asset-ref';
import type { PartitionsDefinition } from '../partitions';
import type { AssetNode, StepSpec } from './step-spec';
import { DEFAULT_IO_MANAGER_KEY } from './io/io-manager';
import type { AssetsDefinition } from './step-building';

/** Options of {@link sourceAsset}. */
export interface SourceAssetOptions<TPartitions extends PartitionsDefinition | null = null> {
  /** Key of the asset, as the location that materializes it defines it. */
  key: string;
  /** Workspace location that materializes it (shown in listings and lineage; informative). */
  location?: string;
  /** Its partitions, when partitioned: the same definition its own location uses. */
  partitions?: TPartitions;
  /** IO manager that reads its stored value (the producing location's). Default `default`. */
  ioManager?: string;
  /** Group shown in listings. Default `external`. */
  group?: string;
  description?: string;
}

/**
 * An asset that another code location of the workspace materializes (Dagster's source asset
 * across code locations): this location reads it (`ins`) or orders after it (`deps`), and never
 * runs it. Its status and data version come from the shared catalog, so an asset here that read
 * an older version becomes stale when the other location materializes it again; its value is
 * read through the IO manager (by default the shared filesystem storage).
 *
 * @example
 * const pageViews = sourceAsset<PageView[]>({ key: 'web/page_views', location: 'partitioned', partitions: days });
 * const report = asset({ key: 'reports/web', ins: { views: pageViews } }, ({ views }) => views.length);
 */
export function sourceAsset<T = unknown, TPartitions extends PartitionsDefinition | null = null>(
  options: SourceAssetOptions<TPartitions> | string,
): SourceAssetDefinition<T, TPartitions> {
  return new SourceAssetDefinition<T, TPartitions>(typeof options === 'string' ? { key: options } : options);
}

/** What {@link sourceAsset} returns: a node in the asset graph with no step. */
export class SourceAssetDefinition<T = unknown, TPartitions extends PartitionsDefinition | null = null> implements AssetRef<T, TPartitions>, AssetsDefinition {
  readonly kind = 'source-asset' as const;
  declare readonly _value?: T;
  readonly assetKey: string;
  readonly partitions: TPartitions;

  constructor(readonly options: SourceAssetOptions<TPartitions>) {
    this.assetKey = normalizeAssetKey(options.key);
    this.partitions = (options.partitions ?? null) as TPartitions;
    if (options.location !== undefined) validateName(options.location, 'location');
  }

  /** Its node: no upstream here, no step (`stepKeys` empty), marked `external`. */
  buildNodes(): AssetNode[] {
    const o = this.options;
    return [
      {
        key: this.assetKey,
        stepKey: this.assetKey,
        stepKeys: [],
        group: o.group ?? 'external',
        owners: [],
        tags: {},
        description: o.description ?? null,
        metadata: {},
        codeVersion: null,
        partitions: this.partitions,
        backfillPolicy: null,
        upstream: [],
        ioManager: o.ioManager ?? DEFAULT_IO_MANAGER_KEY,
        definedBy: `source asset "${this.assetKey}"${o.location ? ` of location ${o.location}` : ''}`,
        external: { location: o.location ?? null },
      },
    ];
  }

  /** None: another location materializes it. */
  buildSteps(): StepSpec[] {
    return [];
  }
}
