import type { DynamicPartitionsDefinition, DynamicPartitionsSpec } from './dynamic-partitions';
import { PartitionKeyError } from '../keys/partition-key-error';
import type { PartitionContext, PartitionsDefinitionBase } from './partitions-definition';
import { PartitionsDefinitionError } from './partitions-definition-error';
import type { StaticPartitionsDefinition, StaticPartitionsSpec } from './static-partitions';
import type { TimeWindowPartitionsDefinition, TimeWindowPartitionsSpec } from './time-window-partitions';

/** What one dimension of multi-partitions can be. */
export type DimensionPartitionsDefinition = TimeWindowPartitionsDefinition | StaticPartitionsDefinition<string> | DynamicPartitionsDefinition;

/** The JSON form of a {@link MultiPartitionsDefinition}: dimensions sorted by name. */
export interface MultiPartitionsSpec {
  readonly kind: 'multi';
  readonly dimensions: readonly { readonly name: string; readonly partitions: TimeWindowPartitionsSpec | StaticPartitionsSpec | DynamicPartitionsSpec }[];
}

/** Separator of the dimension keys in a multi-partition key: `2024-01-01|us`. */
export const MULTI_PARTITION_KEY_SEPARATOR = '|';

/** The key type of one dimension: the literal keys of static partitions, `string` otherwise. */
export type DimensionKey<T> = T extends StaticPartitionsDefinition<infer K> ? K : string;

/** A multi-partition key split by dimension name. */
export type MultiPartitionKeyParts<TDims extends Record<string, DimensionPartitionsDefinition>> = { [N in keyof TDims & string]: DimensionKey<TDims[N]> };

/**
 * Partitions along two dimensions at once, time × static or static × static (Dagster's
 * `MultiPartitionsDefinition`): every combination is a partition. Create it with
 * {@link multiPartitions}.
 *
 * - Keys join the dimension keys with `|` in the order of the sorted dimension names:
 *   `{ region, date }` gives `2024-01-01|us` (date < region). Use {@link splitKey} and
 *   {@link joinKey} rather than string surgery.
 * - Keys are listed with the first dimension (by name) outermost.
 * - A range `from...to` is the box between its corners: every key whose dimension keys each lie
 *   in the range of that dimension, e.g. `2024-01-01|eu...2024-01-31|us` is January for the
 *   regions from eu to us.
 */
export class MultiPartitionsDefinition<TDims extends Record<string, DimensionPartitionsDefinition> = Record<string, DimensionPartitionsDefinition>>
  implements PartitionsDefinitionBase<string, MultiPartitionsSpec>
{
  readonly kind = 'multi' as const;
  readonly spec: MultiPartitionsSpec;
  /** The two dimensions, sorted by name (the order of the parts of a key). */
  readonly dimensions: readonly { readonly name: keyof TDims & string; readonly partitions: DimensionPartitionsDefinition }[];

  /** Use {@link multiPartitions}. */
  constructor(dimensions: TDims) {
    if (typeof dimensions !== 'object' || dimensions === null) {
      throw new PartitionsDefinitionError(`multiPartitions needs an object of two dimensions, e.g. multiPartitions({ date: dailyPartitions({ start: '2024-01-01' }), region: staticPartitions(['us', 'eu']) }).`);
    }
    const names = Object.keys(dimensions).sort();
    if (names.length !== 2) {
      throw new PartitionsDefinitionError(
        `multiPartitions needs exactly two dimensions, got ${names.length}${names.length ? ` (${names.join(', ')})` : ''}. Combine a time dimension with a static one, or two static ones.`,
      );
    }
    for (const name of names) {
      if (name.length === 0 || name.includes(MULTI_PARTITION_KEY_SEPARATOR)) {
        throw new PartitionsDefinitionError(`multiPartitions: dimension name "${name}" must be non-empty and without "|".`);
      }
      const def = dimensions[name] as { kind?: unknown } | undefined;
      if (!def || (def.kind !== 'time-window' && def.kind !== 'static' && def.kind !== 'dynamic')) {
        throw new PartitionsDefinitionError(
          `multiPartitions: dimension "${name}" must be time-window, static or dynamic partitions${def?.kind === 'multi' ? ' (multi-partitions do not nest)' : ''}.`,
        );
      }
    }
    const timeDims = names.filter((n) => dimensions[n]!.kind === 'time-window');
    if (timeDims.length > 1) {
      throw new PartitionsDefinitionError(
        `multiPartitions: dimensions ${timeDims.join(' and ')} are both time windows; at most one dimension can be. Use one time dimension and one static dimension.`,
      );
    }
    this.dimensions = names.map((name) => ({ name: name as keyof TDims & string, partitions: dimensions[name]! }));
    this.spec = { kind: 'multi', dimensions: this.dimensions.map((d) => ({ name: d.name, partitions: d.partitions.spec })) };
  }

  /** The partitions of one dimension. */
  dimension<N extends keyof TDims & string>(name: N): TDims[N] {
    const found = this.dimensions.find((d) => d.name === name);
    if (!found) {
      throw new PartitionKeyError(String(name), 'format', `${this.describe()} has no dimension "${String(name)}"; its dimensions are ${this.names().join(' and ')}.`);
    }
    return found.partitions as TDims[N];
  }

  /** The time-window dimension, or null for static × static. */
  get timeDimension(): { readonly name: keyof TDims & string; readonly partitions: TimeWindowPartitionsDefinition } | null {
    const found = this.dimensions.find((d) => d.partitions.kind === 'time-window');
    return found ? { name: found.name, partitions: found.partitions as TimeWindowPartitionsDefinition } : null;
  }

  keys(ctx: PartitionContext): string[] {
    const [outer, inner] = this.dimensions.map((d) => d.partitions.keys(ctx)) as [string[], string[]];
    return product(outer, inner);
  }

  count(ctx: PartitionContext): number {
    return this.dimensions[0]!.partitions.count(ctx) * this.dimensions[1]!.partitions.count(ctx);
  }

  hasKey(key: string, ctx: PartitionContext): key is string {
    const parts = this.tryParts(key);
    return parts !== null && this.dimensions.every((d, i) => d.partitions.hasKey(parts[i]!, ctx));
  }

  validateKey(key: string, ctx: PartitionContext): void {
    const parts = this.partsOrThrow(key, ctx);
    this.dimensions.forEach((d, i) => this.inDimension(key, d.name, () => d.partitions.validateKey(parts[i]!, ctx)));
  }

  keysInRange(from: string, to: string, ctx: PartitionContext): string[] {
    const a = this.partsOrThrow(from, ctx);
    const b = this.partsOrThrow(to, ctx);
    const [outer, inner] = this.dimensions.map((d, i) =>
      this.inDimension(`${from}...${to}`, d.name, () => d.partitions.keysInRange(a[i]!, b[i]!, ctx)),
    ) as [string[], string[]];
    return product(outer, inner);
  }

  /**
   * Splits a key into its dimension keys, by dimension name. Checks the shape only (two parts),
   * not that each part is a partition.
   *
   * @example
   * byDateAndRegion.splitKey('2024-01-01|us'); // { date: '2024-01-01', region: 'us' }
   */
  splitKey(key: string): MultiPartitionKeyParts<TDims> {
    const parts = this.keyParts(key);
    return Object.fromEntries(this.dimensions.map((d, i) => [d.name, parts[i]])) as MultiPartitionKeyParts<TDims>;
  }

  /** The dimension keys of a key in dimension order (sorted names); checks the shape only. */
  keyParts(key: string): [string, string] {
    const parts = this.tryParts(key);
    if (parts === null) throw new PartitionKeyError(String(key), 'format', `"${String(key)}" is not a partition of ${this.describe()}: ${this.shapeHint()}.`);
    return parts;
  }

  /**
   * Joins dimension keys into a key (in sorted dimension order). Checks every dimension is given
   * and no part contains `|`, not that each part is a partition.
   *
   * @example
   * byDateAndRegion.joinKey({ region: 'us', date: '2024-01-01' }); // '2024-01-01|us'
   */
  joinKey(parts: MultiPartitionKeyParts<TDims>): string {
    const values = this.dimensions.map((d) => (parts as Record<string, unknown>)[d.name]);
    const bad = this.dimensions.filter((_, i) => typeof values[i] !== 'string' || (values[i] as string).includes(MULTI_PARTITION_KEY_SEPARATOR));
    if (bad.length > 0) {
      throw new PartitionKeyError(
        JSON.stringify(parts),
        'format',
        `Cannot make a key of ${this.describe()} from ${JSON.stringify(parts)}: ${bad.map((d) => d.name).join(' and ')} must be a key string without "|". Give { ${this.names().map((n) => `${n}: '…'`).join(', ')} }.`,
      );
    }
    return values.join(MULTI_PARTITION_KEY_SEPARATOR);
  }

  describe(): string {
    return `multi partitions ${this.names().join(' × ')} (${this.dimensions.map((d) => `${d.name}: ${d.partitions.describe()}`).join('; ')})`;
  }

  toJSON(): MultiPartitionsSpec {
    return this.spec;
  }

  private names(): string[] {
    return this.dimensions.map((d) => d.name);
  }

  private tryParts(key: string): [string, string] | null {
    if (typeof key !== 'string') return null;
    const parts = key.split(MULTI_PARTITION_KEY_SEPARATOR);
    return parts.length === 2 ? [parts[0]!, parts[1]!] : null;
  }

  private shapeHint(ctx?: PartitionContext): string {
    let example = '';
    if (ctx) {
      try {
        const firsts = this.dimensions.map((d) => d.partitions.keys(ctx)[0]);
        if (firsts.every((k) => k !== undefined)) example = `, e.g. ${firsts.join(MULTI_PARTITION_KEY_SEPARATOR)}`;
      } catch {
        // no example without dynamic keys
      }
    }
    return `a key is ${this.names().map((n) => `a ${n} key`).join(' and ')} joined by "|" (${this.names().join('|')})${example}`;
  }

  private partsOrThrow(key: string, ctx: PartitionContext): [string, string] {
    const parts = this.tryParts(key);
    if (parts === null) throw new PartitionKeyError(String(key), 'format', `"${String(key)}" is not a partition of ${this.describe()}: ${this.shapeHint(ctx)}.`);
    return parts;
  }

  /** Runs a check on one dimension, naming the dimension and the whole key in its error. */
  private inDimension<T>(key: string, name: string, check: () => T): T {
    try {
      return check();
    } catch (error) {
      if (error instanceof PartitionKeyError) {
        throw new PartitionKeyError(key, error.problem, `"${key}" is not a partition of ${this.names().join(' × ')} multi partitions: its ${name} part is invalid. ${error.message}`);
      }
      throw error;
    }
  }
}

function product(outer: readonly string[], inner: readonly string[]): string[] {
  const keys: string[] = [];
  for (const a of outer) for (const b of inner) keys.push(`${a}${MULTI_PARTITION_KEY_SEPARATOR}${b}`);
  return keys;
}

/**
 * Partitions along two dimensions (time × static, or static × static); every combination is a
 * partition, keyed like `2024-01-01|us` with the dimensions in name order.
 *
 * @example
 * const byDateAndRegion = multiPartitions({
 *   date: dailyPartitions({ start: '2024-01-01' }),
 *   region: staticPartitions(['us', 'eu']),
 * });
 * byDateAndRegion.keys({ now: new Date('2024-01-03T00:00:00Z') });
 * // ['2024-01-01|us', '2024-01-01|eu', '2024-01-02|us', '2024-01-02|eu']
 * byDateAndRegion.splitKey('2024-01-02|eu').region; // 'eu', typed 'us' | 'eu'
 */
export function multiPartitions<const TDims extends Record<string, DimensionPartitionsDefinition>>(dimensions: TDims): MultiPartitionsDefinition<TDims> {
  return new MultiPartitionsDefinition(dimensions);
}
