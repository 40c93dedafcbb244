import type { Command } from 'commander';
import { UnknownRunError } from '../../client/client-errors';
import { findRun as findRunOrNull } from '../../client/find-run';
import type { Catalog } from '../../sdk/catalog';
import { defaultCatalogLocation } from '../../sdk/definitions/settings';
import { ReexecutionTags } from '../../client/reexecute';
import { openCliContext } from '../cli-context';
import { followAndReport } from '../run-command';
import { positiveInt, withCommonOptions, withJsonOption } from '../common-options';
import { catalogMayExist, lazyCatalog } from '../lazy-catalog';
import { formatDuration, formatTime, log, out, printJson, printTable } from '../output';
import { workflowUrl } from '../watch-run';

/** The run with its steps, by run id or workflow id; {@link UnknownRunError} when the catalog has none. */
async function findRun(catalog: Catalog, idOrWorkflowId: string) {
  const run = await findRunOrNull(catalog, idOrWorkflowId);
  if (!run) throw new UnknownRunError(idOrWorkflowId);
  return run;
}

/**
 * Adds `--catalog` to a command that only reads the catalog; `--defs` is accepted and ignored
 * (runs are read from the catalog, whatever definitions made them).
 */
function withCatalogOption(command: Command): Command {
  return command
    .option('--catalog <location>', 'catalog: SQLite file path or postgres:// URL (default STRATUM_CATALOG_URL, STRATUM_CATALOG or .stratum/catalog.db)')
    .option('--defs <path>', 'not needed: runs are read from the catalog')
    .option('--task-queue <name>', 'not needed: runs are read from the catalog');
}

/**
 * Runs `read` on the catalog, without loading definitions or connecting to Temporal. A SQLite
 * catalog that does not exist yet is not created: `read` gets null.
 */
async function withCatalog<T>(options: { catalog?: string }, read: (catalog: Catalog | null) => Promise<T>): Promise<T> {
  const location = options.catalog ?? defaultCatalogLocation();
  if (!catalogMayExist(location)) return read(null);
  const catalog = lazyCatalog(location);
  try {
    return await read(catalog);
  } finally {
    await catalog.close();
  }
}

/** `stratum runs list|show|cancel`. */
export function configureRunsCommand(program: Command): void {
  const runs = program.command('runs');

  const list = runs
    .command('list')
    .description('List recent runs, newest first')
    .option('--limit <n>', 'how many', positiveInt('--limit'), 20)
    .option('--status <status>', 'only runs with this status (started, succeeded, failed, canceled)')
    .option('--job <name>', 'only runs of this job')
    .option('--asset <key>', 'only runs that materialize this asset')
    .addHelpText('after', '\nExample:\n  $ stratum runs list --asset sales/orders --status failed');
  withJsonOption(withCatalogOption(list)).action(async (options) => {
    await withCatalog(options, async (catalog) => {
      const rows = catalog ? await catalog.listRuns({ limit: options.limit, status: options.status, job: options.job, assetKey: options.asset }) : [];
      if (options.json) return printJson(rows);
      if (rows.length === 0) return out('No runs yet.');
      printTable(
        ['RUN', 'STATUS', 'TARGET', 'PARTITION', 'STARTED', 'DURATION'],
        rows.map((r) => [r.runId, r.status, r.job ?? r.selection, r.partitionKey ?? (r.partitionRange ? `${r.partitionRange.from}...${r.partitionRange.to}` : null), formatTime(r.startedAt), formatDuration(r.endedAt ? r.endedAt - r.startedAt : null)]),
      );
    });
  });

  const show = runs
    .command('show')
    .description('Show a run: its steps, materializations and log lines')
    .argument('<run>', 'run id (or its workflow id)')
    .option('--logs', 'also print the log lines ops wrote')
    .addHelpText('after', '\nExample:\n  $ stratum runs show 3f0c… --logs');
  withJsonOption(withCatalogOption(show)).action(async (id: string, options) => {
    await withCatalog(options, async (catalog) => {
      if (!catalog) throw new UnknownRunError(id);
      const run = await findRun(catalog, id);
      const materializations = await catalog.runMaterializations(run.runId);
      const logs = options.logs || options.json ? await catalog.runLogs(run.runId) : [];
      if (options.json) return printJson({ ...run, materializations, logs });
      out(`Run ${run.runId}  ${run.status}`);
      out(`  workflow   ${run.workflowId}`);
      out(`  target     ${run.job ? `job ${run.job}` : run.selection}`);
      if (run.partitionKey) out(`  partition  ${run.partitionKey}`);
      else if (run.partitionRange) out(`  partition  ${run.partitionRange.from}...${run.partitionRange.to}`);
      out(`  started    ${formatTime(run.startedAt)}   duration ${formatDuration(run.endedAt ? run.endedAt - run.startedAt : null)}`);
      out();
      if (run.steps.length > 0) {
        printTable(['STEP', 'STATUS', 'DURATION', 'ATTEMPTS', 'ERROR'], run.steps.map((s) => [s.key, s.status, formatDuration(s.startedAt && s.endedAt ? s.endedAt - s.startedAt : null), s.attempts, s.error]));
        out();
      }
      if (materializations.length > 0) {
        printTable(['ASSET', 'PARTITION', 'DATA VERSION', 'STORED AT'], materializations.map((m) => [m.assetKey, m.partitionKey, m.dataVersion, m.storageLocation]));
      }
      if (options.logs) {
        out();
        for (const line of logs) out(`${formatTime(line.ts)} ${line.level.toUpperCase().padEnd(5)} ${line.stepKey}: ${line.message}${line.fields && Object.keys(line.fields).length ? ` ${JSON.stringify(line.fields)}` : ''}`);
      }
    });
  });

  const reexecute = runs
    .command('reexecute')
    .description('Run a finished run again as a new run: its whole plan, or only the steps that did not succeed')
    .argument('<run>', 'run id, a unique prefix of one, or its workflow id')
    .option('--from-failure', 'only the failed, skipped and canceled steps (and what depends on them); the others\' stored outputs are read')
    .option('--detach', 'start it and exit, printing its workflow id')
    .addHelpText('after', '\nExamples:\n  $ stratum runs reexecute 3f0c --from-failure\n  $ stratum runs reexecute 3f0c2a71-… --detach');
  withJsonOption(withCommonOptions(reexecute)).action(async (id: string, options) => {
    const ctx = await openCliContext(options);
    try {
      const stratum = await ctx.ensureWorker({ detach: options.detach });
      const run = await stratum.reexecuteRun(id, { fromFailure: options.fromFailure === true });
      log(`Re-executing run ${run.plan.tags[ReexecutionTags.parentRun]}${options.fromFailure ? ' from its failure' : ''}: new run ${run.plan.runId}`);
      process.exitCode = await followAndReport(ctx, run, { json: options.json, detach: options.detach });
    } finally {
      await ctx.close();
    }
  });

  const cancel = runs
    .command('cancel')
    .description('Cancel a running run; its running steps are cancelled')
    .argument('<run>', 'run id (or its workflow id)')
    .addHelpText('after', '\nExample:\n  $ stratum runs cancel 3f0c…');
  withCommonOptions(cancel).action(async (id: string, options) => {
    const ctx = await openCliContext(options);
    try {
      const workflowId = id.startsWith('stratum/') ? id : (await findRun(ctx.catalog, id)).workflowId;
      await ctx.client.workflow.getHandle(workflowId).cancel();
      log(`Cancellation requested for ${workflowId}.`);
      const url = workflowUrl(ctx.uiUrl, ctx.target.namespace, workflowId);
      if (url) log(url);
    } finally {
      await ctx.close();
    }
  });
}
