import { z } from 'zod';
import { asset, ConfigValidationError, dailyPartitions, multiAsset, resource, resourceValue, staticPartitions } from 'stratum';
import { buildAssetContext, InvalidTestContextError } from 'stratum/testing';

/** What a user's asset module might hold: a shop API resource, a partitioned asset that uses it, config, metadata. */
interface Shop {
  orders(day: string): Promise<{ id: number; amount: number }[]>;
}
const shop = resource<Shop>({ build: () => ({ orders: async () => [] }) });
const days = dailyPartitions({ start: '2024-03-01', end: '2024-04-01' });

const dailyOrders = asset(
  { key: 'sales/daily_orders', partitions: days, resources: { shop }, config: z.object({ minAmount: z.number().default(0) }) },
  async (_, ctx) => {
    const rows = (await ctx.resources.shop.orders(ctx.partitionKey!)).filter((r) => r.amount >= ctx.config.minAmount);
    ctx.log.info(`fetched ${rows.length} orders`, { day: ctx.partitionKey });
    ctx.addOutputMetadata({ rows: rows.length, window: ctx.partitionTimeWindow!.start.toISOString() });
    return rows;
  },
);

const fakeShop: Shop = {
  async orders(day) {
    return day === '2024-03-02' ? [{ id: 1, amount: 5 }, { id: 2, amount: 50 }] : [];
  },
};

describe('buildAssetContext', () => {
  test('an asset function called directly gets its partition, validated config and resources, and reports logs and metadata', async () => {
    const ctx = buildAssetContext(dailyOrders, { partitionKey: '2024-03-02', config: { minAmount: 10 }, resources: { shop: fakeShop } });

    const rows = await dailyOrders.fn({}, ctx);

    expect(rows).toEqual([{ id: 2, amount: 50 }]);
    expect(ctx.stepKey).toBe('sales/daily_orders');
    expect(ctx.assetKey).toBe('sales/daily_orders');
    expect(ctx.partitionKeys).toEqual(['2024-03-02']);
    expect(ctx.partitionTimeWindow).toEqual({ start: new Date('2024-03-02T00:00:00Z'), end: new Date('2024-03-03T00:00:00Z') });
    expect(ctx.logs.map((l) => [l.level, l.message, l.fields])).toEqual([['info', 'fetched 1 orders', { day: '2024-03-02' }]]);
    expect(ctx.outputMetadata).toEqual({ 'sales/daily_orders': { rows: 1, window: '2024-03-02T00:00:00.000Z' } });
  });

  test('config defaults come from the schema, as in a run', async () => {
    const ctx = buildAssetContext(dailyOrders, { partitionKey: '2024-03-02', resources: { shop: fakeShop } });
    expect(ctx.config).toEqual({ minAmount: 0 });
    expect(await dailyOrders.fn({}, ctx)).toHaveLength(2);
  });

  test('config that fails the schema is refused with the field named', () => {
    const build = () => buildAssetContext(dailyOrders, { partitionKey: '2024-03-02', config: { minAmount: 'ten' }, resources: { shop: fakeShop } });
    expect(build).toThrow(ConfigValidationError);
    expect(build).toThrow(/sales\/daily_orders\.minAmount/);
  });

  test('a declared resource that is not given, and a missing or unknown partition key, are refused with a fix', () => {
    expect(() => buildAssetContext(dailyOrders, { partitionKey: '2024-03-02' })).toThrow(InvalidTestContextError);
    expect(() => buildAssetContext(dailyOrders, { partitionKey: '2024-03-02' })).toThrow(/resource "shop".*resources: \{ shop: \.\.\. \}/);
    expect(() => buildAssetContext(dailyOrders, { resources: { shop: fakeShop } })).toThrow(/is partitioned .*partitionKey/);
    expect(() => buildAssetContext(dailyOrders, { partitionKey: '2023-12-31', resources: { shop: fakeShop } })).toThrow(InvalidTestContextError);
  });

  test('resource definitions are built; an async build asks for the value instead', () => {
    const counter = resource({ config: z.object({ start: z.number().default(7) }), build: ({ start }) => ({ next: () => start + 1 }) });
    const ctx = buildAssetContext({ resources: { counter, fixed: resourceValue('x') } });
    expect((ctx.resources.counter as { next(): number }).next()).toBe(8);
    expect(ctx.resources.fixed).toBe('x');

    const slow = resource({ build: async () => 1 });
    expect(() => buildAssetContext({ resources: { slow } })).toThrow(/builds asynchronously/);
  });

  test('without a definition the context takes what it is given', () => {
    const ctx = buildAssetContext<{ limit: number }>({ partitionKey: 'eu', config: { limit: 3 }, runId: 'run-1' });
    expect(ctx.config.limit).toBe(3);
    expect(ctx.partitionKey).toBe('eu');
    expect(ctx.runId).toBe('run-1');
    expect(ctx.attempt).toBe(1);
    expect(ctx.signal.aborted).toBe(false);
    ctx.setDataVersion('v7');
    expect(ctx.dataVersions).toEqual({ result: 'v7' });
  });

  test('a multi-asset gets its asset keys, and data versions per output', () => {
    const regions = staticPartitions(['us', 'eu']);
    const split = multiAsset(
      { name: 'split_orders', partitions: regions, outs: { big: { key: 'sales/big' }, small: { key: 'sales/small' } } },
      (_, ctx) => {
        ctx.setDataVersion(`big-${ctx.partitionKey}`, 'sales/big');
        return { big: [], small: [] };
      },
    );
    const ctx = buildAssetContext(split, { partitionKey: 'eu' });
    split.fn({}, ctx);
    expect(ctx.assetKey).toBeNull();
    expect(ctx.assetKeys).toEqual(['sales/big', 'sales/small']);
    expect(ctx.partitionTimeWindow).toBeNull();
    expect(ctx.dataVersions).toEqual({ 'sales/big': 'big-eu' });
  });
});
