import type { Command } from 'commander';
import { InvalidRunRequestError } from '../../sdk/errors';
import { resolveSelection } from '../../sdk/definitions/selection';
import { openCliContext } from '../cli-context';
import { withCommonOptions, withJsonOption, withRunOptions } from '../common-options';
import { formatTime, log, printJson, printTable } from '../output';
import { parseTags } from '../run-config-option';
import { watchRun } from '../watch-run';

/** `stratum observe <selection>`: observe the observable source assets of a selection as one run. */
export function configureObserveCommand(program: Command): void {
  const command = program
    .command('observe')
    
    .argument('<selection>', 'asset selection; its observable source assets are observed, e.g. "raw/orders_file" or "group:raw"')
    .addHelpText('after', '\nExamples:\n  $ stratum observe "*"\n  $ stratum observe raw/orders_file && stratum materialize "raw/orders_file*" --stale-only');
  withRunOptions(command, 'run config keyed by source asset, as JSON or @path/to/file.json');
  withJsonOption(withCommonOptions(command)).action(async (selection: string, options) => {
    const ctx = await openCliContext(options);
    try {
      const sources = resolveSelection(ctx.definitions, selection).filter((k) => ctx.definitions.assetNodes.get(k)!.observable);
      if (sources.length === 0) {
        throw new InvalidRunRequestError(`The selection "${selection}" has no observable source assets; define them with observableSourceAsset({ key }, observe) and select them (\`stratum assets list\` shows every asset).`);
      }
      const plan = await ctx.stratum.plan({ selection, onlyAssets: sources, partitionKey: options.partition ?? null, tags: parseTags(options.tag) });
      const run = await (await ctx.ensureWorker({ detach: options.detach })).startPlan(plan);
      log(`Started observation run ${plan.runId} of ${sources.join(', ')} as workflow ${run.workflowId}`);
      const result = await watchRun(run.handle, { quiet: options.json });
      const observed = [];
      for (const key of sources) {
        const node = ctx.definitions.assetNodes.get(key)!;
        const versions = await ctx.catalog.observedVersions(key, node.partitions === null ? null : plan.partitionKey ? [plan.partitionKey] : 'all');
        for (const v of versions.values()) observed.push({ assetKey: key, partitionKey: v.partitionKey, dataVersion: v.dataVersion, observedAt: v.at, metadata: v.metadata ?? {} });
      }
      if (options.json) printJson({ runId: plan.runId, status: result.status, observations: observed });
      else printTable(['ASSET', 'PARTITION', 'DATA VERSION', 'OBSERVED', 'METADATA'], observed.map((o) => [o.assetKey, o.partitionKey, o.dataVersion, formatTime(o.observedAt), JSON.stringify(o.metadata)]));
      if (result.status !== 'succeeded') {
        for (const step of result.steps.filter((s) => s.status === 'failed')) log(`  ${step.key}: ${step.error}`);
      }
      process.exitCode = result.status === 'succeeded' ? 0 : 1;
    } finally {
      await ctx.close();
    }
  });
}
