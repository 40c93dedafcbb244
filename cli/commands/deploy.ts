import type { Command } from 'commander';
import { openCliContext, type CommonOptions } from '../cli-context';
import { withCommonOptions, withJsonOption } from '../common-options';
import { deploy } from '../../client/deploy';
import type { DeployAction } from '../../client/deploy-action';
import { DEFAULT_LOCATION } from '../../sdk/protocol/location';
import { log, out, printJson } from '../output';
import { resolveWorkspace } from '../workspace/load-workspace';
import { checkWorkspaceAssetKeys, loadAllLocations } from '../workspace/open-location';

/** `stratum deploy`: bring the cluster's schedules and sensors in line with the code. */
export function configureDeployCommand(program: Command): void {
  const command = program
    .command('deploy')
    .addHelpText(
      'after',
      '\nIn a workspace, each location is deployed on its own (its schedules and sensors only, on its task queue):\n' +
        'every location, or the one --location names. Deploying one location never touches another\'s.\n' +
        '\nExamples:\n  $ stratum deploy --defs examples/etl/defs.ts\n  $ stratum deploy --workspace examples/workspace/stratum.workspace.json --location etl\n  $ TEMPORAL_ADDRESS=temporal.internal:7233 STRATUM_TASK_QUEUE=etl stratum deploy --json',
    );
  withJsonOption(withCommonOptions(command)).action(async (options: CommonOptions & { json?: boolean }) => {
    const workspace = resolveWorkspace(options);
    if (workspace.file !== null && workspace.locations.length > 1) {
      // Asset keys are global in a workspace: refuse to deploy code whose locations define the same one.
      checkWorkspaceAssetKeys(loadAllLocations(workspace).filter((l) => l.definitions !== null));
    }
    const names = options.location !== undefined || workspace.locations.length === 1 ? [options.location] : workspace.locations.map((l) => l.name);
    const all: (DeployAction & { location: string })[] = [];
    let failed = false;
    for (const name of names) {
      let ctx;
      try {
        ctx = await openCliContext({ ...options, location: name });
      } catch (error) {
        if (names.length === 1) throw error;
        failed = true;
        log(`Location ${name}: not deployed: ${(error as Error).message}`);
        continue;
      }
      try {
        const location = ctx.location.name;
        const actions = await deploy(ctx.client, ctx.definitions, { taskQueue: ctx.taskQueue });
        all.push(...actions.map((a) => ({ ...a, location })));
        if (options.json) continue;
        const prefix = location === DEFAULT_LOCATION ? '' : `${location}: `;
        if (names.length > 1) out(`Location ${location} (task queue ${ctx.taskQueue}):`);
        if (actions.length === 0) out(`${prefix}Nothing to deploy: the definitions have no schedules or sensors, and the cluster has none for this ${location === DEFAULT_LOCATION ? 'task queue' : 'location'}.`);
        for (const a of actions) out(`${prefix}${a.kind} ${a.name}: ${a.action}${a.detail ? ` (${a.detail})` : ''}`);
      } finally {
        await ctx.close();
      }
    }
    if (options.json) printJson(all.map(({ location, ...a }) => (location === DEFAULT_LOCATION ? a : { ...a, location })));
    if (failed) process.exitCode = 1;
  });
}
