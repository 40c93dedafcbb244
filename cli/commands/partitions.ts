import { Option, type Command } from 'commander';
import type { Catalog, PartitionStatusRecord } from '../../sdk/catalog';
import type { Definitions } from '../../sdk/definitions/definitions';
import { addDynamicPartitions, dynamicPartitionsUsage, removeDynamicPartitions } from '../../client/dynamic-partitions';
import { InvalidRequestError } from '../../sdk/errors';
import { loadPartitionContext } from '../../sdk/definitions/partition-context';
import type { AssetNode } from '../../sdk/definitions/step-spec';
import { suggestSimilar } from '../../sdk/errors/suggest';
import { openCliContext, type CommonOptions } from '../cli-context';
import { withCommonOptions, withJsonOption } from '../common-options';
import { formatTime, log, out, printJson, printTable } from '../output';

/** What `stratum partitions list` shows for a partition: its catalog status, or `missing`. */
export const PartitionListStatus = {
  Materialized: 'materialized',
  Failed: 'failed',
  /** Never materialized nor failed. */
  Missing: 'missing',
} as const;
/** @see {@link PartitionListStatus} */
export type PartitionListStatus = (typeof PartitionListStatus)[keyof typeof PartitionListStatus];

/** One partition of an asset as `stratum partitions list ASSET --json` prints it. */
export interface AssetPartitionRow {
  key: string;
  status: PartitionListStatus;
  /** The run that materialized it or failed to; null when missing. */
  runId: string | null;
  /** Epoch ms of that materialization or failure; null when missing. */
  updatedAt: number | null;
  /** The failure's message when failed. */
  error: string | null;
}

/** Counts of an asset's partitions (those that exist now) by status. */
export interface AssetPartitionCounts {
  total: number;
  materialized: number;
  failed: number;
  missing: number;
}

/** A `stratum partitions` request that cannot be served (unknown name, unpartitioned asset…). */
export class PartitionsCommandError extends InvalidRequestError {
  readonly code = 'STRATUM_PARTITIONS_COMMAND';
}

interface ListOptions extends CommonOptions {
  json?: boolean;
  status?: PartitionListStatus;
  dynamic?: boolean;
}

interface ChangeOptions extends CommonOptions {
  json?: boolean;
}

/** `stratum partitions list|add|remove`: partition status of an asset, and dynamic partition keys. */
export function configurePartitionsCommand(program: Command): void {
  const partitions = program
    .command('partitions')
    
    .addHelpText('after', '\nExamples:\n  $ stratum partitions list sales/orders --status missing\n  $ stratum partitions add customers acme globex');

  const list = partitions
    .command('list')
    .description('List the partitions of an asset with their status (materialized, failed, missing), or the keys of a dynamic partitions definition')
    .argument('<asset-or-dynamic-name>', 'an asset key (e.g. sales/orders) or a dynamic partitions name (e.g. customers)')
    .addOption(new Option('--status <status>', 'only partitions with this status (asset keys only)').choices(Object.values(PartitionListStatus)))
    .option('--dynamic', 'read the argument as a dynamic partitions name even when an asset has that key')
    .addHelpText(
      'after',
      '\nExamples:\n  $ stratum partitions list sales/orders\n  $ stratum partitions list sales/orders --status failed --json\n  $ stratum partitions list customers',
    );
  withJsonOption(withCommonOptions(list)).action(async (target: string, options: ListOptions) => {
    const ctx = await openCliContext(options, { temporal: false });
    try {
      const node = options.dynamic ? undefined : ctx.definitions.asset(target);
      if (node) return await listAssetPartitions(ctx.catalog, ctx.definitions, node, options);
      const usage = dynamicPartitionsUsage(ctx.definitions);
      const assetKeys = usage.get(target);
      if (!assetKeys) throw unknownTarget(ctx.definitions, target, Boolean(options.dynamic));
      if (options.status) {
        throw new PartitionsCommandError(`--status filters the partitions of an asset; "${target}" is a dynamic partitions name, whose keys have no status. Pass an asset partitioned by it instead: ${assetKeys.join(', ')}.`);
      }
      const keys = await ctx.catalog.dynamicPartitionKeys(target);
      if (options.json) return printJson({ name: target, assets: assetKeys, keys });
      for (const key of keys) out(key);
      log(`${plural(keys.length, 'key')} in dynamic partitions "${target}" (partitions of ${assetKeys.join(', ')}).${keys.length === 0 ? ` Add some with \`stratum partitions add ${target} KEY\`.` : ''}`);
    } finally {
      await ctx.close();
    }
  });

  const add = partitions
    .command('add')
    .description('Add keys to a dynamic partitions definition (stored in the catalog; adding an existing key does nothing)')
    .argument('<name>', 'dynamic partitions name, as in dynamicPartitions({ name })')
    .argument('<keys...>', 'partition keys to add (no "|", "...", ",", "[", "]", not empty)')
    .addHelpText('after', '\nExample:\n  $ stratum partitions add customers acme globex --defs examples/etl/defs.ts');
  withJsonOption(withCommonOptions(add)).action(async (name: string, keys: string[], options: ChangeOptions) => {
    const ctx = await openCliContext(options, { temporal: false });
    try {
      const result = await addDynamicPartitions(ctx.catalog, ctx.definitions, name, keys);
      if (options.json) return printJson(result);
      out(`Added ${plural(result.added.length, 'key')} to dynamic partitions "${name}"${result.added.length ? `: ${result.added.join(', ')}` : ''}`);
      if (result.alreadyPresent.length) log(`Already present (unchanged): ${result.alreadyPresent.join(', ')}`);
    } finally {
      await ctx.close();
    }
  });

  const remove = partitions
    .command('remove')
    .description('Remove keys from a dynamic partitions definition (materializations of removed partitions stay in the history)')
    .argument('<name>', 'dynamic partitions name, as in dynamicPartitions({ name })')
    .argument('<keys...>', 'partition keys to remove')
    .addHelpText('after', '\nExample:\n  $ stratum partitions remove customers globex --defs examples/etl/defs.ts');
  withJsonOption(withCommonOptions(remove)).action(async (name: string, keys: string[], options: ChangeOptions) => {
    const ctx = await openCliContext(options, { temporal: false });
    try {
      const result = await removeDynamicPartitions(ctx.catalog, ctx.definitions, name, keys);
      if (options.json) return printJson(result);
      out(`Removed ${plural(result.removed.length, 'key')} from dynamic partitions "${name}"${result.removed.length ? `: ${result.removed.join(', ')}` : ''}`);
      if (result.notFound.length) log(`Not found (unchanged): ${result.notFound.join(', ')}`);
    } finally {
      await ctx.close();
    }
  });
}

/** Every partition of a partitioned asset that exists now, with its status in the catalog. */
async function listAssetPartitions(catalog: Catalog, definitions: Definitions, node: AssetNode, options: ListOptions): Promise<void> {
  const def = node.partitions;
  if (!def) {
    throw new PartitionsCommandError(`Asset ${node.key} is not partitioned, so it has no partitions to list. \`stratum assets show ${node.key}\` shows its materializations.`);
  }
  const keys = def.keys(await loadPartitionContext(catalog, definitions, [def]));
  const statuses = await catalog.partitionStatuses(node.key, keys);
  const rows = keys.map((key) => rowOf(key, statuses.get(key)));
  const counts: AssetPartitionCounts = { total: rows.length, materialized: 0, failed: 0, missing: 0 };
  for (const row of rows) counts[row.status] += 1;
  const shown = options.status ? rows.filter((r) => r.status === options.status) : rows;
  if (options.json) return printJson({ asset: node.key, definition: def.describe(), counts, partitions: shown });
  if (shown.length > 0) {
    printTable(
      ['PARTITION', 'STATUS', 'UPDATED', 'RUN', 'ERROR'],
      shown.map((r) => [r.key, r.status, formatTime(r.updatedAt), r.runId, r.error === null ? null : firstLine(r.error, 100)]),
    );
  } else if (rows.length > 0) {
    out(`No ${options.status} partitions.`);
  }
  out(`${plural(counts.total, 'partition')} of ${node.key} (${def.describe()}): ${counts.materialized} materialized, ${counts.failed} failed, ${counts.missing} missing`);
}

function rowOf(key: string, record: PartitionStatusRecord | undefined): AssetPartitionRow {
  if (!record) return { key, status: PartitionListStatus.Missing, runId: null, updatedAt: null, error: null };
  return { key, status: record.status, runId: record.runId, updatedAt: record.updatedAt, error: record.error };
}

function unknownTarget(definitions: Definitions, target: string, dynamicOnly: boolean): PartitionsCommandError {
  const dynamicNames = [...dynamicPartitionsUsage(definitions).keys()];
  const partitioned = [...definitions.assetNodes.values()].filter((n) => n.partitions !== null).map((n) => n.key);
  const candidates = dynamicOnly ? dynamicNames : [...partitioned, ...dynamicNames];
  const similar = suggestSimilar(target, candidates);
  const hint = similar.length ? ` Did you mean ${similar.map((s) => `"${s}"`).join(' or ')}?` : '';
  const known = [
    ...(dynamicOnly ? [] : [partitioned.length ? `Partitioned assets: ${listShort(partitioned)}.` : 'No asset is partitioned.']),
    dynamicNames.length ? `Dynamic partitions names: ${dynamicNames.join(', ')}.` : 'No asset uses dynamic partitions.',
  ];
  return new PartitionsCommandError(`"${target}" is ${dynamicOnly ? 'not a dynamic partitions name' : 'neither an asset key nor a dynamic partitions name'}.${hint} ${known.join(' ')}`);
}

function listShort(values: readonly string[], max = 10): string {
  return values.length <= max ? values.join(', ') : `${values.slice(0, max).join(', ')}, … (${values.length - max} more: stratum assets list)`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function firstLine(text: string, max: number): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
