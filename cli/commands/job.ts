import type { Command } from 'commander';
import { openCliContext } from '../cli-context';
import { withCommonOptions, withExecutionModeOption, withJsonOption, withRunOptions } from '../common-options';
import { out, printJson, printTable } from '../output';
import { parseConfigOption, parseTags } from '../run-config-option';
import { startAndReport } from '../run-command';

/** `stratum job run|list`. */
export function configureJobCommand(program: Command): void {
  const job = program.command('job');
  const run = job
    .command('run')
    .description('Run a job')
    .argument('<name>', 'job name')
    .addHelpText('after', '\nExample:\n  $ stratum job run etl_job --defs examples/etl/defs.ts');
  withRunOptions(run, 'run config keyed by node name (op jobs) or asset key (asset jobs)');
  withExecutionModeOption(run);
  withJsonOption(withCommonOptions(run)).action(async (name: string, options) => {
    const ctx = await openCliContext(options);
    try {
      process.exitCode = await startAndReport(
        ctx,
        { job: name, partitionKey: options.partition ?? null, config: parseConfigOption(options.config), tags: parseTags(options.tag), maxConcurrent: options.maxConcurrent, ...(options.executionMode !== undefined ? { executionMode: options.executionMode } : {}) },
        options,
      );
    } finally {
      await ctx.close();
    }
  });
  const list = job.command('list').description('List the jobs in the definitions').addHelpText('after', '\nExample:\n  $ stratum job list --json');
  withJsonOption(withCommonOptions(list)).action(async (options) => {
    const ctx = await openCliContext(options, { temporal: false });
    try {
      const jobs = ctx.definitions.jobs.map((j) => ({
        name: j.name,
        kind: j.kind === 'asset-job' ? 'assets' : 'ops',
        target: j.kind === 'asset-job' ? j.options.selection : j.options.graph.nodes.map((n) => n.name).join(', '),
        description: j.options.description ?? null,
      }));
      if (options.json) printJson(jobs);
      else if (jobs.length === 0) out('No jobs.');
      else printTable(['JOB', 'KIND', 'SELECTION / OPS', 'DESCRIPTION'], jobs.map((j) => [j.name, j.kind, j.target, j.description]));
    } finally {
      await ctx.close();
    }
  });
}
