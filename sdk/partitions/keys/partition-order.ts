import type { PartitionContext, PartitionsDefinition } from '../definition/partitions-definition';

/**
 * Sorts and de-duplicates keys in a definition's order (time, list order, order added, or
 * dimension by dimension for multi-partitions). Keys the definition does not know go last, in
 * the order given. Time keys outside the definition's range still sort by time.
 */
export function sortPartitionKeys(def: PartitionsDefinition, keys: Iterable<string>, ctx: PartitionContext): string[] {
  const rank = rankOf(def, ctx);
  const ranked = [...new Set(keys)].map((key, given) => ({ key, rank: rank(key), given }));
  ranked.sort((a, b) => compareRanks(a.rank, b.rank) || a.given - b.given);
  return ranked.map((r) => r.key);
}

type Rank = readonly number[];

function compareRanks(a: Rank, b: Rank): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function rankOf(def: PartitionsDefinition, ctx: PartitionContext): (key: string) => Rank {
  const unknown = [Number.POSITIVE_INFINITY];
  switch (def.kind) {
    case 'time-window':
    case 'static':
      return (key) => {
        try {
          return [def.keyIndex(key)];
        } catch {
          return unknown;
        }
      };
    case 'dynamic': {
      const positions = new Map(def.keys(ctx).map((k, i) => [k, i]));
      return (key) => [positions.get(key) ?? Number.POSITIVE_INFINITY];
    }
    case 'multi': {
      const ranks = def.dimensions.map((d) => rankOf(d.partitions, ctx));
      return (key) => {
        const parts = key.split('|');
        if (parts.length !== ranks.length) return unknown;
        return parts.flatMap((p, i) => ranks[i]!(p));
      };
    }
  }
}
