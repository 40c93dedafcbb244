import { expectTypeOf } from 'expect-type';
import { z } from 'zod';
import { asset, Definitions, graph, graphAsset, job, multiAsset, op, resource, resourceParam, resourceValue, UnknownResourceError } from '../../sdk';

// Type tests: checked by `tsc --noEmit` (npm run typecheck); jest only runs the runtime asserts.
class Warehouse {
  query(sql: string): string[] {
    return [sql];
  }
}
class InMemoryWarehouse extends Warehouse {
  readonly rows: string[] = [];
}
const warehouse = resource({ build: () => new Warehouse() });
const orders = asset({ key: 'orders', resources: { warehouse } }, (_, ctx) => ctx.resources.warehouse.query('select 1'));

describe('resources declared on assets are bound by reference', () => {
  test('a binding whose value does not fit the declared resource does not compile', () => {
    // @ts-expect-error: a number is not a Warehouse
    const defs = new Definitions({ assets: [orders], resources: { warehouse: resourceValue(42) } });
    // Only the types refuse it: at run time the binding loads as before.
    expect(defs.resources.warehouse).toBeDefined();
  });

  test('a missing binding does not compile, and is still refused when definitions load', () => {
    // @ts-expect-error: warehouse is required
    expect(() => new Definitions({ assets: [orders] })).toThrow(UnknownResourceError);
    // @ts-expect-error: warehouse is required (a misspelt key does not count)
    expect(() => new Definitions({ assets: [orders], resources: { warehous: warehouse } })).toThrow(/did you mean "warehous"/);
  });

  test('the declared resource, a subtype, or a fake of the same shape binds; other keys are free', () => {
    new Definitions({ assets: [orders], resources: { warehouse } });
    new Definitions({ assets: [orders], resources: { warehouse: resourceValue(new InMemoryWarehouse()) } });
    new Definitions({ assets: [orders], resources: { warehouse: resourceValue({ query: (sql: string) => [sql] }), clock: resourceValue(() => 1) } });
    // Nothing declared: resources stay optional.
    new Definitions({ assets: [asset({ key: 'plain' }, () => 1)] });
    expectTypeOf<ConstructorParameters<typeof Definitions<[typeof orders], []>>[0]['resources']>().toMatchTypeOf<{ readonly warehouse: unknown }>();
  });

  test('a typed requirement (resourceParam) asks for a value type without importing an implementation', () => {
    const report = asset({ key: 'report', resources: { warehouse: resourceParam<Warehouse>() } }, (_, ctx) => {
      expectTypeOf(ctx.resources.warehouse).toEqualTypeOf<Warehouse>();
      return ctx.resources.warehouse.query('x').length;
    });
    new Definitions({ assets: [report], resources: { warehouse: resourceValue(new InMemoryWarehouse()) } });
    // @ts-expect-error: a string is not a Warehouse
    new Definitions({ assets: [report], resources: { warehouse: resourceValue('db') } });
    expect(() => resourceParam<Warehouse>().options.build({})).toThrow(/bind its key in Definitions/);
  });

  test('several assets and kinds add up; each key must fit every declaration', () => {
    const clock = resource({ build: () => ({ now: () => 42 }) });
    const split = multiAsset({ name: 'split', outs: { a: { key: 'a' }, b: { key: 'b' } }, resources: { clock } }, (_, ctx) => ({ a: ctx.resources.clock.now(), b: 1 }));
    const read = op({ name: 'read', resources: { warehouse } }, (_, ctx) => ctx.resources.warehouse.query('q'));
    const viaGraph = graphAsset({ key: 'via_graph' }, (g) => g.add(read));
    new Definitions({ assets: [orders, split, viaGraph], resources: { warehouse, clock } });
    // @ts-expect-error: clock (required by the multi-asset) is missing
    expect(() => new Definitions({ assets: [orders, split], resources: { warehouse } })).toThrow(UnknownResourceError);
    // @ts-expect-error: the graph asset's op requires a warehouse
    new Definitions({ assets: [viaGraph], resources: { warehouse: clock } });
  });

  test('op jobs require their ops resources, less the job resources', () => {
    const read = op({ name: 'read', resources: { warehouse } }, (_, ctx) => ctx.resources.warehouse.query('q'));
    const reads = graph('reads', (g) => g.add(read));
    new Definitions({ jobs: [job({ name: 'reads_job', graph: reads })], resources: { warehouse } });
    // @ts-expect-error: the job's op requires warehouse
    expect(() => new Definitions({ jobs: [job({ name: 'reads_job', graph: reads })] })).toThrow(UnknownResourceError);
    new Definitions({ jobs: [job({ name: 'reads_job', graph: reads, resources: { warehouse: resourceValue(new InMemoryWarehouse()) } })] });
    // @ts-expect-error: a job's own resources must fit its ops' too
    job({ name: 'bad_job', graph: reads, resources: { warehouse: resourceValue(7) } });
  });

  test('withOverrides checks the replacement against the declaration', () => {
    const defs = new Definitions({ assets: [orders], resources: { warehouse } });
    const fake = defs.withOverrides({ resources: { warehouse: resourceValue(new InMemoryWarehouse()) } });
    // @ts-expect-error: a number is not a Warehouse
    defs.withOverrides({ resources: { warehouse: resourceValue(1) } });
    expect(fake.resources.warehouse).not.toBe(warehouse);
  });

  test('a config schema keeps resource values typed', () => {
    const db = resource({ config: z.object({ url: z.string() }), build: ({ url }) => ({ url }) });
    const a = asset({ key: 'a', resources: { db } }, (_, ctx) => ctx.resources.db.url);
    // @ts-expect-error: the value has no url
    new Definitions({ assets: [a], resources: { db: resourceValue({ host: 'x' }) } });
    new Definitions({ assets: [a], resources: { db: db.configured({ url: 'postgres://' }) } });
  });
});
