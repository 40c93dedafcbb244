import { suggestSimilar } from '../../errors/suggest';
import { BasePartitionMapping, type MappedKeys, type PartitionedUpstream, splitByExistence } from './base-partition-mapping';
import { listKeys, partitionKeyProblem } from '../keys/key-list';
import type { MappedPartitions } from './partition-mapping';
import { PartitionMappingError } from './partition-mapping-error';
import type { PartitionContext, PartitionsDefinition } from '../definition/partitions-definition';

/** The JSON form of {@link staticMapping}: downstream keys by upstream key. */
export interface StaticMappingSpec {
  readonly kind: 'static';
  readonly map: Readonly<Record<string, readonly string[]>>;
}

/**
 * Maps upstream keys to downstream keys by an explicit table (Dagster's `StaticPartitionMapping`):
 * `{ us: 'na', ca: 'na', de: 'eu' }` makes the downstream partition `na` read the upstream
 * partitions `us` and `ca`. A value may be a list, for an upstream key feeding several
 * downstream keys. Downstream keys not in the table read nothing. Create it with {@link staticMapping}.
 */
export class StaticPartitionMapping extends BasePartitionMapping<'many'> {
  readonly kind = 'static' as const;
  readonly cardinality = 'many' as const;
  readonly spec: StaticMappingSpec;
  /** Upstream keys by downstream key, in table order. */
  private readonly inverse = new Map<string, string[]>();

  /** Use {@link staticMapping}. */
  constructor(table: Readonly<Record<string, string | readonly string[]>>) {
    super();
    if (typeof table !== 'object' || table === null || Object.keys(table).length === 0) {
      throw new PartitionMappingError(`staticMapping needs a table of upstream key -> downstream key(s), e.g. staticMapping({ us: 'na', ca: 'na', de: 'eu' }).`);
    }
    const map: Record<string, readonly string[]> = {};
    const problems: string[] = [];
    for (const [up, value] of Object.entries(table)) {
      const downs = typeof value === 'string' ? [value] : Array.isArray(value) ? [...(value as readonly string[])] : null;
      if (downs === null || downs.length === 0) {
        problems.push(`upstream key "${up}" must map to a key or a non-empty list of keys`);
        continue;
      }
      for (const key of [up, ...downs]) {
        const problem = partitionKeyProblem(key);
        if (problem !== null) problems.push(problem);
      }
      map[up] = downs;
      for (const down of downs) {
        const ups = this.inverse.get(down) ?? [];
        if (!ups.includes(up)) ups.push(up);
        this.inverse.set(down, ups);
      }
    }
    if (problems.length > 0) throw new PartitionMappingError(`staticMapping: ${problems.join('; ')}.`);
    this.spec = { kind: 'static', map };
  }

  validateFor({ upstream, downstream }: MappedPartitions): void {
    if (upstream === null) return;
    const isList = (d: PartitionsDefinition | null) => d !== null && (d.kind === 'static' || d.kind === 'dynamic');
    if (!isList(upstream) || !isList(downstream)) {
      throw new PartitionMappingError(
        `staticMapping() maps static or dynamic partitions onto static or dynamic partitions, not ${downstream ? downstream.describe() : 'an unpartitioned asset'} onto ${upstream.describe()}.`,
      );
    }
    const unknown = (def: PartitionsDefinition, keys: string[], side: string): string | null => {
      if (def.kind !== 'static') return null; // dynamic keys are only known at run time
      const known = def.keys();
      const bad = keys.filter((k) => !def.hasKey(k));
      if (bad.length === 0) return null;
      return `${side} keys ${bad
        .map((k) => {
          const similar = suggestSimilar(k, known);
          return `"${k}"${similar.length ? ` (did you mean "${similar[0]}"?)` : ''}`;
        })
        .join(', ')} are not in ${def.describe()}, whose keys are ${listKeys(known)}`;
    };
    const problems = [unknown(upstream, Object.keys(this.spec.map), 'upstream'), unknown(downstream!, [...this.inverse.keys()], 'downstream')].filter(
      (p): p is string => p !== null,
    );
    if (problems.length > 0) throw new PartitionMappingError(`staticMapping(): ${problems.join('; ')}. Fix the table.`);
  }

  protected map(downstreamKey: string | null, { upstream }: PartitionedUpstream, ctx: PartitionContext): MappedKeys {
    return splitByExistence(upstream, this.inverse.get(downstreamKey!) ?? [], ctx);
  }

  describe(): string {
    const entries = Object.entries(this.spec.map).map(([up, downs]) => `${up} -> ${downs.join('/')}`);
    return `static (${listKeys(entries, 5)})`;
  }
}

/**
 * Maps upstream keys to downstream keys with a table; the op gets a record of the upstream
 * partitions that map to its partition.
 *
 * @example
 * // countries upstream, regions downstream: partition "na" reads "us" and "ca"
 * staticMapping({ us: 'na', ca: 'na', de: 'eu', fr: 'eu' })
 * // one upstream key feeding several downstream keys
 * staticMapping({ global: ['na', 'eu'] })
 */
export function staticMapping(table: Readonly<Record<string, string | readonly string[]>>): StaticPartitionMapping {
  return new StaticPartitionMapping(table);
}
