import { z } from 'zod';
import { captureError } from './harness/wait';
import {
  asset,
  AssetCycleError,
  assetJob,
  ConfigValidationError,
  Definitions,
  DuplicateKeyError,
  graph,
  InvalidConfigSchemaError,
  InvalidDefinitionError,
  job,
  MissingUpstreamError,
  multiAsset,
  op,
  resource,
  UnknownResourceError,
  hourlyPartitions,
  dailyPartitions,
  staticPartitions,
  timeWindowMapping,
  upstream,
  PartitionMappingError,
} from '../sdk';

const noop = () => 1;

describe('Definitions validation', () => {
  test('duplicate keys are all listed', () => {
    const a1 = asset({ key: 'orders' }, noop);
    const a2 = asset({ key: 'orders' }, noop);
    const b1 = asset({ key: 'sales/revenue' }, noop);
    const b2 = asset({ key: ['sales', 'revenue'] }, noop);
    const error = captureError(() => new Definitions({ assets: [a1, a2, b1, b2] }));
    expect(error).toBeInstanceOf(DuplicateKeyError);
    expect((error as DuplicateKeyError).collisions.map((c) => c.key).sort()).toEqual(['orders', 'sales/revenue']);
    expect(error.message).toMatch(/"orders" is defined by asset "orders" and asset "orders"/);
    expect(error.message).toMatch(/"sales\/revenue"/);
  });

  test('a multi-asset output colliding with an asset is a duplicate', () => {
    const orders = asset({ key: 'orders' }, noop);
    const split = multiAsset({ name: 'split', outs: { a: { key: 'orders' }, b: { key: 'returns' } } }, () => ({ a: 1, b: 2 }));
    expect(() => new Definitions({ assets: [orders, split] })).toThrow(DuplicateKeyError);
  });

  test('missing upstream names the asset and the dependency', () => {
    const orders = asset({ key: 'orders' }, () => [1, 2]);
    const revenue = asset({ key: 'revenue', ins: { orders } }, ({ orders }) => orders.length);
    const error = captureError(() => new Definitions({ assets: [revenue] }));
    expect(error).toBeInstanceOf(MissingUpstreamError);
    expect(error.message).toContain('"revenue" depends on "orders"');
    expect(error.message).toContain('Add the upstream asset');
  });

  test('a cycle is refused and named', () => {
    const a = asset({ key: 'a', deps: ['c'] }, noop);
    const b = asset({ key: 'b', deps: [a] }, noop);
    const c = asset({ key: 'c', deps: [b] }, noop);
    const error = captureError(() => new Definitions({ assets: [a, b, c] }));
    expect(error).toBeInstanceOf(AssetCycleError);
    expect((error as AssetCycleError).cycle).toEqual(['a', 'b', 'c', 'a']);
    expect(error.message).toContain('a -> b -> c -> a');
  });

  test('an unknown resource is refused with a near match', () => {
    const warehouse = resource({ build: () => ({ query: () => [] }) });
    const orders = asset({ key: 'orders', resources: { warehouse } }, (_, ctx) => ctx.resources.warehouse.query());
    // @ts-expect-error: the misspelt binding is also a type error (warehouse is required)
    const error = captureError(() => new Definitions({ assets: [orders], resources: { warehous: warehouse } }));
    expect(error).toBeInstanceOf(UnknownResourceError);
    expect(error.message).toContain('asset "orders" requires resource "warehouse" (did you mean "warehous"?)');
  });

  test('an unknown IO manager is refused', () => {
    const orders = asset({ key: 'orders', ioManager: 's3' }, noop);
    expect(() => new Definitions({ assets: [orders] })).toThrow(/requires IO manager "s3"/);
  });

  test('a config that is not a zod schema is refused', () => {
    const error = captureError(() => asset({ key: 'orders', config: { limit: 10 } as any }, noop));
    expect(error).toBeInstanceOf(InvalidConfigSchemaError);
    expect(error.message).toContain('asset "orders"');
    expect(error.message).toContain('not a zod schema');
  });

  test('job config that fails its op schema is refused when definitions load', () => {
    const extract = op({ name: 'extract', config: z.object({ limit: z.number() }) }, (_, ctx) => ctx.config.limit);
    const etl = graph('etl', (g) => {
      g.add(extract);
    });
    const error = captureError(() => new Definitions({ jobs: [job({ name: 'etl_job', graph: etl, config: { extract: { limit: 'ten' } } })] }));
    expect(error).toBeInstanceOf(InvalidConfigSchemaError);
    expect(error.message).toContain('extract.limit');
  });

  test('a mapping declared to yield one partition that yields many is refused', () => {
    const hourly = asset({ key: 'hourly', partitions: hourlyPartitions({ start: '2024-01-01-00:00' }) }, () => 1);
    const daily = asset({ key: 'daily', partitions: dailyPartitions({ start: '2024-01-01' }), ins: { h: upstream(hourly, timeWindowMapping({ startOffset: 0, endOffset: 0 })) } }, ({ h }) => h);
    const error = captureError(() => new Definitions({ assets: [hourly, daily] }));
    expect(error).toBeInstanceOf(PartitionMappingError);
    expect(error.message).toContain('asset "daily" input "h" on "hourly"');
  });

  test('time-window partitions against static partitions need an explicit mapping', () => {
    const regions = asset({ key: 'regions', partitions: staticPartitions(['us', 'eu']) }, () => 1);
    const daily = asset({ key: 'daily', partitions: dailyPartitions({ start: '2024-01-01' }), ins: { regions } }, ({ regions }) => regions);
    expect(() => new Definitions({ assets: [regions, daily] })).toThrow(/name one on the dependency/);
  });

  test('invalid asset keys are refused', () => {
    expect(() => asset({ key: 'bad key' }, noop)).toThrow(InvalidDefinitionError);
    expect(() => asset({ key: 'a.b' }, noop)).toThrow(/Use segments of letters/);
  });

  test('a graph node missing an input is refused', () => {
    const source = op({ name: 'source' }, () => [1]);
    const sink = op({ name: 'sink', ins: { rows: z.array(z.number()), other: z.number() } }, ({ rows }) => rows.length);
    expect(() =>
      graph('g', (g) => {
        const rows = g.add(source);
        g.add(sink, { rows } as any);
      }),
    ).toThrow(/missing input other/);
  });

  test('asset jobs resolve their selection when planned, and key prefixes form paths', () => {
    const orders = asset({ key: 'orders', keyPrefix: 'sales' }, noop);
    const defs = new Definitions({ assets: [orders], jobs: [assetJob({ name: 'all', selection: '*' })] });
    expect([...defs.assetNodes.keys()]).toEqual(['sales/orders']);
    expect(defs.job('all')).toBeDefined();
  });

  test('a resource whose env config fails its schema names the variable', () => {
    const db = resource({ config: z.object({ port: z.number().int() }), env: { port: 'DB_PORT' }, build: (c) => c.port });
    const error = captureError(() => db.resolveConfig('db', { DB_PORT: 'abc' }));
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error.message).toContain('resources.db.port');
    expect(error.message).toContain('DB_PORT');
    expect(db.resolveConfig('db', { DB_PORT: '5432' })).toEqual({ port: 5432 });
  });
});

