import { z } from 'zod';
import { asset, ConfigValidationError, Definitions, graph, InvalidRunRequestError, job, op, UnknownSelectionError } from '../sdk';
import { createPlan } from '../sdk/planning/planner';
import { captureError } from './harness/wait';

const orders = asset({ key: 'orders', config: z.object({ limit: z.number().int().positive().default(10) }), retry: { maximumAttempts: 5 }, timeout: '2m' }, (_, ctx) =>
  Array.from({ length: ctx.config.limit }, (_, i) => i),
);
const customers = asset({ key: 'customers' }, () => ['a']);
const revenue = asset({ key: 'revenue', ins: { orders } }, ({ orders }) => orders.length);
const joined = asset({ key: 'joined', ins: { orders, customers } }, ({ orders, customers }) => orders.length + customers.length);
const extract = op({ name: 'extract', config: z.object({ source: z.string() }) }, (_, ctx) => [ctx.config.source]);
const load = op({ name: 'load', ins: { rows: z.array(z.string()) } }, ({ rows }) => rows.length);
const etl = graph('etl', (g) => {
  g.add(load, { rows: g.add(extract) });
});
const defs = new Definitions({
  assets: [orders, customers, revenue, joined],
  jobs: [job({ name: 'etl_job', graph: etl, config: { extract: { source: 'db' } }, maxConcurrent: 2 })],
});

describe('planner', () => {
  test('a plan is plain JSON with dependencies, retry policy and timeouts', () => {
    const plan = createPlan(defs, { selection: 'orders+', runId: 'r1' });
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(plan.steps.map((s) => s.key).sort()).toEqual(['joined', 'orders', 'revenue']);
    const step = (key: string) => plan.steps.find((s) => s.key === key)!;
    expect(step('revenue').dependsOn).toEqual(['orders']);
    expect(step('joined').dependsOn).toEqual(['orders']); // customers is not selected: read from storage
    expect(step('orders').retry.maximumAttempts).toBe(5);
    expect(step('orders').timeoutMs).toBe(120_000);
    expect(step('orders').config).toEqual({});
    expect(plan.assetKeys.sort()).toEqual(['joined', 'orders', 'revenue']);
  });

  test('config failing its schema is refused with the exact path', () => {
    const error = captureError(() => createPlan(defs, { selection: 'orders', config: { orders: { limit: -1 } } }));
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error.message).toContain('orders.limit');
    expect(error.message).toContain('nothing was started');
  });

  test('config for an unknown step suggests a near match', () => {
    expect(() => createPlan(defs, { selection: 'orders', config: { order: { limit: 1 } } })).toThrow(/no step "order" in this run \(did you mean "orders"\?\)/);
  });

  test('config for a step that takes none is refused', () => {
    expect(() => createPlan(defs, { selection: '*', config: { revenue: { x: 1 } } })).toThrow(/asset "revenue" takes no config/);
  });

  test('job plans use node names for config and merge job defaults', () => {
    const plan = createPlan(defs, { job: 'etl_job' });
    expect(plan.label).toBe('etl_job');
    expect(plan.maxConcurrent).toBe(2);
    expect(plan.steps.map((s) => [s.key, s.dependsOn])).toEqual([
      ['etl_job.extract', []],
      ['etl_job.load', ['etl_job.extract']],
    ]);
    expect(plan.steps[0]!.config).toEqual({ source: 'db' });
    expect(createPlan(defs, { job: 'etl_job', config: { extract: { source: 'api' } } }).steps[0]!.config).toEqual({ source: 'api' });
    expect(() => createPlan(defs, { job: 'etl_job', config: { extract: { source: 3 } } })).toThrow(ConfigValidationError);
  });

  test('unknown job suggests a near match', () => {
    expect(() => createPlan(defs, { job: 'etl' })).toThrow(UnknownSelectionError);
    expect(() => createPlan(defs, { job: 'etl' })).toThrow(/did you mean "etl_job"/);
  });

  test('a partition key for unpartitioned assets is refused', () => {
    expect(() => createPlan(defs, { selection: 'orders', partitionKey: '2024-01-01' })).toThrow(InvalidRunRequestError);
  });
});

