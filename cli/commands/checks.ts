import type { Command } from 'commander';
import { InvalidRunRequestError } from '../../sdk/errors';
import { openCliContext } from '../cli-context';
import { positiveInt, withCommonOptions, withJsonOption } from '../common-options';
import { formatTime, log, out, printJson, printTable } from '../output';
import { printRunResult } from '../run-command';
import { watchRun, workflowUrl } from '../watch-run';

/** `stratum checks run|list`: evaluate asset checks without materializing, list checks with their latest results. */
export function configureChecksCommand(program: Command): void {
  const checks = program.command('checks');

  const run = checks
    .command('run')
    .description('Evaluate the checks of the selected assets on their stored values, as one run (no materialization)')
    .argument('<selection>', 'asset selection whose checks to run: "*", "orders", "group:sales", "a,b"')
    .option('-p, --partition <key>', 'partition to check (required for partitioned assets)')
    .option('--max-concurrent <n>', 'most checks running at once', positiveInt('--max-concurrent'))
    .addHelpText('after', '\nExamples:\n  $ stratum checks run "*"\n  $ stratum checks run sales/orders --partition 2024-03-01 --json\n\nExit code 1 when a check of severity "error" failed (blocking or not), 0 when all passed or only warnings failed.');
  withJsonOption(withCommonOptions(run)).action(async (selection: string, options) => {
    const ctx = await openCliContext(options);
    try {
      const request = { selection, partitionKey: options.partition ?? null, checks: 'only' as const, ...(options.maxConcurrent ? { maxConcurrent: options.maxConcurrent as number } : {}) };
      const plan = await ctx.stratum.plan(request);
      if (plan.steps.length === 0) {
        throw new InvalidRunRequestError(
          `The assets selected by "${selection}" have no checks, so there is nothing to run. Add checks with assetCheck() to Definitions({ assetChecks: [...] }); \`stratum checks list\` shows the checks defined.`,
        );
      }
      const stratum = await ctx.ensureWorker();
      const started = await stratum.startPlan(plan);
      log(`Started check run ${plan.runId} (${plan.steps.length} check${plan.steps.length === 1 ? '' : 's'}) as workflow ${started.workflowId}`);
      const result = await watchRun(started.handle, { quiet: options.json });
      const url = workflowUrl(ctx.uiUrl, ctx.target.namespace, started.workflowId);
      if (options.json) printJson({ ...result, workflowId: started.workflowId, url });
      else printRunResult(result);
      const errorFailed = result.steps.some((s) => s.status !== 'succeeded' || (s.checks ?? []).some((c) => c.outcome !== 'passed' && c.severity === 'error'));
      process.exitCode = errorFailed ? 1 : 0;
    } finally {
      await ctx.close();
    }
  });

  const list = checks
    .command('list')
    .description('List the asset checks defined, with the latest result of each')
    .addHelpText('after', '\nExample:\n  $ stratum checks list --json');
  withJsonOption(withCommonOptions(list)).action(async (options) => {
    const ctx = await openCliContext(options, { temporal: false });
    try {
      const rows = [];
      for (const check of ctx.definitions.assetChecks.values()) {
        const latest = (await ctx.catalog.latestCheckResults(check.assetKey)).find((r) => r.checkName === check.name) ?? null;
        rows.push({ assetKey: check.assetKey, name: check.name, stepKey: check.stepKey, severity: check.severity, blocking: check.blocking, description: check.description, latest });
      }
      if (options.json) return printJson(rows);
      if (rows.length === 0) return out('No asset checks defined.');
      printTable(
        ['ASSET', 'CHECK', 'SEVERITY', 'LAST RESULT', 'EVALUATED', 'PARTITION'],
        rows.map((r) => [r.assetKey, r.name, `${r.severity}${r.blocking ? ', blocking' : ''}`, r.latest ? r.latest.outcome.toUpperCase() : 'never run', formatTime(r.latest?.evaluatedAt), r.latest?.partitionKey]),
      );
    } finally {
      await ctx.close();
    }
  });
}
