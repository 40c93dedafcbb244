// A user's jest test of their assets, with Stratum's testing helpers.
import { buildAssetContext, materializeForTest } from 'stratum/testing';
import defs, { orders, revenue } from './defs';

test('revenue sums the orders of its day', async () => {
  const result = await materializeForTest(defs, { selection: 'shop/orders+', partitionKey: '2024-01-05' });
  expect(result.success).toBe(true);
  expect(result.valueOf(revenue, '2024-01-05')).toBe(60);
});

test('an asset function called directly with a built context', () => {
  const ctx = buildAssetContext({ partitionKey: '2024-01-02' });
  expect(orders.fn({}, ctx)).toHaveLength(3);
});
