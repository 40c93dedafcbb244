import type { Command } from 'commander';
import { UnknownRunError } from '../../client/client-errors';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { findPlan } from '../../client/catalog-rebuild';
import { connectClient, resolveTemporalTarget } from '../../client/connection';
import { resolveRun } from '../../client/find-run';
import { runTrigger, type RunTrigger } from '../../client/run-trigger';
import type { Plan } from '../../sdk/protocol/plan';
import type { Catalog, RunRecord } from '../../sdk/catalog';
import { defaultCatalogLocation } from '../../sdk/definitions/settings';
import { ReexecutionTags } from '../../client/reexecute';
import { openCliContext } from '../cli-context';
import { followAndReport } from '../run-command';
import { positiveInt, withCommonOptions, withJsonOption } from '../common-options';
import { catalogMayExist, lazyCatalog } from '../lazy-catalog';
import { formatDuration, formatTime, log, out, printJson, printTable } from '../output';
import { workflowUrl } from '../watch-run';

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

/** What `runs show` reads from Temporal when it can: the run config of the run's plan and its link in the Temporal UI. */
interface RunFromTemporal {
  /** Config by step key (steps given config only); null when Temporal or the run's history is out of reach. */
  config: Record<string, unknown> | null;
  url: string | null;
}

/** The run's config and UI link, read from Temporal without starting a dev server; nulls when it is out of reach. */
async function fromTemporal(workflowId: string): Promise<RunFromTemporal> {
  let connection: { close(): Promise<void> } | undefined;
  try {
    const { target, uiUrl } = await resolveTemporalTarget({ startLocalIfNeeded: false, timeoutMs: 3_000 });
    const url = workflowUrl(uiUrl, target.namespace, workflowId);
    try {
      const connected = await connectClient(target, { timeoutMs: 3_000 });
      connection = connected.connection;
      const events = (await connected.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      const plan = await findPlan(events, (payloads, index = 0) => decodeFromPayloadsAtIndex(connected.client.options.loadedDataConverter, index, (payloads?.payloads ?? []) as never));
      return { config: plan ? planConfig(plan) : null, url };
    } catch {
      return { config: null, url };
    }
  } catch {
    return { config: null, url: null };
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** The run config of a plan, by step key: the steps given config (empty objects left out). */
export function planConfig(plan: Plan): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const step of plan.steps) {
    const value = step.config;
    if (value === null || value === undefined) continue;
    if (typeof value === 'object' && Object.keys(value as object).length === 0) continue;
    config[step.key] = value;
  }
  return config;
}

/** The lines `runs show` prints above the steps: status, workflow, target, partition, trigger, backfill, tags, config, times and the UI link. */
export function runHeaderLines(run: RunRecord, trigger: RunTrigger, temporal: RunFromTemporal): string[] {
  const lines = [`Run ${run.runId}  ${run.status}`, `  workflow   ${run.workflowId}`, `  target     ${run.job ? `job ${run.job}` : run.selection}`];
  if (run.partitionKey) lines.push(`  partition  ${run.partitionKey}`);
  else if (run.partitionRange) lines.push(`  partition  ${run.partitionRange.from}...${run.partitionRange.to}`);
  lines.push(`  trigger    ${trigger.text}`);
  if (run.backfillId) lines.push(`  backfill   ${run.backfillId}`);
  const tags = Object.entries(run.tags ?? {});
  if (tags.length > 0) lines.push(`  tags       ${tags.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  if (temporal.config && Object.keys(temporal.config).length > 0) lines.push(`  config     ${JSON.stringify(temporal.config)}`);
  lines.push(`  started    ${formatTime(run.startedAt)}   duration ${formatDuration(run.endedAt ? run.endedAt - run.startedAt : null)}`);
  if (temporal.url) lines.push(`  ui         ${temporal.url}`);
  return lines;
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
    .argument('<run>', 'run id, a unique prefix of one, or its workflow id')
    .option('--logs', 'also print the log lines ops wrote')
    .addHelpText('after', '\nExamples:\n  $ stratum runs show 3f0c --logs\n  $ stratum runs show 3f0c2a71-… --json');
  withJsonOption(withCatalogOption(show)).action(async (id: string, options) => {
    await withCatalog(options, async (catalog) => {
      if (!catalog) throw new UnknownRunError(id);
      const run = await resolveRun(catalog, id);
      const materializations = await catalog.runMaterializations(run.runId);
      const logs = options.logs || options.json ? await catalog.runLogs(run.runId) : [];
      const trigger = runTrigger(run);
      const temporal = await fromTemporal(run.workflowId);
      if (options.json) return printJson({ ...run, trigger, config: temporal.config, url: temporal.url, materializations, logs });
      for (const line of runHeaderLines(run, trigger, temporal)) out(line);
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
      const workflowId = id.startsWith('stratum/') ? id : (await resolveRun(ctx.catalog, id)).workflowId;
      await ctx.client.workflow.getHandle(workflowId).cancel();
      log(`Cancellation requested for ${workflowId}.`);
      const url = workflowUrl(ctx.uiUrl, ctx.target.namespace, workflowId);
      if (url) log(url);
    } finally {
      await ctx.close();
    }
  });
}
