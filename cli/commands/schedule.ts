import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { Command } from 'commander';
import { InvalidRunRequestError } from '../../sdk/errors';
import { previewTicks } from '../../sdk/automation/schedules/schedule-ticks';
import { openCliContext, type CliContext } from '../cli-context';
import { positiveInt, withCommonOptions, withJsonOption, withLocationOptions } from '../common-options';
import { loadLocation, type LocationOptions } from '../workspace/open-location';
import { formatTime, log, out, printJson, printTable } from '../output';
import { backfillSchedule } from '../../client/schedule-backfill';
import { describeCadence } from '../../client/schedule-options';
import { resolveScheduleName } from '../../client/schedule-name';
import { deployedScheduleHandle } from '../../client/schedule-control';
import { scheduleStatuses } from '../../client/schedule-status';

/** The Temporal handle of a schedule named in the code; refuses unknown names and undeployed schedules (`ScheduleNotDeployedError`). */
function deployedHandle(ctx: CliContext, name: string) {
  return deployedScheduleHandle(ctx.client, ctx.definitions, name);
}

/** `stratum schedule list|preview|pause|unpause|trigger|backfill`. */
export function configureScheduleCommand(program: Command): void {
  const schedule = program.command('schedule');

  const list = schedule
    .command('list')
    .description('List schedules: state, next three ticks, last runs and their status')
    .option('--recent <n>', 'how many recent runs to show', positiveInt('--recent'), 3)
    .addHelpText('after', '\nExample:\n  $ stratum schedule list --defs examples/etl/defs.ts');
  withJsonOption(withCommonOptions(list)).action(async (options) => {
    const ctx = await openCliContext(options);
    try {
      const statuses = await scheduleStatuses(ctx.client, ctx.definitions, { taskQueue: ctx.taskQueue, next: 3, recent: options.recent });
      if (options.json) return printJson(statuses);
      if (statuses.length === 0) return out('No schedules. Add one with schedule({ ... }) to Definitions({ schedules: [...] }), then run `stratum deploy`.');
      for (const s of statuses) {
        const state = s.state === 'not-deployed' ? 'not deployed (run stratum deploy)' : s.state === 'not-in-code' ? 'not in the code (stratum deploy deletes it)' : `${s.state}${s.upToDate ? '' : ' (changed in the code: run stratum deploy)'}`;
        out(`${s.name}  ${state}`);
        if (s.cadence) out(`  ${s.cadence}, ${s.target}`);
        if (s.nextTicks.length) out(`  next: ${s.nextTicks.map((t) => `${formatTime(Date.parse(t.at))}${t.partitionKey ? ` [${t.partitionKey}]` : ''}`).join(', ')}`);
        for (const r of s.recentRuns) out(`  ran:  ${formatTime(Date.parse(r.scheduledAt))}  ${r.status.toLowerCase()}  ${r.workflowId}`);
      }
    } finally {
      await ctx.close();
    }
  });

  const preview = schedule
    .command('preview')
    .description('Show the next ticks of a schedule (and the partitions they run), from the code alone')
    .argument('<name>', 'schedule name')
    .option('--count <n>', 'how many ticks', positiveInt('--count'), 10)
    .option('--after <time>', 'start from this time instead of now (ISO 8601)')
    .addHelpText('after', '\nExample:\n  $ stratum schedule preview daily_sales --count 5');
  withJsonOption(withLocationOptions(preview)).action(
    async (name: string, options: LocationOptions & { count: number; after?: string; json?: boolean }) => {
      const resolved = resolveScheduleName(loadLocation(options).definitions, name);
      const after = options.after ? new Date(options.after) : new Date();
      if (Number.isNaN(after.getTime())) throw new InvalidRunRequestError(`--after "${options.after}" is not a time; write 2024-03-01T00:00:00Z.`);
      const ticks = previewTicks(resolved, after, options.count);
      if (options.json) return printJson(ticks.map((t) => ({ at: t.at.toISOString(), partitionKey: t.partitionKey })));
      log(`Schedule ${resolved.name}: ${describeCadence(resolved)}`);
      printTable(resolved.partitions ? ['TICK (UTC)', 'PARTITION'] : ['TICK (UTC)'], ticks.map((t) => (resolved.partitions ? [t.at.toISOString(), t.partitionKey] : [t.at.toISOString()])));
    },
  );

  for (const [verb, description] of [
    ['pause', 'Pause a schedule (deploys keep it paused)'],
    ['unpause', 'Unpause a paused schedule'],
  ] as const) {
    const command = schedule.command(verb).description(description).argument('<name>', 'schedule name').option('--note <text>', 'why (shown in the Temporal UI)').addHelpText('after', `\nExample:\n  $ stratum schedule ${verb} daily_sales --note "warehouse maintenance"`);
    withCommonOptions(command).action(async (name: string, options) => {
      const ctx = await openCliContext(options);
      try {
        const handle = await deployedHandle(ctx, name);
        await handle[verb](options.note ?? `${verb}d with stratum schedule ${verb}`);
        log(`Schedule ${name}: ${verb}d.`);
      } finally {
        await ctx.close();
      }
    });
  }

  const trigger = schedule.command('trigger').description('Start one run of a schedule now (whatever its overlap policy)').argument('<name>', 'schedule name').addHelpText('after', '\nExample:\n  $ stratum schedule trigger daily_sales');
  withCommonOptions(trigger).action(async (name: string, options) => {
    const ctx = await openCliContext(options);
    try {
      await (await deployedHandle(ctx, name)).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
      log(`Schedule ${name}: triggered (stratum schedule list shows the run).`);
    } finally {
      await ctx.close();
    }
  });

  const backfill = schedule
    .command('backfill')
    .description("Run a schedule's past ticks between two times (both inclusive), every tick, through Temporal's schedule backfill")
    .argument('<name>', 'schedule name')
    .requiredOption('--from <time|partition>', 'first tick: ISO date or time, or (partitioned schedules) the first partition to run')
    .requiredOption('--to <time|partition>', 'last tick: ISO date or time, or (partitioned schedules) the last partition to run')
    .addHelpText('after', '\nExamples:\n  $ stratum schedule backfill events_daily --from 2024-03-01 --to 2024-03-03   # partitions 2024-03-01..03\n  $ stratum schedule backfill heartbeat --from 2024-03-01T10:00:00Z --to 2024-03-01T10:05:00Z');
  withJsonOption(withCommonOptions(backfill)).action(async (name: string, options) => {
    const ctx = await openCliContext(options);
    try {
      await deployedHandle(ctx, name);
      const range = await backfillSchedule(ctx.client, ctx.definitions, name, { from: options.from, to: options.to });
      const summary = { schedule: name, ticks: range.ticks, from: range.from.toISOString(), to: range.to.toISOString(), partitions: range.partitions };
      if (options.json) return printJson(summary);
      out(`Schedule ${name}: backfilling ${range.ticks} tick${range.ticks === 1 ? '' : 's'} from ${summary.from} to ${summary.to}${range.partitions ? ` (partitions ${range.partitions.from} to ${range.partitions.to})` : ''}.`);
    } finally {
      await ctx.close();
    }
  });
}
