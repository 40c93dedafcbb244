import { Option, type Command } from 'commander';
import type { Definitions } from '../../sdk/definitions/definitions';
import { InvalidRunRequestError } from '../../sdk/errors';
import { assetLineage, lineageToDot, lineageToMermaid, lineageToText, type LineageDirection } from '../../sdk/versions/lineage';
import { resolveSelection } from '../../sdk/definitions/selection';
import { describeStaleCause, StalenessResolver, summarizeStaleness, type PartitionStaleness } from '../../sdk/versions/staleness';
import { openCliContext } from '../cli-context';
import { withCommonOptions, withJsonOption } from '../common-options';
import { formatTime, out, printJson, printTable } from '../output';

/** One asset's staleness: its partitions (one, or every one) and a short label. */
export interface AssetStalenessView {
  assetKey: string;
  status: PartitionStaleness['status'];
  /** `fresh`, `missing`, `stale (code version changed …)`, `stale (2 stale, 1 missing, 5 fresh of 8 partitions)`, `observed`. */
  label: string;
  partitions: PartitionStaleness[];
}

/**
 * The staleness of an asset for the CLI: of `partitionKey` when given (partitioned assets), else of
 * every partition, summed up.
 */
export async function assetStalenessView(resolver: StalenessResolver, definitions: Definitions, assetKey: string, partitionKey?: string | null): Promise<AssetStalenessView> {
  const node = definitions.assetNodes.get(assetKey)!;
  const partitions = await resolver.staleness(assetKey, node.partitions !== null && partitionKey ? [partitionKey] : 'all');
  const summary = summarizeStaleness(partitions);
  let label: string;
  if (partitions.length === 1) {
    const only = partitions[0]!;
    label = node.observable && only.status === 'fresh' ? 'observed' : only.status === 'stale' ? `stale (${only.causes.map(describeStaleCause).join('; ')})` : only.status;
  } else {
    const parts = [summary.stale && `${summary.stale} stale`, summary.missing && `${summary.missing} missing`, summary.fresh && `${summary.fresh} fresh`].filter(Boolean);
    label = `${node.observable && summary.status === 'fresh' ? 'observed' : summary.status} (${parts.join(', ') || 'no partitions'}${partitions.length ? ` of ${partitions.length} partitions` : ''})`;
  }
  return { assetKey, status: summary.status, label, partitions };
}

/** Adds `assets status` and `assets lineage` to the `assets` command. */
export function configureAssetStalenessCommands(assets: Command): void {
  const status = assets
    .command('status')
    .description('Whether assets are missing, fresh or stale, and why (code version, upstream data, dependencies)')
    .argument('[selection]', 'asset selection (default "*")', '*')
    .option('-p, --partition <key>', 'the partition of partitioned assets (default: every partition, summed up)')
    .option('--partitions', 'list every partition of partitioned assets, not a summary')
    .addHelpText('after', '\nExamples:\n  $ stratum assets status\n  $ stratum assets status "+sales/report" --partition 2024-03-01');
  withJsonOption(withCommonOptions(status)).action(async (selection: string, options) => {
    const ctx = await openCliContext(options, { temporal: false });
    try {
      const resolver = await StalenessResolver.create(ctx.definitions, ctx.catalog);
      const views: AssetStalenessView[] = [];
      for (const key of resolveSelection(ctx.definitions, selection)) views.push(await assetStalenessView(resolver, ctx.definitions, key, options.partition));
      if (options.json) return printJson(views.map((v) => ({ assetKey: v.assetKey, status: v.status, label: v.label, partitions: v.partitions.map(withDescribedCauses) })));
      const rows: (string | null)[][] = [];
      for (const view of views) {
        if (options.partitions && view.partitions.length > 1) {
          for (const p of view.partitions) rows.push([view.assetKey, p.partitionKey, p.status, formatTime(p.at), p.causes.map(describeStaleCause).join('; ') || null]);
        } else {
          const one = view.partitions.length === 1 ? view.partitions[0]! : null;
          const causes = one ? one.causes.map(describeStaleCause).join('; ') : view.label;
          rows.push([view.assetKey, one?.partitionKey ?? (view.partitions.length > 1 ? 'all' : null), view.status, formatTime(one?.at), causes || null]);
        }
      }
      printTable(['ASSET', 'PARTITION', 'STATUS', 'AS OF', 'WHY'], rows);
    } finally {
      await ctx.close();
    }
  });

  const lineage = assets
    .command('lineage')
    .description('Print the graph around an asset with each asset\'s status')
    .argument('<key>', 'asset key, e.g. sales/orders')
    .option('--upstream', 'only upstream assets')
    .option('--downstream', 'only downstream assets')
    .option('--depth <n>', 'hops to walk (default: all)', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new InvalidRunRequestError(`--depth must be a whole number >= 0, got "${v}".`);
      return n;
    })
    .option('-p, --partition <key>', 'statuses of this partition of partitioned assets (default: every partition, summed up)')
    .addOption(new Option('--format <format>', 'text (an indented tree), dot (Graphviz), mermaid, or json').choices(['text', 'dot', 'mermaid', 'json']).default('text'))
    .addHelpText('after', '\nExamples:\n  $ stratum assets lineage sales/report --upstream --depth 2\n  $ stratum assets lineage sales/orders --format dot | dot -Tsvg > lineage.svg');
  withCommonOptions(lineage).action(async (key: string, options) => {
    if (options.upstream && options.downstream) throw new InvalidRunRequestError('Give --upstream or --downstream, not both (neither: both directions).');
    const direction: LineageDirection = options.upstream ? 'upstream' : options.downstream ? 'downstream' : 'both';
    const ctx = await openCliContext(options, { temporal: false });
    try {
      const graph = assetLineage(ctx.definitions, key, { direction, depth: options.depth ?? Infinity });
      const resolver = await StalenessResolver.create(ctx.definitions, ctx.catalog);
      const views = new Map<string, AssetStalenessView>();
      for (const node of graph.nodes) views.set(node.assetKey, await assetStalenessView(resolver, ctx.definitions, node.assetKey, options.partition));
      const labels = new Map([...views].map(([k, v]) => [k, v.label]));
      if (options.format === 'json') {
        return printJson({
          ...graph,
          depth: graph.depth === Infinity ? null : graph.depth,
          nodes: graph.nodes.map((n) => ({ ...n, status: views.get(n.assetKey)!.status, label: views.get(n.assetKey)!.label })),
        });
      }
      out(options.format === 'dot' ? lineageToDot(graph, labels) : options.format === 'mermaid' ? lineageToMermaid(graph, labels) : lineageToText(graph, labels));
    } finally {
      await ctx.close();
    }
  });
}

function withDescribedCauses(p: PartitionStaleness) {
  return { ...p, causes: p.causes.map((c) => ({ ...c, message: describeStaleCause(c) })) };
}
