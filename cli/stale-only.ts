import type { PlanRequest } from '../sdk/planning/planner';
import { staleSelection } from '../sdk/versions/stale-selection';
import { describeStaleCause, type PartitionStaleness } from '../sdk/versions/staleness';
import type { CliContext } from './cli-context';
import { log, out, printJson } from './output';
import { startAndReport, type RunCommandOptions } from './run-command';

/**
 * `stratum materialize <selection> --stale-only`: validates the whole request, observes the
 * selection's observable source assets (one run), then runs only the missing and stale assets
 * (a second run), printing on stderr what it skipped and why it runs the rest. Nothing stale:
 * says so and exits 0. Returns the exit code.
 */
export async function materializeStaleOnly(ctx: CliContext, request: PlanRequest & { selection: string }, options: RunCommandOptions): Promise<number> {
  await ctx.stratum.plan(request); // refuse a bad selection, partition or config before anything starts
  const partitionKey = request.partitionKey ?? null;
  let split = await staleSelection(ctx.definitions, ctx.catalog, request.selection, partitionKey);
  if (split.sources.length > 0) {
    const partitioned = split.sources.some((k) => ctx.definitions.assetNodes.get(k)!.partitions !== null);
    log(`Observing ${split.sources.length} source asset${split.sources.length === 1 ? '' : 's'} first: ${split.sources.join(', ')}`);
    const plan = await ctx.stratum.plan({ ...request, config: undefined, onlyAssets: split.sources, partitionKey: partitioned ? partitionKey : null });
    const run = await (await ctx.ensureWorker({ detach: options.detach })).startPlan(plan);
    try {
      await run.result();
    } catch (error) {
      log(`Observing the source assets failed (run ${plan.runId}): ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
    split = await staleSelection(ctx.definitions, ctx.catalog, request.selection, partitionKey);
  }
  for (const s of split.skip) log(`Skipping ${label(s)}: fresh`);
  for (const s of split.run) log(`Running ${label(s)}: ${why(s)}`);
  if (split.run.length === 0) {
    if (options.json) printJson({ status: 'nothing-to-do', runId: null, skipped: split.skip.map(label) });
    else out(`Nothing to do: ${split.skip.length === 1 ? 'the selected asset is' : `all ${split.skip.length} selected assets are`} fresh.`);
    return 0;
  }
  const onlyAssets = split.run.map((s) => s.assetKey);
  // Config of steps left out would be refused as "no step in this run": keep the planned steps' only.
  const planned = new Set(onlyAssets.flatMap((k) => ctx.definitions.assetNodes.get(k)!.stepKeys));
  const config = request.config && Object.fromEntries(Object.entries(request.config).filter(([k]) => planned.has(k)));
  // Only unpartitioned assets left: the planner would refuse a partition key none of them has.
  const partitioned = onlyAssets.some((k) => ctx.definitions.assetNodes.get(k)!.partitions !== null);
  return startAndReport(ctx, { ...request, config, onlyAssets, partitionKey: partitioned ? partitionKey : null }, options);
}

function label(s: PartitionStaleness): string {
  return s.partitionKey === null ? s.assetKey : `${s.assetKey} [${s.partitionKey}]`;
}

function why(s: PartitionStaleness): string {
  return s.status === 'missing' ? 'missing' : `stale: ${s.causes.map(describeStaleCause).join('; ')}`;
}
