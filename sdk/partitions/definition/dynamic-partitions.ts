import { StratumInvariantError } from '../../errors';
import { suggestSimilar } from '../../errors/suggest';
import { listKeys } from '../keys/key-list';
import { PartitionKeyError } from '../keys/partition-key-error';
import type { PartitionContext, PartitionsDefinitionBase } from './partitions-definition';
import { PartitionsDefinitionError } from './partitions-definition-error';

/** The JSON form of a {@link DynamicPartitionsDefinition}. */
export interface DynamicPartitionsSpec {
  readonly kind: 'dynamic';
  readonly name: string;
}

/**
 * Partitions whose keys are added at run time (by a sensor, or `stratum partitions add NAME
 * KEY`) and stored in the catalog under `name` (Dagster's `DynamicPartitionsDefinition`). The
 * keys come from `ctx.dynamicKeys(name)`, in the order they were added. Create it with
 * {@link dynamicPartitions}.
 */
export class DynamicPartitionsDefinition implements PartitionsDefinitionBase<string, DynamicPartitionsSpec> {
  readonly kind = 'dynamic' as const;
  readonly spec: DynamicPartitionsSpec;

  /** Use {@link dynamicPartitions}. */
  constructor(readonly name: string) {
    if (typeof name !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) {
      throw new PartitionsDefinitionError(
        `dynamicPartitions: name ${JSON.stringify(name)} must be letters, digits, "_", "." or "-" (it is typed on the command line: stratum partitions add NAME KEY), e.g. dynamicPartitions({ name: 'customers' }).`,
      );
    }
    this.spec = { kind: 'dynamic', name };
  }

  keys(ctx: PartitionContext): string[] {
    return [...new Set(this.stored(ctx))];
  }

  count(ctx: PartitionContext): number {
    return this.keys(ctx).length;
  }

  hasKey(key: string, ctx: PartitionContext): key is string {
    return this.stored(ctx).includes(key);
  }

  validateKey(key: string, ctx: PartitionContext): void {
    this.keyIndex(key, ctx);
  }

  keysInRange(from: string, to: string, ctx: PartitionContext): string[] {
    const keys = this.keys(ctx);
    const lo = this.keyIndex(from, ctx);
    const hi = this.keyIndex(to, ctx);
    if (lo > hi) {
      throw new PartitionKeyError(
        `${from}...${to}`,
        'range-reversed',
        `The range ${from}...${to} runs backwards: ${from} was added after ${to} to ${this.describe()}. Swap the ends: ${to}...${from}.`,
      );
    }
    return keys.slice(lo, hi + 1);
  }

  /** Position of a key in the order keys were added; throws a `PartitionKeyError` for an unknown key. */
  keyIndex(key: string, ctx: PartitionContext): number {
    const keys = this.keys(ctx);
    const index = keys.indexOf(key);
    if (index < 0) {
      const similar = typeof key === 'string' ? suggestSimilar(key, keys) : [];
      const known = keys.length === 0 ? 'it has no keys yet' : `it has ${keys.length} key${keys.length === 1 ? '' : 's'}: ${listKeys(keys)}`;
      const hint = similar.length > 0 ? ` Did you mean ${similar.map((s) => `"${s}"`).join(' or ')}?` : '';
      throw new PartitionKeyError(
        String(key),
        'unknown-value',
        `"${String(key)}" is not a partition of ${this.describe()}: ${known}.${hint} Add it with \`stratum partitions add ${this.name} ${String(key)}\`, or pass an existing key.`,
      );
    }
    return index;
  }

  describe(): string {
    return `dynamic partitions "${this.name}"`;
  }

  toJSON(): DynamicPartitionsSpec {
    return this.spec;
  }

  private stored(ctx: PartitionContext): readonly string[] {
    if (typeof ctx?.dynamicKeys !== 'function') {
      throw new StratumInvariantError(
        `The keys of ${this.describe()} were needed but the partition context has no dynamicKeys: pass ctx = { now, dynamicKeys: (name) => keys from the catalog }.`,
      );
    }
    return ctx.dynamicKeys(this.name);
  }
}

/**
 * Partitions added at run time, e.g. one per customer or uploaded file. Add keys with
 * `stratum partitions add NAME KEY` or from a sensor; partition maths reads them from
 * `ctx.dynamicKeys(name)`.
 *
 * @example
 * const customers = dynamicPartitions({ name: 'customers' });
 * customers.keys({ now, dynamicKeys: (name) => catalogKeys[name] ?? [] });
 */
export function dynamicPartitions(options: { name: string }): DynamicPartitionsDefinition {
  if (typeof options !== 'object' || options === null) {
    throw new PartitionsDefinitionError(`dynamicPartitions needs options with a name, e.g. dynamicPartitions({ name: 'customers' }).`);
  }
  return new DynamicPartitionsDefinition(options.name);
}
