import type { AssetRef } from '../asset-ref';
import { assetCheck, type AssetCheckDefinition, type AssetCheckSeverity } from './asset-check';
import { InvalidDefinitionError } from '../../errors';

/** Options of {@link rowCountCheck}. */
export interface RowCountCheckOptions {
  asset: AssetRef<any>;
  /** Fewest rows allowed (inclusive). */
  min?: number;
  /** Most rows allowed (inclusive). */
  max?: number;
  /** Default `row_count`. */
  name?: string;
  /** Default `'error'`. */
  severity?: AssetCheckSeverity;
  /** Default false. */
  blocking?: boolean;
}

/**
 * A ready-made check that the asset (partition) has between `min` and `max` rows. The row count
 * is the length of the stored value when it is an array; otherwise the `row_count` (or `rows`)
 * metadata entry of the partition's latest materialization (`ctx.addOutputMetadata({ row_count })`).
 * A value that is neither fails the check and says so.
 *
 * @example
 * rowCountCheck({ asset: orders, min: 1, blocking: true })
 */
export function rowCountCheck(options: RowCountCheckOptions): AssetCheckDefinition<unknown> {
  const { min, max } = options;
  const where = `rowCountCheck of "${options.asset?.assetKey}"`;
  for (const [name, bound] of [['min', min], ['max', max]] as const) {
    if (bound !== undefined && (!Number.isInteger(bound) || bound < 0)) throw new InvalidDefinitionError(`${where}: ${name} must be a whole number >= 0, got ${bound}.`);
  }
  if (min === undefined && max === undefined) throw new InvalidDefinitionError(`${where} needs min, max or both, e.g. rowCountCheck({ asset, min: 1 }).`);
  if (min !== undefined && max !== undefined && min > max) throw new InvalidDefinitionError(`${where}: min (${min}) is greater than max (${max}).`);
  const bounds = `${min ?? 0}..${max ?? '∞'}`;
  return assetCheck(
    {
      asset: options.asset,
      name: options.name ?? 'row_count',
      severity: options.severity,
      blocking: options.blocking,
      description: `between ${bounds} rows`,
    },
    async (value: unknown, ctx) => {
      let rows: number | null = Array.isArray(value) ? value.length : null;
      let source = 'value';
      if (rows === null) {
        const latest = await ctx.catalog.latestMaterialization(ctx.assetKey, ctx.partitionKey);
        const entry = latest?.metadata['row_count'] ?? latest?.metadata['rows'];
        if (typeof entry === 'number') {
          rows = entry;
          source = 'metadata';
        }
      }
      if (rows === null) {
        return { passed: false, description: 'cannot count rows: the value is not an array and the materialization has no row_count metadata', metadata: { min: min ?? null, max: max ?? null } };
      }
      const passed = (min === undefined || rows >= min) && (max === undefined || rows <= max);
      return { passed, description: `${rows} rows (${passed ? 'within' : 'outside'} ${bounds})`, metadata: { rows, min: min ?? null, max: max ?? null, source } };
    },
  );
}
