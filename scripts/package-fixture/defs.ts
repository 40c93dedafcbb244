// A user's definitions module, as in the README's "Use Stratum in your own project".
import { z } from 'zod';
import { asset, dailyPartitions, Definitions } from 'stratum';

const days = dailyPartitions({ start: '2024-01-01', end: '2024-02-01' });

/** Orders of one day (a real asset would query a database). */
export const orders = asset({ key: 'shop/orders', partitions: days, output: z.array(z.object({ id: z.string(), amount: z.number() })) }, (_, ctx) => {
  const day = ctx.partitionKey;
  return [1, 2, 3].map((n) => ({ id: `${day}-${n}`, amount: n * 10 }));
});

/** Revenue of the same day, typed from `orders`. */
export const revenue = asset({ key: 'shop/revenue', partitions: days, ins: { orders } }, ({ orders }) => orders.reduce((sum, o) => sum + o.amount, 0));

/** An unpartitioned asset: the currencies the shop sells in. */
export const currencies = asset({ key: 'shop/currencies' }, () => ['EUR', 'USD']);

export default new Definitions({ assets: [orders, revenue, currencies] });
