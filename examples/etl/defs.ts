/**
 * A small sales ETL: extract orders from the CSV this example ships, clean them, aggregate
 * revenue per day and per product, and write a Markdown report. Run it with
 * `npx stratum materialize "*" --defs examples/etl/defs.ts`.
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { asset, assetCheck, assetJob, Definitions, resource, rowCountCheck, schedule, sensor } from 'stratum';

/** Where the example reads its CSV and writes its report; configurable per environment. */
const salesFiles = resource({
  config: z.object({
    dataDir: z.string().default(__dirname),
    reportDir: z.string().default(path.join(__dirname, '..', '..', '.stratum', 'reports')),
  }),
  env: { dataDir: 'SALES_DATA_DIR', reportDir: 'SALES_REPORT_DIR' },
  build: (config) => ({
    readText: (name: string) => readFile(path.join(config.dataDir, name), 'utf8'),
    async writeReport(name: string, text: string) {
      await mkdir(config.reportDir, { recursive: true });
      const file = path.join(config.reportDir, name);
      await writeFile(file, text);
      return file;
    },
  }),
});

const RawOrder = z.object({
  order_id: z.string(),
  ordered_at: z.string(),
  customer: z.string(),
  region: z.string(),
  product_id: z.string(),
  quantity: z.string(),
  unit_price: z.string(),
});

const Order = z.object({
  orderId: z.string(),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  customer: z.string(),
  region: z.enum(['north', 'south', 'east', 'west']),
  productId: z.string(),
  quantity: z.number().int().positive(),
  unitPrice: z.number().nonnegative(),
});
type Order = z.infer<typeof Order>;

/** Raw order lines, exactly as the CSV has them. */
export const rawOrders = asset(
  {
    key: 'sales/raw_orders',
    group: 'sales',
    description: 'Order lines extracted from orders.csv',
    resources: { files: salesFiles },
    output: z.array(RawOrder),
    owners: ['data-platform'],
    tags: { layer: 'bronze' },
  },
  async (_inputs, ctx) => {
    const [header, ...lines] = (await ctx.resources.files.readText('orders.csv')).trim().split('\n');
    const columns = header!.split(',');
    const rows = lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [columns[i], value])) as z.infer<typeof RawOrder>);
    ctx.addOutputMetadata({ rows: rows.length });
    ctx.log.info('extracted orders', { rows: rows.length });
    return rows;
  },
);

/** Valid, de-duplicated, typed orders. */
export const cleanOrders = asset(
  {
    key: 'sales/clean_orders',
    group: 'sales',
    ins: { raw: rawOrders },
    output: z.array(Order),
    description: 'Orders with bad quantities, missing prices and duplicates removed',
    tags: { layer: 'silver' },
  },
  ({ raw }, ctx) => {
    const seen = new Set<string>();
    const orders: Order[] = [];
    for (const row of raw) {
      const parsed = Order.safeParse({
        orderId: row.order_id,
        day: row.ordered_at.slice(0, 10),
        customer: row.customer,
        region: row.region.trim().toLowerCase(),
        productId: row.product_id,
        quantity: Number(row.quantity),
        unitPrice: row.unit_price === '' ? Number.NaN : Number(row.unit_price),
      });
      if (!parsed.success || seen.has(row.order_id)) continue;
      seen.add(row.order_id);
      orders.push(parsed.data);
    }
    ctx.addOutputMetadata({ rows: orders.length, dropped: raw.length - orders.length });
    return orders;
  },
);

/** Revenue per day. */
export const dailyRevenue = asset(
  { key: 'sales/daily_revenue', group: 'sales', ins: { orders: cleanOrders }, tags: { layer: 'gold' } },
  ({ orders }, ctx) => {
    const byDay = new Map<string, number>();
    for (const o of orders) byDay.set(o.day, (byDay.get(o.day) ?? 0) + o.quantity * o.unitPrice);
    const rows = [...byDay].sort(([a], [b]) => a.localeCompare(b)).map(([day, revenue]) => ({ day, revenue: Math.round(revenue * 100) / 100 }));
    ctx.addOutputMetadata({ rows: rows.length });
    return rows;
  },
);

/** Units and revenue per product. */
export const productSales = asset(
  { key: 'sales/product_sales', group: 'sales', ins: { orders: cleanOrders }, tags: { layer: 'gold' } },
  ({ orders }, ctx) => {
    const byProduct = new Map<string, { productId: string; units: number; revenue: number }>();
    for (const o of orders) {
      const row = byProduct.get(o.productId) ?? { productId: o.productId, units: 0, revenue: 0 };
      row.units += o.quantity;
      row.revenue = Math.round((row.revenue + o.quantity * o.unitPrice) * 100) / 100;
      byProduct.set(o.productId, row);
    }
    const rows = [...byProduct.values()].sort((a, b) => b.revenue - a.revenue);
    ctx.addOutputMetadata({ rows: rows.length });
    return rows;
  },
);

/** A Markdown report of both aggregates, written through the `files` resource. */
export const salesReport = asset(
  {
    key: 'reports/sales_report',
    group: 'reports',
    ins: { daily: dailyRevenue, products: productSales },
    resources: { files: salesFiles },
    config: z.object({ title: z.string().default('Sales report'), topProducts: z.number().int().positive().default(3) }),
  },
  async ({ daily, products }, ctx) => {
    const total = daily.reduce((sum, d) => sum + d.revenue, 0);
    const lines = [
      `# ${ctx.config.title}`,
      '',
      `Total revenue: ${total.toFixed(2)} over ${daily.length} days.`,
      '',
      '## Top products',
      ...products.slice(0, ctx.config.topProducts).map((p) => `- ${p.productId}: ${p.units} units, ${p.revenue.toFixed(2)}`),
      '',
      '## Revenue by day',
      ...daily.map((d) => `- ${d.day}: ${d.revenue.toFixed(2)}`),
    ];
    const file = await ctx.resources.files.writeReport('sales-report.md', `${lines.join('\n')}\n`);
    ctx.addOutputMetadata({ path: file, totalRevenue: Math.round(total * 100) / 100 });
    return { file, totalRevenue: Math.round(total * 100) / 100 };
  },
);

/** Everything, as one job. */
export const salesEtl = assetJob({ name: 'sales_etl', selection: '*', description: 'Extract, clean, aggregate and report' });

/** Cleaning must leave rows to aggregate: a blocking check, so an empty extract never reaches the report. */
export const cleanOrdersNotEmpty = rowCountCheck({ asset: cleanOrders, min: 1, blocking: true });

/** A warning (not blocking): days without revenue usually mean a missing extract. */
export const everyDayHasRevenue = assetCheck(
  { asset: dailyRevenue, name: 'every_day_has_revenue', severity: 'warn', description: 'each day in the extract has revenue > 0' },
  (rows) => {
    const empty = rows.filter((d) => d.revenue <= 0).map((d) => d.day);
    return { passed: empty.length === 0, metadata: { emptyDays: empty } };
  },
);

/** The whole job every morning at 06:00 UTC; `stratum dev` / `stratum deploy` create it paused: `stratum schedule unpause daily_sales_etl`. */
export const dailySalesEtl = schedule({ name: 'daily_sales_etl', job: salesEtl, cron: '0 6 * * *', defaultStatus: 'stopped' });

/**
 * Reruns the job when another system asks (`stratum sensor trigger sales_refresh --payload
 * '{"requestId":"r-1","reason":"late orders"}'`); a request id is honoured once.
 */
export const salesRefresh = sensor({
  name: 'sales_refresh',
  job: salesEtl,
  triggerSchema: z.object({ requestId: z.string().min(1), reason: z.string().default('requested') }),
  evaluate: (ctx, trigger) => {
    if (trigger.kind !== 'payload') return [];
    ctx.log.info(`refresh requested: ${trigger.payload.reason}`);
    return [{ runKey: trigger.payload.requestId, tags: { reason: trigger.payload.reason } }];
  },
  defaultStatus: 'running',
});

export default new Definitions({
  assets: [rawOrders, cleanOrders, dailyRevenue, productSales, salesReport],
  assetChecks: [cleanOrdersNotEmpty, everyDayHasRevenue],
  jobs: [salesEtl],
  schedules: [dailySalesEtl],
  sensors: [salesRefresh],
  resources: { files: salesFiles },
});
