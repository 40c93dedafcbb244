import type { Command } from 'commander';
import { openCliContext } from '../cli-context';
import { withCommonOptions, withJsonOption } from '../common-options';
import { deploy } from '../../client/deploy';
import { out, printJson } from '../output';

/** `stratum deploy`: bring the cluster's schedules and sensors in line with the code. */
export function configureDeployCommand(program: Command): void {
  const command = program
    .command('deploy')
    
    .addHelpText('after', '\nExamples:\n  $ stratum deploy --defs examples/etl/defs.ts\n  $ TEMPORAL_ADDRESS=temporal.internal:7233 STRATUM_TASK_QUEUE=etl stratum deploy --json');
  withJsonOption(withCommonOptions(command)).action(async (options) => {
    const ctx = await openCliContext(options);
    try {
      const actions = await deploy(ctx.client, ctx.definitions, { taskQueue: ctx.taskQueue });
      if (options.json) return printJson(actions);
      if (actions.length === 0) return out('Nothing to deploy: the definitions have no schedules or sensors, and the cluster has none for this task queue.');
      for (const a of actions) out(`${a.kind} ${a.name}: ${a.action}${a.detail ? ` (${a.detail})` : ''}`);
    } finally {
      await ctx.close();
    }
  });
}
