import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expectTypeOf } from 'expect-type';
import { RunFailedError } from '../client/stratum-client';
import { asset, assetCheck, dailyPartitions, Definitions, DuplicateKeyError, freshnessCheck, inMemoryIOManager, InvalidDefinitionError, rowCountCheck } from '../sdk';
import { createPlan } from '../sdk/planning/planner';
import { runStratum } from './harness/cli-process';
import { startTestStratum, type TestStratum } from './harness/stratum-test-worker';
import { testTemporalAddress, uniqueTaskQueue } from './harness/test-env';
import { captureError } from './harness/wait';

const memory = inMemoryIOManager();
let flakyCheckCalls = 0;
let blockingCheckCalls = 0;

// A passing check.
const good = asset({ key: 'good' }, () => [1, 2, 3]);
const goodSum = assetCheck({ asset: good, name: 'sum_positive' }, (values, ctx) => {
  ctx.log.info('summing', { n: values.length });
  return { passed: values.reduce((a, b) => a + b, 0) > 0, metadata: { sum: values.reduce((a, b) => a + b, 0) } };
});

// A failing error check that is not blocking: downstream goes on.
const warned = asset({ key: 'warned/source', group: 'warned' }, () => ['a']);
const warnedAfter = asset({ key: 'warned/after', group: 'warned', ins: { warned } }, ({ warned }) => warned.length);
const warnedCheck = assetCheck({ asset: warned, name: 'not_empty_enough', description: 'at least 5 values' }, (values) => ({
  passed: values.length >= 5,
  description: `${values.length} value(s)`,
}));

// A failing blocking error check: downstream is skipped, the sibling still runs, the run fails.
const blocked = asset({ key: 'blocked/source', group: 'blocked' }, () => [{ amount: -1 }]);
const blockedAfter = asset({ key: 'blocked/after', group: 'blocked', ins: { blocked } }, ({ blocked }) => blocked.length);
const blockedSibling = asset({ key: 'blocked/sibling', group: 'blocked' }, () => 'independent');
const blockedCheck = assetCheck({ asset: blocked, name: 'no_negative_amounts', blocking: true }, (rows) => {
  blockingCheckCalls += 1;
  const negative = rows.filter((r) => r.amount < 0).length;
  return { passed: negative === 0, metadata: { negative }, description: `${negative} negative amount(s)` };
});

// A blocking check of severity warn never blocks.
const softly = asset({ key: 'soft/source', group: 'soft' }, () => 1);
const softlyAfter = asset({ key: 'soft/after', group: 'soft', deps: [softly] }, () => 2);
const softCheck = assetCheck({ asset: softly, name: 'always_fails', severity: 'warn', blocking: true }, () => false);

// A check that throws once, then passes on its retry.
const flakyChecked = asset({ key: 'flaky_checked' }, () => 'x');
const flakyCheck = assetCheck({ asset: flakyChecked, name: 'flaky', retry: { maximumAttempts: 2, initialInterval: '100ms' } }, () => {
  flakyCheckCalls += 1;
  if (flakyCheckCalls === 1) throw new Error('warehouse timed out');
  return true;
});

// Ready-made checks on a partitioned asset whose value is not an array (row count from metadata).
const days = dailyPartitions({ start: '2024-01-01', end: '2024-01-10' });
const events = asset({ key: 'events', partitions: days }, (_, ctx) => {
  ctx.addOutputMetadata({ row_count: 3 });
  return { day: ctx.partitionKey };
});
const neverMaterialized = asset({ key: 'never_materialized' }, () => 0);

const defs = new Definitions({
  assets: [good, warned, warnedAfter, blocked, blockedAfter, blockedSibling, softly, softlyAfter, flakyChecked, events, neverMaterialized],
  assetChecks: [
    goodSum,
    warnedCheck,
    blockedCheck,
    softCheck,
    flakyCheck,
    rowCountCheck({ asset: events, min: 2, max: 5 }),
    rowCountCheck({ asset: events, name: 'many_rows', min: 10, severity: 'warn' }),
    freshnessCheck({ asset: events, maxAge: '1h' }),
    freshnessCheck({ asset: neverMaterialized, maxAge: '24h' }),
  ],
  ioManagers: { default: memory },
});

describe('asset check definitions and plans', () => {
  test('check functions receive the asset value typed', () => {
    assetCheck({ asset: blocked, name: 'typed' }, (rows) => {
      expectTypeOf(rows).toEqualTypeOf<{ amount: number }[]>();
      return true;
    });
    assetCheck({ asset: blocked, name: 'unloaded', loadValue: false }, (value) => {
      expectTypeOf(value).toEqualTypeOf<undefined>();
      return true;
    });
  });

  test('bad checks are refused when definitions load, naming the check and the fix', () => {
    const unknownAsset = captureError(() => new Definitions({ assets: [good], assetChecks: [goodSum, assetCheck({ asset: warned, name: 'x' }, () => true)] }));
    expect(unknownAsset).toBeInstanceOf(InvalidDefinitionError);
    expect(unknownAsset.message).toContain('check "x" of asset "warned/source" checks an asset that is not in Definitions');
    const duplicate = captureError(() => new Definitions({ assets: [good], assetChecks: [goodSum, assetCheck({ asset: good, name: 'sum_positive' }, () => true)] }));
    expect(duplicate).toBeInstanceOf(DuplicateKeyError);
    expect(duplicate.message).toContain('"good:check:sum_positive"');
    expect(() => assetCheck({ asset: good, name: 'bad name' }, () => true)).toThrow(/Invalid asset check/);
    expect(() => assetCheck({ asset: good, name: 'x', severity: 'fatal' as never }, () => true)).toThrow(/severity must be 'error' or 'warn'/);
    expect(() => rowCountCheck({ asset: good, min: 5, max: 1 })).toThrow(/min \(5\) is greater than max \(1\)/);
    expect(() => freshnessCheck({ asset: good, maxAge: '1 day' as never })).toThrow(/maxAge "1 day" is not a duration/);
  });

  test('a check step follows its asset step; downstream steps wait for blocking error checks only', () => {
    const plan = createPlan(defs, { selection: 'group:blocked,group:soft' });
    const step = (key: string) => plan.steps.find((s) => s.key === key)!;
    expect(plan.steps.map((s) => s.key)).toContain('blocked/source:check:no_negative_amounts');
    expect(step('blocked/source:check:no_negative_amounts')).toMatchObject({
      kind: 'check',
      assetKeys: [],
      dependsOn: ['blocked/source'],
      checkOf: { assetKey: 'blocked/source', name: 'no_negative_amounts', severity: 'error', blocking: true },
    });
    expect(step('blocked/after').dependsOn.sort()).toEqual(['blocked/source', 'blocked/source:check:no_negative_amounts']);
    expect(step('soft/after').dependsOn).toEqual(['soft/source']);
    expect(plan.assetKeys).not.toContain('blocked/source:check:no_negative_amounts');

    const skipped = createPlan(defs, { selection: 'group:blocked', checks: 'skip' });
    expect(skipped.steps.some((s) => s.kind === 'check')).toBe(false);

    const only = createPlan(defs, { selection: 'events', partitionKey: '2024-01-02', checks: 'only' });
    expect(only.steps.map((s) => [s.key, s.dependsOn, s.partitionKey])).toEqual([
      ['events:check:row_count', [], '2024-01-02'],
      ['events:check:many_rows', [], '2024-01-02'],
      ['events:check:freshness', [], '2024-01-02'],
    ]);
    expect(only.assetKeys).toEqual([]);
  });
});

describe('asset checks on a real Temporal dev server', () => {
  let t: TestStratum;
  beforeAll(async () => {
    t = await startTestStratum(defs, { prefix: 'checks' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  test('a passing check runs after its asset in the same run and is recorded', async () => {
    const result = await t.stratum.materialize({ selection: 'good' });
    expect(result.status).toBe('succeeded');
    const check = result.steps.find((s) => s.key === 'good:check:sum_positive')!;
    expect(check.status).toBe('succeeded');
    expect(check.startedAt!).toBeGreaterThanOrEqual(result.steps.find((s) => s.key === 'good')!.endedAt!);
    expect(check.checks).toEqual([expect.objectContaining({ assetKey: 'good', checkName: 'sum_positive', outcome: 'passed', metadata: { sum: 6 } })]);
    const [latest] = await t.catalog.latestCheckResults('good');
    expect(latest).toMatchObject({ runId: result.runId, checkName: 'sum_positive', outcome: 'passed', severity: 'error', blocking: false, partitionKey: null });
    expect((await t.catalog.runLogs(result.runId, { stepKey: 'good:check:sum_positive' })).map((l) => l.message)).toContain('summing');
  });

  test('a failing check that is not blocking is recorded as failed and downstream still runs', async () => {
    const result = await t.stratum.materialize({ selection: 'group:warned' });
    expect(result.status).toBe('succeeded');
    const status = Object.fromEntries(result.steps.map((s) => [s.key, s.status]));
    expect(status).toEqual({ 'warned/source': 'succeeded', 'warned/source:check:not_empty_enough': 'succeeded', 'warned/after': 'succeeded' });
    expect(result.steps.find((s) => s.key === 'warned/source:check:not_empty_enough')!.checks![0]).toMatchObject({ outcome: 'failed', description: '1 value(s)' });
    expect(await t.catalog.latestCheckResults('warned/source')).toEqual([expect.objectContaining({ outcome: 'failed', runId: result.runId })]);
  });

  test('a failing blocking error check skips downstream steps and fails the run with a message naming the check', async () => {
    const error = await t.stratum.materialize({ selection: 'group:blocked' }).catch((e) => e);
    expect(error).toBeInstanceOf(RunFailedError);
    expect(error.message).toContain('Blocking check "no_negative_amounts" of asset "blocked/source" failed: 1 negative amount(s) {"negative":1}');
    const result = (error as RunFailedError).result!;
    const status = Object.fromEntries(result.steps.map((s) => [s.key, s.status]));
    expect(status).toEqual({
      'blocked/source': 'succeeded',
      'blocked/source:check:no_negative_amounts': 'failed',
      'blocked/after': 'skipped',
      'blocked/sibling': 'succeeded',
    });
    expect(blockingCheckCalls).toBe(1); // a failed check is not retried
    expect(await t.catalog.latestCheckResults('blocked/source')).toEqual([expect.objectContaining({ outcome: 'failed', blocking: true, metadata: { negative: 1 } })]);
    // The asset itself was materialized; only what reads it was not.
    expect(await t.catalog.partitionStatus('blocked/source', null)).toMatchObject({ status: 'materialized' });
    expect(await t.catalog.latestMaterialization('blocked/after')).toBeNull();
  });

  test('a blocking check of severity warn never stops downstream', async () => {
    const result = await t.stratum.materialize({ selection: 'group:soft' });
    expect(result.status).toBe('succeeded');
    expect(result.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(result.steps.find((s) => s.key === 'soft/source:check:always_fails')!.checks![0]!.outcome).toBe('failed');
  });

  test('a check that throws is retried; the attempt that passes replaces the errored result', async () => {
    const result = await t.stratum.materialize({ selection: 'flaky_checked' });
    expect(result.status).toBe('succeeded');
    expect(flakyCheckCalls).toBe(2);
    const history = await t.catalog.checkHistory('flaky_checked');
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ outcome: 'passed', attempt: 2 });
  });

  test('ready-made row-count and freshness checks on a partition; checks-only runs materialize nothing', async () => {
    const result = await t.stratum.materialize({ selection: 'events', partitionKey: '2024-01-03' });
    expect(result.status).toBe('succeeded');
    const outcomes = Object.fromEntries(result.steps.flatMap((s) => s.checks ?? []).map((c) => [c.checkName, [c.outcome, c.partitionKey, c.metadata['rows'] ?? null]]));
    expect(outcomes).toEqual({ row_count: ['passed', '2024-01-03', 3], many_rows: ['failed', '2024-01-03', 3], freshness: ['passed', '2024-01-03', null] });

    const materializations = (await t.catalog.materializationHistory('events')).length;
    const checksOnly = await t.stratum.materialize({ selection: 'events,never_materialized', partitionKey: '2024-01-03', checks: 'only' });
    expect(checksOnly.steps.map((s) => s.key).sort()).toEqual(['events:check:freshness', 'events:check:many_rows', 'events:check:row_count', 'never_materialized:check:freshness']);
    expect((await t.catalog.materializationHistory('events')).length).toBe(materializations);
    const stale = checksOnly.steps.find((s) => s.key === 'never_materialized:check:freshness')!.checks![0]!;
    expect(stale).toMatchObject({ outcome: 'failed', description: 'never materialized (allowed age 24h)' });
    // A partition that was never materialized fails its value checks instead of erroring.
    const missing = await t.stratum.materialize({ selection: 'events', partitionKey: '2024-01-05', checks: 'only' });
    const rowCount = missing.steps.find((s) => s.key === 'events:check:row_count')!;
    expect(rowCount.checks![0]).toMatchObject({ outcome: 'failed', description: expect.stringContaining('has no stored value to check') });
  });

  test('a backfill runs each partition\'s checks in its child run', async () => {
    const backfill = await t.stratum.startBackfill({ selection: 'events', partitions: { from: '2024-01-06', to: '2024-01-07' }, maxConcurrent: 2 });
    const progress = await backfill.result();
    expect(progress.status).toBe('completed');
    for (const day of ['2024-01-06', '2024-01-07']) {
      const latest = await t.catalog.latestCheckResults('events', day);
      expect(latest.map((r) => [r.checkName, r.outcome])).toEqual([
        ['freshness', 'passed'],
        ['many_rows', 'failed'],
        ['row_count', 'passed'],
      ]);
    }
  });
});

describe('asset checks from the CLI', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stratum-checks-cli-'));
  const defsPath = path.join(__dirname, 'fixtures', 'checks-defs.ts');
  const env = {
    TEMPORAL_ADDRESS: testTemporalAddress(),
    STRATUM_TASK_QUEUE: uniqueTaskQueue('checks-cli'),
    STRATUM_CATALOG: path.join(dir, 'catalog.db'),
    STRATUM_STORAGE_DIR: path.join(dir, 'storage'),
  };

  test('materialize shows each check result; assets show lists the latest result of each check; checks run evaluates without materializing', async () => {
    const run = await runStratum(['materialize', '*', '--defs', defsPath], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/checks\/orders\s+row_count\s+-\s+PASSED\s+error\s+2 rows \(within 1\.\.100\)/);
    expect(run.stdout).toMatch(/checks\/orders\s+positive_amounts\s+-\s+FAILED\s+warn\s+1 order\(s\) with a negative amount/);
    expect(run.stderr).toMatch(/! checks\/orders:check:positive_amounts\s+check failed \(warn\)/);

    const show = await runStratum(['assets', 'show', 'checks/orders', '--defs', defsPath], env);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('Checks');
    expect(show.stdout).toMatch(/positive_amounts\s+warn\s+FAILED/);
    expect(show.stdout).toMatch(/row_count\s+error\s+PASSED/);
    const json = JSON.parse((await runStratum(['assets', 'show', 'checks/orders', '--defs', defsPath, '--json'], env)).stdout);
    expect(json.checks.map((c: any) => [c.name, c.latest.outcome])).toEqual([
      ['row_count', 'passed'],
      ['positive_amounts', 'failed'],
    ]);

    const checks = await runStratum(['checks', 'run', 'checks/revenue', '--defs', defsPath, '--json'], env);
    expect(checks.code).toBe(0);
    const result = JSON.parse(checks.stdout);
    expect(result.steps.map((s: any) => [s.key, s.checks[0].outcome])).toEqual([['checks/revenue:check:freshness', 'passed']]);
    const history = JSON.parse((await runStratum(['assets', 'show', 'checks/revenue', '--defs', defsPath, '--json'], env)).stdout).history;
    expect(history).toHaveLength(1);

    const nothing = await runStratum(['checks', 'run', 'checks/nope', '--defs', defsPath], env);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('did you mean "checks/orders"');
  });
});
