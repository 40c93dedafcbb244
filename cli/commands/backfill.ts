import type { Command } from 'commander';
import type { BackfillPartitions, BackfillProgress } from '../../sdk/protocol/backfill';
import { InvalidRunRequestError } from '../../sdk/errors';
import { openCliContext } from '../cli-context';
import { positiveInt, withCommonOptions, withJsonOption } from '../common-options';
import { listBackfills } from '../backfill-list';
import { progressLine, watchBackfill } from '../backfill-progress';
import { formatTime, log, out, printJson, printTable } from '../output';
import { parseConfigOption, parseTags } from '../run-config-option';
import { workflowUrl } from '../watch-run';
import { planBackfill, startPlannedBackfill } from '../../client/start-backfill';

function partitionsOption(options: { from?: string; to?: string; partitions?: string; all?: boolean }): BackfillPartitions {
  const given = [options.from !== undefined || options.to !== undefined, options.partitions !== undefined, Boolean(options.all)].filter(Boolean).length;
  if (given !== 1) throw new InvalidRunRequestError('Say which partitions to backfill with exactly one of: --from A --to B, --partitions k1,k2, --all.');
  if (options.all) return { all: true };
  if (options.partitions !== undefined) return { keys: options.partitions.split(',').map((k) => k.trim()).filter((k) => k !== '') };
  if (options.from === undefined || options.to === undefined) throw new InvalidRunRequestError('--from and --to go together: --from 2024-01-01 --to 2024-01-31.');
  return { from: options.from, to: options.to };
}

function printSummary(p: BackfillProgress, json: boolean | undefined): void {
  if (json) return printJson(p);
  out(`Backfill ${p.backfillId}  ${p.status}`);
  out(`  ${progressLine(p)}`);
  out(`  started ${formatTime(p.startedAt)}, ${p.workflowRuns} workflow run${p.workflowRuns === 1 ? '' : 's'}${p.runs !== undefined ? `, ${p.runs} child run${p.runs === 1 ? '' : 's'}` : ''}${p.skipped ? `, ${p.skipped} ${p.unit === 'asset partition' ? 'asset partitions' : 'partitions'} skipped by --missing-only/--failed-only/--stale-only` : ''}`);
  if (p.failedItems.length) out(`  failed: ${p.failedItems.join(', ')}${p.failed > p.failedItems.length ? ', …' : ''}`);
  const blockedItems = p.blockedItems ?? [];
  if (blockedItems.length) {
    // Grouped by the failure that blocked them: `blocked by cleaned[2024-01-05]: station_daily[2024-01-05], …`
    const byRoot = new Map<string, string[]>();
    for (const b of blockedItems) byRoot.set(b.blockedBy, [...(byRoot.get(b.blockedBy) ?? []), b.item]);
    for (const [root, items] of byRoot) out(`  blocked by ${root}: ${items.slice(0, 10).join(', ')}${items.length > 10 ? `, … (${items.length} listed)` : ''}`);
    if (p.blocked > blockedItems.length) out(`  (${p.blocked} blocked in all; --failed-only redoes the failed and the blocked)`);
  }
}

/** `stratum backfill start|status|list|cancel|pause|resume`. */
export function configureBackfillCommand(program: Command): void {
  const backfill = program.command('backfill');

  const start = backfill
    .command('start')
    .description('Start a backfill of a selection of assets or a job over a set of partitions')
    .argument('[selection]', 'asset selection (or use --job)')
    .option('--job <name>', 'backfill a job instead of a selection')
    .option('--from <key>', 'first partition')
    .option('--to <key>', 'last partition (inclusive)')
    .option('--partitions <keys>', 'comma-separated partition keys')
    .option('--all', 'every partition')
    .option('--max-concurrent <n>', 'child runs in flight at once (default 8)', positiveInt('--max-concurrent'))
    .option('--missing-only', 'skip partitions the catalog already has')
    .option('--failed-only', 'only asset partitions whose last run failed or was blocked by a failure')
    .option('--stale-only', 'only asset partitions that are missing or stale (see `stratum assets stale`)')
    .option('--partition-retries <n>', 'times a failed partition is run again before it counts as failed (default 0)', (v) => Number(v))
    .option('-c, --config <json|@file>', 'run config keyed by step')
    .option('--tag <key=value...>', 'tags recorded with every run')
    .option('--detach', 'start it and return at once (needs a running worker)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ stratum backfill start "group:events" --from 2024-01-01 --to 2024-03-31 --max-concurrent 32\n  $ stratum backfill start --job daily_sales --all --missing-only\n  $ stratum backfill start "events/daily" --from 2024-01-01 --to 2024-01-31 --failed-only',
    );
  withJsonOption(withCommonOptions(start)).action(async (selection: string | undefined, options) => {
    if ((selection === undefined) === (options.job === undefined)) throw new InvalidRunRequestError('Give a selection or --job NAME (one of them).');
    if ([options.missingOnly, options.failedOnly, options.staleOnly].filter(Boolean).length > 1) throw new InvalidRunRequestError('--missing-only, --failed-only and --stale-only exclude each other; give one.');
    const partitions = partitionsOption(options);
    const ctx = await openCliContext(options);
    try {
      // Refuse a bad request (a reversed range, unknown keys, bad config) before a worker starts.
      const planned = await planBackfill(
        { definitions: ctx.definitions, catalog: ctx.catalog, partitionContext: await ctx.stratum.partitionContext() },
        {
          ...(options.job !== undefined ? { job: options.job } : { selection }),
          partitions,
          maxConcurrent: options.maxConcurrent,
          only: options.missingOnly ? 'missing' : options.failedOnly ? 'failed' : options.staleOnly ? 'stale' : null,
          partitionRetries: options.partitionRetries,
          config: parseConfigOption(options.config),
          tags: parseTags(options.tag),
        },
      );
      const stratum = await ctx.ensureWorker({ detach: options.detach });
      const handle = await startPlannedBackfill(stratum.client, stratum.taskQueue, planned);
      const parts = handle.assetPartitions === null ? '' : `${handle.assetPartitions} asset partition${handle.assetPartitions === 1 ? '' : 's'} in `;
      log(`Started backfill ${handle.backfillId}: ${parts}${handle.total} run${handle.total === 1 ? '' : 's'} (workflow ${handle.workflowId})`);
      const url = workflowUrl(ctx.uiUrl, ctx.target.namespace, handle.workflowId);
      if (url) log(`Temporal web UI: ${url}`);
      if (options.detach) {
        if (options.json) printJson({ backfillId: handle.backfillId, workflowId: handle.workflowId, total: handle.total });
        else out(handle.backfillId);
        return;
      }
      const result = await watchBackfill(handle, { quiet: options.json });
      printSummary(result, options.json);
      process.exitCode = result.status === 'completed' ? 0 : 1;
    } finally {
      await ctx.close();
    }
  });

  const status = backfill.command('status').description("Show a backfill's progress").argument('<id>', 'backfill id').addHelpText('after', '\nExample:\n  $ stratum backfill status 20240301-120000-ab12 --json');
  withJsonOption(withCommonOptions(status)).action(async (id: string, options) => {
    const ctx = await openCliContext(options);
    try {
      const handle = ctx.stratum.backfill(id);
      const description = await handle.handle.describe();
      const p = description.status.name === 'RUNNING' ? await handle.progress() : await handle.result().catch(() => null);
      if (!p) throw new InvalidRunRequestError(`Backfill ${id} ended as ${description.status.name}; see ${handle.workflowId} in the Temporal UI.`);
      printSummary(p, options.json);
    } finally {
      await ctx.close();
    }
  });

  const list = backfill.command('list').description('List the backfills of this task queue, newest first').option('--limit <n>', 'how many', positiveInt('--limit'), 20).addHelpText('after', '\nExample:\n  $ stratum backfill list');
  withJsonOption(withCommonOptions(list)).action(async (options) => {
    const ctx = await openCliContext(options);
    try {
      const rows = await listBackfills(ctx.client, { taskQueue: ctx.taskQueue, limit: options.limit });
      if (options.json) return printJson(rows);
      if (rows.length === 0) return out('No backfills.');
      printTable(['BACKFILL', 'STATUS', 'STARTED'], rows.map((r) => [r.backfillId, r.status, formatTime(r.startedAt)]));
    } finally {
      await ctx.close();
    }
  });

  for (const [name, verb, description] of [
    ['cancel', 'cancel', 'Stop launching child runs and cancel the ones in flight'],
    ['pause', 'pause', 'Stop launching child runs; running ones finish'],
    ['resume', 'resume', 'Resume a paused backfill'],
  ] as const) {
    const command = backfill.command(name).description(description).argument('<id>', 'backfill id').addHelpText('after', `\nExample:\n  $ stratum backfill ${name} 20240301-120000-ab12`);
    withCommonOptions(command).action(async (id: string, options) => {
      const ctx = await openCliContext(options);
      try {
        await ctx.stratum.backfill(id)[verb]();
        log(`Backfill ${id}: ${name} requested.`);
      } finally {
        await ctx.close();
      }
    });
  }
}
