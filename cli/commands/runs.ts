import type { Command } from 'commander';
import { UnknownRunError } from '../../client/client-errors';
import { findRun as findRunOrNull } from '../../client/find-run';
import type { Catalog } from '../../sdk/catalog';
import { openCliContext } from '../cli-context';
import { positiveInt, withCommonOptions, withJsonOption } from '../common-options';
import { formatDuration, formatTime, log, out, printJson, printTable } from '../output';
import { workflowUrl } from '../watch-run';

/** The run with its steps, by run id or workflow id; {@link UnknownRunError} when the catalog has none. */
async function findRun(catalog: Catalog, idOrWorkflowId: string) {
  const run = await findRunOrNull(catalog, idOrWorkflowId);
  if (!run) throw new UnknownRunError(idOrWorkflowId);
  return run;
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
  withJsonOption(withCommonOptions(list)).action(async (options) => {
    const ctx = await openCliContext(options, { temporal: false });
    try {
      const rows = await ctx.catalog.listRuns({ limit: options.limit, status: options.status, job: options.job, assetKey: options.asset });
      if (options.json) return printJson(rows);
      if (rows.length === 0) return out('No runs yet.');
      printTable(
        ['RUN', 'STATUS', 'TARGET', 'PARTITION', 'STARTED', 'DURATION'],
        rows.map((r) => [r.runId, r.status, r.job ?? r.selection, r.partitionKey ?? (r.partitionRange ? `${r.partitionRange.from}...${r.partitionRange.to}` : null), formatTime(r.startedAt), formatDuration(r.endedAt ? r.endedAt - r.startedAt : null)]),
      );
    } finally {
      await ctx.close();
    }
  });

  const show = runs
    .command('show')
    .description('Show a run: its steps, materializations and log lines')
    .argument('<run>', 'run id (or its workflow id)')
    .option('--logs', 'also print the log lines ops wrote')
    .addHelpText('after', '\nExample:\n  $ stratum runs show 3f0c… --logs');
  withJsonOption(withCommonOptions(show)).action(async (id: string, options) => {
    const ctx = await openCliContext(options, { temporal: false });
    try {
      const run = await findRun(ctx.catalog, id);
      const materializations = await ctx.catalog.runMaterializations(run.runId);
      const logs = options.logs || options.json ? await ctx.catalog.runLogs(run.runId) : [];
      if (options.json) return printJson({ ...run, materializations, logs });
      out(`Run ${run.runId}  ${run.status}`);
      out(`  workflow   ${run.workflowId}`);
      out(`  target     ${run.job ? `job ${run.job}` : run.selection}`);
      if (run.partitionKey) out(`  partition  ${run.partitionKey}`);
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
