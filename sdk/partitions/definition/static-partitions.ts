import { suggestSimilar } from '../../errors/suggest';
import { listKeys, partitionKeyProblem } from '../keys/key-list';
import { PartitionKeyError } from '../keys/partition-key-error';
import type { PartitionContext, PartitionsDefinitionBase } from './partitions-definition';
import { PartitionsDefinitionError } from './partitions-definition-error';

/** The JSON form of a {@link StaticPartitionsDefinition}. */
export interface StaticPartitionsSpec {
  readonly kind: 'static';
  readonly keys: readonly string[];
}

/**
 * A fixed list of partition keys (Dagster's `StaticPartitionsDefinition`), in the order given.
 * The key type is the union of the keys when they are literals. Create it with
 * {@link staticPartitions}.
 */
export class StaticPartitionsDefinition<TKey extends string = string> implements PartitionsDefinitionBase<TKey, StaticPartitionsSpec> {
  readonly kind = 'static' as const;
  readonly spec: StaticPartitionsSpec;
  private readonly list: readonly TKey[];
  private readonly positions: ReadonlyMap<string, number>;

  /** Use {@link staticPartitions}. */
  constructor(keys: readonly TKey[]) {
    if (!Array.isArray(keys) || keys.length === 0) {
      throw new PartitionsDefinitionError(`staticPartitions needs a non-empty array of keys, e.g. staticPartitions(['us', 'eu']); got ${JSON.stringify(keys)}.`);
    }
    const problems = keys.map((k) => partitionKeyProblem(k)).filter((p): p is string => p !== null);
    if (problems.length > 0) throw new PartitionsDefinitionError(`staticPartitions: ${problems.join('; ')}. Rename these keys.`);
    const positions = new Map<string, number>();
    const duplicates = new Set<string>();
    keys.forEach((k, i) => (positions.has(k) ? duplicates.add(k) : positions.set(k, i)));
    if (duplicates.size > 0) {
      throw new PartitionsDefinitionError(`staticPartitions: duplicate keys ${[...duplicates].map((k) => `"${k}"`).join(', ')}. List each key once.`);
    }
    this.list = Object.freeze([...keys]);
    this.positions = positions;
    this.spec = { kind: 'static', keys: this.list };
  }

  keys(_ctx?: PartitionContext): TKey[] {
    return [...this.list];
  }

  count(_ctx?: PartitionContext): number {
    return this.list.length;
  }

  hasKey(key: string, _ctx?: PartitionContext): key is TKey {
    return this.positions.has(key);
  }

  validateKey(key: string, _ctx?: PartitionContext): void {
    this.keyIndex(key);
  }

  keysInRange(from: string, to: string, _ctx?: PartitionContext): TKey[] {
    const lo = this.keyIndex(from);
    const hi = this.keyIndex(to);
    if (lo > hi) {
      throw new PartitionKeyError(
        `${from}...${to}`,
        'range-reversed',
        `The range ${from}...${to} runs backwards: ${from} comes after ${to} in ${this.describe()}. Swap the ends: ${to}...${from}.`,
      );
    }
    return this.list.slice(lo, hi + 1);
  }

  /** Position of a key in the list; throws a `PartitionKeyError` for an unknown key. */
  keyIndex(key: string): number {
    const index = this.positions.get(key);
    if (index === undefined) {
      const similar = typeof key === 'string' ? suggestSimilar(key, this.list) : [];
      const hint = similar.length > 0 ? ` Did you mean ${similar.map((s) => `"${s}"`).join(' or ')}?` : '';
      throw new PartitionKeyError(
        String(key),
        'unknown-value',
        `"${String(key)}" is not a partition of ${this.describe()}: valid keys are ${listKeys(this.list)}.${hint} Pass one of those keys.`,
      );
    }
    return index;
  }

  describe(): string {
    return `static partitions (${listKeys(this.list, 5)})`;
  }

  toJSON(): StaticPartitionsSpec {
    return this.spec;
  }
}

/**
 * A fixed list of partitions, e.g. regions or customers known at deploy time. Keys may not
 * contain `|`, `,`, `[`, `]` or `...`.
 *
 * @example
 * const regions = staticPartitions(['us', 'eu', 'ap']);
 * regions.keys(); // ['us', 'eu', 'ap'], typed ('us' | 'eu' | 'ap')[]
 */
export function staticPartitions<const TKey extends string>(keys: readonly TKey[]): StaticPartitionsDefinition<TKey> {
  return new StaticPartitionsDefinition(keys);
}
