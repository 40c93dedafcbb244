import type { Command } from 'commander';
import { openCliContext } from '../cli-context';
import { withCommonOptions, withExecutionModeOption, withJsonOption, withRunOptions } from '../common-options';
import { parseConfigOption, parseTags } from '../run-config-option';
import { startAndReport } from '../run-command';
import { materializeStaleOnly } from '../stale-only';

/** `stratum materialize <selection>`: materialize a selection of assets as one run. */
export function configureMaterializeCommand(program: Command): void {
  const command = program
    .command('materialize')
    
    .argument('<selection>', 'asset selection: "*", "orders", "orders+", "+report", "group:sales", "tag:k=v", "a,b"')
    .addHelpText('after', '\nExamples:\n  $ stratum materialize "*" --defs examples/etl/defs.ts\n  $ stratum materialize "*" --stale-only\n  $ stratum materialize "+daily_revenue" --partition 2024-03-01 --config \'{"orders": {"limit": 10}}\'');
  withRunOptions(command, 'run config keyed by step, as JSON or @path/to/file.json');
  withExecutionModeOption(command);
  command.option('--stale-only', 'run only the selected assets that are missing or stale (observes selected source assets first)');
  withJsonOption(withCommonOptions(command)).action(async (selection: string, options) => {
    const ctx = await openCliContext(options);
    try {
      process.exitCode = await (options.staleOnly ? materializeStaleOnly : startAndReport)(
        ctx,
        {
          selection,
          partitionKey: options.partition ?? null,
          config: parseConfigOption(options.config),
          tags: parseTags(options.tag),
          maxConcurrent: options.maxConcurrent,
          ...(options.executionMode !== undefined ? { executionMode: options.executionMode } : {}),
        },
        options,
      );
    } finally {
      await ctx.close();
    }
  });
}
