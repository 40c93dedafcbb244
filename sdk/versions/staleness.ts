import type { AssetVersionRecord, CatalogReader } from '../catalog';
import type { Definitions } from '../definitions/definitions';
import { UnknownSelectionError } from '../errors';
import { inputDataVersionOf, type InputDataVersion } from './input-data-version';
import type { PartitionContext } from '../partitions';
import { loadPartitionContext } from '../definitions/partition-context';
import type { AssetNode } from '../definitions/step-spec';
import { suggestSimilar } from '../errors/suggest';
import { currentVersions, upstreamKeysOf } from './upstream-versions';

/** Whether an asset partition is up to date (a const object plus a type of the same name). */
export const AssetStatus = {
  /** Never materialized (or, for an observable source asset, never observed). */
  Missing: 'missing',
  /** Materialized, and nothing it depends on changed since. */
  Fresh: 'fresh',
  /** Materialized, but its code, its upstream data or its dependencies changed since: see the causes. */
  Stale: 'stale',
} as const;
/** @see {@link AssetStatus} */
export type AssetStatus = (typeof AssetStatus)[keyof typeof AssetStatus];

/** Why an asset partition is stale. */
export type StaleCause =
  /** The asset's `codeVersion` is not the one its latest materialization recorded. */
  | { kind: 'code-version'; recorded: string | null; current: string }
  /**
   * An upstream asset has another data version than the one the materialization read: re-materialized
   * with different data, observed with a new version, or (for a fan-in) partitions added or removed.
   */
  | {
      kind: 'upstream-data-version';
      assetKey: string;
      /** The upstream partition when one is read; null for unpartitioned upstreams and fan-ins. */
      partitionKey: string | null;
      partitionCount: number;
      recorded: string;
      current: string;
      /** For fan-ins: upstream partitions materialized (or observed) after this materialization, the first few. */
      changedPartitions: string[];
      /** How many upstream partitions changed after this materialization (fan-ins). */
      changedCount: number;
    }
  /** An upstream partition it read is itself stale or missing (Dagster's "upstream stale"), so rerunning upstream first will change it. */
  | { kind: 'upstream-stale'; assetKey: string; partitionKeys: string[]; count: number }
  /** The dependencies the code declares are not the ones the materialization read (a new `ins`/`deps` entry, or one removed). */
  | { kind: 'dependencies'; added: string[]; removed: string[] };

/** The staleness of one asset partition (`partitionKey` null: an unpartitioned asset). */
export interface PartitionStaleness {
  assetKey: string;
  partitionKey: string | null;
  status: AssetStatus;
  /** Empty unless `status` is `stale`. */
  causes: StaleCause[];
  /** Data version of the latest materialization (or observation); null when missing. */
  dataVersion: string | null;
  /** Epoch ms of the latest materialization (or observation); null when missing. */
  at: number | null;
}

/** Options of {@link assetStaleness} and {@link StalenessResolver}. */
export interface StalenessOptions {
  /** Partition maths context; default: now and the catalog's dynamic partitions. */
  partitionContext?: PartitionContext;
}

/** How many changed upstream partitions a cause lists by key. */
const CAUSE_SAMPLE = 5;

/**
 * Works out MISSING / FRESH / STALE with causes for asset partitions, from the definitions and the
 * catalog. Exact for fan-ins: an all-partitions dependency on 1,000 partitions compares the data
 * version of every one (combined into one hash, as recorded at run time), with one catalog read
 * per upstream asset, not per partition. Staleness propagates downstream: a partition whose
 * upstream partitions are stale or missing is stale too (cause `upstream-stale`), except through
 * an asset's dependency on its own earlier partitions, where only data versions are compared.
 * Results are memoized per resolver; make a new one to see new catalog writes.
 *
 * @example
 * const resolver = await StalenessResolver.create(defs, catalog);
 * const [daily] = await resolver.staleness('sales/daily_revenue', ['2024-03-01']);
 * if (daily.status === 'stale') console.log(daily.causes.map(describeStaleCause));
 */
export class StalenessResolver {
  private readonly memo = new Map<string, Map<string | null, PartitionStaleness>>();

  constructor(
    readonly definitions: Definitions,
    readonly catalog: CatalogReader,
    readonly partitionContext: PartitionContext,
  ) {}

  /** A resolver whose partition context is loaded from the catalog (dynamic partitions). */
  static async create(definitions: Definitions, catalog: CatalogReader, options: StalenessOptions = {}): Promise<StalenessResolver> {
    return new StalenessResolver(definitions, catalog, options.partitionContext ?? (await loadPartitionContext(catalog, definitions)));
  }

  /**
   * Staleness of partitions of one asset, in the order asked: `'all'` (the default) means every
   * partition that exists now, or the asset itself when unpartitioned.
   */
  async staleness(assetKey: string, partitionKeys: readonly (string | null)[] | 'all' = 'all'): Promise<PartitionStaleness[]> {
    const node = this.node(assetKey);
    const keys = partitionKeys === 'all' ? this.allKeys(node) : partitionKeys.map((k) => (node.partitions === null ? null : k));
    const statuses = await this.statuses(node, keys);
    return keys.map((k) => statuses.get(k)!);
  }

  /** Every partition key of an asset that exists now (`[null]` when unpartitioned). */
  allKeys(node: AssetNode): (string | null)[] {
    return node.partitions === null ? [null] : node.partitions.keys(this.partitionContext);
  }

  private node(assetKey: string): AssetNode {
    const node = this.definitions.assetNodes.get(assetKey);
    if (!node) throw new UnknownSelectionError([{ term: assetKey, suggestions: suggestSimilar(assetKey, this.definitions.assetNodes.keys()) }], '`stratum assets list` shows every asset.');
    return node;
  }

  private async statuses(node: AssetNode, keys: readonly (string | null)[]): Promise<Map<string | null, PartitionStaleness>> {
    const memo = this.memo.get(node.key) ?? new Map<string | null, PartitionStaleness>();
    this.memo.set(node.key, memo);
    const todo = [...new Set(keys)].filter((k) => !memo.has(k));
    if (todo.length > 0) {
      const computed = node.observable ? await this.observed(node, todo) : await this.materialized(node, todo);
      for (const [k, v] of computed) memo.set(k, v);
    }
    return memo;
  }

  /** Observable source assets are never stale: observed (fresh) or not (missing). */
  private async observed(node: AssetNode, keys: (string | null)[]): Promise<Map<string | null, PartitionStaleness>> {
    const versions = await this.catalog.observedVersions(node.key, node.partitions === null ? null : (keys as string[]));
    return new Map(keys.map((k) => [k, entry(node.key, k, versions.get(k), [])]));
  }

  private async materialized(node: AssetNode, keys: (string | null)[]): Promise<Map<string | null, PartitionStaleness>> {
    const rows = await this.catalog.latestVersions(node.key, node.partitions === null ? null : (keys as string[]), { withInputs: node.upstream.length > 0 });
    const present = keys.filter((k) => rows.has(k));
    // What each present partition reads now, per upstream asset, and the union per upstream asset.
    const reads = new Map(present.map((k) => [k, upstreamKeysOf(this.definitions, node, k, this.partitionContext)] as const));
    const wanted = new Map<string, Set<string | null>>();
    for (const upstream of reads.values()) {
      for (const [assetKey, upKeys] of upstream) {
        const set = wanted.get(assetKey) ?? new Set<string | null>();
        (upKeys ?? [null]).forEach((k) => set.add(k));
        wanted.set(assetKey, set);
      }
    }
    // Upstream statuses (recursively), or only versions for an asset's own earlier partitions.
    const upstreamState = new Map<string, Map<string | null, { dataVersion: string | null; at: number | null; status: AssetStatus | null }>>();
    for (const [assetKey, set] of wanted) {
      const upKeys = [...set];
      if (assetKey === node.key) {
        const versions = await currentVersions(this.catalog, this.definitions, assetKey, upKeys.filter((k): k is string => k !== null));
        upstreamState.set(assetKey, new Map(upKeys.map((k) => [k, { dataVersion: versions.get(k)?.dataVersion ?? null, at: versions.get(k)?.at ?? null, status: null }])));
      } else {
        upstreamState.set(assetKey, await this.statuses(this.node(assetKey), upKeys));
      }
    }
    const result = new Map<string | null, PartitionStaleness>();
    for (const k of keys) {
      const row = rows.get(k);
      if (!row) {
        result.set(k, entry(node.key, k, undefined, []));
        continue;
      }
      result.set(k, entry(node.key, k, row, this.causesOf(node, row, reads.get(k)!, upstreamState)));
    }
    return result;
  }

  private causesOf(
    node: AssetNode,
    row: AssetVersionRecord,
    reads: Map<string, string[] | null>,
    upstreamState: Map<string, Map<string | null, { dataVersion: string | null; at: number | null; status: AssetStatus | null }>>,
  ): StaleCause[] {
    const causes: StaleCause[] = [];
    if (node.codeVersion !== null && row.codeVersion !== node.codeVersion) causes.push({ kind: 'code-version', recorded: row.codeVersion, current: node.codeVersion });
    const recorded = row.inputDataVersions;
    const recordedByKey = new Map((recorded ?? []).map((v) => [v.assetKey, v] as const));
    if (recorded !== null) {
      const added = [...reads.keys()].filter((k) => !recordedByKey.has(k));
      const removed = [...recordedByKey.keys()].filter((k) => !reads.has(k));
      if (added.length > 0 || removed.length > 0) causes.push({ kind: 'dependencies', added, removed });
    }
    for (const [assetKey, keys] of reads) {
      const state = upstreamState.get(assetKey)!;
      const changed = (keys ?? [null]).filter((k) => {
        const at = state.get(k)?.at;
        return at !== null && at !== undefined && at > row.at;
      });
      const before = recordedByKey.get(assetKey);
      if (recorded !== null && !before) continue; // a new dependency: reported above
      const now: InputDataVersion = inputDataVersionOf(assetKey, keys, (k) => state.get(k)?.dataVersion ?? undefined);
      // Without recorded input versions (materialized before Stratum kept them), fall back to times.
      const differs = before ? now.dataVersion !== before.dataVersion : changed.length > 0;
      if (differs) {
        causes.push({
          kind: 'upstream-data-version',
          assetKey,
          partitionKey: now.partitionKey,
          partitionCount: now.partitionCount,
          recorded: before?.dataVersion ?? 'unknown',
          current: now.dataVersion,
          changedPartitions: changed.filter((k): k is string => k !== null).slice(0, CAUSE_SAMPLE),
          changedCount: changed.length,
        });
        continue;
      }
      if (assetKey === node.key) continue;
      const notFresh = (keys ?? [null]).filter((k) => {
        const status = state.get(k)?.status;
        return status === AssetStatus.Stale || status === AssetStatus.Missing;
      });
      if (notFresh.length > 0) {
        causes.push({ kind: 'upstream-stale', assetKey, partitionKeys: notFresh.filter((k): k is string => k !== null).slice(0, CAUSE_SAMPLE), count: notFresh.length });
      }
    }
    return causes;
  }
}

function entry(assetKey: string, partitionKey: string | null, row: AssetVersionRecord | undefined, causes: StaleCause[]): PartitionStaleness {
  if (!row) return { assetKey, partitionKey, status: AssetStatus.Missing, causes: [], dataVersion: null, at: null };
  return { assetKey, partitionKey, status: causes.length > 0 ? AssetStatus.Stale : AssetStatus.Fresh, causes, dataVersion: row.dataVersion, at: row.at };
}

/**
 * Staleness of partitions of one asset (every partition by default).
 *
 * @example
 * const [report] = await assetStaleness(defs, catalog, 'sales/report');
 * console.log(report.status, report.causes.map(describeStaleCause));
 */
export async function assetStaleness(
  definitions: Definitions,
  catalog: CatalogReader,
  assetKey: string,
  partitionKeys: readonly (string | null)[] | 'all' = 'all',
  options: StalenessOptions = {},
): Promise<PartitionStaleness[]> {
  return (await StalenessResolver.create(definitions, catalog, options)).staleness(assetKey, partitionKeys);
}

/** One line saying why: `code version changed (v1 -> v2)`, `upstream sales/orders has new data (…)`. */
export function describeStaleCause(cause: StaleCause): string {
  switch (cause.kind) {
    case 'code-version':
      return `code version changed (${cause.recorded ?? 'none'} -> ${cause.current})`;
    case 'upstream-data-version': {
      const where = cause.partitionKey !== null ? ` [${cause.partitionKey}]` : cause.partitionCount > 1 ? ` (${cause.partitionCount} partitions)` : '';
      const changed =
        cause.partitionCount > 1 && cause.changedCount > 0
          ? `; changed since: ${cause.changedPartitions.join(', ')}${cause.changedCount > cause.changedPartitions.length ? ` and ${cause.changedCount - cause.changedPartitions.length} more` : ''}`
          : '';
      return `upstream ${cause.assetKey}${where} has a newer data version (${cause.recorded} -> ${cause.current}${changed})`;
    }
    case 'upstream-stale': {
      const which = cause.partitionKeys.length > 0 ? ` [${cause.partitionKeys.join(', ')}${cause.count > cause.partitionKeys.length ? `, … ${cause.count} in all` : ''}]` : '';
      return `upstream ${cause.assetKey}${which} is stale or missing`;
    }
    case 'dependencies':
      return `dependencies changed (${[...cause.added.map((k) => `added ${k}`), ...cause.removed.map((k) => `removed ${k}`)].join(', ')})`;
  }
}

/** Counts of an asset's partitions by status, and the asset's overall status: stale if any partition is, else missing if any is, else fresh. */
export interface StalenessSummary {
  status: AssetStatus;
  fresh: number;
  stale: number;
  missing: number;
}

/** Sums up the staleness of an asset's partitions. */
export function summarizeStaleness(partitions: readonly PartitionStaleness[]): StalenessSummary {
  const count = (status: AssetStatus) => partitions.filter((p) => p.status === status).length;
  const summary = { fresh: count(AssetStatus.Fresh), stale: count(AssetStatus.Stale), missing: count(AssetStatus.Missing) };
  const status = summary.stale > 0 ? AssetStatus.Stale : summary.missing > 0 ? AssetStatus.Missing : AssetStatus.Fresh;
  return { status, ...summary };
}
