import type { Command } from 'commander';
import type { PartitionSummary } from '../../sdk/catalog';
import { loadPartitionContext } from '../../sdk/definitions/partition-context';
import type { MultiPartitionsDefinition, PartitionsDefinition } from '../../sdk/partitions';
import { suggestSimilar } from '../../sdk/errors/suggest';
import { UnknownSelectionError } from '../../sdk/errors';
import { assetChecksJson, printAssetChecks } from '../check-results-output';
import { StalenessResolver } from '../../sdk/versions/staleness';
import { openCliContext } from '../cli-context';
import { assetStalenessView, configureAssetStalenessCommands, type AssetStalenessView } from './asset-staleness';
import { positiveInt, withCommonOptions, withJsonOption } from '../common-options';
import { formatTime, out, printJson, printTable } from '../output';
import { listAssetsOfEveryLocation } from './assets-by-location';

/** A partitions definition in a word or two: `daily`, `static`, `dynamic customers`, `multi date × region`. */
export function partitionsKind(partitions: PartitionsDefinition): string {
  if (partitions.kind === 'time-window') return (partitions.toJSON() as { cadence?: string }).cadence ?? 'time';
  if (partitions.kind === 'dynamic') return `dynamic ${(partitions.toJSON() as { name?: string }).name ?? ''}`.trimEnd();
  if (partitions.kind === 'multi') return `multi ${(partitions as MultiPartitionsDefinition).dimensions.map((d) => d.name).join(' × ')}`;
  return partitions.kind;
}

/**
 * The PARTITIONS cell of `assets list` for a partitioned asset: `daily, 366 parts: 360 ok, 2 failed, 4 missing`
 * (`?` parts when the keys cannot be listed).
 */
export function partitionsCell(partitions: PartitionsDefinition, total: number | null, summary: PartitionSummary): string {
  const missing = total === null ? null : Math.max(0, total - summary.materialized - summary.failed);
  const counts = [`${summary.materialized} ok`, summary.failed > 0 ? `${summary.failed} failed` : null, missing === null ? null : missing > 0 ? `${missing} missing` : null].filter(Boolean);
  return `${partitionsKind(partitions)}, ${total ?? '?'} part${total === 1 ? '' : 's'}: ${counts.join(', ')}`;
}

/**
 * A partitioned asset's STATUS cell: its status and how many partitions have it, `stale (2 of 366)`,
 * `missing (4 of 366)`; `fresh` alone when every partition is (the counts are in the PARTITIONS cell).
 */
export function compactStaleness(view: Pick<AssetStalenessView, 'status' | 'label' | 'partitions'>): string {
  const label = view.label.split(' ')[0]!;
  const count = view.partitions.filter((p) => p.status === view.status).length;
  return count === view.partitions.length ? label : `${label} (${count} of ${view.partitions.length})`;
}

/** `stratum assets list|show`. */
export function configureAssetsCommand(program: Command): void {
  const assets = program.command('assets');

  const list = assets.command('list').description('List every asset with its last materialization').addHelpText('after', '\nExample:\n  $ stratum assets list --defs examples/etl/defs.ts');
  withJsonOption(withCommonOptions(list)).action(async (options) => {
    if (await listAssetsOfEveryLocation(options)) return; // a workspace of several locations: grouped by location
    const ctx = await openCliContext(options, { temporal: false });
    try {
      const stats = new Map((await ctx.catalog.listAssets()).map((a) => [a.assetKey, a]));
      const resolver = await StalenessResolver.create(ctx.definitions, ctx.catalog);
      const statuses = new Map<string, AssetStalenessView>();
      for (const key of ctx.definitions.assetNodes.keys()) statuses.set(key, await assetStalenessView(resolver, ctx.definitions, key));
      const rows = [...ctx.definitions.assetNodes.values()].map((node) => ({
        key: node.key,
        status: statuses.get(node.key)!.status,
        statusLabel: statuses.get(node.key)!.label,
        group: node.group,
        partitions: node.partitions?.describe() ?? null,
        upstream: node.upstream.map((u) => u.assetKey),
        lastMaterializedAt: stats.get(node.key)?.lastMaterializedAt ?? null,
        materializations: stats.get(node.key)?.materializationCount ?? 0,
      }));
      if (options.json) return printJson(rows);
      // A partitioned asset's row: its partitions in a few words and counted (the long description is in `assets show`).
      const partitionCells = new Map<string, string>();
      for (const node of ctx.definitions.assetNodes.values()) {
        if (!node.partitions) continue;
        let total: number | null = null;
        try {
          total = node.partitions.keys(await loadPartitionContext(ctx.catalog, ctx.definitions, [node.partitions])).length;
        } catch {
          total = null;
        }
        partitionCells.set(node.key, partitionsCell(node.partitions, total, await ctx.catalog.partitionSummary(node.key)));
      }
      printTable(
        ['ASSET', 'GROUP', 'PARTITIONS', 'LAST MATERIALIZED', 'COUNT', 'STATUS'],
        rows.map((r) => [r.key, r.group, partitionCells.get(r.key) ?? null, formatTime(r.lastMaterializedAt), r.materializations, partitionCells.has(r.key) ? compactStaleness(statuses.get(r.key)!) : r.statusLabel]),
      );
    } finally {
      await ctx.close();
    }
  });

  configureAssetStalenessCommands(assets);

  const show = assets
    .command('show')
    .description('Show an asset: its definition, partition summary and materialization history')
    .argument('<key>', 'asset key, e.g. sales/orders')
    .option('--limit <n>', 'history entries', positiveInt('--limit'), 10)
    .option('-p, --partition <key>', 'history of one partition')
    .addHelpText('after', '\nExample:\n  $ stratum assets show sales/orders --limit 5');
  withJsonOption(withCommonOptions(show)).action(async (key: string, options) => {
    const ctx = await openCliContext(options, { temporal: false });
    try {
      const node = ctx.definitions.asset(key);
      if (!node) throw new UnknownSelectionError([{ term: key, suggestions: suggestSimilar(key, ctx.definitions.assetNodes.keys()) }], '`stratum assets list` shows every asset.');
      const staleness = await assetStalenessView(await StalenessResolver.create(ctx.definitions, ctx.catalog), ctx.definitions, key, options.partition);
      const history = await ctx.catalog.materializationHistory(key, { limit: options.limit, ...(options.partition ? { partitionKey: options.partition } : {}) });
      const summary = node.partitions ? await ctx.catalog.partitionSummary(key) : null;
      const checks = ctx.definitions.checksOf(key);
      const latestChecks = await ctx.catalog.latestCheckResults(key, options.partition);
      let partitionTotal: number | null = null;
      if (node.partitions) {
        try {
          partitionTotal = node.partitions.keys(await loadPartitionContext(ctx.catalog, ctx.definitions, [node.partitions])).length;
        } catch {
          partitionTotal = null;
        }
      }
      if (options.json) {
        return printJson({ ...node, partitions: node.partitions?.describe() ?? null, partitionSummary: summary && { ...summary, total: partitionTotal, missing: partitionTotal === null ? null : Math.max(0, partitionTotal - summary.materialized - summary.failed) }, history, checks: assetChecksJson(checks, latestChecks), staleness: { status: staleness.status, label: staleness.label, partitions: staleness.partitions } });
      }
      out(`Asset ${node.key}`);
      if (node.description) out(`  ${node.description}`);
      out(`  group      ${node.group}`);
      if (node.owners.length) out(`  owners     ${node.owners.join(', ')}`);
      if (node.upstream.length) out(`  upstream   ${node.upstream.map((u) => u.assetKey).join(', ')}`);
      const downstream = ctx.definitions.assetGraph.downstreamOf(node.key);
      if (downstream.length) out(`  downstream ${downstream.join(', ')}`);
      if (node.codeVersion) out(`  code       ${node.codeVersion}`);
      out(`  status     ${staleness.label}`);
      if (node.partitions && summary) {
        out(`  partitions ${node.partitions.describe()}`);
        const missing = partitionTotal === null ? '?' : Math.max(0, partitionTotal - summary.materialized - summary.failed);
        out(`             ${summary.materialized} materialized, ${summary.failed} failed, ${missing} missing${partitionTotal !== null ? ` of ${partitionTotal}` : ''}`);
      }
      out();
      if (history.length === 0) out('Never materialized.');
      else {
        printTable(
          ['MATERIALIZED', 'PARTITION', 'RUN', 'DATA VERSION', 'METADATA'],
          history.map((m) => [formatTime(m.materializedAt), m.partitionKey, m.runId, m.dataVersion, JSON.stringify(m.metadata)]),
        );
      }
      printAssetChecks(checks, latestChecks);
    } finally {
      await ctx.close();
    }
  });
}
