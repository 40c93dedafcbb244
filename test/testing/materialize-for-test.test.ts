import { z } from 'zod';
import { asset, dailyPartitions, Definitions, inMemoryIOManager, job, NonRetryableError, op, graph, resource, resourceValue } from 'stratum';
import { createStratumTestEnvironment, materializeForTest, ValueNotMaterializedError, type StratumTestEnvironment } from 'stratum/testing';

/** A user's definitions: a warehouse resource, a chain of assets, a partitioned asset, an asset that fails. */
interface Warehouse {
  rows(table: string): Promise<{ amount: number }[]>;
}
const warehouse = resource<Warehouse>({
  build: () => {
    throw new Error('the real warehouse is not reachable from tests');
  },
});

const orders = asset({ key: 'sales/orders', resources: { warehouse } }, async (_, ctx) => {
  const rows = await ctx.resources.warehouse.rows('orders');
  ctx.log.info(`read ${rows.length} orders`);
  ctx.addOutputMetadata({ rows: rows.length });
  return rows;
});
const revenue = asset({ key: 'sales/revenue', ins: { orders }, config: z.object({ vat: z.number().default(0) }) }, ({ orders }, ctx) =>
  orders.reduce((sum, o) => sum + o.amount, 0) * (1 + ctx.config.vat),
);
const report = asset({ key: 'sales/report', ins: { revenue } }, ({ revenue }) => ({ title: 'Revenue', revenue }));

const days = dailyPartitions({ start: '2024-03-01', end: '2024-04-01' });
const dailyVisits = asset({ key: 'web/daily_visits', partitions: days }, (_, ctx) => ({
  day: ctx.partitionKey,
  from: ctx.partitionTimeWindow!.start.toISOString(),
}));

const broken = asset({ key: 'sales/broken', ins: { orders } }, () => {
  throw new NonRetryableError('the export format changed');
});
const afterBroken = asset({ key: 'sales/after_broken', ins: { broken } }, ({ broken }) => broken);

const defs = new Definitions({
  assets: [orders, revenue, report, dailyVisits, broken, afterBroken],
  resources: { warehouse },
});

const fakeWarehouse: Warehouse = { rows: async () => [{ amount: 10 }, { amount: 32 }] };

describe('materializeForTest (one shared server per test file)', () => {
  test('materializes an asset chain through the real workflows and returns each value, typed by its asset', async () => {
    const result = await materializeForTest(defs, { selection: '*sales/report', resources: { warehouse: fakeWarehouse }, config: { 'sales/revenue': { vat: 0.5 } } });

    expect(result.success).toBe(true);
    expect(result.error).toBeNull();
    expect(result.steps.map((s) => [s.key, s.status])).toEqual([
      ['sales/orders', 'succeeded'],
      ['sales/revenue', 'succeeded'],
      ['sales/report', 'succeeded'],
    ]);
    const total: number = result.valueOf(revenue);
    expect(total).toBe(63);
    expect(result.valueOf(report)).toEqual({ title: 'Revenue', revenue: 63 });
    expect(result.valueOf('sales/orders')).toEqual([{ amount: 10 }, { amount: 32 }]);
    expect(result.materializations.find((m) => m.assetKey === 'sales/orders')?.metadata).toEqual({ rows: 2 });
    expect(result.logs.map((l) => [l.stepKey, l.message])).toEqual([['sales/orders', 'read 2 orders']]);
    expect(() => result.valueOf(dailyVisits)).toThrow(ValueNotMaterializedError);
  });

  test('materializes one partition of a partitioned asset', async () => {
    const result = await materializeForTest(defs, { selection: 'web/daily_visits', partitionKey: '2024-03-05' });

    expect(result.success).toBe(true);
    expect(result.partitionKey).toBe('2024-03-05');
    expect(result.valueOf(dailyVisits)).toEqual({ day: '2024-03-05', from: '2024-03-05T00:00:00.000Z' });
    expect(result.valueOf(dailyVisits, '2024-03-05')).toEqual(result.valueOf(dailyVisits));
    expect(() => result.valueOf(dailyVisits, '2024-03-06')).toThrow(/did not materialize "web\/daily_visits" for partition "2024-03-06"/);
  });

  test('a failing asset gives a failed result with its error, skips what depends on it, and keeps the values made before', async () => {
    const result = await materializeForTest(defs, { selection: 'sales/orders*', resources: { warehouse: resourceValue(fakeWarehouse) } });

    expect(result.success).toBe(false);
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/the export format changed/);
    expect(result.step(broken)?.status).toBe('failed');
    expect(result.step(afterBroken)?.status).toBe('skipped');
    expect(result.step(revenue)?.status).toBe('succeeded');
    expect(result.valueOf(revenue)).toBe(42);
    expect(() => result.valueOf(afterBroken)).toThrow(/its step skipped/);
  });

  test('requests that cannot be planned are refused, not returned as failed runs', async () => {
    await expect(materializeForTest(defs, { selection: 'web/daily_visits' })).rejects.toThrow(/partition/i);
    await expect(materializeForTest(defs, { selection: 'sales/revnue' })).rejects.toThrow(/sales\/revenue/);
  });

  test('an array of assets is materialized as Definitions of them, with the given resources', async () => {
    const result = await materializeForTest([orders, revenue], { resources: { warehouse: fakeWarehouse } });
    expect(result.valueOf(revenue)).toBe(42);
  });
});

describe('createStratumTestEnvironment (a server whose life the test controls)', () => {
  let env: StratumTestEnvironment;
  beforeAll(async () => {
    env = await createStratumTestEnvironment();
  });
  afterAll(() => env?.teardown());

  test('test resources win over a job\'s own, and a flaky asset fails at once with retries off', async () => {
    const jobWarehouse = resourceValue<Warehouse>({ rows: async () => [{ amount: 1 }] });
    const total = op({ name: 'total', resources: { warehouse } }, async (_, ctx) => (await ctx.resources.warehouse.rows('orders')).length);
    const countJob = job({ name: 'count_orders', graph: graph('count', (g) => {
        g.add(total);
      }), resources: { warehouse: jobWarehouse } });
    let calls = 0;
    const flaky = asset({ key: 'flaky', retry: { maximumAttempts: 5 } }, () => {
      calls += 1;
      throw new Error(`attempt ${calls} failed`);
    });
    const jobDefs = new Definitions({ assets: [flaky], jobs: [countJob], resources: { warehouse } });

    const tablesRead: string[] = [];
    const testWarehouse: Warehouse = { rows: async (table) => (tablesRead.push(table), []) };
    const jobRun = await env.materialize(jobDefs, { job: 'count_orders', resources: { warehouse: testWarehouse } });
    expect(jobRun.success).toBe(true);
    expect(jobRun.step('count_orders.total')?.status).toBe('succeeded');
    expect(tablesRead).toEqual(['orders']);

    const flakyRun = await env.materialize(jobDefs, { selection: 'flaky', retries: false });
    expect(flakyRun.success).toBe(false);
    expect(flakyRun.step(flaky)?.attempts).toBe(1);
    expect(calls).toBe(1);
  });

  test('definitions that bring their own default IO manager keep it', async () => {
    const store = inMemoryIOManager();
    const own = new Definitions({ assets: [orders], resources: { warehouse: resourceValue(fakeWarehouse) }, ioManagers: { default: store } });
    const result = await env.materialize(own);
    expect(result.success).toBe(true);
    expect(store.values.get('assets/sales/orders/__all__')).toEqual([{ amount: 10 }, { amount: 32 }]);
  });
});
