import { RunFailedError, type RunHandle } from '../client/stratum-client';
import { asset, dailyPartitions, Definitions, dynamicPartitions, inMemoryIOManager, multiPartitions, multiToSingleDimensionMapping, NonRetryableError, PartitionKeyError, type RunResult, staticPartitions, timeWindowMapping, upstream } from '../sdk';
import { StratumSearchAttributes } from '../sdk/protocol/search-attributes';
import {
  addDynamicPartitions,
  InvalidDynamicPartitionKeyError,
  removeDynamicPartitions,
  UnknownDynamicPartitionsError,
} from '../client/dynamic-partitions';
import { startTestStratum, type TestStratum } from './harness/stratum-test-worker';
import { countWorkflows } from './harness/wait';

const memory = inMemoryIOManager();
const stored = (assetKey: string, partitionKey: string | null) => memory.values.get(['assets', assetKey, partitionKey ?? '__all__'].join('/'));

/** Three days: 2024-01-01, 2024-01-02, 2024-01-03 (the end is exclusive). */
const days = dailyPartitions({ start: '2024-01-01', end: '2024-01-04' });

const sales = asset({ key: 'part/sales', partitions: days }, (_, ctx) => ({ day: ctx.partitionKey!, total: 100 + Number(ctx.partitionKey!.slice(-2)) }));
const salesDelta = asset(
  { key: 'part/sales_delta', partitions: days, ins: { yesterday: upstream(sales, timeWindowMapping({ startOffset: -1, endOffset: -1 })), today: sales } },
  ({ yesterday, today }) => ({ yesterday: (yesterday as typeof today | null) ?? null, today }),
);
const salesReport = asset({ key: 'part/sales_report', ins: { sales } }, ({ sales }) => sales);

const newYorkDays = dailyPartitions({ start: '2024-03-01', timezone: 'America/New_York' });
const newYorkWindow = asset({ key: 'part/ny_window', partitions: newYorkDays }, (_, ctx) => {
  const window = ctx.partitionTimeWindow!;
  return { start: window.start.toISOString(), end: window.end.toISOString(), hours: (window.end.getTime() - window.start.getTime()) / 3_600_000 };
});

const regions = staticPartitions(['us', 'eu', 'ap']);
const byRegion = asset({ key: 'part/by_region', partitions: regions }, (_, ctx) => ({ region: ctx.partitionKey, keys: ctx.partitionKeys, window: ctx.partitionTimeWindow }));

const dateAndRegion = multiPartitions({ date: days, region: staticPartitions(['us', 'eu']) });
const ordersByRegion = asset({ key: 'part/orders_by_region', partitions: dateAndRegion }, (_, ctx) => ({
  ...dateAndRegion.splitKey(ctx.partitionKey!),
  windowStart: ctx.partitionTimeWindow?.start.toISOString() ?? null,
}));
const ordersDaily = asset(
  { key: 'part/orders_daily', partitions: days, ins: { orders: upstream(ordersByRegion, multiToSingleDimensionMapping({ dimension: 'date' })) }, retry: { maximumAttempts: 1 } },
  ({ orders }) => orders,
);

const customers = dynamicPartitions({ name: 'customers' });
const customerOrders = asset({ key: 'part/customer_orders', partitions: customers }, (_, ctx) => ({ customer: ctx.partitionKey }));

const flakyDay = asset({ key: 'part/flaky_day', partitions: days, retry: { maximumAttempts: 1 } }, (_, ctx) => {
  if (ctx.partitionKey === '2024-01-02') throw new Error(`no data for ${ctx.partitionKey}`);
  return ctx.partitionKey;
});
const brokenRange = asset({ key: 'part/broken_range', partitions: days, retry: { maximumAttempts: 1 } }, (_, ctx) => {
  throw new NonRetryableError(`cannot process ${ctx.partitionKeys.join(', ')}`);
});
const customerBroken = asset({ key: 'part/customer_broken', partitions: customers, retry: { maximumAttempts: 1 } }, (_, ctx) => {
  throw new NonRetryableError(`no orders for ${ctx.partitionKeys.join(', ')}`);
});
const unpartitionedBroken = asset({ key: 'part/unpartitioned_broken', retry: { maximumAttempts: 1 } }, () => {
  throw new NonRetryableError('the warehouse is down');
});

const defs = new Definitions({
  assets: [sales, salesDelta, salesReport, newYorkWindow, byRegion, ordersByRegion, ordersDaily, customerOrders, flakyDay, brokenRange, customerBroken, unpartitionedBroken],
  ioManagers: { default: memory },
});

let t: TestStratum;
beforeAll(async () => {
  t = await startTestStratum(defs, { prefix: 'partitioned' });
});
afterAll(async () => {
  await t?.stop();
});

/**
 * The run's result, or after `ms` an error naming what the run is stuck on (the last failure of
 * its pending activities); the stuck workflow is terminated so no poll outlives the test.
 */
async function withinOrTerminate(run: RunHandle, ms: number): Promise<RunResult> {
  const result = run.result();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  const first = await Promise.race([result.then(() => 'done' as const, () => 'done' as const), timedOut]);
  clearTimeout(timer);
  if (first === 'done') return result;
  const pending = (await run.handle.describe()).raw.pendingActivities ?? [];
  const stuck = pending.map((a) => `${a.activityType?.name} (attempt ${a.attempt}): ${a.lastFailure?.message ?? 'no failure yet'}`).join('; ');
  await run.handle.terminate('stuck run terminated by test/partitioned.test.ts');
  await result.catch(() => undefined);
  throw new Error(`The run did not finish within ${ms} ms; pending activities: ${stuck || 'none'}`);
}

/** The error a run's failure carries for one step. */
async function failedStep(promise: Promise<unknown>, stepKey: string) {
  const error = await promise.then(
    () => {
      throw new Error(`the run of ${stepKey} was expected to fail`);
    },
    (e: unknown) => e,
  );
  if (!(error instanceof RunFailedError)) throw error;
  const step = (error as RunFailedError).result!.steps.find((s) => s.key === stepKey)!;
  expect(step.status).toBe('failed');
  return step;
}

describe('partitioned assets on a real Temporal dev server', () => {
  test('materializes one partition: the step, the stored value, the catalog row and the search attribute carry its key', async () => {
    const run = await t.stratum.start({ selection: 'part/sales', partitionKey: '2024-01-01' });
    const result = await run.result();
    expect(result.status).toBe('succeeded');
    expect(result.partitionKey).toBe('2024-01-01');
    expect(result.steps[0]!.materializations.map((m) => [m.assetKey, m.partitionKey])).toEqual([['part/sales', '2024-01-01']]);
    expect(stored('part/sales', '2024-01-01')).toEqual({ day: '2024-01-01', total: 101 });
    expect(stored('part/sales', '2024-01-02')).toBeUndefined();
    expect((await t.catalog.latestMaterialization('part/sales', '2024-01-01'))?.runId).toBe(result.runId);
    expect(await t.catalog.latestMaterialization('part/sales', '2024-01-02')).toBeNull();
    const description = await run.handle.describe();
    expect(description.typedSearchAttributes.get(StratumSearchAttributes.partition)).toBe('2024-01-01');
    expect(await description.staticSummary()).toBe('Materialize part/sales [2024-01-01]');
  });

  test("timeWindowMapping({ startOffset: -1, endOffset: -1 }) reads yesterday's partition, and null on the first partition", async () => {
    await t.stratum.materialize({ selection: 'part/sales', partitionKey: '2024-01-01' });
    const first = await t.stratum.materialize({ selection: 'part/sales_delta', partitionKey: '2024-01-01' });
    expect(first.status).toBe('succeeded');
    expect(stored('part/sales_delta', '2024-01-01')).toEqual({ yesterday: null, today: { day: '2024-01-01', total: 101 } });

    await t.stratum.materialize({ selection: 'part/sales', partitionKey: '2024-01-02' });
    await t.stratum.materialize({ selection: 'part/sales_delta', partitionKey: '2024-01-02' });
    expect(stored('part/sales_delta', '2024-01-02')).toEqual({ yesterday: { day: '2024-01-01', total: 101 }, today: { day: '2024-01-02', total: 102 } });
  });

  test('an unpartitioned asset reading a daily asset through the default mapping gets a record of every partition', async () => {
    for (const day of ['2024-01-01', '2024-01-02', '2024-01-03']) {
      expect((await t.stratum.materialize({ selection: 'part/sales', partitionKey: day })).status).toBe('succeeded');
    }
    const result = await t.stratum.materialize({ selection: 'part/sales_report' });
    expect(result.status).toBe('succeeded');
    expect(result.partitionKey).toBeNull();
    expect(stored('part/sales_report', null)).toEqual({
      '2024-01-01': { day: '2024-01-01', total: 101 },
      '2024-01-02': { day: '2024-01-02', total: 102 },
      '2024-01-03': { day: '2024-01-03', total: 103 },
    });
  });

  test('ctx.partitionTimeWindow of a New York day follows DST: 23 hours on 2024-03-10, 25 on 2024-11-03', async () => {
    await t.stratum.materialize({ selection: 'part/ny_window', partitionKey: '2024-03-10' });
    expect(stored('part/ny_window', '2024-03-10')).toEqual({ start: '2024-03-10T05:00:00.000Z', end: '2024-03-11T04:00:00.000Z', hours: 23 });
    await t.stratum.materialize({ selection: 'part/ny_window', partitionKey: '2024-11-03' });
    expect(stored('part/ny_window', '2024-11-03')).toEqual({ start: '2024-11-03T04:00:00.000Z', end: '2024-11-04T05:00:00.000Z', hours: 25 });
  });

  test('static partitions: a listed key runs, another is refused naming the valid keys', async () => {
    const result = await t.stratum.materialize({ selection: 'part/by_region', partitionKey: 'eu' });
    expect(result.status).toBe('succeeded');
    expect(stored('part/by_region', 'eu')).toEqual({ region: 'eu', keys: ['eu'], window: null });
    const error = await t.stratum.start({ selection: 'part/by_region', partitionKey: 'asia' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartitionKeyError);
    expect((error as Error).message).toContain('valid keys are us, eu, ap');
  });

  test('two dimensions: one date × region key runs, and a daily asset reads every region of its date through multiToSingleDimensionMapping', async () => {
    const result = await t.stratum.materialize({ selection: 'part/orders_by_region', partitionKey: '2024-01-02|eu' });
    expect(result.status).toBe('succeeded');
    expect(result.steps[0]!.materializations[0]!.partitionKey).toBe('2024-01-02|eu');
    expect(stored('part/orders_by_region', '2024-01-02|eu')).toEqual({ date: '2024-01-02', region: 'eu', windowStart: '2024-01-02T00:00:00.000Z' });

    // The us region of that date was never materialized: the downstream day cannot be read whole.
    const step = await failedStep(t.stratum.materialize({ selection: 'part/orders_daily', partitionKey: '2024-01-02' }), 'part/orders_daily');
    expect(step.error).toContain('2024-01-02|us');
    expect(step.attempts).toBe(1);

    await t.stratum.materialize({ selection: 'part/orders_by_region', partitionKey: '2024-01-02|us' });
    const daily = await t.stratum.materialize({ selection: 'part/orders_daily', partitionKey: '2024-01-02' });
    expect(daily.status).toBe('succeeded');
    expect(stored('part/orders_daily', '2024-01-02')).toEqual({
      '2024-01-02|us': { date: '2024-01-02', region: 'us', windowStart: '2024-01-02T00:00:00.000Z' },
      '2024-01-02|eu': { date: '2024-01-02', region: 'eu', windowStart: '2024-01-02T00:00:00.000Z' },
    });

    // Dimensions in the wrong order are refused with the shape of a key.
    await expect(t.stratum.start({ selection: 'part/orders_by_region', partitionKey: 'eu|2024-01-02' })).rejects.toThrow(PartitionKeyError);
  });

  test('dynamic partitions: an unknown key is refused before any workflow starts, telling to add it; once added it runs', async () => {
    const before = await countWorkflows(t.client, t.taskQueue);
    const error = await t.stratum.start({ selection: 'part/customer_orders', partitionKey: 'acme' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartitionKeyError);
    expect((error as Error).message).toContain('stratum partitions add customers acme');
    expect((error as Error).message).toContain('it has no keys yet');
    expect(await countWorkflows(t.client, t.taskQueue)).toBe(before);

    expect(await addDynamicPartitions(t.catalog, defs, 'customers', ['acme', 'globex', 'acme'])).toEqual({
      name: 'customers',
      added: ['acme', 'globex'],
      alreadyPresent: [],
      assetKeys: ['part/customer_orders', 'part/customer_broken'],
    });
    expect((await addDynamicPartitions(t.catalog, defs, 'customers', ['globex', 'initech'])).alreadyPresent).toEqual(['globex']);
    expect(await t.catalog.dynamicPartitionKeys('customers')).toEqual(['acme', 'globex', 'initech']);

    const result = await t.stratum.materialize({ selection: 'part/customer_orders', partitionKey: 'acme' });
    expect(result.status).toBe('succeeded');
    expect(stored('part/customer_orders', 'acme')).toEqual({ customer: 'acme' });

    expect(await removeDynamicPartitions(t.catalog, defs, 'customers', ['globex', 'nobody'])).toEqual({
      name: 'customers',
      removed: ['globex'],
      notFound: ['nobody'],
      assetKeys: ['part/customer_orders', 'part/customer_broken'],
    });
    await expect(t.stratum.start({ selection: 'part/customer_orders', partitionKey: 'globex' })).rejects.toThrow(/stratum partitions add customers globex/);
  });

  test('dynamic partitions refuse names no asset uses (listing the known ones) and keys that cannot be keys', async () => {
    const unknown = await addDynamicPartitions(t.catalog, defs, 'customer', ['x']).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(UnknownDynamicPartitionsError);
    expect((unknown as Error).message).toContain('Known dynamic partitions names: customers');
    expect((unknown as Error).message).toContain('Did you mean "customers"');
    await expect(removeDynamicPartitions(t.catalog, defs, 'suppliers', ['x'])).rejects.toThrow(UnknownDynamicPartitionsError);

    for (const bad of ['', 'a|b', '2024-01-01...2024-01-03', ' padded']) {
      const error = await addDynamicPartitions(t.catalog, defs, 'customers', ['fine', bad]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidDynamicPartitionKeyError);
      expect((error as InvalidDynamicPartitionKeyError).problems.map((p) => p.key)).toEqual([bad]);
    }
    await expect(addDynamicPartitions(t.catalog, defs, 'customers', [])).rejects.toThrow(/at least one partition key/);
    expect(await t.catalog.dynamicPartitionKeys('customers')).not.toContain('fine');
  });

  test('a key outside its definition is refused naming the valid range, and no workflow starts', async () => {
    const before = await countWorkflows(t.client, t.taskQueue);
    for (const key of ['2024-01-04', '2023-12-31']) {
      const error = await t.stratum.start({ selection: 'part/sales', partitionKey: key }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PartitionKeyError);
      expect((error as PartitionKeyError).problem).toBe('out-of-range');
      expect((error as Error).message).toContain('valid keys run from 2024-01-01 to 2024-01-03');
    }
    const malformed = await t.stratum.start({ selection: 'part/sales', partitionKey: '01/02/2024' }).catch((e: unknown) => e);
    expect((malformed as PartitionKeyError).problem).toBe('format');
    await expect(t.stratum.start({ selection: 'part/sales' })).rejects.toThrow(/--partition KEY/);
    await expect(t.stratum.start({ selection: 'part/sales_report', partitionKey: '2024-01-01' })).rejects.toThrow(/None of the selected assets is partitioned/);
    expect(await countWorkflows(t.client, t.taskQueue)).toBe(before);
  });

  test('catalog partitionStatuses reflect materialized and failed partitions', async () => {
    expect((await t.stratum.materialize({ selection: 'part/flaky_day', partitionKey: '2024-01-01' })).status).toBe('succeeded');
    const step = await failedStep(t.stratum.materialize({ selection: 'part/flaky_day', partitionKey: '2024-01-02' }), 'part/flaky_day');
    expect(step.error).toContain('no data for 2024-01-02');
    expect(step.attempts).toBe(1);

    const statuses = await t.catalog.partitionStatuses('part/flaky_day', days.keys({ now: new Date() }));
    expect([...statuses.keys()].sort()).toEqual(['2024-01-01', '2024-01-02']);
    expect(statuses.get('2024-01-01')!.status).toBe('materialized');
    expect(statuses.get('2024-01-02')!.status).toBe('failed');
    expect(statuses.get('2024-01-02')!.error).toContain('no data for 2024-01-02');
    expect(await t.catalog.partitionSummary('part/flaky_day')).toEqual({ materialized: 1, failed: 1 });
  });

  test('a failed unpartitioned step in a partitioned run is recorded as the unpartitioned asset failing, not as a partition of it', async () => {
    await failedStep(t.stratum.materialize({ selection: 'part/sales,part/unpartitioned_broken', partitionKey: '2024-01-03' }), 'part/unpartitioned_broken');
    // Not a partition "2024-01-03" of an asset that has no partitions…
    expect([...(await t.catalog.partitionStatuses('part/unpartitioned_broken')).keys()]).toEqual([]);
    // …but the unpartitioned asset itself.
    expect((await t.catalog.partitionStatus('part/unpartitioned_broken', null))?.status).toBe('failed');
  });

  test('a failed range run marks every partition of its range failed', async () => {
    const step = await failedStep(t.stratum.materialize({ selection: 'part/broken_range', partitionRange: { from: '2024-01-01', to: '2024-01-03' } }), 'part/broken_range');
    expect(step.error).toContain('cannot process 2024-01-01, 2024-01-02, 2024-01-03');
    const statuses = await t.catalog.partitionStatuses('part/broken_range');
    expect([...statuses].map(([key, s]) => [key, s.status]).sort()).toEqual([
      ['2024-01-01', 'failed'],
      ['2024-01-02', 'failed'],
      ['2024-01-03', 'failed'],
    ]);
  });

  test('a failed range run over dynamic partitions finishes and marks the partitions of its range failed', async () => {
    await addDynamicPartitions(t.catalog, defs, 'customers', ['acme', 'initech']);
    const run = await t.stratum.start({ selection: 'part/customer_broken', partitionRange: { from: 'acme', to: 'initech' } });
    const step = await failedStep(withinOrTerminate(run, 30_000), 'part/customer_broken');
    expect(step.error).toContain('no orders for acme, initech');
    const statuses = await t.catalog.partitionStatuses('part/customer_broken');
    expect([...statuses].map(([key, s]) => [key, s.status]).sort()).toEqual([
      ['acme', 'failed'],
      ['initech', 'failed'],
    ]);
  });
});
