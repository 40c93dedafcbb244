import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ScheduleNotFoundError, WorkflowFailedError, type Client } from '@temporalio/client';
import { connectClient } from '../client/connection';
import { deploy } from '../client/deploy';
import { backfillSchedule, scheduleBackfillRange } from '../client/schedule-backfill';
import { scheduleStatuses } from '../client/schedule-status';
import {
  asset,
  assetJob,
  dailyPartitions,
  Definitions,
  hourlyPartitions,
  inMemoryIOManager,
  InvalidScheduleError,
  previewTicks,
  schedule,
  scheduleIdOf,
  staticPartitions,
    type ScheduleDefinition,
} from '../sdk';
import { partitionForTick } from '../sdk/automation/schedules/schedule-ticks';
import { z } from 'zod';
import { runStratum } from './harness/cli-process';
import { startTestStratum, type TestStratum } from './harness/stratum-test-worker';
import { testTemporalAddress, testTemporalTarget, uniqueTaskQueue } from './harness/test-env';
import { captureError, waitFor } from './harness/wait';
import { resolvedSchedule } from '../sdk/planning/schedule-resolution';
import { validateDefinitions } from '../sdk/planning/validate-definitions';

const suffix = `${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
const unique = (name: string) => `${name}_${suffix}`;

const memory = inMemoryIOManager();
const ping = asset({ key: 'sched/ping', config: z.object({ greeting: z.string().default('hi') }) }, (_, ctx) => ctx.config.greeting);
const days = dailyPartitions({ start: '2024-01-01' });
const daily = asset({ key: 'sched/daily', partitions: days }, (_, ctx) => ctx.partitionKey);
const hourly = asset({ key: 'sched/hourly', partitions: hourlyPartitions({ start: '2024-01-01-00:00' }) }, (_, ctx) => ctx.partitionKey);
const regional = asset({ key: 'sched/regional', partitions: staticPartitions(['us', 'eu']) }, (_, ctx) => ctx.partitionKey);
const pingJob = assetJob({ name: 'sched_ping', selection: 'sched/ping' });
const assets = [ping, daily, hourly, regional];

const defsWith = (...schedules: ScheduleDefinition[]) => new Definitions({ assets, jobs: [pingJob], ioManagers: { default: memory }, schedules });
/** Definitions checked as the CLI and workers load them: schedules are planned there. */
const validatedDefsWith = (...schedules: ScheduleDefinition[]) => {
  const defs = defsWith(...schedules);
  validateDefinitions(defs);
  return defs;
};

describe('schedule definitions', () => {
  test.each([
    { name: 'a malformed cron', cron: 'every day', message: /has 2 fields; use five/ },
    { name: 'an out-of-range minute', cron: '61 * * * *', message: /is not valid/ },
    { name: 'a six-field cron (a year to Temporal)', cron: '*/10 * * * * *', message: /six fields.*Temporal Schedules read a sixth field as a year, not seconds.*every: '10s'/ },
    { name: '@every', cron: '@every 10s', message: /every: '10s'/ },
    { name: 'L, W, # or H', cron: '0 0 L * *', message: /uses L, W, # or H/ },
  ])('refuses $name', ({ cron, message }) => {
    const error = captureError(() => schedule({ name: 'bad', selection: 'sched/ping', cron }));
    expect(error).toBeInstanceOf(InvalidScheduleError);
    expect((error as InvalidScheduleError).code).toBe('STRATUM_INVALID_SCHEDULE');
    expect(error.message).toMatch(/^Invalid schedule "bad": /);
    expect(error.message).toMatch(message);
  });

  test.each([
    { name: 'both cron and every', options: { cron: '0 * * * *', every: '10s' as const }, message: /either cron or every, not both/ },
    { name: 'neither cron nor every', options: {}, message: /says when to run with cron/ },
    { name: 'a sub-second interval', options: { every: '500ms' as const }, message: /at least '1s'/ },
    { name: 'an unknown time zone', options: { cron: '0 6 * * *', timezone: 'Mars/Olympus' }, message: /not an IANA time zone/ },
    { name: 'an unknown overlap policy', options: { every: '10s' as const, overlap: 'sometimes' as never }, message: /overlap "sometimes" is not one of/ },
  ])('refuses $name', ({ options, message }) => {
    expect(() => schedule({ name: 'bad', selection: 'sched/ping', ...options })).toThrow(message);
  });

  test('a macro is expanded to the five-field cron Temporal gets', () => {
    expect(schedule({ name: 's', selection: 'sched/ping', cron: '@daily' }).cron).toBe('0 0 * * *');
  });

  test('loading definitions checks schedules\' targets, config and partitions, naming the schedule', () => {
    expect(() => validatedDefsWith(schedule({ name: 's', job: 'sched_pnig', cron: '0 * * * *' }))).toThrow(/schedule "s": job "sched_pnig" is not in Definitions \(did you mean "sched_ping"\?\)/);
    expect(() => validatedDefsWith(schedule({ name: 's', selection: 'sched/pnig', cron: '0 * * * *' }))).toThrow(/schedule "s".*Unknown selection.*"sched\/ping"/);
    expect(() => validatedDefsWith(schedule({ name: 's', selection: 'sched/ping', cron: '0 * * * *', config: { 'sched/ping': { greeting: 5 } } }))).toThrow(/schedule "s": its config does not fit its steps. schemas: sched\/ping.greeting: /);
    expect(() => validatedDefsWith(schedule({ name: 's', selection: 'sched/daily', cron: '0 * * * *' }))).toThrow(/is partitioned .*set partitioned: true/);
    expect(() => validatedDefsWith(schedule({ name: 's', selection: 'sched/ping', partitioned: true }))).toThrow(/none of the assets it runs is/);
    expect(() => validatedDefsWith(schedule({ name: 's', selection: 'sched/regional', partitioned: true }))).toThrow(/only pick time-window partitions/);
    expect(() => validatedDefsWith(schedule({ name: 's', selection: 'sched/daily, sched/hourly', partitioned: true }))).toThrow(/do not share one cadence/);
    expect(() => defsWith(schedule({ name: 's', selection: 'sched/ping', every: '1m' }), schedule({ name: 's', selection: 'sched/ping', every: '2m' }))).toThrow(/"s" is used more than once/);
  });

  test('a partitioned schedule without a cadence ticks at its partitions\' cadence and runs the window each tick closes', () => {
    const defs = defsWith(schedule({ name: 'days', selection: 'sched/daily', partitioned: true }));
    const resolved = resolvedSchedule(defs, 'days')!;
    expect(resolved.cadence).toEqual({ kind: 'cron', cron: '0 0 * * *', timezone: 'UTC' });
    expect(resolved.definition.overlap).toBe('buffer_all');
    expect(previewTicks(resolved, new Date('2024-03-01T12:00:00Z'), 3)).toEqual([
      { at: new Date('2024-03-02T00:00:00Z'), partitionKey: '2024-03-01' },
      { at: new Date('2024-03-03T00:00:00Z'), partitionKey: '2024-03-02' },
      { at: new Date('2024-03-04T00:00:00Z'), partitionKey: '2024-03-03' },
    ]);
    // The nominal time decides, not the moment the run starts: a tick at 06:00 still runs yesterday.
    expect(partitionForTick(resolved, new Date('2024-03-02T06:00:00Z'))).toBe('2024-03-01');
    expect(partitionForTick(resolved, new Date('2024-01-01T00:00:00Z'))).toBeNull();
  });

  test('past the partitions\' end, ticks run the last window once, then nothing (not the last partition again and again)', () => {
    const ending = asset({ key: 'sched/ending', partitions: dailyPartitions({ start: '2024-01-01', end: '2024-02-01' }) }, () => 1);
    const resolved = resolvedSchedule(new Definitions({ assets: [ending], schedules: [schedule({ name: 'ending', selection: 'sched/ending', partitioned: true })] }), 'ending')!;
    expect(partitionForTick(resolved, new Date('2024-02-01T00:00:00Z'))).toBe('2024-01-31');
    expect(partitionForTick(resolved, new Date('2024-02-01T23:00:00Z'))).toBe('2024-01-31');
    expect(partitionForTick(resolved, new Date('2024-02-02T00:00:00Z'))).toBeNull();
    expect(partitionForTick(resolved, new Date('2025-06-01T00:00:00Z'))).toBeNull();
  });

  test('intervals tick on multiples of the interval since the epoch, as Temporal does', () => {
    const resolved = resolvedSchedule(defsWith(schedule({ name: 'fast', selection: 'sched/ping', every: '10s' })), 'fast')!;
    expect(previewTicks(resolved, new Date('2024-03-01T00:00:03Z'), 2).map((t) => t.at.toISOString())).toEqual(['2024-03-01T00:00:10.000Z', '2024-03-01T00:00:20.000Z']);
  });

  test('a backfill given as partitions covers the ticks that run exactly those partitions', () => {
    const resolved = resolvedSchedule(defsWith(schedule({ name: 'late', selection: 'sched/daily', partitioned: true, cron: '0 3 * * *' })), 'late')!;
    const range = scheduleBackfillRange(resolved, '2024-03-01', '2024-03-03');
    expect(range).toEqual({ from: new Date('2024-03-02T03:00:00Z'), to: new Date('2024-03-04T03:00:00Z'), ticks: 3, partitions: { from: '2024-03-01', to: '2024-03-03' } });
  });
});

/** The runs a schedule started, from the catalog. */
async function scheduledRuns(t: TestStratum, assetKey: string, name: string) {
  return (await t.catalog.listRuns({ assetKey, limit: 1_000 })).filter((r) => r.tags['stratum/schedule'] === name);
}

async function deleteSchedules(client: Client, names: string[]) {
  for (const name of names) await client.schedule.getHandle(scheduleIdOf(name)).delete().catch(() => undefined);
}

describe('schedules on Temporal', () => {
  const fast = unique('fast');
  const days = unique('days');
  const gone = unique('gone');
  const deployQueue = uniqueTaskQueue('deploy');
  const a = unique('a');
  const b = unique('b');
  const c = unique('c');
  let t: TestStratum;

  beforeAll(async () => {
    t = await startTestStratum(
      defsWith(
        schedule({ name: fast, selection: 'sched/ping', every: '2s', config: { 'sched/ping': { greeting: 'scheduled' } }, tags: { team: 'data' } }),
        schedule({ name: days, selection: 'sched/daily', partitioned: true }),
      ),
      { prefix: 'schedule' },
    );
  });
  afterAll(async () => {
    await deleteSchedules(t.client, [fast, days, gone, a, b, c]);
    await t?.stop();
  });

  test('deploy creates the schedules; an every: 2s schedule starts runs with the schedule\'s config and search attributes', async () => {
    const actions = await deploy(t.client, t.stratum.definitions, { taskQueue: t.taskQueue });
    expect(actions.filter((a) => a.kind === 'schedule').map((a) => [a.name, a.action]).sort()).toEqual([[days, 'created'], [fast, 'created']].sort());
    await waitFor(async () => (await scheduledRuns(t, 'sched/ping', fast)).filter((r) => r.status === 'succeeded').length >= 2, 60_000, 250);
    const [run] = (await scheduledRuns(t, 'sched/ping', fast)).filter((r) => r.status === 'succeeded');
    expect(run!.tags).toMatchObject({ team: 'data', 'stratum/schedule': fast });
    expect(run!.workflowId.startsWith(`${scheduleIdOf(fast)}-`)).toBe(true);
    const [materialization] = await t.catalog.runMaterializations(run!.runId);
    expect(materialization!.assetKey).toBe('sched/ping');
    expect(memory.values.get('assets/sched/ping/__all__')).toBeDefined();
    const workflow = await t.client.workflow.getHandle(run!.workflowId).describe();
    expect(workflow.type).toBe('scheduledRun');
    expect(workflow.searchAttributes.StratumSchedule).toEqual([fast]);
    expect(workflow.searchAttributes.StratumKind).toEqual(['run']);
    expect(workflow.searchAttributes.StratumAssetKeys).toEqual(['sched/ping']);
    await t.client.schedule.getHandle(scheduleIdOf(fast)).pause('test done');

    const [status] = (await scheduleStatuses(t.client, t.stratum.definitions, { taskQueue: t.taskQueue })).filter((s) => s.name === fast);
    expect(status).toMatchObject({ state: 'paused', upToDate: true, cadence: 'every 2s' });
    expect(status!.recentRuns.length).toBeGreaterThan(0);
    expect(status!.recentRuns[0]!.status).toMatch(/COMPLETED|RUNNING/);
  });

  test('a daily partitioned schedule backfilled over three past days runs exactly those three partitions', async () => {
    await deploy(t.client, t.stratum.definitions, { taskQueue: t.taskQueue });
    const range = await backfillSchedule(t.client, t.stratum.definitions, days, { from: '2024-02-10', to: '2024-02-12' });
    expect(range.ticks).toBe(3);
    await waitFor(async () => (await scheduledRuns(t, 'sched/daily', days)).filter((r) => r.status === 'succeeded').length >= 3, 60_000, 250);
    const runs = await scheduledRuns(t, 'sched/daily', days);
    expect(runs.map((r) => r.partitionKey).sort()).toEqual(['2024-02-10', '2024-02-11', '2024-02-12']);
    expect(runs.map((r) => r.tags['stratum/scheduled_at']).sort()).toEqual(['2024-02-11T00:00:00.000Z', '2024-02-12T00:00:00.000Z', '2024-02-13T00:00:00.000Z']);
    const description = await t.client.schedule.getHandle(scheduleIdOf(days)).describe();
    expect(description.info.recentActions).toHaveLength(3);
    const workflow = await t.client.workflow.getHandle(runs[0]!.workflowId).describe();
    expect(workflow.searchAttributes.StratumPartition).toEqual([runs[0]!.partitionKey]);
  });

  test('a tick of a schedule the worker no longer defines fails without retrying, telling the user to run stratum deploy', async () => {
    // Deploy a schedule the worker's definitions do not have onto the worker's task queue.
    const elsewhere = defsWith(schedule({ name: gone, selection: 'sched/ping', cron: '0 0 1 1 *' }));
    await deploy(t.client, elsewhere, { taskQueue: t.taskQueue });
    const handle = t.client.schedule.getHandle(scheduleIdOf(gone));
    await handle.trigger();
    let workflowId = '';
    await waitFor(async () => {
      const actions = (await handle.describe()).info.recentActions;
      workflowId = actions[0]?.action.workflow.workflowId ?? '';
      return workflowId !== '';
    });
    const error = await t.client.workflow.getHandle(workflowId).result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    let cause: Error = error as Error;
    while (cause.cause instanceof Error) cause = cause.cause;
    expect(cause.message).toMatch(new RegExp(`Schedule "${gone}" ticked, but this worker's definitions have no such schedule.*stratum deploy`));
    await handle.delete();
  });

  test('deploy creates, updates and deletes schedules to match the code, leaving unchanged ones and a user\'s pause alone', async () => {
    const v1 = defsWith(
      schedule({ name: a, job: pingJob, cron: '0 0 1 1 *' }),
      schedule({ name: b, selection: 'sched/ping', every: '1h', defaultStatus: 'stopped' }),
    );
    const created = await deploy(t.client, v1, { taskQueue: deployQueue });
    expect(created.map((x) => [x.name, x.action])).toEqual([[a, 'created'], [b, 'created']]);
    expect((await t.client.schedule.getHandle(scheduleIdOf(b)).describe()).state.paused).toBe(true);
    expect((await deploy(t.client, v1, { taskQueue: deployQueue })).map((x) => x.action)).toEqual(['unchanged', 'unchanged']);

    await t.client.schedule.getHandle(scheduleIdOf(a)).pause('maintenance');
    // Schedule listing is eventually consistent: wait until the cluster lists b, as a later deploy would.
    await waitFor(async () => {
      for await (const s of t.client.schedule.list()) if (s.scheduleId === scheduleIdOf(b)) return true;
      return false;
    });
    const v2 = defsWith(schedule({ name: a, job: pingJob, cron: '0 6 * * *', timezone: 'Europe/Berlin' }), schedule({ name: c, selection: 'sched/ping', every: '30m' }));
    const changed = await deploy(t.client, v2, { taskQueue: deployQueue });
    expect(changed.map((x) => [x.name, x.action]).sort()).toEqual([[a, 'updated'], [b, 'deleted'], [c, 'created']].sort());
    const updated = await t.client.schedule.getHandle(scheduleIdOf(a)).describe();
    expect(updated.state.paused).toBe(true);
    expect(updated.state.note).toBe('maintenance');
    expect(updated.spec.timezone).toBe('Europe/Berlin');
    expect(updated.spec.calendars?.[0]?.hour).toEqual([{ start: 6, end: 6, step: 1 }]);
    await expect(t.client.schedule.getHandle(scheduleIdOf(b)).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);

    // Another task queue's deploy never deletes these.
    expect(await deploy(t.client, defsWith(), { taskQueue: uniqueTaskQueue('other') })).toEqual([]);
    expect((await t.client.schedule.getHandle(scheduleIdOf(c)).describe()).action.taskQueue).toBe(deployQueue);
  });
});

describe('the stratum schedule CLI', () => {
  const defs = path.join(__dirname, 'fixtures', 'schedule-defs.ts');
  const cliSuffix = unique('cli');
  const dir = mkdtempSync(path.join(tmpdir(), 'stratum-schedule-cli-'));
  const env = {
    TEMPORAL_ADDRESS: testTemporalAddress(),
    STRATUM_TASK_QUEUE: uniqueTaskQueue('schedule-cli'),
    STRATUM_CATALOG: path.join(dir, 'catalog.db'),
    STRATUM_TEST_SCHEDULE_SUFFIX: cliSuffix,
  };
  const names = ['hourly', 'daily', 'gone'].map((n) => `cli_${n}_${cliSuffix}`);

  afterAll(async () => {
    await runStratum(['deploy', '--defs', defs], { ...env, STRATUM_TEST_SCHEDULE_VERSION: 'none' });
  });

  test('deploy prints what it did; list, preview, unknown names and pause work from the command line', async () => {
    const first = await runStratum(['deploy', '--defs', defs], env);
    expect(first.code).toBe(0);
    expect(first.stdout.trim().split('\n').sort()).toEqual(
      [
        `schedule ${names[0]}: created (cron "0 * * * *" (UTC), paused)`,
        `schedule ${names[1]}: created (cron "0 0 * * *" (UTC), paused)`,
        `schedule ${names[2]}: created (every 1h, paused)`,
      ].sort(),
    );

    const preview = await runStratum(['schedule', 'preview', names[1]!, '--count', '2', '--after', '2024-03-01T12:00:00Z', '--json', '--defs', defs], env);
    expect(JSON.parse(preview.stdout)).toEqual([
      { at: '2024-03-02T00:00:00.000Z', partitionKey: '2024-03-01' },
      { at: '2024-03-03T00:00:00.000Z', partitionKey: '2024-03-02' },
    ]);

    const unknown = await runStratum(['schedule', 'pause', `cli_hourli_${cliSuffix}`, '--defs', defs], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`Unknown schedule "cli_hourli_${cliSuffix}" (did you mean "${names[0]}"?)`);

    const unpause = await runStratum(['schedule', 'unpause', names[0]!, '--defs', defs], env);
    expect(unpause.code).toBe(0);
    // Schedule listing is eventually consistent: wait until the cluster lists the one the next deploy drops.
    const { client, connection } = await connectClient(testTemporalTarget());
    try {
      await waitFor(async () => {
        for await (const s of client.schedule.list()) if (s.scheduleId === scheduleIdOf(names[2]!)) return true;
        return false;
      });
    } finally {
      await connection.close();
    }
    const v2 = { ...env, STRATUM_TEST_SCHEDULE_VERSION: '2' };
    const list = await runStratum(['schedule', 'list', '--json', '--defs', defs], v2);
    expect(list.code).toBe(0);
    const statuses = JSON.parse(list.stdout) as { name: string; state: string; upToDate: boolean; nextTicks: unknown[] }[];
    expect(statuses.find((s) => s.name === names[0])).toMatchObject({ state: 'running', upToDate: false }); // unpaused; its cron changed in v2
    expect(statuses.find((s) => s.name === names[0])!.nextTicks).toHaveLength(3);
    expect(statuses.find((s) => s.name === names[1])).toMatchObject({ state: 'paused', upToDate: true });
    expect(statuses.find((s) => s.name === names[2])!.state).toBe('not-in-code');
    const second = await runStratum(['deploy', '--defs', defs, '--json'], v2);
    expect(JSON.parse(second.stdout).map((a: { name: string; action: string }) => [a.name, a.action]).sort()).toEqual(
      [
        [names[0], 'updated'],
        [names[1], 'unchanged'],
        [names[2], 'deleted'],
      ].sort(),
    );
  });
});

describe('schedule() types', () => {
  test('a schedule targets a job or a selection, not both', () => {
    // @ts-expect-error: job and selection exclude each other
    expect(() => schedule({ name: 'both', job: 'sched_ping', selection: 'sched/ping', cron: '0 * * * *' })).toThrow(/not both/);
    // @ts-expect-error: durations are Temporal-style strings or milliseconds
    expect(() => schedule({ name: 'typo', selection: 'sched/ping', every: '10 seconds' })).toThrow(/every "10 seconds" is not a duration/);
    expect(schedule({ name: 'ok', job: pingJob, every: 10_000 }).target).toEqual({ job: 'sched_ping' });
  });
});
